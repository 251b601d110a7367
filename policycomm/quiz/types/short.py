"""Short answer: a typed text, compared after Vietnamese normalisation; the response is the text."""
from __future__ import annotations

from ..schema import Short
from .base import TypedAnswerType


class ShortType(TypedAnswerType):
    """The fraction of the first accepted answer (or variant) that the text matches; ``*`` matches anything."""

    name = "short"
    model = Short
    moodle_type = "shortanswer"
    gift_order = 90  # Moodle: whatever is no other type is a short answer
    placeholder_code = "quiz_placeholder_text"

    def problems(self, question) -> list[tuple[list, str]]:
        found = super().problems(question)
        answers = question.answers
        for index in range(1, len(answers)):
            before, answer = answers[index - 1], answers[index]
            if (before.fraction, before.feedback) == (answer.fraction, answer.feedback):
                found.append((["answers", index], "has the same fraction and feedback as the answer before it; "
                                                  "list its text under that answer's 'variants' instead "
                                                  "(Moodle and GIFT cannot tell the two apart)"))
        for index, answer in enumerate(answers):
            if not answer.text.strip("* "):
                found.append((["answers", index, "text"], "an answer of only '*' accepts anything"))
            for variant, text in enumerate((answer.text, *answer.variants)):
                if "->" in text:
                    where = ["answers", index, "text"] if variant == 0 else ["answers", index, "variants", variant - 1]
                    found.append((where, "GIFT cannot hold '->' in an accepted answer (Moodle would read the "
                                         "question as a matching one); write it another way"))
        return found

    def response_problem(self, question, response) -> str | None:
        return None if isinstance(response, str) else f"a short-answer question expects text, got {response!r}"

    def matching_answer(self, question, response: str):
        """The first accepted answer that ``response`` matches, or None."""
        from ..scoring import short_answer_matches

        for answer in question.answers:
            for text in (answer.text, *answer.variants):
                if short_answer_matches(text, response, question.accents_insensitive):
                    return answer
        return None

    def key(self, question) -> dict:
        return {"accents_insensitive": question.accents_insensitive,
                "answers": [a.model_dump(include={"text", "fraction", "variants"}) for a in question.answers]}

    # ------------------------------------------------------------ Moodle XML

    def moodle_body(self, question) -> list[str]:
        from ..moodle import answer_xml

        return ["<usecase>0</usecase>"] + [  # the bank compares after normalisation: case never matters
            answer_xml(a.fraction, text, a.feedback, "moodle_auto_format")
            for a in question.answers for text in (a.text, *a.variants)]

    def read_moodle(self, element) -> dict:
        from ..moodle import child_text, fraction_of

        return {"answers": _merged((child_text(a, "text"), fraction_of(a), child_text(a, "feedback", "text"))
                                   for a in element.findall("answer"))}

    # ------------------------------------------------------------ GIFT

    def gift_answers(self, question) -> list[str]:
        from ..gift import escape, weight

        # An accepted answer is plain text in Moodle: "->" cannot be escaped there (problems() refuses it).
        return ["=" + weight(a.fraction) + escape(text, arrow=False) + "#" + escape(a.feedback)
                for a in question.answers for text in (a.text, *a.variants)]

    def reads_gift(self, answertext: str) -> bool:
        return True

    def read_gift(self, answertext: str) -> dict:
        from ..gift import parts, split_feedback, weighted

        def answers():
            for part in parts(answertext, "="):
                fraction, rest = weighted(part, 100.0)
                text, feedback = split_feedback(rest)
                yield text, fraction, feedback

        return {"answers": _merged(answers())}


def _merged(answers) -> list[dict]:
    """Answers [(text, fraction, feedback)] with the same fraction and feedback as the one before merged as variants."""
    merged: list[dict] = []
    for text, fraction, feedback in answers:
        if merged and (merged[-1]["fraction"], merged[-1]["feedback"]) == (fraction, feedback):
            merged[-1].setdefault("variants", []).append(text)
        else:
            merged.append({"text": text, "fraction": fraction, "feedback": feedback})
    return merged
