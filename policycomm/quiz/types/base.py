"""The base class of question types, and checks that several types share."""
from __future__ import annotations

import html
from typing import Any, ClassVar

#: option ids of choice questions, in order (Moodle and GIFT keep no ids: import numbers options so)
CHOICE_IDS = "abcdefghijklmnopqrstuvwxyz"


def choice_id(index: int) -> str:
    """The id import gives the option at ``index``: a, b, c…, then option27, option28…"""
    return CHOICE_IDS[index] if index < len(CHOICE_IDS) else f"option{index + 1}"


def is_full(fraction: float) -> bool:
    """Whether a fraction (percent) is full credit."""
    return abs(fraction - 100) < 1e-6


def clip(value: float) -> float:
    """Clip to [0, 1] after rounding to 6 decimals: 3 × 33.33333 % counts as full marks, as in Moodle."""
    return min(1.0, max(0.0, round(value, 6)))


def fraction_problems(answers) -> list[tuple[list, str]]:
    """Answers whose fraction Moodle's importer refuses (see :func:`~policycomm.quiz.schema.fraction_problem`)."""
    from ..schema import fraction_problem

    found = []
    for index, answer in enumerate(answers):
        problem = fraction_problem(answer.fraction)
        if problem:
            found.append((["answers", index, "fraction"], problem))
    return found


class QuestionType:
    """What one kind of question does; subclasses set the class attributes and override the methods.

    Responses are plain JSON values (what a widget stores and item analysis
    reads back); :meth:`score` is only called with a response that
    :meth:`response_problem` accepts.
    """

    #: the ``type`` value in a bank file
    name: ClassVar[str] = ""
    #: the pydantic model of a question of this type (its ``type`` field is ``Literal[name]``)
    model: ClassVar[Any] = None
    #: the ``type`` attribute of the Moodle XML ``<question>`` written for it
    moodle_type: ClassVar[str] = ""
    #: Moodle's penalty for each wrong try (interactive mode)
    moodle_penalty: ClassVar[str] = "0.3333333"
    #: when reading GIFT, types are tried from the lowest ``gift_order`` up (Moodle's order of tests)
    gift_order: ClassVar[int] = 50
    #: fields of the public view beyond id, type, text, title and points
    public_fields: ClassVar[frozenset] = frozenset()
    #: a GIFT answer part opens with ``{`` plus this (``#`` for numerical questions)
    gift_opener: ClassVar[str] = ""

    # ------------------------------------------------------------ bank

    def problems(self, question) -> list[tuple[list, str]]:
        """What Moodle or GIFT would reject in a valid-shaped question: [(path in the entry, message)]."""
        return fraction_problems(getattr(question, "answers", []))

    # ------------------------------------------------------------ scoring

    def response_problem(self, question, response: Any) -> str | None:
        """Why ``response`` (not None) is not a response to ``question``; None when it is one."""
        raise NotImplementedError

    def score(self, question, response: Any) -> float:
        """The fraction in [0, 1] of the points that a valid ``response`` earns."""
        raise NotImplementedError

    def key(self, question) -> dict:
        """The scoring key: the fields :meth:`score` uses, for a hidden test cell (``type`` is added)."""
        raise NotImplementedError

    def from_key(self, key: dict) -> dict:
        """The fields of a question rebuilt from a key, besides the filler every question gets."""
        return dict(key)

    # ------------------------------------------------------------ trainee

    def public_view(self, question) -> dict:
        """What a trainee may see beyond id, type, text and points (never the key)."""
        return {}

    def make_input(self, view: dict):
        """The answer widget for a public ``view`` (see :mod:`policycomm.quiz.types.inputs`)."""
        raise NotImplementedError

    def feedback(self, question, response) -> list[str]:
        """The per-answer feedback (HTML pieces) a valid ``response`` calls for."""
        return []

    def invalid_hint(self, question, response) -> str | None:
        """A hint to show instead of a verdict when ``response`` cannot be scored (None: score it as wrong)."""
        return None

    # ------------------------------------------------------------ item analysis

    def choice_label(self, question, response) -> str | None:
        """The option(s) a response picked, as a distractor label (None: not a choice question)."""
        return None

    def options(self, question) -> list[str] | None:
        """Every option label, so that options nobody chose show in the distractor table."""
        return None

    # ------------------------------------------------------------ Moodle XML

    def moodle_body(self, question) -> list[str]:
        """The type's elements inside ``<question>`` (after the common header)."""
        raise NotImplementedError

    def reads_moodle(self, element) -> bool:
        """Whether this type reads the Moodle ``<question>`` ``element``."""
        return element.get("type") == self.moodle_type

    def read_moodle(self, element) -> dict:
        """The type's fields of a bank record, read from a Moodle ``<question>`` element."""
        raise NotImplementedError

    # ------------------------------------------------------------ GIFT

    def gift_body(self, question, general: str) -> str:
        """The answer part in braces, ending with ``general`` (the escaped ``####`` general feedback)."""
        lines = "".join(f"\t{line}\n" for line in self.gift_answers(question))
        return "{" + self.gift_opener + "\n" + lines + f"\t{general}\n}}"

    def gift_answers(self, question) -> list[str]:
        """The answer lines written inside the braces (escaped), before the general feedback."""
        raise NotImplementedError

    def reads_gift(self, answertext: str) -> bool:
        """Whether this type reads a GIFT answer part (escapes already replaced by placeholders)."""
        raise NotImplementedError

    def read_gift(self, answertext: str) -> dict:
        """The type's fields of a bank record, read from a GIFT answer part."""
        raise NotImplementedError


class TypedAnswerType(QuestionType):
    """Shared by types whose trainee types the answer (short, numerical): the first matching answer counts.

    Subclasses define ``matching_answer(question, response)``: the answer the response matches, or None.
    """

    def matching_answer(self, question, response):
        raise NotImplementedError

    def score(self, question, response) -> float:
        answer = self.matching_answer(question, response)
        return clip(answer.fraction / 100) if answer else 0.0

    def feedback(self, question, response) -> list[str]:
        answer = self.matching_answer(question, response)
        return [html.escape(answer.feedback)] if answer and answer.feedback else []

    def problems(self, question) -> list[tuple[list, str]]:
        found = super().problems(question)
        answers = question.answers
        if not any(is_full(a.fraction) for a in answers):
            found.append((["answers"], "needs at least one answer with fraction 100"))
        if any(a.fraction < 0 for a in answers):
            found.append((["answers"], "negative fractions are not used for typed answers"))
        return found

    def make_input(self, view: dict):
        from .inputs import TextInput

        return TextInput(view, self.placeholder_code)

    placeholder_code: ClassVar[str] = "quiz_placeholder_text"
