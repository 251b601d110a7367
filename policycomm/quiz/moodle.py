"""Moodle XML export and import of the question bank.

Every module becomes a category ``$course$/policycomm/<module title>`` (category
idnumber ``policycomm-<module>``); every question keeps its bank id as Moodle
``idnumber``. Texts are written with ``format="markdown"``: the bank is written
in markdown, Moodle renders that format itself (``format_text`` with
FORMAT_MARKDOWN), and the text comes back unchanged on import, which converting
to HTML would not allow. Texts that hold ``<``, ``>`` or ``&`` are wrapped in
CDATA, as Moodle's own exporter does.

What Moodle has no field for rides in tags: ``difficulty:<level>``,
``source:<id>`` and ``accents:insensitive``. Points are ``defaultgrade``, the
unit of a numerical question is its only ``<unit>``. Option ids (a, b, c…) are
not stored by Moodle: import numbers the options a, b, c… in order, which is why
``quiz check`` asks for ids in that order. Matching pairs have no per-pair
feedback in Moodle, and neither has the bank.

>>> from policycomm.quiz.bank import load_bank
>>> xml = to_moodle_xml(load_bank().module("01"))
>>> xml.count('<question type="category">'), "<idnumber>m01-q01</idnumber>" in xml
(1, True)
>>> [q.id for q in from_moodle_xml(xml)[0].questions] == [q.id for q in load_bank().module("01").questions]
True
"""
from __future__ import annotations

import os
from pathlib import Path
from xml.etree import ElementTree

from .bank import CHOICE_IDS, BankError, Problem, apply_lms_tags, build_module, lms_tags
from .schema import format_fraction

TEXT_FORMAT = "markdown"
CATEGORY_ROOT = "$course$/policycomm"
CATEGORY_ID_PREFIX = "policycomm-"
COMBINED_FEEDBACK = {"correctfeedback": "Chính xác.", "partiallycorrectfeedback": "Đúng một phần.",
                     "incorrectfeedback": "Chưa đúng."}
MOODLE_TYPES = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse",
                "matching": "matching", "short": "shortanswer", "numerical": "numerical"}


def _escape(text: str) -> str:
    """Text ready to sit in an XML element: CDATA when it holds markup characters (as Moodle writes it)."""
    if not any(ch in text for ch in "<>&"):
        return text
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(tag: str, text: str, fmt: str | None = TEXT_FORMAT, extra: str = "") -> str:
    attrs = f' format="{fmt}"' if fmt else ""
    return f"<{tag}{attrs}{extra}><text>{_escape(text)}</text></{tag}>"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def category_path(title: str) -> str:
    """The Moodle category path of a module (a ``/`` inside a name is written ``//``)."""
    return f"{CATEGORY_ROOT}/{title.replace('/', '//')}"


def _answer(fraction: float, text: str, feedback: str, fmt: str = TEXT_FORMAT, inner: str = "") -> str:
    return (f'<answer fraction="{format_fraction(fraction)}" format="{fmt}"><text>{_escape(text)}</text>'
            f"{_text('feedback', feedback)}{inner}</answer>")


def _question_body(question) -> list[str]:
    kind = question.type
    parts: list[str] = []
    if kind in ("single", "multiple"):
        parts += [f"<single>{'true' if kind == 'single' else 'false'}</single>",
                  f"<shuffleanswers>{'true' if question.shuffle else 'false'}</shuffleanswers>",
                  "<answernumbering>abc</answernumbering>", "<showstandardinstruction>1</showstandardinstruction>"]
        parts += [_text(tag, text) for tag, text in COMBINED_FEEDBACK.items()] + ["<shownumcorrect/>"]
        parts += [_answer(a.fraction, a.text, a.feedback) for a in question.answers]
    elif kind == "truefalse":
        parts += [_answer(100 if question.correct else 0, "true", question.feedback_true, "moodle_auto_format"),
                  _answer(0 if question.correct else 100, "false", question.feedback_false, "moodle_auto_format")]
    elif kind == "short":
        parts.append("<usecase>0</usecase>")  # the bank compares after normalisation, case never matters
        parts += [_answer(a.fraction, text, a.feedback, "moodle_auto_format")
                  for a in question.answers for text in (a.text, *a.variants)]
    elif kind == "numerical":
        parts += [_answer(a.fraction, _number(a.value), a.feedback, "moodle_auto_format",
                          f"<tolerance>{_number(a.tolerance)}</tolerance>") for a in question.answers]
        if question.unit:
            parts.append(f"<units><unit><multiplier>1</multiplier><unit_name>{_escape(question.unit)}</unit_name>"
                         "</unit></units>")
        parts += ["<unitgradingtype>0</unitgradingtype>", "<unitpenalty>0.1000000</unitpenalty>",
                  "<showunits>3</showunits>", "<unitsleft>0</unitsleft>"]
    elif kind == "matching":
        parts.append(f"<shuffleanswers>{'true' if question.shuffle else 'false'}</shuffleanswers>")
        parts += [_text(tag, text) for tag, text in COMBINED_FEEDBACK.items()] + ["<shownumcorrect/>"]
        parts += [f'<subquestion format="{TEXT_FORMAT}"><text>{_escape(p.left)}</text>'
                  f"<answer><text>{_escape(p.right)}</text></answer></subquestion>" for p in question.pairs]
        parts += [f'<subquestion format="{TEXT_FORMAT}"><text></text><answer><text>{_escape(d)}</text></answer>'
                  "</subquestion>" for d in question.distractors]
    return parts


