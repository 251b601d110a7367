"""The one loader of the project's YAML files: line numbers kept, repeated keys refused, pydantic errors placed.

Knowledge (``policycomm/data``), the question bank (``quizzes/``), the
rubrics and the message catalogue are all read here, so a lecturer who breaks
any of them gets the same kind of message: the file, the line, the entry, the
field, and what to fix. Each mapping remembers its own line (``LINE_KEY``) and
the line of each of its keys (``KEY_LINES``); :func:`strip_lines` removes both
before validation, :func:`line_at` finds the line a validation error points at,
and :func:`validate` / :func:`validate_list` turn pydantic's errors into
:class:`Problem` s.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "a.yaml"
>>> _ = path.write_text("items:\\n  - id: x\\n    name: X\\n", encoding="utf-8")
>>> raw = read_yaml(path)
>>> strip_lines(raw)
{'items': [{'id': 'x', 'name': 'X'}]}
>>> line_at(raw, ["items", 0, "name"])
3
>>> _ = path.write_text("id: x\\nid: y\\n", encoding="utf-8")
>>> read_yaml(path)
Traceback (most recent call last):
policycomm.yamlfile.YamlFileError: ...a.yaml:2: not valid YAML: key 'id' appears twice in one mapping (first on line 1); keep one
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

LINE_KEY = "__line__"
KEY_LINES = "__key_lines__"  # mapping key -> line of that key, kept beside LINE_KEY
_MARKERS = (LINE_KEY, KEY_LINES)


class YamlFileError(ValueError):
    """A YAML file cannot be read; ``path`` and ``line`` say where, the message says what to fix."""

    def __init__(self, path: Path, line: int | None, message: str):
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path, self.line, self.message = path, line, message


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available: 10x faster
    """A YAML loader that records the line of every mapping and of every key, and refuses repeated keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    key_lines: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in key_lines:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice in one mapping (first on line {key_lines[key]}); keep one",
                key_node.start_mark)
        key_lines[key] = key_node.start_mark.line + 1
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    mapping[KEY_LINES] = key_lines
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Read a YAML file with line markers; a broken file raises :class:`YamlFileError`."""
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LineLoader)
    except FileNotFoundError:
        raise YamlFileError(path, None, "file not found") from None
    except UnicodeDecodeError as exc:
        raise YamlFileError(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8") \
            from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlFileError(path, mark.line + 1 if mark else None,
                            f"not valid YAML: {getattr(exc, 'problem', None) or exc}") from None


def strip_lines(value: Any) -> Any:
    """``value`` without the line markers, recursively."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k not in _MARKERS}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def line_at(raw: Any, loc: Iterable) -> int | None:
    """The line of the deepest key (or mapping) on the path ``loc`` into ``raw``."""
    line, node = raw.get(LINE_KEY) if isinstance(raw, dict) else None, raw
    for part in loc:
        if isinstance(node, dict):
            line = node.get(KEY_LINES, {}).get(part, node.get(LINE_KEY, line))
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            line = node.get(LINE_KEY, line)
    return line


@dataclass(frozen=True)
class Problem:
    """One thing to fix in a YAML file: where (file, line, entry, field) and what.

    >>> str(Problem(Path("a.yaml"), 3, "x", "name", "too long"))
    "a.yaml:3: entry 'x', field 'name': too long"
    >>> str(Problem(Path("q.yaml"), None, "m01-q01", None, "no answer", kind="question"))
    "q.yaml:?: question 'm01-q01': no answer"
    """

    path: Path
    line: int | None
    entry: str | None  # the entry's id (or '#3' for the third entry); None for the whole file
    field: str | None
    message: str
    kind: str = "entry"  # what an entry is called in this file: entry, question, message

    def __str__(self) -> str:
        what = "".join([f" {self.kind} {self.entry!r}" if self.entry else "",
                        f", field '{self.field}'" if self.field else ""]).lstrip(" ,")
        return f"{self.path}:{self.line or '?'}: {what + ': ' if what else ''}{self.message}"


class LoadError(ValueError):
    """A file has problems; ``problems`` lists them all, the message shows them one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def problems_of(exc, path: Path, raw: Any, entry: str | None = None, kind: str = "entry",
                inner: Callable[[list], list] = list) -> list[Problem]:
    """:class:`Problem` s from a pydantic ``ValidationError`` about ``raw`` (a YAML value with line markers).

    ``inner(loc)`` maps pydantic's path to the path in the file (for instance to drop a union tag).
    """
    problems = []
    for err in exc.errors():
        loc = inner(list(err["loc"]))
        problems.append(Problem(path, line_at(raw, loc), entry, ".".join(map(str, loc)) or None, describe(err), kind))
    return problems


def describe(err: dict) -> str:
    """What one pydantic error says, with the value found (unless the field is missing)."""
    return err["msg"] + ("" if err["type"] == "missing" else f" (got {err.get('input')!r})")


def validate(model, raw: Any, path: Path, entry: str | None = None, kind: str = "entry"):
    """``(value, problems)``: ``raw`` validated against the pydantic ``model`` (value None when invalid)."""
    from pydantic import ValidationError

    try:
        return model.model_validate(strip_lines(raw)), []
    except ValidationError as exc:
        return None, problems_of(exc, path, raw, entry, kind)


def validate_list(model, raw: Any, key: str, path: Path, kind: str = "entry") -> tuple[list, list[Problem]]:
    """``(entries, problems)``: every entry of the list ``raw[key]`` validated against ``model``.

    One broken entry hides no other problem; entries are named by their ``id`` (or ``#n``).
    """
    if not isinstance(raw, dict) or not isinstance(raw.get(key), list):
        return [], [Problem(path, 1, None, None, f"expected a top-level key '{key}:' holding a list of entries")]
    entries, problems = [], []
    for index, item in enumerate(raw[key]):
        name = item.get("id", f"#{index + 1}") if isinstance(item, dict) else f"#{index + 1}"
        value, found = validate(model, item, path, name, kind)
        if value is not None:
            entries.append(value)
        problems += [p if p.field else Problem(p.path, p.line, p.entry, "(entry)", p.message, kind) for p in found]
    return entries, problems
