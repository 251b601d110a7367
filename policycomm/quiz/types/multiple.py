"""Multiple answers: several right options with partial credit; the response is a list of option ids."""
from __future__ import annotations

from ..schema import MultipleChoice
from .base import clip
from .choice import ChoiceType


class MultipleType(ChoiceType):
    """The chosen options' fractions add up (clipped to [0, 1]); GIFT writes every option with ``~``."""

    name = "multiple"
    model = MultipleChoice
    single = False

    def problems(self, question) -> list[tuple[list, str]]:
        found = super().problems(question)
        positive = sum(a.fraction for a in question.answers if a.fraction > 0)
        if abs(positive - 100) > 0.01:
            found.append((["answers"], f"the positive fractions add up to {positive:g}, they must add up to 100"))
        return found

    def chosen(self, response) -> list[str]:
        return response

    def response_problem(self, question, response) -> str | None:
        if not (isinstance(response, list) and all(isinstance(c, str) for c in response)):
            return f"a multiple-answer question expects a list of option ids, got {response!r}"
        return super().response_problem(question, response)

    def score(self, question, response) -> float:
        fractions = {c.id: c.fraction for c in question.answers}
        return clip(sum(fractions[c] for c in set(response)) / 100)

    def make_input(self, view: dict):
        from .inputs import CheckboxInput

        return CheckboxInput([(a["text"], a["id"]) for a in view.get("answers", [])])

    def choice_label(self, question, response) -> str:
        return "+".join(sorted(map(str, response)))

    def gift_answers(self, question) -> list[str]:
        from ..gift import escape, weight

        return [("~" if a.fraction == 0 else "~" + weight(a.fraction)) + escape(a.text) + "#" + escape(a.feedback)
                for a in question.answers]