def question_xml(question) -> str:
    """One ``<question>`` element for ``question``."""
    tags = "".join(f"<tag><text>{_escape(t)}</text></tag>" for t in lms_tags(question))
    penalty = "1.0000000" if question.type == "truefalse" else "0.3333333"
    lines = [f'<question type="{MOODLE_TYPES[question.type]}">',
             f"<name><text>{_escape(question.name)}</text></name>",
             _text("questiontext", question.text), _text("generalfeedback", question.feedback),
             f"<defaultgrade>{_number(question.points)}</defaultgrade>", f"<penalty>{penalty}</penalty>",
             "<hidden>0</hidden>", f"<idnumber>{_escape(question.id)}</idnumber>",
             *_question_body(question), f"<tags>{tags}</tags>", "</question>"]
    return "\n    ".join(lines[:-1]) + "\n  " + lines[-1]


def category_xml(module) -> str:
    """The pseudo-question that puts the questions after it into the module's category."""
    return ('<question type="category">\n    '
            + _text("category", category_path(module.title), fmt=None) + "\n    "
            + _text("info", f"Mô-đun {module.module}: {module.title}", fmt="moodle_auto_format") + "\n    "
            + f"<idnumber>{CATEGORY_ID_PREFIX}{module.module}</idnumber>\n  </question>")


def modules_of(source) -> list:
    """The modules in a Bank, a single Module or a list of Modules."""
    if hasattr(source, "modules"):
        return list(source.modules.values())
    if hasattr(source, "questions") and hasattr(source, "module"):
        return [source]
    return list(source)


