"""The one rule for hidden tests and test cells, used wherever the course writes, strips, shows or looks for them.

A hidden test is every line between a line holding ``BEGIN HIDDEN TESTS`` and
one holding ``END HIDDEN TESTS`` (the delimiter lines themselves included), as
in ``nbgrader generate_assignment`` (ClearHiddenTests). A test cell is an
nbgrader grade cell that is not a solution cell (nbgrader's autograder tests).
What a trainee may see of a test cell's outputs is decided here too.

>>> cell = with_hidden("check(x)", "check(x, expected=1)")
>>> split_hidden(cell)
('check(x)', ['check(x, expected=1)'])
>>> without_hidden(cell)
'check(x)'
>>> is_test_cell({"metadata": {"nbgrader": {"grade": True, "solution": False}}})
True
"""
from __future__ import annotations

BEGIN = "BEGIN HIDDEN TESTS"
END = "END HIDDEN TESTS"
#: the first character of the one-line messages that policycomm.grading.checks shows
KIND_MARK = "✗"
#: the errors the course's checks raise: their message is meant for the trainee
CHECK_ERRORS = ("CheckFailed", "TraineeInputError")
#: a hidden line shorter than this is too common to redact from outputs (``x == 1``)
REDACT_MIN_CHARS = 8


def split_hidden(source: str, begin: str = BEGIN, end: str = END) -> tuple[str, list[str]]:
    """(the visible part of a cell's source, the lines of its hidden tests)."""
    visible, hidden, inside = [], [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        else:
            (hidden if inside else visible).append(line)
    return "\n".join(visible).rstrip("\n"), hidden


def without_hidden(source: str) -> str:
    """A cell's source as a trainee receives it."""
    return split_hidden(source)[0]


def hidden_lines(source: str) -> list[str]:
    """The lines of a cell's hidden tests."""
    return split_hidden(source)[1]


def with_hidden(visible: str, hidden: str) -> str:
    """A test cell's source: ``visible`` for everyone, then ``hidden`` between the delimiters."""
    return f"{visible}\n### {BEGIN}\n{hidden}\n### {END}"


def is_test_cell(cell) -> bool:
    """True for an autograder test cell: an nbgrader grade cell that is not a solution cell."""
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    return bool(nbgrader.get("grade")) and not nbgrader.get("solution")


def secret_lines(cells) -> set[str]:
    """The hidden-test lines of ``cells`` long enough to be redacted wherever an output repeats them."""
    return {line.strip() for cell in cells for line in hidden_lines(cell.get("source", ""))
            if len(line.strip()) >= REDACT_MIN_CHARS}


def redact(text: str, secrets: set[str]) -> str:
    """Replace every line that repeats a hidden test line.

    >>> from policycomm.messages import set_language
    >>> set_language("vi"); redact("ok\\nassert x == 9\\n", {"assert x == 9"})
    'ok\\n[đã ẩn]\\n'
    """
    from ..messages import message

    return "".join(message("fb_redacted") + "\n" if any(s in line for s in secrets) else line
                   for line in text.splitlines(keepends=True))


def one_line_error(output) -> list[str]:
    """The traceback a trainee sees for an error output: one line, never the code that raised it.

    >>> one_line_error({"ename": "CheckFailed", "evalue": "Chưa đúng.", "traceback": ["..."]})
    ['✗ Chưa đúng.']
    >>> one_line_error({"ename": "NameError", "evalue": "name 'x' is not defined", "traceback": ["..."]})
    ["✗ NameError: name 'x' is not defined"]
    """
    lines = list(output.get("traceback") or [])
    if len(lines) == 1 and lines[0].startswith(KIND_MARK):
        return lines
    if output.get("ename") in CHECK_ERRORS:
        return [f"{KIND_MARK} {output.get('evalue', '')}"]
    return [f"{KIND_MARK} {output.get('ename', 'Error')}: {output.get('evalue', '')}".rstrip(": ")]


def _verdicts() -> set[str]:
    """The lines a check prints for an accepted answer, in every language of the catalogue."""
    from ..messages import LANGUAGES, message

    found = set()
    for lang in LANGUAGES:
        ok_form = message("check_ok_form", lang)
        found |= {message("check_ok_right", lang), ok_form, ok_form.split(".")[0] + "."}
    return found


def keep_only_check_messages(cell, trusted: bool = True) -> None:
    """What a test cell may show a trainee: its checks' verdicts, its own messages, its score.

    Anything else a test cell printed (trainee code can print there, for
    instance the test itself) is dropped; the kind of each output stays, so
    nbgrader scores the cell as before. A check's message is kept only from a
    test that ran apart from trainee code (``trusted``).
    """
    verdicts = _verdicts()
    source = cell.source
    for output in cell.outputs:
        kind = output.output_type
        if kind == "stream":
            output.text = "".join(line for line in output.text.splitlines(keepends=True)
                                  if line.strip() in verdicts)
        elif kind == "error":
            message = str(output.get("evalue", ""))
            if not ((trusted and output.ename in CHECK_ERRORS) or message == ""
                    or repr(message)[1:-1] in source or message in source):
                output.evalue = ""
            output.traceback = one_line_error({"ename": output.ename, "evalue": output.evalue})
        elif kind in ("execute_result", "display_data"):
            text = str(output.get("data", {}).get("text/plain", ""))
            try:
                float(text)
                kept = {"text/plain": text}
            except ValueError:
                kept = {"text/plain": ""}
            output.data = kept
            output.metadata = {}
