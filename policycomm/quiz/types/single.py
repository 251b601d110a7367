"""Single choice: one right option; the response is the chosen option id."""
from __future__ import annotations

from ..schema import SingleChoice
from .base import clip, is_full
from .choice import ChoiceType


class SingleType(ChoiceType):
    """One option with fraction 100; GIFT marks it ``=``, the others ``~``."""

    name = "single"
    model = SingleChoice
    single = True

    def problems(self, question) -> list[tuple[list, str]]:
        found = super().problems(question)
        full = sum(is_full(a.fraction) for a in question.answers)
        if full != 1:
            found.append((["answers"], f"a single-choice question needs exactly one answer with fraction 100 "
                                       f"(found {full})"))
        if any(a.fraction < 0 for a in question.answers):
            found.append((["answers"], "a single-choice question cannot have negative fractions "
                                       "(use 'multiple' for penalties)"))
        return found

    def chosen(self, response) -> list[str]:
        return [response]

    def response_problem(self, question, response) -> str | None:
        if not isinstance(response, str):
            return f"a single-choice question expects one option id, got {response!r}"
        return super().response_problem(question, response)

    def score(self, question, response) -> float:
        return clip(next(c.fraction for c in question.answers if c.id == response) / 100)

    def make_input(self, view: dict):
        from .inputs import RadioInput

        return RadioInput([(a["text"], a["id"]) for a in view.get("answers", [])])

    def choice_label(self, question, response) -> str:
        return str(response)

    def options(self, question) -> list[str]:
        return [a.id for a in question.answers]

    def gift_answers(self, question) -> list[str]:
        from ..gift import escape, weight

        return [("=" if is_full(a.fraction) else "~" if a.fraction == 0 else "~" + weight(a.fraction))
                + escape(a.text) + "#" + escape(a.feedback) for a in question.answers]