def to_moodle_xml(source) -> str:
    """Moodle XML (a ``<quiz>`` document) for a Bank, a Module or a list of Modules."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    for module in modules_of(source):
        parts.append(f"<!-- Mô-đun {module.module}: {len(module.questions)} câu hỏi -->")
        parts.append("  " + category_xml(module))
        parts += ["  " + question_xml(q) for q in module.questions]
    parts.append("</quiz>")
    return "\n".join(parts) + "\n"


# --- Import ---

def _child_text(element, *path: str, default: str = "") -> str:
    node = element
    for tag in path:
        node = node.find(tag) if node is not None else None
    return (node.text or "").strip() if node is not None else default


def _number_value(text: str) -> float:
    return float(text.strip().replace(",", "."))


def _record(element, moodle_type: str) -> dict:
    """A bank record (plain dict) from one Moodle ``<question>`` element."""
    qid = _child_text(element, "idnumber")
    name = _child_text(element, "name", "text")
    record: dict = {"id": qid, "title": name if name and name != qid else None,
                    "text": _child_text(element, "questiontext", "text"),
                    "feedback": _child_text(element, "generalfeedback", "text")}
    answers = element.findall("answer")
    if moodle_type == "multichoice":
        single = _child_text(element, "single", default="true") not in ("false", "0", "")
        record["type"] = "single" if single else "multiple"
        record["answers"] = [{"id": CHOICE_IDS[index] if index < len(CHOICE_IDS) else f"option{index + 1}", "text": _child_text(a, "text"),
                              "fraction": float(a.get("fraction", 0)), "feedback": _child_text(a, "feedback", "text")}
                             for index, a in enumerate(answers)]
        record["shuffle"] = _child_text(element, "shuffleanswers", default="true") not in ("false", "0")
    elif moodle_type == "truefalse":
        record["type"] = "truefalse"
        for a in answers:
            value = _child_text(a, "text") == "true"
            record[f"feedback_{'true' if value else 'false'}"] = _child_text(a, "feedback", "text")
            if float(a.get("fraction", 0)) == 100:
                record["correct"] = value
    elif moodle_type == "shortanswer":
        record["type"] = "short"
        merged: list[dict] = []
        for a in answers:
            text, fraction, feedback = _child_text(a, "text"), float(a.get("fraction", 0)), _child_text(a, "feedback", "text")
            if merged and merged[-1]["fraction"] == fraction and merged[-1]["feedback"] == feedback:
                merged[-1].setdefault("variants", []).append(text)
            else:
                merged.append({"text": text, "fraction": fraction, "feedback": feedback})
        record["answers"] = merged
    elif moodle_type == "numerical":
        record["type"] = "numerical"
        record["answers"] = [{"value": _number_value(_child_text(a, "text")),
                              "tolerance": _number_value(_child_text(a, "tolerance", default="0") or "0"),
                              "fraction": float(a.get("fraction", 0)), "feedback": _child_text(a, "feedback", "text")}
                             for a in answers if _child_text(a, "text") not in ("", "*")]
        unit = _child_text(element, "units", "unit", "unit_name")
        if unit:
            record["unit"] = unit
    elif moodle_type in ("matching", "match"):
        record["type"] = "matching"
        pairs, distractors = [], []
        for sub in element.findall("subquestion"):
            left, right = _child_text(sub, "text"), _child_text(sub, "answer", "text")
            if left:
                pairs.append({"left": left, "right": right})
            elif right:
                distractors.append(right)
        record["pairs"] = pairs
        if distractors:
            record["distractors"] = distractors
        record["shuffle"] = _child_text(element, "shuffleanswers", default="true") not in ("false", "0")
    points = _child_text(element, "defaultgrade", default="1") or "1"
    if float(points) != 1:
        record["points"] = float(points)
    record["difficulty"] = "medium"  # when the file has no difficulty tag
    apply_lms_tags(record, [_child_text(tag, "text") for tag in element.findall("tags/tag")])
    if record.get("shuffle") is True:
        del record["shuffle"]
    return {key: value for key, value in record.items() if value is not None}


def from_moodle_xml(text: str, origin: str | os.PathLike = "<moodle-xml>") -> list:
    """Read Moodle XML back into bank Modules (one per category); raise BankError naming every problem."""
    try:
        root = ElementTree.fromstring(text.encode("utf-8") if isinstance(text, str) else text)
    except ElementTree.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise BankError([Problem(Path(origin), line, None, None, f"not valid XML: {exc}")]) from None
    if root.tag != "quiz":
        raise BankError([Problem(Path(origin), 1, None, None, f"the root element is <{root.tag}>, expected <quiz>")])
    groups: dict[str, dict] = {}
    problems: list[Problem] = []
    current: dict | None = None
    for index, element in enumerate(root.findall("question"), start=1):
        kind = element.get("type", "")
        if kind == "category":
            path = _child_text(element, "category", "text")
            title = path.replace("//", "\0").rsplit("/", 1)[-1].replace("\0", "/")
            module_id = _child_text(element, "idnumber").removeprefix(CATEGORY_ID_PREFIX)
            current = {"module": module_id, "title": title, "records": []}
            continue
        if kind not in ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "match"):
            problems.append(Problem(Path(origin), None, f"#{index}", "type",
                                    f"question type {kind!r} has no equivalent in the bank; it was not imported"))
            continue
        record = _record(element, kind)
        module_id = (current or {}).get("module") or record["id"][1:3]
        group = groups.setdefault(module_id, {"title": (current or {}).get("title") or module_id, "records": []})
        group["records"].append(record)
    modules = []
    for module_id, group in groups.items():
        try:
            modules.append(build_module(module_id, group["title"], group["records"], origin))
        except BankError as exc:
            problems += exc.problems
    if problems:
        raise BankError(problems)
    return modules


def read_moodle_xml(path: str | os.PathLike) -> list:
    """Read a Moodle XML file into bank Modules."""
    return from_moodle_xml(Path(path).read_text(encoding="utf-8"), origin=path)

