"""Question types: one class per ``type`` of the bank, each owning all that differs by type.

A type knows its schema model, what Moodle or GIFT would reject in a
question (:meth:`~base.QuestionType.problems`), how a response scores, what a
trainee may see, its Moodle XML and GIFT writing and reading, its answer
widget and practice feedback, and what item analysis reads of a response.
The rest of :mod:`policycomm.quiz` looks the type up here, by the question's
``type`` field, and never compares type names itself. A new type is one
module with a :class:`~base.QuestionType` subclass, plus :func:`register`.

>>> question_type("numerical").moodle_type
'numerical'
>>> [t.name for t in registered()]
['single', 'multiple', 'truefalse', 'matching', 'short', 'numerical']
"""
from __future__ import annotations

from importlib import import_module

from .base import QuestionType

__all__ = ["QuestionType", "register", "register_type", "unregister", "question_type", "registered", "UnknownType"]

#: the built-in types, in the order the bank lists them (module in this package, class)
BUILT_IN = (("single", "SingleType"), ("multiple", "MultipleType"), ("truefalse", "TrueFalseType"),
            ("matching", "MatchingType"), ("short", "ShortType"), ("numerical", "NumericalType"))

_registry: dict[str, QuestionType] = {}
_built_in_loaded: list[bool] = []
_version = [0]  # bumped on every change, so cached validators are rebuilt


class UnknownType(KeyError):
    """No registered type has this name."""


def _ensure_built_in() -> None:
    """Load the built-in types on first use (before any type registered earlier, which wins on a name)."""
    if not _built_in_loaded:
        _built_in_loaded.append(True)
        built_in = {name: getattr(import_module(f"{__name__}.{name}"), cls)() for name, cls in BUILT_IN}
        merged = {**built_in, **_registry}
        _registry.clear()
        _registry.update(merged)
        _version[0] += 1


def register(qtype: QuestionType) -> QuestionType:
    """Add the type ``qtype.name`` (or replace the type of that name); return it."""
    _ensure_built_in()
    _registry[qtype.name] = qtype
    _version[0] += 1
    return qtype


register_type = register  # the name policycomm.quiz exports


def unregister(name: str) -> None:
    """Remove a type added with :func:`register` (built-in types stay)."""
    if name not in dict(BUILT_IN):
        _registry.pop(name, None)
        _version[0] += 1


def registered() -> list[QuestionType]:
    """Every registered type, built-in ones first."""
    _ensure_built_in()
    return list(_registry.values())


def version() -> int:
    """A number that changes whenever a type is registered or removed."""
    _ensure_built_in()
    return _version[0]


def question_type(item) -> QuestionType:
    """The type of ``item``: a type name, a question, or a mapping with a ``type`` key."""
    _ensure_built_in()
    name = item if isinstance(item, str) else item.get("type") if isinstance(item, dict) else item.type
    try:
        return _registry[name]
    except (KeyError, TypeError):
        raise UnknownType(name) from None
