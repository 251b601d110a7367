"""Pydantic schema of the question bank (``quizzes/NN.yaml``).

One file per course module: a header (``module``, ``title``) and a list of
``questions``. Every question has a stable ``id`` (``m03-q07``), a ``type``
that selects its fields, Vietnamese ``text`` (markdown allowed), per-answer
feedback, general ``feedback``, ``tags``, a ``difficulty`` and ``sources``
(ids in ``policycomm/data/sources.yaml``).

Fractions are percentages of the question's points, as in Moodle: 100 is
fully right, 50 half, negative values take credit away (multiple answers).

``difficulty`` is the author's estimate, one of ``easy`` (most trained
officers answer it), ``medium`` or ``hard`` (needs a judgement that many
trainees miss). Item analysis measures the real facility afterwards.

>>> q = question_adapter().validate_python({
...     "id": "m01-q01", "module": "01", "type": "truefalse", "text": "Đúng hay sai?",
...     "correct": True, "feedback_true": "Đúng.", "feedback_false": "Chưa đúng.",
...     "feedback": "Giải thích.", "difficulty": "easy", "sources": ["S1"]})
>>> q.type, q.points
('truefalse', 1.0)
"""
from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

QUESTION_TYPES = ("single", "multiple", "truefalse", "matching", "short", "numerical")
DIFFICULTIES = ("easy", "medium", "hard")

#: Every grade fraction Moodle accepts (question/format.php, get_grade_options), in percent.
MOODLE_FRACTIONS = (100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333,
                    30.0, 25.0, 20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0, 0.0)
FRACTION_TOLERANCE = 1e-4  # Moodle's match_grade_options compares within 0.0001 of a fraction (1 = 100 %)

QuestionId = Annotated[str, Field(pattern=r"^m\d{2}-q\d{2,3}$", description="stable id, e.g. m03-q07")]
ModuleId = Annotated[str, Field(pattern=r"^\d{2}$", description="two-digit module id, e.g. 03")]
Fraction = Annotated[float, Field(ge=-100, le=100, description="percent of the points, Moodle-style")]
NonEmpty = Annotated[str, Field(min_length=1)]


def allowed_fraction(value: float) -> float | None:
    """The Moodle fraction (percent) ``value`` stands for, or None if Moodle rejects it.

    >>> allowed_fraction(33.33333), allowed_fraction(-50), allowed_fraction(33)
    (33.33333, -50.0, None)
    """
    for allowed in MOODLE_FRACTIONS:
        if abs(abs(value) - allowed) <= FRACTION_TOLERANCE * 100:
            return allowed if value >= 0 else -allowed
    return None


def format_fraction(value: float) -> str:
    """A fraction as Moodle writes it: at most 5 decimals, no trailing zeros.

    >>> format_fraction(100.0), format_fraction(-33.333333), format_fraction(12.5)
    ('100', '-33.33333', '12.5')
    """
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class Strict(BaseModel):
    """Base: unknown fields are errors (typos are caught); surrounding whitespace is dropped (LMS formats trim it)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Choice(Strict):
    """One option of a single- or multiple-choice question."""

    id: str = Field(pattern=r"^[a-z0-9_]+$", description="short stable id (a, b, c…); responses record it")
    text: NonEmpty
    fraction: Fraction = 0.0
    feedback: NonEmpty = Field(description="why this option is right or wrong")


class Pair(Strict):
    """One pair of a matching question: ``left`` (the prompt) goes with ``right``."""

    left: NonEmpty
    right: NonEmpty


class ShortAnswer(Strict):
    """An accepted short answer; ``*`` matches any text (as in Moodle)."""

    text: NonEmpty
    fraction: Fraction = 100.0
    feedback: str = ""
    variants: list[NonEmpty] = Field(default_factory=list, description="other spellings worth the same")


class NumericalAnswer(Strict):
    """An accepted number: right when ``|response - value| <= tolerance``."""

    value: float
    tolerance: float = Field(default=0.0, ge=0)
    fraction: Fraction = 100.0
    feedback: str = ""


class QuestionBase(Strict):
    """Fields every question has."""

    id: QuestionId
    module: ModuleId
    title: str | None = Field(default=None, description="short name shown in LMS question lists")
    text: NonEmpty = Field(description="the question in Vietnamese; markdown allowed")
    feedback: NonEmpty = Field(description="general feedback shown after answering")
    tags: list[Annotated[str, Field(pattern=r"^[^\s:,]+$")]] = Field(default_factory=list)
    difficulty: Literal["easy", "medium", "hard"]
    points: float = Field(default=1.0, gt=0)
    sources: list[Annotated[str, Field(pattern=r"^[SA]\d+$")]] = Field(min_length=1)

    @property
    def name(self) -> str:
        """The name an LMS lists: the title, or the id when there is none."""
        return self.title or self.id


class SingleChoice(QuestionBase):
    """One right option (response: the option id)."""

    type: Literal["single"]
    answers: list[Choice] = Field(min_length=2)
    shuffle: bool = True


class MultipleChoice(QuestionBase):
    """Several right options with partial credit (response: a list of option ids)."""

    type: Literal["multiple"]
    answers: list[Choice] = Field(min_length=2)
    shuffle: bool = True


class TrueFalse(QuestionBase):
    """A statement to judge (response: ``True`` or ``False``)."""

    type: Literal["truefalse"]
    correct: bool
    feedback_true: NonEmpty = Field(description="shown to whoever answers True")
    feedback_false: NonEmpty = Field(description="shown to whoever answers False")


class Matching(QuestionBase):
    """Match each left item to a right item (response: ``{left: right}``); credit per right pair."""

    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=1)
    distractors: list[NonEmpty] = Field(default_factory=list, description="extra right-hand items that match nothing")
    shuffle: bool = True

    @field_validator("pairs")
    @classmethod
    def _unique_left(cls, pairs: list[Pair]) -> list[Pair]:
        lefts = [pair.left for pair in pairs]
        repeated = sorted({left for left in lefts if lefts.count(left) > 1})
        if repeated:
            raise ValueError(f"each left item must be different; repeated: {repeated}")
        return pairs

    @property
    def choices(self) -> list[str]:
        """The right-hand items a trainee picks from (answers, then distractors), without repeats."""
        return list(dict.fromkeys([pair.right for pair in self.pairs] + self.distractors))


class Short(QuestionBase):
    """A typed answer (response: a string), compared after Vietnamese normalisation."""

    type: Literal["short"]
    answers: list[ShortAnswer] = Field(min_length=1)
    accents_insensitive: bool = Field(default=False, description="also accept the answer typed without accents")


class Numerical(QuestionBase):
    """A number (response: int or float), right within a tolerance."""

    type: Literal["numerical"]
    answers: list[NumericalAnswer] = Field(min_length=1)
    unit: str | None = Field(default=None, description="shown after the input box, e.g. '%'")


Question = Annotated[Union[SingleChoice, MultipleChoice, TrueFalse, Matching, Short, Numerical],
                     Field(discriminator="type")]


@lru_cache(maxsize=1)
def question_adapter() -> TypeAdapter:
    """The validator for one question of any type."""
    return TypeAdapter(Question)


class Module(Strict):
    """One bank file: a course module and its questions."""

    module: ModuleId
    title: NonEmpty = Field(description="the module's Vietnamese title (Moodle category name)")
    questions: list[Question] = Field(default_factory=list)
