"""Score one response to one question, as Moodle would.

A response is a plain JSON value, so widgets can store it and item analysis
can read it back:

=============  ===============================  ==========================
type           response                         score
=============  ===============================  ==========================
``single``     the chosen option id (str)       that option's fraction
``multiple``   list of chosen option ids        sum of their fractions,
                                                clipped to [0, 1]
``truefalse``  ``True`` / ``False``             1 if it equals ``correct``
``matching``   ``{left: right}`` (dict)         share of pairs matched right
``short``      the typed text (str)             fraction of the first
                                                accepted answer it matches
``numerical``  a number (or a numeric str)      fraction of the first answer
                                                within its tolerance
=============  ===============================  ==========================

Each rule belongs to its question type (:mod:`policycomm.quiz.types`);
``score_response`` returns a fraction of the question's points in [0, 1]. An
empty or malformed response (wrong JSON type, unknown option id) scores 0
and never raises, so a tampered answers file cannot crash the grader;
:func:`response_problem` says what is wrong with it.

>>> from policycomm.quiz.schema import question_adapter
>>> q = question_adapter().validate_python({"id": "m08-q01", "module": "08", "type": "multiple",
...     "text": "Chọn các chữ cái của OASIS.", "feedback": "O-A-S-I-S.", "difficulty": "easy",
...     "sources": ["S46"], "answers": [
...         {"id": "a", "text": "Objectives", "fraction": 50, "feedback": "Đúng."},
...         {"id": "b", "text": "Audience insight", "fraction": 50, "feedback": "Đúng."},
...         {"id": "c", "text": "Outputs", "fraction": -100, "feedback": "Không có trong OASIS."}]})
>>> score_response(q, ["a"]), score_response(q, ["a", "b"]), score_response(q, ["a", "c"])
(0.5, 1.0, 0.0)
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

__all__ = ["score_response", "response_problem", "matching_answer", "short_answer_matches", "parse_number"]


def parse_number(value: Any) -> float | None:
    """A number from a response: int/float, or text such as ``"91,4"`` or ``" 12.5 "``.

    Vietnamese writes the decimal mark as a comma; a single comma with no dot is
    read as one. Anything else that is not a finite number gives None.

    >>> parse_number("91,4"), parse_number(12), parse_number("abc"), parse_number(True)
    (91.4, 12.0, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _normalize(text: str, accents: bool) -> str:
    from policycomm.text import normalize_vi  # lazy: keeps `import policycomm.quiz.scoring` light

    return normalize_vi(text, accents=accents)


@lru_cache(maxsize=2048)
def _pattern(answer: str, accents: bool) -> re.Pattern:
    """A regex for an accepted answer: normalised literal parts joined by ``.*`` where ``*`` was."""
    parts = [re.escape(_normalize(part, accents)) for part in answer.split("*")]
    return re.compile(".*".join(parts), re.DOTALL)


def short_answer_matches(answer: str, response: str, accents_insensitive: bool = False) -> bool:
    """Whether ``response`` matches the accepted ``answer`` (``*`` = any text).

    Case, Unicode form (NFC/NFD), spacing and tone-mark placement never matter;
    accents matter unless ``accents_insensitive``.
    """
    accents = not accents_insensitive
    return _pattern(answer, accents).fullmatch(_normalize(response, accents)) is not None


def matching_answer(question, response: str):
    """The first accepted answer of a short-answer ``question`` that ``response`` matches, or None."""
    from .types import question_type

    return question_type(question).matching_answer(question, response)


def response_problem(question, response: Any) -> str | None:
    """Why ``response`` is not a valid response to ``question`` (None when it is valid).

    >>> from policycomm.quiz.schema import question_adapter
    >>> q = question_adapter().validate_python({"id": "m01-q01", "module": "01", "type": "truefalse",
    ...     "text": "?", "correct": True, "feedback_true": "Đúng.", "feedback_false": "Sai.",
    ...     "feedback": "Vì…", "difficulty": "easy", "sources": ["S1"]})
    >>> response_problem(q, "yes")
    "a true/false question expects true or false, got 'yes'"
    """
    from .types import UnknownType, question_type

    if response is None:
        return "no answer"
    try:
        qtype = question_type(question)
    except UnknownType:
        return f"unknown question type {question.type!r}"
    return qtype.response_problem(question, response)


def score_response(question, response: Any) -> float:
    """The fraction in [0, 1] of ``question``'s points that ``response`` earns (see module doc)."""
    from .types import question_type

    if response_problem(question, response) is not None:
        return 0.0
    return question_type(question).score(question, response)
