"""GIFT export and import of the question bank (Moodle's plain-text format).

The writer follows Moodle's own GIFT exporter (question/format/gift/format.php):
``$CATEGORY: $course$/policycomm/<module title>``, ``::name::``, a
``[markdown]`` format prefix, ``=`` / ``~`` / ``~%50%`` answers, ``#`` per-answer
feedback, ``####`` general feedback, and ``~ = # { } :`` and ``\\`` escaped with
a backslash; line breaks inside a text are written ``\\n``. Since Moodle 4.0 a
comment line ``// [id:m01-q01] [tag:…]`` carries the idnumber and the tags.
What GIFT has no syntax for rides in tags as well: ``difficulty:``,
``source:``, ``points:``, ``unit:``, ``shuffle:no`` and ``accents:insensitive``.
A module is recognised by its category (title) and by the question ids
(``m03-…`` is module 03). Matching pairs have no feedback in GIFT.

The reader mirrors Moodle's importer step by step, so a file it reads is a
file Moodle reads the same way.

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

from .bank import CHOICE_IDS, BankError, Problem, apply_lms_tags, build_module, lms_tags
from .moodle import category_path
from .schema import format_fraction

_SPECIAL = "\\#=~{}:"
_ESCAPE = {ch: "\\" + ch for ch in _SPECIAL} | {"\n": "\\n", "\r": ""}
# Escaped characters are replaced by private-use placeholders while a question is parsed, as Moodle does.
_PLACEHOLDER = {ch: chr(0xE000 + i) for i, ch in enumerate(_SPECIAL + "n")}
_RESTORE = {v: ("\n" if k == "n" else k) for k, v in _PLACEHOLDER.items()}
_WEIGHT = re.compile(r"^%(-?\d{1,3}(?:\.\d*)?)%")  # Moodle: /^%\-*([0-9]{1,2})\.?([0-9]*)%/
_ID_TOKEN = re.compile(r"\[id:((?:\\]|[^\]\x00-\x1f])+)\]")
_TAG_TOKEN = re.compile(r"\[tag:((?:\\]|[^\]<>`\x00-\x1f])+)\]")
TEXT_FORMAT = "markdown"


def escape(text: str) -> str:
    r"""Text with GIFT's reserved characters escaped (Moodle's ``repchar``).

    >>> print(escape("Điều 7: a = b {c} #1 ~d"))
    Điều 7\: a \= b \{c\} \#1 \~d
    """
    return "".join(_ESCAPE.get(ch, ch) for ch in text)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _weight(fraction: float) -> str:
    return f"%{format_fraction(fraction)}%"


def _meta_comment(question) -> str:
    bits = [f"[id:{question.id.replace(']', chr(92) + ']')}]"]
    bits += [f"[tag:{tag.replace(']', chr(92) + ']')}]"
             for tag in lms_tags(question, with_points=True, with_unit=True, with_shuffle=True)]
    return "// " + " ".join(bits)


def _answers(question) -> list[str]:
    kind = question.type
    if kind == "single":
        return [("=" if a.fraction == 100 else "~" if a.fraction == 0 else "~" + _weight(a.fraction))
                + escape(a.text) + "#" + escape(a.feedback) for a in question.answers]
    if kind == "multiple":
        return [("~" if a.fraction == 0 else "~" + _weight(a.fraction)) + escape(a.text) + "#" + escape(a.feedback)
                for a in question.answers]
    if kind == "short":
        return ["=" + _weight(a.fraction) + escape(text) + "#" + escape(a.feedback)
                for a in question.answers for text in (a.text, *a.variants)]
    if kind == "numerical":
        return ["=" + _weight(a.fraction) + f"{_number(a.value)}:{_number(a.tolerance)}#" + escape(a.feedback)
                for a in question.answers]
    if kind == "matching":
        return ([f"={escape(p.left)} -> {escape(p.right)}" for p in question.pairs]
                + [f"= -> {escape(d)}" for d in question.distractors])
    raise ValueError(f"no GIFT answers for type {kind!r}")


def question_gift(question) -> str:
    """One GIFT question: the metadata comment, then the question."""
    head = f"::{escape(question.name)}::[{TEXT_FORMAT}]{escape(question.text)}"
    general = "####" + escape(question.feedback)
    if question.type == "truefalse":
        right, wrong = ((question.feedback_true, question.feedback_false) if question.correct
                        else (question.feedback_false, question.feedback_true))
        body = f"{{{'TRUE' if question.correct else 'FALSE'}#{escape(wrong)}#{escape(right)}{general}}}"
    else:
        opener = "{#" if question.type == "numerical" else "{"
        body = opener + "\n" + "".join(f"\t{line}\n" for line in _answers(question)) + f"\t{general}\n}}"
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


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(ch, ch) for ch in text).strip()


def _strip_format(text: str) -> str:
    match = re.match(r"^\[(moodle|html|plain|markdown)\]", text)
    return text[match.end():] if match else text


def _split_feedback(answer: str) -> tuple[str, str]:
    text, _, feedback = answer.partition("#")
    return _restore(_strip_format(text.strip())), _restore(_strip_format(feedback.strip()))


def _weighted(answer: str, default: float) -> tuple[float, str]:
    match = _WEIGHT.match(answer)
    return (float(match.group(1)), answer[match.end():]) if match else (default, answer)


def _parts(answertext: str, separator: str) -> list[str]:
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
        return _restore(text[10:]), None
    name = None
    if text.startswith("::") and "::" in text[2:]:
        end = text.index("::", 2)
        name, text = _restore(text[2:end]), text[end + 2:].strip()
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
                    "text": _restore(_strip_format(question_text.strip())), "feedback": _restore(_strip_format(general.strip())),
                    "difficulty": "medium"}
    if not answertext:
        raise ValueError("an essay or description question has no equivalent in the bank")
    if answertext.startswith("#"):
        record["type"] = "numerical"
        record["answers"] = []
        for part in _parts(answertext[1:].split("~")[0], "="):
            fraction, rest = _weighted(part, 100.0)
            value_text, feedback = _split_feedback(rest)
            if ".." in value_text:
                low, high = (float(v) for v in value_text.split(".."))
                value, tolerance = (low + high) / 2, (high - low) / 2
            else:
                value_part, _, tolerance_part = value_text.partition(":")
                value, tolerance = float(value_part), float(tolerance_part or 0)
            record["answers"].append({"value": value, "tolerance": tolerance, "fraction": fraction, "feedback": feedback})
    elif "~" in answertext:
        single = "=" in answertext
        record["type"] = "single" if single else "multiple"
        record["answers"] = []
        for index, part in enumerate(_parts(answertext.replace("=", "~="), "~")):
            if part.startswith("="):
                fraction, rest = 100.0, part[1:]
            else:
                fraction, rest = _weighted(part, 0.0)
            choice, feedback = _split_feedback(rest)
            record["answers"].append({"id": CHOICE_IDS[index] if index < len(CHOICE_IDS) else f"option{index + 1}",
                                      "text": choice, "fraction": fraction, "feedback": feedback})
    elif "=" in answertext and "->" in answertext:
        record["type"] = "matching"
        pairs, distractors = [], []
        for part in _parts(answertext, "="):
            left, _, right = part.partition("->")
            left, right = _restore(_strip_format(left.strip())), _restore(right)
            (pairs.append({"left": left, "right": right}) if left else distractors.append(right))
        record["pairs"] = pairs
        if distractors:
            record["distractors"] = distractors
    elif answertext.split("#")[0].strip() in ("T", "TRUE", "F", "FALSE"):
        value, wrong, right = (answertext.split("#", 2) + ["", ""])[:3]
        correct = value.strip() in ("T", "TRUE")
        record.update(type="truefalse", correct=correct)
        record["feedback_true" if correct else "feedback_false"] = _restore(right)
        record["feedback_false" if correct else "feedback_true"] = _restore(wrong)
    else:
        record["type"] = "short"
        merged: list[dict] = []
        for part in _parts(answertext, "="):
            fraction, rest = _weighted(part, 100.0)
            text, feedback = _split_feedback(rest)
            if merged and (merged[-1]["fraction"], merged[-1]["feedback"]) == (fraction, feedback):
                merged[-1].setdefault("variants", []).append(text)
            else:
                merged.append({"text": text, "fraction": fraction, "feedback": feedback})
        record["answers"] = merged
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
