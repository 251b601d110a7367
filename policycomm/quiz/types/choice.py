"""What single- and multiple-choice questions share: options with ids, fractions and feedback."""
from __future__ import annotations

import html
import random
from typing import ClassVar

from .base import CHOICE_IDS, QuestionType, choice_id


class ChoiceType(QuestionType):
    """Options ``answers`` [{id, text, fraction, feedback}]; Moodle ``multichoice``."""

    moodle_type = "multichoice"
    public_fields = frozenset({"answers"})
    #: Moodle's ``<single>`` value for this type
    single: ClassVar[bool] = True

    def problems(self, question) -> list[tuple[list, str]]:
        found = super().problems(question)
        for index, answer in enumerate(question.answers):
            expected = CHOICE_IDS[index] if index < len(CHOICE_IDS) else None
            if answer.id != expected:
                found.append((["answers", index, "id"], f"option ids go a, b, c… in order (Moodle and GIFT keep no "
                                                        f"ids, import numbers them so): use {expected!r}"))
        texts = [a.text for a in question.answers]
        for index, text in enumerate(texts):
            if text in texts[:index]:
                found.append((["answers", index, "text"], "the same option text appears twice"))
        return found

    def chosen(self, response) -> list[str]:
        """The option ids a valid response picks."""
        raise NotImplementedError

    def response_problem(self, question, response) -> str | None:
        ids = {choice.id for choice in question.answers}
        unknown = [c for c in self.chosen(response) if c not in ids]
        return f"unknown option id(s) {unknown}; the options are {sorted(ids)}" if unknown else None

    def key(self, question) -> dict:
        return {"answers": [{"id": c.id, "fraction": c.fraction} for c in question.answers]}

    def from_key(self, key: dict) -> dict:
        return {**key, "answers": [{"text": "-", "feedback": "-", **answer} for answer in key.get("answers", [])]}

    def public_view(self, question) -> dict:
        answers = [{"id": c.id, "text": c.text} for c in question.answers]
        if question.shuffle:
            random.Random(question.id).shuffle(answers)
        return {"answers": answers}

    def feedback(self, question, response) -> list[str]:
        chosen = self.chosen(response)
        return [f"<b>{html.escape(c.text)}</b>: {html.escape(c.feedback)}" for c in question.answers if c.id in chosen]

    # ------------------------------------------------------------ Moodle XML

    def moodle_body(self, question) -> list[str]:
        from ..moodle import COMBINED_FEEDBACK, answer_xml, text_xml

        parts = [f"<single>{'true' if self.single else 'false'}</single>",
                 f"<shuffleanswers>{'true' if question.shuffle else 'false'}</shuffleanswers>",
                 "<answernumbering>abc</answernumbering>", "<showstandardinstruction>1</showstandardinstruction>"]
        parts += [text_xml(tag, text) for tag, text in COMBINED_FEEDBACK.items()] + ["<shownumcorrect/>"]
        return parts + [answer_xml(a.fraction, a.text, a.feedback) for a in question.answers]

    def reads_moodle(self, element) -> bool:
        from ..moodle import child_text

        single = child_text(element, "single", default="true") not in ("false", "0", "")
        return element.get("type") == self.moodle_type and single is self.single

    def read_moodle(self, element) -> dict:
        from ..moodle import child_text, fraction_of

        return {"answers": [{"id": choice_id(index), "text": child_text(a, "text"), "fraction": fraction_of(a),
                             "feedback": child_text(a, "feedback", "text")}
                            for index, a in enumerate(element.findall("answer"))],
                "shuffle": child_text(element, "shuffleanswers", default="true") not in ("false", "0")}

    # ------------------------------------------------------------ GIFT

    gift_order = 20  # Moodle: any "~" makes a multiple-choice question

    def reads_gift(self, answertext: str) -> bool:
        return "~" in answertext and ("=" in answertext) is self.single

    def read_gift(self, answertext: str) -> dict:
        from ..gift import parts, split_feedback, weighted

        answers = []
        for index, part in enumerate(parts(answertext.replace("=", "~="), "~")):
            fraction, rest = (100.0, part[1:]) if part.startswith("=") else weighted(part, 0.0)
            text, feedback = split_feedback(rest)
            answers.append({"id": choice_id(index), "text": text, "fraction": fraction, "feedback": feedback})
        return {"answers": answers}
