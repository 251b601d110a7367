"""GIFT export and import of the question bank (Moodle's plain-text format).

The writer follows Moodle's own GIFT exporter (question/format/gift/format.php):
``$CATEGORY: $course$/policycomm/<module title>``, ``::name::``, a
``[markdown]`` format prefix, ``=`` / ``~`` / ``~%50%`` answers (Moodle's exact
grades), ``#`` per-answer feedback, ``####`` general feedback, and ``~ = # { } :``
and ``\\`` escaped with a backslash; line breaks inside a text are written
``\\n``. Moodle has no escape for ``->``, which makes any answer part that also
holds ``=`` a matching question: it is written ``-\\>`` in the markdown texts
(stem, options, feedback, left items), which shows as ``->``; an accepted
short answer cannot hold it (``quiz check`` says so), and the right-hand item of
a pair needs no escape (Moodle splits a pair at its first ``->``). Since Moodle 4.0 a
comment line ``// [id:m01-q01] [tag:…]`` carries the idnumber and the tags.
What GIFT has no syntax for rides in tags as well: ``difficulty:``,
``source:``, ``points:``, ``unit:``, ``shuffle:no`` and ``accents:insensitive``.
A module is recognised by its category (title) and by the question ids
(``m03-…`` is module 03). Matching pairs have no feedback in GIFT.

The reader mirrors Moodle's importer step by step, so a file it reads is a
file Moodle reads the same way: the question types are tried in Moodle's
order (``QuestionType.gift_order``) and the first that reads the answer part
reads the question.

>>> from policycomm.quiz.bank import load_bank
>>> module = load_bank().module("04")
>>> text = to_gift(module)
>>> text.splitlines()[1]
'$CATEGORY: $course$/policycomm/Thông điệp và biên tập'
>>> from_gift(text) == [module]
True
"""
from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from .bank import BankError, Problem, apply_lms_tags, build_module, lms_tags
from .moodle import category_path
from .schema import moodle_fraction
from .types import question_type, registered

_SPECIAL = "\\#=~{}:"
_ESCAPE = {ch: "\\" + ch for ch in _SPECIAL} | {"\n": "\\n", "\r": ""}
ARROW, ESCAPED_ARROW = "->", "-\\>"
# Escaped characters are replaced by private-use placeholders while a question is parsed, as Moodle does;
# "\>" (of an escaped "->") is read as ">", as markdown shows it.
_PLACEHOLDER = {ch: chr(0xE000 + i) for i, ch in enumerate(_SPECIAL + ">n")}
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDER.items()}
_WEIGHT = re.compile(r"^%(-?\d{1,3}(?:\.\d*)?)%")  # Moodle: /^%\-*([0-9]{1,2})\.?([0-9]*)%/
_ID_TOKEN = re.compile(r"\[id:((?:\\]|[^\]\x00-\x1f])+)\]")
_TAG_TOKEN = re.compile(r"\[tag:((?:\\]|[^\]<>`\x00-\x1f])+)\]")
TEXT_FORMAT = "markdown"


def escape(text: str, arrow: bool = True) -> str:
    r"""Text with GIFT's reserved characters escaped (Moodle's ``repchar``), and ``->`` written ``-\>``.

    Moodle reads any ``->`` in an answer part that also holds ``=`` as a
    matching pair, and cannot escape it; ``-\>`` is shown as ``->`` by the
    markdown format of the bank's texts. ``arrow=False`` leaves ``->`` alone,
    for the plain-text fields where Moodle would keep the backslash (a
    matching pair's right-hand item, read after the first ``->``).

    >>> print(escape("Điều 7: a = b {c} #1 ~d -> e"))
    Điều 7\: a \= b \{c\} \#1 \~d -\> e
    """
    escaped = "".join(_ESCAPE.get(ch, ch) for ch in text)
    return escaped.replace(ARROW, ESCAPED_ARROW) if arrow else escaped


