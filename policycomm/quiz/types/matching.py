"""Matching: each left item goes with one right item; the response is ``{left: right}``."""
from __future__ import annotations

import html

from ...messages import message
from ..schema import Matching
from .base import QuestionType, clip


class MatchingType(QuestionType):
    """Credit per pair matched right; distractors are right-hand items that match nothing."""

    name = "matching"
    model = Matching
    moodle_type = "matching"
    gift_order = 30  # Moodle: "=" and "->" together make a matching question
    public_fields = frozenset({"left", "choices"})

    def problems(self, question) -> list[tuple[list, str]]:
        # qtype_match/edit_match_form.php: at least 2 questions and 3 answers (distractors count as answers);
        # GIFT matching needs at least 2 pairs.
        found = []
        if len(question.pairs) < 2:
            found.append((["pairs"], f"has {len(question.pairs)} pair(s); Moodle and GIFT need at least 2 pairs"))
        elif len(question.pairs) + len(question.distractors) < 3:
            found.append((["distractors"], "Moodle needs at least 3 right-hand items: add a third pair "
                                           "or a distractor (qtype_match: 'at least 2 questions and 3 answers')"))
        overlap = set(question.distractors) & {pair.right for pair in question.pairs}
        if overlap:
            found.append((["distractors"], f"{sorted(overlap)} is also a right answer; a distractor must match nothing"))
        return found

    def response_problem(self, question, response) -> str | None:
        if not (isinstance(response, dict) and all(isinstance(k, str) and isinstance(v, str)
                                                   for k, v in response.items())):
            return f"a matching question expects a mapping left -> right, got {response!r}"
        unknown = sorted(set(response) - {pair.left for pair in question.pairs})
        return f"unknown left item(s) {unknown}" if unknown else None

    def right_pairs(self, question, response) -> int:
        return sum(response.get(pair.left) == pair.right for pair in question.pairs)

    def score(self, question, response) -> float:
        return clip(self.right_pairs(question, response) / len(question.pairs))

    def key(self, question) -> dict:
        return {"pairs": [{"left": p.left, "right": p.right} for p in question.pairs]}

    def public_view(self, question) -> dict:
        return {"left": [pair.left for pair in question.pairs], "choices": sorted(question.choices)}

    def make_input(self, view: dict):
        from .inputs import MatchingInput

        return MatchingInput(list(view.get("left", [])), list(view.get("choices", [])))

    def feedback(self, question, response) -> list[str]:
        return [html.escape(message("quiz_matched_pairs", right=self.right_pairs(question, response),
                                    total=len(question.pairs)))]

    # ------------------------------------------------------------ Moodle XML

    def moodle_body(self, question) -> list[str]:
        from ..moodle import COMBINED_FEEDBACK, TEXT_FORMAT, escape_xml, text_xml

        parts = [f"<shuffleanswers>{'true' if question.shuffle else 'false'}</shuffleanswers>"]
        parts += [text_xml(tag, text) for tag, text in COMBINED_FEEDBACK.items()] + ["<shownumcorrect/>"]
        parts += [f'<subquestion format="{TEXT_FORMAT}"><text>{escape_xml(p.left)}</text>'
                  f"<answer><text>{escape_xml(p.right)}</text></answer></subquestion>" for p in question.pairs]
        parts += [f'<subquestion format="{TEXT_FORMAT}"><text></text><answer><text>{escape_xml(d)}</text></answer>'
                  "</subquestion>" for d in question.distractors]
        return parts

    def reads_moodle(self, element) -> bool:
        return element.get("type") in ("matching", "match")

    def read_moodle(self, element) -> dict:
        from ..moodle import child_text

        pairs, distractors = [], []
        for sub in element.findall("subquestion"):
            left, right = child_text(sub, "text"), child_text(sub, "answer", "text")
            if left:
                pairs.append({"left": left, "right": right})
            elif right:
                distractors.append(right)
        record = {"pairs": pairs, "shuffle": child_text(element, "shuffleanswers", default="true") not in ("false", "0")}
        return record | ({"distractors": distractors} if distractors else {})

    # ------------------------------------------------------------ GIFT

    def gift_answers(self, question) -> list[str]:
        from ..gift import escape

        # The right-hand item is plain text in Moodle, read after the first "->": it needs no "->" escape.
        return ([f"={escape(p.left)} -> {escape(p.right, arrow=False)}" for p in question.pairs]
                + [f"= -> {escape(d, arrow=False)}" for d in question.distractors])

    def reads_gift(self, answertext: str) -> bool:
        return "=" in answertext and "->" in answertext

    def read_gift(self, answertext: str) -> dict:
        from ..gift import parts, restore, strip_format

        pairs, distractors = [], []
        for part in parts(answertext, "="):
            left, _, right = part.partition("->")
            left, right = restore(strip_format(left.strip())), restore(right)
            (pairs.append({"left": left, "right": right}) if left else distractors.append(right))
        return {"pairs": pairs} | ({"distractors": distractors} if distractors else {})
