"""Every sentence a trainee or lecturer reads, in Vietnamese (the default) and English.

The sentences are data: one YAML file per part of the library in this folder
(``model.yaml``, ``text.yaml``, ``grading.yaml``, …), each entry a code with a
``vi`` and an ``en`` template that name the same ``{fields}``. The catalogue is
loaded whole on first use, validated like the knowledge files (a broken entry
is named by file, line and field) and never changed afterwards. Code asks for a
message by its code; errors carry a code and fields and render in the language
of the moment.

>>> set_language("en"); message("budget_exceeded", total=12, budget=10)
'The plan costs 12 million VND, more than the budget of 10 million VND.'
>>> set_language("vi"); str(TraineeInputError("radio_bad_seconds", value="abc"))
"Số giây đọc phải là một số dương, ví dụ 21, không phải 'abc'."
"""
from __future__ import annotations

import os
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

CATALOGUE_DIR = Path(__file__).resolve().parent
LANGUAGES = ("vi", "en")

_language = os.environ.get("POLICYCOMM_LANG", "vi")


def get_language() -> str:
    """The language of messages: ``"vi"`` (default) or ``"en"``."""
    return _language


def set_language(lang: str) -> None:
    """Choose the language of every message (``"vi"`` or ``"en"``)."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"language must be 'vi' or 'en', not {lang!r}")
    _language = lang


@dataclass(frozen=True)
class Template:
    """One message: its Vietnamese and English templates and the fields both name."""

    vi: str
    en: str
    fields: frozenset = field(default=frozenset())
    where: str = ""  # file:line, for error messages

    def render(self, lang: str, **values) -> str:
        return (self.en if lang == "en" else self.vi).format(**values)


class CatalogueError(ValueError):
    """A catalogue file is broken; the message names file, line and code."""


def template_fields(text: str) -> frozenset:
    """The names of the ``{fields}`` of a template.

    >>> sorted(template_fields("{a} and {b:.0%} and {{not}}"))
    ['a', 'b']
    """
    return frozenset(name.split(".")[0].split("[")[0]
                     for _, name, _, _ in string.Formatter().parse(text) if name)


def load_catalogue(folder: Path = CATALOGUE_DIR) -> Mapping[str, Template]:
    """Read and check every ``*.yaml`` in ``folder``: both languages, the same fields, each code once."""
    from pydantic import BaseModel, ConfigDict

    from .. import yamlfile

    class Entry(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        vi: str
        en: str

    table: dict[str, Template] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            raw = yamlfile.read_yaml(path)
        except yamlfile.YamlFileError as exc:
            problems.append(str(exc))
            continue
        entries = raw.get("messages") if isinstance(raw, dict) else None
        if not isinstance(entries, dict):
            problems.append(f"{path}:1: expected a top-level key 'messages:' mapping each code to its vi and en")
            continue
        key_lines = entries.get(yamlfile.KEY_LINES, {})
        for code, item in entries.items():
            if code in (yamlfile.LINE_KEY, yamlfile.KEY_LINES):
                continue
            line = key_lines.get(code)
            value, found = yamlfile.validate(Entry, item, path, code, kind="message")
            problems += map(str, found)
            if value is None:
                continue
            vi_fields, en_fields = template_fields(value.vi), template_fields(value.en)
            if vi_fields != en_fields:
                problems.append(f"{path}:{line}: message {code!r}: vi names the fields {sorted(vi_fields)} but en "
                                f"names {sorted(en_fields)}; both languages must use the same fields")
            if not value.vi.strip() or not value.en.strip():
                problems.append(f"{path}:{line}: message {code!r}: both 'vi' and 'en' need a sentence")
            if code in table:
                problems.append(f"{path}:{line}: message {code!r} is already defined at {table[code].where}; "
                                "each code lives in one file")
                continue
            table[code] = Template(value.vi, value.en, vi_fields, f"{path}:{line}")
    if problems:
        raise CatalogueError("\n".join(problems))
    return MappingProxyType(table)


@lru_cache(maxsize=1)
def catalogue() -> Mapping[str, Template]:
    """The packaged catalogue, loaded once and read-only.

    >>> catalogue()["a_empty"].en
    'No channel chosen.'
    """
    return load_catalogue()


def message(code: str, lang: str | None = None, **fields) -> str:
    """Render message ``code`` in ``lang`` (default: the current language)."""
    try:
        template = catalogue()[code]
    except KeyError:
        raise KeyError(f"no message {code!r} in the catalogue ({CATALOGUE_DIR})") from None
    return template.render(lang or _language, **fields)


@dataclass(frozen=True)
class Bilingual:
    """A rendered message in both languages, plus the code it came from."""

    code: str
    vi: str
    en: str

    @classmethod
    def of(cls, code: str, **fields) -> "Bilingual":
        """Render ``code`` in both languages; ``fields`` values may be (vi, en) pairs."""
        def pick(i):
            return {k: (v[i] if isinstance(v, tuple) else v) for k, v in fields.items()}
        return cls(code, message(code, "vi", **pick(0)), message(code, "en", **pick(1)))

    def __str__(self) -> str:
        return self.en if _language == "en" else self.vi


@dataclass(frozen=True)
class Finding:
    """One finding of a check: ``severity`` is ``"error"``, ``"warning"``, ``"info"`` or ``"ok"``."""

    severity: str
    code: str
    message: Bilingual

    def __str__(self) -> str:
        return str(self.message)


class CodedError(ValueError):
    """An error that carries a message code and its fields; it reads in the language of the moment.

    ``fields`` values may be (vi, en) pairs, as for :meth:`Bilingual.of`.
    """

    def __init__(self, code: str, **fields):
        self.code, self.fields = code, fields
        super().__init__(code)

    @property
    def bilingual(self) -> Bilingual:
        return Bilingual.of(self.code, **self.fields)

    def __str__(self) -> str:
        return str(self.bilingual)


class TraineeInputError(CodedError):
    """A slip a trainee can make (a wrong id, a bad number); its message is kind and says what to do.

    In a notebook, :mod:`policycomm.grading.checks` shows it as one sentence, without a traceback.
    """
