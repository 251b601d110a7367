"""True/false: a statement to judge; the response is ``True`` or ``False``."""
from __future__ import annotations

import html

from ...messages import message
from ..schema import TrueFalse
from .base import QuestionType


class TrueFalseType(QuestionType):
    """Right when the response equals ``correct``; feedback by the answer given."""

    name = "truefalse"
    model = TrueFalse
    moodle_type = "truefalse"
    moodle_penalty = "1.0000000"
    gift_order = 40  # after matching, before short answer (Moodle's order)

    def response_problem(self, question, response) -> str | None:
        return None if isinstance(response, bool) else f"a true/false question expects true or false, got {response!r}"

    def score(self, question, response) -> float:
        return 1.0 if response == question.correct else 0.0

    def key(self, question) -> dict:
        return {"correct": question.correct}

    def from_key(self, key: dict) -> dict:
        return {**key, "feedback_true": "-", "feedback_false": "-"}

    def make_input(self, view: dict):
        from .inputs import RadioInput

        return RadioInput([(message("quiz_true"), True), (message("quiz_false"), False)])

    def feedback(self, question, response) -> list[str]:
        return [html.escape(question.feedback_true if response else question.feedback_false)]

    def choice_label(self, question, response) -> str:
        return "true" if response else "false"

    def options(self, question) -> list[str]:
        return ["true", "false"]

    # ------------------------------------------------------------ Moodle XML

    def moodle_body(self, question) -> list[str]:
        from ..moodle import answer_xml

        return [answer_xml(100 if question.correct else 0, "true", question.feedback_true, "moodle_auto_format"),
                answer_xml(0 if question.correct else 100, "false", question.feedback_false, "moodle_auto_format")]

    def read_moodle(self, element) -> dict:
        from ..moodle import child_text, fraction_of

        record = {}
        for answer in element.findall("answer"):
            value = child_text(answer, "text") == "true"
            record[f"feedback_{'true' if value else 'false'}"] = child_text(answer, "feedback", "text")
            if fraction_of(answer) == 100:
                record["correct"] = value
        return record

    # ------------------------------------------------------------ GIFT

    def gift_body(self, question, general: str) -> str:
        from ..gift import escape

        right, wrong = ((question.feedback_true, question.feedback_false) if question.correct
                        else (question.feedback_false, question.feedback_true))
        return f"{{{'TRUE' if question.correct else 'FALSE'}#{escape(wrong)}#{escape(right)}{general}}}"

    def reads_gift(self, answertext: str) -> bool:
        return answertext.split("#")[0].strip() in ("T", "TRUE", "F", "FALSE")

    def read_gift(self, answertext: str) -> dict:
        from ..gift import restore

        value, wrong, right = (answertext.split("#", 2) + ["", ""])[:3]
        correct = value.strip() in ("T", "TRUE")
        return {"correct": correct, f"feedback_{str(correct).lower()}": restore(right),
                f"feedback_{str(not correct).lower()}": restore(wrong)}
