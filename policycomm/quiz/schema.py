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

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

from .types import BUILT_IN

QUESTION_TYPES = tuple(name for name, _ in BUILT_IN)  # the built-in types (policycomm.quiz.types)
DIFFICULTIES = ("easy", "medium", "hard")

#: Every grade Moodle accepts for an answer, as Moodle stores it (1 = 100 %): question_bank::fraction_options_full()
#: in question/engine/bank.php; the negatives of these are accepted too.
MOODLE_GRADES = (1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
                 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0)
#: The same grades in percent, as the bank, Moodle XML (``fraction="33.33333"``) and GIFT (``%33.33333%``) write them.
MOODLE_FRACTIONS = tuple(round(grade * 100, 5) for grade in MOODLE_GRADES)
#: lib/questionlib.php, match_grade_options(): a grade is accepted when ``abs(grade - value) < 0.00001``
#: for an allowed value (1 = 100 %), that is within 0.001 of a percentage; otherwise the import fails.
MOODLE_TOLERANCE = 0.00001
FRACTION_TOLERANCE = MOODLE_TOLERANCE

QuestionId = Annotated[str, Field(pattern=r"^m\d{2}-q\d{2,3}$", description="stable id, e.g. m03-q07")]
ModuleId = Annotated[str, Field(pattern=r"^\d{2}$", description="two-digit module id, e.g. 03")]
Fraction = Annotated[float, Field(ge=-100, le=100, description="percent of the points, Moodle-style")]
NonEmpty = Annotated[str, Field(min_length=1)]


def allowed_fraction(value: float) -> float | None:
    """The Moodle grade (percent, exactly as Moodle writes it) that ``value`` stands for, or None if Moodle refuses it.

    Moodle's importer accepts a grade within 0.00001 of one of its fractions
    (0.001 in percent), so 66.667 stands for 66.66667, and 66.67 is refused.

    >>> allowed_fraction(33.33333), allowed_fraction(-50), allowed_fraction(66.667), allowed_fraction(66.67)
    (33.33333, -50.0, 66.66667, None)
    """
    grade = value / 100
    for allowed in MOODLE_GRADES:
        for signed in (allowed, -allowed):
            if abs(grade - signed) < MOODLE_TOLERANCE:
                return round(signed * 100, 5) + 0.0
    return None


def nearest_fraction(value: float) -> float:
    """The Moodle grade (percent) closest to ``value``.

    >>> nearest_fraction(66.67), nearest_fraction(-33)
    (66.66667, -33.33333)
    """
    return min((f if value >= 0 else -f for f in MOODLE_FRACTIONS), key=lambda f: abs(f - value))


def fraction_problem(value: float) -> str | None:
    """Why Moodle's importer refuses the fraction ``value`` (percent), or None when it accepts it.

    >>> print(fraction_problem(66.67))
    66.67 is not a fraction Moodle accepts: its importer allows only its own grades, to within 0.001 (use 66.66667; the fractions are 100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0 or a negative of one)
    """
    if allowed_fraction(value) is not None:
        return None
    allowed_text = ", ".join(format_fraction(f) for f in MOODLE_FRACTIONS)
    return (f"{format_fraction(value)} is not a fraction Moodle accepts: its importer allows only its own grades, "
            f"to within 0.001 (use {format_fraction(nearest_fraction(value))}; the fractions are {allowed_text} "
            "or a negative of one)")


def format_fraction(value: float) -> str:
    """A fraction as Moodle writes it: at most 5 decimals, no trailing zeros.

    >>> format_fraction(100.0), format_fraction(-33.333333), format_fraction(12.5)
    ('100', '-33.33333', '12.5')
    """
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def moodle_fraction(value: float) -> str:
    """A bank fraction as written for Moodle: the exact Moodle grade it stands for (``value`` itself if none).

    >>> moodle_fraction(66.667), moodle_fraction(-100)
    ('66.66667', '-100')
    """
    allowed = allowed_fraction(value)
    return format_fraction(value if allowed is None else allowed)


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


#: A question of a built-in type (the bank file's schema); validation goes through :func:`question_adapter`,
#: which also knows the types added with :func:`policycomm.quiz.types.register`.
Question = Annotated[Union[SingleChoice, MultipleChoice, TrueFalse, Matching, Short, Numerical],
                     Field(discriminator="type")]

_adapter: dict = {}


def question_adapter() -> TypeAdapter:
    """The validator for one question of any registered type."""
    from .types import registered, version

    if _adapter.get("version") != version():
        models = tuple(qtype.model for qtype in registered())
        union = Annotated[Union[models], Field(discriminator="type")]  # type: ignore[valid-type]
        _adapter.update(version=version(), adapter=TypeAdapter(union))
    return _adapter["adapter"]


class Module(Strict):
    """One bank file: a course module and its questions."""

    module: ModuleId
    title: NonEmpty = Field(description="the module's Vietnamese title (Moodle category name)")
    questions: list[Question] = Field(default_factory=list)