def number(value: float) -> str:
    """A number as GIFT writes it (no ``.0`` on whole numbers)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def weight(fraction: float) -> str:
    """``%fraction%`` with the exact Moodle grade."""
    return f"%{moodle_fraction(fraction)}%"


def _meta_comment(question) -> str:
    bits = [f"[id:{question.id.replace(']', chr(92) + ']')}]"]
    bits += [f"[tag:{tag.replace(']', chr(92) + ']')}]"
             for tag in lms_tags(question, with_points=True, with_unit=True, with_shuffle=True)]
    return "// " + " ".join(bits)


def question_gift(question) -> str:
    """One GIFT question: the metadata comment, then the question."""
    head = f"::{escape(question.name)}::[{TEXT_FORMAT}]{escape(question.text)}"
    body = question_type(question).gift_body(question, "####" + escape(question.feedback))
    return f"{_meta_comment(question)}\n{head}{body}\n"


def to_gift(source) -> str:
    """GIFT text for a Bank, a Module or a list of Modules."""
    from .moodle import modules_of

    blocks = []
    for module in modules_of(source):
        path = category_path(module.title)
        blocks.append(f"// Mô-đun {module.module}: {module.title}\n$CATEGORY: {path}\n")
        blocks += [question_gift(q) for q in module.questions]
    return "\n".join(blocks)


# --- Import (mirrors qformat_gift::readquestion) ---

def _protect(text: str) -> str:
    """Replace escaped characters by placeholders (Moodle's ``escapedchar_pre``)."""
    out, index = [], 0
    while index < len(text):
        ch = text[index]
        if ch == "\\" and index + 1 < len(text) and text[index + 1] in _PLACEHOLDER:
            out.append(_PLACEHOLDER[text[index + 1]])
            index += 2
        else:
            out.append(ch)
            index += 1
    return "".join(out)


def restore(text: str) -> str:
    """Text with placeholders turned back into the characters they stand for, stripped."""
    return "".join(_RESTORE.get(ch, ch) for ch in text).strip()


def strip_format(text: str) -> str:
    """Text without a leading ``[markdown]``-style format."""
    match = re.match(r"^\[(moodle|html|plain|markdown)\]", text)
    return text[match.end():] if match else text


def split_feedback(answer: str) -> tuple[str, str]:
    """(answer text, feedback) of ``answer#feedback``."""
    text, _, feedback = answer.partition("#")
    return restore(strip_format(text.strip())), restore(strip_format(feedback.strip()))


def weighted(answer: str, default: float) -> tuple[float, str]:
    """(fraction, rest) of ``%fraction%rest``; ``default`` when there is no weight."""
    match = _WEIGHT.match(answer)
    return (float(match.group(1)), answer[match.end():]) if match else (default, answer)


def parts(answertext: str, separator: str) -> list[str]:
    """The answers of an answer part split at ``separator``, without an empty first one."""
    parts = [part.strip() for part in answertext.split(separator)]
    return parts[1:] if parts and not parts[0] else parts


def _read_question(block: list[str]) -> tuple[str | None, dict | None]:
    """(category or None, record or None) for one blank-line-separated block."""
    comments = "\n".join(line.strip() for line in block if line.strip().startswith("//"))
    text = "\n".join(" " if line.strip().startswith("//") else line for line in block).strip()
    if not text:
        return None, None
    text = _protect(text)
    if text.startswith("$CATEGORY:"):
        return restore(text[10:]), None
    name = None
    if text.startswith("::") and "::" in text[2:]:
        end = text.index("::", 2)
        name, text = restore(text[2:end]), text[end + 2:].strip()
    start, finish = text.find("{"), text.find("}")
    if start < 0 or finish < start:
        raise ValueError("no answer part in braces { … }")
    answertext = text[start + 1:finish].strip()
    question_text = text[:start] + text[finish + 1:]
    general = ""
    if "####" in answertext:
        answertext, general = answertext[:answertext.rindex("####")].strip(), answertext[answertext.rindex("####") + 4:]
    id_match = _ID_TOKEN.search(comments)
    qid = id_match.group(1).replace("\\]", "]").strip() if id_match else ""
    record: dict = {"id": qid, "title": name if name and name != qid else None,
                    "text": restore(strip_format(question_text.strip())), "feedback": restore(strip_format(general.strip())),
                    "difficulty": "medium"}
    if not answertext:
        raise ValueError("an essay or description question has no equivalent in the bank")
    qtype = min((t for t in registered() if t.reads_gift(answertext)), key=lambda t: t.gift_order, default=None)
    if qtype is None:
        raise ValueError("no question type of the bank reads this answer part")
    record.update(type=qtype.name, **qtype.read_gift(answertext))
    apply_lms_tags(record, [t.replace("\\]", "]").strip() for t in _TAG_TOKEN.findall(comments)])
    return None, {key: value for key, value in record.items() if value is not None}


def _blocks(text: str):
    """Blank-line-separated blocks with the line each starts on."""
    block: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def from_gift(text: str, origin: str | os.PathLike = "<gift>") -> list:
    """Read GIFT text back into bank Modules; raise BankError naming the line of every problem."""
    origin = Path(origin)
    groups: dict[str, dict] = {}
    problems: list[Problem] = []
    title = None
    for line, block in _blocks(text):
        try:
            category, record = _read_question(block)
        except ValueError as exc:
            problems.append(Problem(origin, line, None, None, str(exc)))
            continue
        if category is not None:
            title = category.replace("//", "\0").rsplit("/", 1)[-1].replace("\0", "/")
        if record is None:
            continue
        module_id = record["id"][1:3] if re.match(r"^m\d{2}-", record["id"]) else ""
        if not module_id:
            problems.append(Problem(origin, line, record["id"] or None, "id",
                                    "needs a comment line '// [id:mNN-qNN]' naming the bank id before the question"))
            continue
        group = groups.setdefault(module_id, {"title": title or module_id, "records": [], "lines": {}})
        group["records"].append(record)
        group["lines"][record["id"]] = line
    modules = []
    for module_id, group in groups.items():
        try:
            modules.append(build_module(module_id, group["title"], group["records"], origin))
        except BankError as exc:
            problems += [replace(p, line=group["lines"].get(p.entry)) for p in exc.problems]
    if problems:
        raise BankError(problems)
    return modules


def read_gift(path: str | os.PathLike) -> list:
    """Read a GIFT file into bank Modules."""
    return from_gift(Path(path).read_text(encoding="utf-8"), origin=path)
