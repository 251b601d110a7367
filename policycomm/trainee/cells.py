"""What a course notebook asks, read from its cells without running them: its graded exercises and the
question each graded cell belongs to.

The start page counts a module's exercises, the trainee's Validate dialog and the feedback page name a
question ("Câu 2 (1 điểm): …") instead of showing a cell's code. The course's conventions
(``course/README.md``) make this possible: an answer cell (a locked code cell) shows one form
``forms.<kind>("mNN-cau-K", …)``; its test cell (an nbgrader grade cell) reads the saved answer with
``forms.answer("mNN-cau-K")``, or, for a written answer the lecturer grades, a task cell names it in its
metadata (``"policycomm": {"answer": "mNN-cau-K"}``); the question is the last heading of the text cell
before them.

>>> import nbformat
>>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
>>> answer = new_code_cell('from policycomm import forms\\nforms.single("m00-cau-1", ["Có", "Không"])')
>>> answer.metadata["nbgrader"] = {"locked": True, "grade": False, "grade_id": "cau_1"}
>>> test = new_code_cell('check_choice(forms.answer("m00-cau-1"), options="AB")')
>>> test.metadata["nbgrader"] = {"solution": False, "grade": True, "grade_id": "cau_1_kiem_tra", "points": 1}
>>> example = new_code_cell('forms.single("m00-vi-du", ["Có", "Chưa"])')
>>> example.metadata["nbgrader"] = {"locked": True, "grade": False, "grade_id": "vi_du"}
>>> written = new_code_cell('forms.writing("m00-cau-2")')
>>> task = new_markdown_cell("Giảng viên chấm câu 2.")
>>> task.metadata = {"nbgrader": {"task": True, "points": 2, "grade_id": "cau_2_cham"}, "policycomm": {"answer": "m00-cau-2"}}
>>> nb = new_notebook(cells=[new_markdown_cell("## 3. Bài tập\\n\\n### Câu 1 (1 điểm)\\n\\nChọn **một** ý."),
...                          answer, test, example, written, task])
>>> exercises(nb)
['m00-cau-1', 'm00-cau-2']
>>> question_label(nb, 2)
'Câu 1 (1 điểm)'
"""
from __future__ import annotations

import ast
import re

#: the form functions of policycomm.forms that save an answer (policycomm/forms/answers.py)
FORM_KINDS = frozenset({"single", "multiple", "ordering", "stage", "audience", "channels", "number", "text",
                        "writing", "plan", "crisis"})
#: "cau_3_kiem_tra", "cau_3" -> 3 (the cell ids course/README.md asks for)
QUESTION_NUMBER = re.compile(r"^cau_(\d+)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _calls(source: str, names) -> list[str]:
    """The literal first argument of every call to ``name(…)`` or ``x.name(…)`` for ``name`` in ``names``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name in names:
            found.append((node.lineno, node.col_offset, node.args[0].value))
    return [value for *_, value in sorted(found)]


def form_ids(cell) -> list[str]:
    """The exercise ids of the forms a cell shows (none for a cell that shows no form)."""
    if cell.get("cell_type") != "code":
        return []
    return _calls(cell.get("source", ""), FORM_KINDS)


def read_ids(cell) -> list[str]:
    """The exercise ids a graded cell grades: those a test cell reads with ``forms.answer(…)``, the one a task
    cell names (``"policycomm": {"answer": …}`` in its metadata)."""
    if _nbgrader(cell).get("task"):
        answer = (cell.get("metadata", {}).get("policycomm") or {}).get("answer")
        return [answer] if answer else []
    if cell.get("cell_type") != "code" or not _nbgrader(cell).get("grade"):
        return []
    return _calls(cell.get("source", ""), {"answer"})


def exercises(nb) -> list[str]:
    """The graded exercises of a notebook, in order: the ids of its forms that a test cell reads.

    A form no test cell reads (a worked example) is not an exercise; a notebook whose test cells read no
    form (a notebook not converted to forms yet) counts every form of its answer cells.
    """
    shown = [exercise for cell in nb.cells for exercise in form_ids(cell)]
    graded = {exercise for cell in nb.cells for exercise in read_ids(cell)}
    ordered = list(dict.fromkeys(shown))
    return [e for e in ordered if e in graded] if graded & set(ordered) else ordered


def _plain(text: str) -> str:
    """A markdown heading as plain text: no emphasis marks, no code ticks, no link targets."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]+", "", text).strip()


def question_label(nb, index: int) -> str | None:
    """The question the cell at ``index`` belongs to, as the text says it: the last heading of the nearest
    text cell above it (``Câu 2 (1 điểm): gõ tiếng Việt có dấu``); else the question number of its id
    (``cau_2_kiem_tra``), in the language of the moment; else None. A written answer is itself a text
    cell: its own headings are the trainee's, never a question's."""
    text = next((cell for cell in reversed(nb.cells[:index]) if cell.get("cell_type") == "markdown"), None)
    if text is not None:
        headings = [m[1] for line in text.get("source", "").splitlines() if (m := HEADING.match(line.strip()))]
        if headings:
            return _plain(headings[-1])
    number = QUESTION_NUMBER.match(str(_nbgrader(nb.cells[index]).get("grade_id") or nb.cells[index].get("id") or ""))
    if number:
        from ..messages import message

        return message("trainee_question_number", number=int(number[1]))
    return None
