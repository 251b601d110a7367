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


def _clip(value: float) -> float:
    """Clip to [0, 1] after rounding to 6 decimals: 3 × 33.33333 % counts as full marks, as in Moodle."""
    return min(1.0, max(0.0, round(value, 6)))


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
    for answer in question.answers:
        for text in (answer.text, *answer.variants):
            if short_answer_matches(text, response, question.accents_insensitive):
                return answer
    return None


def _numerical_answer(question, number: float):
    for answer in question.answers:
        if abs(number - answer.value) <= answer.tolerance + 1e-9 * max(1.0, abs(answer.value)):
            return answer
    return None


def response_problem(question, response: Any) -> str | None:
    """Why ``response`` is not a valid response to ``question`` (None when it is valid).

    >>> from policycomm.quiz.schema import question_adapter
    >>> q = question_adapter().validate_python({"id": "m01-q01", "module": "01", "type": "truefalse",
    ...     "text": "?", "correct": True, "feedback_true": "Đúng.", "feedback_false": "Sai.",
    ...     "feedback": "Vì…", "difficulty": "easy", "sources": ["S1"]})
    >>> response_problem(q, "yes")
    "a true/false question expects true or false, got 'yes'"
    """
    kind = question.type
    if response is None:
        return "no answer"
    if kind in ("single", "multiple"):
        ids = {choice.id for choice in question.answers}
        chosen = [response] if kind == "single" else response
        if kind == "single" and not isinstance(response, str):
            return f"a single-choice question expects one option id, got {response!r}"
        if kind == "multiple" and not (isinstance(response, list) and all(isinstance(c, str) for c in response)):
            return f"a multiple-answer question expects a list of option ids, got {response!r}"
        unknown = [c for c in chosen if c not in ids]
        if unknown:
            return f"unknown option id(s) {unknown}; the options are {sorted(ids)}"
        return None
    if kind == "truefalse":
        return None if isinstance(response, bool) else f"a true/false question expects true or false, got {response!r}"
    if kind == "matching":
        if not (isinstance(response, dict) and all(isinstance(k, str) and isinstance(v, str)
                                                   for k, v in response.items())):
            return f"a matching question expects a mapping left -> right, got {response!r}"
        lefts = {pair.left for pair in question.pairs}
        unknown = sorted(set(response) - lefts)
        return f"unknown left item(s) {unknown}" if unknown else None
    if kind == "short":
        return None if isinstance(response, str) else f"a short-answer question expects text, got {response!r}"
    if kind == "numerical":
        return None if parse_number(response) is not None else f"a numerical question expects a number, got {response!r}"
    return f"unknown question type {kind!r}"


def score_response(question, response: Any) -> float:
    """The fraction in [0, 1] of ``question``'s points that ``response`` earns (see module doc)."""
    if response_problem(question, response) is not None:
        return 0.0
    kind = question.type
    if kind == "single":
        return _clip(next(c.fraction for c in question.answers if c.id == response) / 100)
    if kind == "multiple":
        fractions = {c.id: c.fraction for c in question.answers}
        return _clip(sum(fractions[c] for c in set(response)) / 100)
    if kind == "truefalse":
        return 1.0 if response == question.correct else 0.0
    if kind == "matching":
        right = sum(response.get(pair.left) == pair.right for pair in question.pairs)
        return _clip(right / len(question.pairs))
    if kind == "short":
        answer = matching_answer(question, response)
        return _clip(answer.fraction / 100) if answer else 0.0
    answer = _numerical_answer(question, parse_number(response))
    return _clip(answer.fraction / 100) if answer else 0.0
