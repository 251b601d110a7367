"""Numerical: a number, right within a tolerance; the response is a number (or text such as "91,4")."""
from __future__ import annotations

from ...messages import message
from ..schema import Numerical
from .base import TypedAnswerType


class NumericalType(TypedAnswerType):
    """The fraction of the first answer whose ``value ± tolerance`` holds the number."""

    name = "numerical"
    model = Numerical
    moodle_type = "numerical"
    gift_order = 10  # Moodle: an answer part that starts with "#"
    gift_opener = "#"
    public_fields = frozenset({"unit"})
    placeholder_code = "quiz_placeholder_number"

    def response_problem(self, question, response) -> str | None:
        from ..scoring import parse_number

        return None if parse_number(response) is not None else f"a numerical question expects a number, got {response!r}"

    def matching_answer(self, question, response):
        """The first answer within whose tolerance ``response`` lies, or None."""
        from ..scoring import parse_number

        number = parse_number(response)
        for answer in question.answers:
            if number is not None and abs(number - answer.value) <= answer.tolerance + 1e-9 * max(1.0, abs(answer.value)):
                return answer
        return None

    def key(self, question) -> dict:
        return {"answers": [a.model_dump(include={"value", "tolerance", "fraction"}) for a in question.answers]}

    def public_view(self, question) -> dict:
        return {"unit": question.unit} if question.unit else {}

    def make_input(self, view: dict):
        from ..scoring import parse_number
        from .inputs import TextInput

        def parse(text: str):
            number = parse_number(text)
            return number if number is not None else text

        return TextInput(view, self.placeholder_code, parse)

    def invalid_hint(self, question, response) -> str | None:
        return message("quiz_enter_number") if self.response_problem(question, response) else None

    # ------------------------------------------------------------ Moodle XML

    def moodle_body(self, question) -> list[str]:
        from ..moodle import answer_xml, escape_xml, number

        parts = [answer_xml(a.fraction, number(a.value), a.feedback, "moodle_auto_format",
                            f"<tolerance>{number(a.tolerance)}</tolerance>") for a in question.answers]
        if question.unit:
            parts.append(f"<units><unit><multiplier>1</multiplier><unit_name>{escape_xml(question.unit)}</unit_name>"
                         "</unit></units>")
        return parts + ["<unitgradingtype>0</unitgradingtype>", "<unitpenalty>0.1000000</unitpenalty>",
                        "<showunits>3</showunits>", "<unitsleft>0</unitsleft>"]

    def read_moodle(self, element) -> dict:
        from ..moodle import child_text, fraction_of, number_value

        record = {"answers": [{"value": number_value(child_text(a, "text")),
                               "tolerance": number_value(child_text(a, "tolerance", default="0") or "0"),
                               "fraction": fraction_of(a), "feedback": child_text(a, "feedback", "text")}
                              for a in element.findall("answer") if child_text(a, "text") not in ("", "*")]}
        unit = child_text(element, "units", "unit", "unit_name")
        return record | ({"unit": unit} if unit else {})

    # ------------------------------------------------------------ GIFT

    def gift_answers(self, question) -> list[str]:
        from ..gift import escape, number, weight

        return ["=" + weight(a.fraction) + f"{number(a.value)}:{number(a.tolerance)}#" + escape(a.feedback)
                for a in question.answers]

    def reads_gift(self, answertext: str) -> bool:
        return answertext.startswith("#")

    def read_gift(self, answertext: str) -> dict:
        from ..gift import parts, split_feedback, weighted

        answers = []
        for part in parts(answertext[1:].split("~")[0], "="):
            fraction, rest = weighted(part, 100.0)
            value_text, feedback = split_feedback(rest)
            if ".." in value_text:
                low, high = (float(v) for v in value_text.split(".."))
                value, tolerance = (low + high) / 2, (high - low) / 2
            else:
                value_part, _, tolerance_part = value_text.partition(":")
                value, tolerance = float(value_part), float(tolerance_part or 0)
            answers.append({"value": value, "tolerance": tolerance, "fraction": fraction, "feedback": feedback})
        return {"answers": answers}
