"""The message catalogue: loaded whole, validated like the knowledge files, never changed, both languages complete."""
import importlib
import pkgutil
import re

import pytest

import policycomm
from policycomm.messages import (CatalogueError, TraineeInputError, catalogue, load_catalogue, message,
                                 set_language)

#: letters that only Vietnamese uses (English text must not contain them outside quoted examples)
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)
QUOTED = re.compile(r"“[^”]*”")


class Anything(float):
    """A field value that every format spec accepts (numbers, percentages, !r, strings)."""

    def __new__(cls):
        return super().__new__(cls, 0.5)

    def __format__(self, spec):
        return format(0.5, spec) if spec else "X"


def _fields(template):
    return {name: Anything() for name in template.fields}


def test_every_code_renders_in_both_languages_and_english_has_no_vietnamese_outside_quotes():
    table = catalogue()
    assert len(table) > 80
    for code, template in table.items():
        vi = message(code, "vi", **_fields(template))
        en = message(code, "en", **_fields(template))
        assert vi.strip() and en.strip(), code
        assert not VIETNAMESE.search(QUOTED.sub("", en)), f"{code} ({template.where}): Vietnamese in English: {en}"


def test_set_language_switches_errors_and_messages():
    error = TraineeInputError("radio_bad_seconds", value="abc")
    try:
        set_language("en")
        assert str(error) == "The reading time must be a positive number of seconds, e.g. 21, not 'abc'."
    finally:
        set_language("vi")
    assert str(error).startswith("Số giây đọc")
    assert error.code == "radio_bad_seconds" and error.fields == {"value": "abc"}


def test_no_module_changes_the_catalogue():
    for module in pkgutil.walk_packages(policycomm.__path__, "policycomm."):
        if module.name.endswith(("__main__", ".cli")):
            continue
        try:
            importlib.import_module(module.name)
        except ImportError:  # an optional extra that is not installed
            continue
    assert dict(catalogue()) == dict(load_catalogue())
    with pytest.raises(TypeError):
        catalogue()["new_code"] = None  # type: ignore[index]


@pytest.mark.parametrize("text, expected", [
    ('messages:\n  a:\n    vi: "Có {n} cái"\n    en: "There are {count}"\n',
     r"a\.yaml:2: message 'a': vi names the fields \['n'\] but en names \['count'\]"),
    ('messages:\n  a:\n    vi: "Có"\n', r"a\.yaml:3: message 'a', field 'en': Field required"),
    ('messages:\n  a:\n    vi: "Có"\n    en: "Yes"\n    fr: "Oui"\n', r"a\.yaml:5: message 'a', field 'fr': Extra inputs"),
    ('messages:\n  a:\n    vi: "Có"\n    en: "Yes"\n  a:\n    vi: "Có"\n    en: "Yes"\n',
     r"a\.yaml:5: not valid YAML: key 'a' appears twice"),
    ('codes: []\n', r"a\.yaml:1: expected a top-level key 'messages:'"),
])
def test_a_broken_catalogue_file_names_file_line_code_and_field(tmp_path, text, expected):
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match=expected):
        load_catalogue(tmp_path)


def test_a_code_lives_in_one_file(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text('messages:\n  same:\n    vi: "Có"\n    en: "Yes"\n', encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"b\.yaml:2: message 'same' is already defined at .*a\.yaml:2"):
        load_catalogue(tmp_path)
