"""The one reader of the project's YAML files: line numbers kept, repeated keys refused.

Knowledge (``policycomm/data``), the question bank (``quizzes/``) and the
rubrics are all read here, so a lecturer who breaks any of them gets the same
kind of message: the file, the line, and what to fix. Each mapping remembers
its own line (``LINE_KEY``) and the line of each of its keys (``KEY_LINES``);
:func:`strip_lines` removes both before validation, and :func:`line_at` finds
the line a validation error points at.

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

from pathlib import Path
from typing import Any, Iterable

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
