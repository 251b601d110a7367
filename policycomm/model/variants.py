"""A variant of each scenario for each trainee, drawn reproducibly from the trainee's id.

An exercise with a scenario lists its *parameters* (the province, the hotline,
the figures, the details of a fake-news post …), each with a list of values
(``variants:`` of a writing rubric). A trainee's variant takes, for every
parameter, the value that the SHA-256 of (assignment, trainee id, exercise,
parameter) picks: the same trainee always gets the same variant, with no
state kept anywhere, and neighbours mostly get different ones.

Texts name a parameter as a placeholder, as :meth:`str.format` does:
``{tinh}``, ``{tinh:upper}`` (in capitals, for a letterhead) or, for a value
that is a mapping, ``{duong_day[so]}``; ``{{`` and ``}}`` are braces.

>>> values = {"tinh": ["Sơn Hà", "Lâm Giang"], "duong_day": [{"so": "0215 381 2345"}, {"so": "0216 372 4150"}]}
>>> fill("ỦY BAN NHÂN DÂN TỈNH {tinh:upper}, gọi {duong_day[so]}", variant(values, trainee=REFERENCE))
'ỦY BAN NHÂN DÂN TỈNH SƠN HÀ, gọi 0215 381 2345'
>>> variant(values, "04-thong-diep", "binh.tran", "press-release") == \\
...     variant(values, "04-thong-diep", "binh.tran", "press-release")
True

The trainee whose variant a cell shows or grades is :func:`trainee_id`.
"""
from __future__ import annotations

import hashlib
import os
import re
import string
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["REFERENCE", "TRAINEE_VARIABLE", "trainee_id", "username", "pick", "variant", "fill", "fill_all",
           "placeholders", "undefined", "parameter_problems"]

#: the trainee id of the reference variant: the first value of every parameter (the rubric as its author reads it)
REFERENCE = ""
#: the environment variable that names the trainee a grading kernel grades (set by ``policycomm grade``)
TRAINEE_VARIABLE = "POLICYCOMM_TRAINEE"
#: the format specs a placeholder may carry
SPECS = {"": str, "upper": str.upper}


def trainee_id() -> str:
    """The trainee this kernel works for: the one ``policycomm grade`` names (:data:`TRAINEE_VARIABLE`); under
    ``nbgrader autograde`` the student folder the notebook runs in (``autograded/<student>/<assignment>``);
    otherwise the trainee's own nbgrader student id (:func:`username`)."""
    named = os.environ.get(TRAINEE_VARIABLE, "").strip()
    if named:
        return named
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        return Path.cwd().parent.name
    return username()


def username() -> str:
    """The trainee's nbgrader student id, by nbgrader's rule (``nbgrader.utils.get_username``, which a cell
    does not import: importing nbgrader loads all its server extensions): the login name, or
    ``JUPYTERHUB_USER`` for the Jupyter Docker stacks' ``jovyan``."""
    import getpass

    name = getpass.getuser()
    return os.environ.get("JUPYTERHUB_USER", name) if name == "jovyan" else name


def pick(count: int, assignment: str, trainee: str, exercise: str, parameter: str) -> int:
    """The index (0 … ``count``-1) of the value of ``parameter`` for ``trainee``; 0 for :data:`REFERENCE`."""
    if trainee == REFERENCE:
        return 0
    seed = "\x1f".join((assignment, trainee, exercise, parameter)).encode("utf-8")
    return int.from_bytes(hashlib.sha256(seed).digest()[:8], "big") % count


def variant(parameters: Mapping[str, Sequence], assignment: str = "", trainee: str = REFERENCE,
            exercise: str = "") -> dict[str, Any]:
    """{parameter: value} of ``trainee``'s variant of ``exercise`` in ``assignment``."""
    return {name: values[pick(len(values), assignment, trainee, exercise, name)]
            for name, values in parameters.items()}


class _Formatter(string.Formatter):
    def format_field(self, value, format_spec):
        return SPECS[format_spec](str(value))


def parameter_problems(parameters: Mapping[str, Sequence]) -> list[str]:
    """What is wrong with a ``variants:`` section ({parameter: values}): a bad name, fewer than two values,
    mapping values whose keys differ."""
    problems = []
    for name, values in parameters.items():
        if not re.match(r"^[a-z][a-z0-9_]*$", name):
            problems.append(f"variants: {name!r} is not a parameter name (a-z, 0-9, _)")
        elif len(values) < 2:
            problems.append(f"variants: {name!r} needs at least two values")
        elif isinstance(values[0], Mapping) and any(set(v) != set(values[0]) for v in values):
            problems.append(f"variants: every value of {name!r} needs the same keys")
    return problems


def fill(text: str, values: Mapping[str, Any]) -> str:
    """``text`` with its placeholders replaced by ``values``; a text without ``{`` is returned as it is."""
    return _Formatter().vformat(text, (), values) if "{" in text or "}" in text else text


def fill_all(data: Any, values: Mapping[str, Any]) -> Any:
    """``data`` (YAML: mappings, lists, strings) with every string filled by :func:`fill`."""
    if isinstance(data, str):
        return fill(data, values)
    if isinstance(data, Mapping):
        return {key: fill_all(value, values) for key, value in data.items()}
    if isinstance(data, list):
        return [fill_all(item, values) for item in data]
    return data


def placeholders(text: str) -> list[tuple[str, str]]:
    """(field, format spec) of every placeholder of ``text``, e.g. ``("duong_day[so]", "")``.

    Raises ValueError for a text that is not a valid format string (a lone ``{``).
    """
    return [(field, spec or "") for _, field, spec, _ in string.Formatter().parse(text) if field is not None]


_FIELD = re.compile(r"^([a-z][a-z0-9_]*)(?:\[([a-z][a-z0-9_]*)\])?$")


def undefined(data: Any, parameters: Mapping[str, Sequence], where: str = "") -> list[str]:
    """What is wrong with the placeholders of every string in ``data`` (see :func:`fill_all`), one sentence
    each naming the string's place (``where`` and the keys leading to it): an unknown parameter, a key
    its values lack, a mapping used without a key, an unknown format spec, a stray brace."""
    if isinstance(data, Mapping):
        return [p for key, value in data.items() for p in undefined(value, parameters, f"{where}.{key}".strip("."))]
    if isinstance(data, list):
        return [p for n, item in enumerate(data) for p in undefined(item, parameters, f"{where}[{n}]")]
    if not isinstance(data, str):
        return []
    try:
        found = placeholders(data)
    except ValueError as exc:
        return [f"{where}: {exc} (write a brace as {{{{ or }}}})"]
    problems = []
    for field, spec in found:
        match = _FIELD.match(field)
        values = parameters.get(match.group(1)) if match else None
        if values is None:
            problems.append(f"{where}: the placeholder {{{field}}} names no parameter of 'variants' "
                            f"({', '.join(parameters) or 'none'})")
            continue
        keys = set.intersection(*(set(v) for v in values)) if isinstance(values[0], Mapping) else None
        key = match.group(2)
        if keys is None and key is not None:
            problems.append(f"{where}: {{{field}}}: the values of {match.group(1)!r} are texts, not mappings")
        elif keys is not None and key not in keys:
            problems.append(f"{where}: {{{field}}} needs one of the keys every value of {match.group(1)!r} "
                            f"has: {', '.join(sorted(keys))}")
        if spec not in SPECS:
            problems.append(f"{where}: {{{field}:{spec}}}: unknown format; known: {', '.join(filter(None, SPECS))}")
    return problems
