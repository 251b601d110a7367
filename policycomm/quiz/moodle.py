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

Fractions are written as Moodle's own grades (``33.33333``, not ``33.333``):
Moodle's importer refuses a grade more than 0.00001 away from one of them
(:mod:`policycomm.quiz.schema`). What differs by question type (the
elements after the common header, and how they are read back) belongs to
the type (:mod:`policycomm.quiz.types`).

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

from .bank import BankError, Problem, apply_lms_tags, build_module, lms_tags
from .schema import moodle_fraction
from .types import question_type, registered

TEXT_FORMAT = "markdown"
CATEGORY_ROOT = "$course$/policycomm"
CATEGORY_ID_PREFIX = "policycomm-"
CATEGORY_TYPE = "category"  # the pseudo-question that sets the category of the questions after it
COMBINED_FEEDBACK = {"correctfeedback": "Chính xác.", "partiallycorrectfeedback": "Đúng một phần.",
                     "incorrectfeedback": "Chưa đúng."}


def escape_xml(text: str) -> str:
    """Text ready to sit in an XML element: CDATA when it holds markup characters (as Moodle writes it)."""
    if not any(ch in text for ch in "<>&"):
        return text
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_xml(tag: str, text: str, fmt: str | None = TEXT_FORMAT, extra: str = "") -> str:
    """An element holding a ``<text>`` (and its format)."""
    attrs = f' format="{fmt}"' if fmt else ""
    return f"<{tag}{attrs}{extra}><text>{escape_xml(text)}</text></{tag}>"


def number(value: float) -> str:
    """A number as Moodle writes it (no ``.0`` on whole numbers)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def category_path(title: str) -> str:
    """The Moodle category path of a module (a ``/`` inside a name is written ``//``)."""
    return f"{CATEGORY_ROOT}/{title.replace('/', '//')}"


def answer_xml(fraction: float, text: str, feedback: str, fmt: str = TEXT_FORMAT, inner: str = "") -> str:
    """An ``<answer>`` with its fraction written as the exact Moodle grade, and its feedback."""
    return (f'<answer fraction="{moodle_fraction(fraction)}" format="{fmt}"><text>{escape_xml(text)}</text>'
            f"{text_xml('feedback', feedback)}{inner}</answer>")


def question_xml(question) -> str:
    """One ``<question>`` element for ``question``."""
    qtype = question_type(question)
    tags = "".join(f"<tag><text>{escape_xml(t)}</text></tag>" for t in lms_tags(question))
    lines = [f'<question type="{qtype.moodle_type}">',
             f"<name><text>{escape_xml(question.name)}</text></name>",
             text_xml("questiontext", question.text), text_xml("generalfeedback", question.feedback),
             f"<defaultgrade>{number(question.points)}</defaultgrade>", f"<penalty>{qtype.moodle_penalty}</penalty>",
             "<hidden>0</hidden>", f"<idnumber>{escape_xml(question.id)}</idnumber>",
             *qtype.moodle_body(question), f"<tags>{tags}</tags>", "</question>"]
    return "\n    ".join(lines[:-1]) + "\n  " + lines[-1]


def category_xml(module) -> str:
    """The pseudo-question that puts the questions after it into the module's category."""
    return (f'<question type="{CATEGORY_TYPE}">\n    '
            + text_xml("category", category_path(module.title), fmt=None) + "\n    "
            + text_xml("info", f"Mô-đun {module.module}: {module.title}", fmt="moodle_auto_format") + "\n    "
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

def child_text(element, *path: str, default: str = "") -> str:
    """The stripped text at ``path`` under ``element`` (``default`` when there is no such element)."""
    node = element
    for tag in path:
        node = node.find(tag) if node is not None else None
    return (node.text or "").strip() if node is not None else default


def number_value(text: str) -> float:
    """A number from Moodle XML text (a decimal comma is read)."""
    return float(text.strip().replace(",", "."))


def fraction_of(answer) -> float:
    """The ``fraction`` attribute (percent) of an ``<answer>`` (0 when absent, as Moodle reads it)."""
    return float(answer.get("fraction", 0))


def _record(element, qtype) -> dict:
    """A bank record (plain dict) from one Moodle ``<question>`` element that ``qtype`` reads."""
    qid = child_text(element, "idnumber")
    name = child_text(element, "name", "text")
    record: dict = {"id": qid, "title": name if name and name != qid else None, "type": qtype.name,
                    "text": child_text(element, "questiontext", "text"),
                    "feedback": child_text(element, "generalfeedback", "text"), **qtype.read_moodle(element)}
    points = child_text(element, "defaultgrade", default="1") or "1"
    if float(points) != 1:
        record["points"] = float(points)
    record["difficulty"] = "medium"  # when the file has no difficulty tag
    apply_lms_tags(record, [child_text(tag, "text") for tag in element.findall("tags/tag")])
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
        if element.get("type") == CATEGORY_TYPE:
            path = child_text(element, "category", "text")
            title = path.replace("//", "\0").rsplit("/", 1)[-1].replace("\0", "/")
            module_id = child_text(element, "idnumber").removeprefix(CATEGORY_ID_PREFIX)
            current = {"module": module_id, "title": title, "records": []}
            continue
        qtype = next((qtype for qtype in registered() if qtype.reads_moodle(element)), None)
        if qtype is None:
            problems.append(Problem(Path(origin), None, f"#{index}", "type",
                                    f"question type {element.get('type', '')!r} has no equivalent in the bank; "
                                    "it was not imported"))
            continue
        record = _record(element, qtype)
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

