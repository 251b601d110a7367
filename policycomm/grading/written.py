"""Written answers given in a form: the lecturer grades them in a task cell, and a blank one is 0 at once.

A written answer (:func:`policycomm.forms.writing`) is saved in
``policycomm_answers.json`` beside the notebook; the cell that shows its form
is an ordinary locked cell, which the grader restores, so the trainee's
notebook holds no code of theirs. The lecturer's points are an nbgrader
*task* cell after it (text, manually graded, with the mark scheme in a
``=== BEGIN MARK SCHEME ===`` region that only the lecturer sees), whose
metadata names the answer: ``"policycomm": {"answer": "m09-cau-2"}``.

nbgrader leaves every task to the lecturer (``needs_manual_grade``).
:class:`SaveFormGrades`, which takes the place of nbgrader's SaveAutoGrades,
also gives a task whose form holds no saved answer nbgrader's "no response":
0 at once, not left for the lecturer. :func:`configure_autograde` puts it into
``nbgrader autograde`` (the course's ``nbgrader_config.py`` calls it); the
cohort grader runs it in its save step. Executed notebooks keep no widget
state: a page that cannot run widgets (formgrader, the feedback page) shows
each form's static copy of the answer (the ``text/html`` of its display).

>>> import tempfile
>>> from nbformat.v4 import new_markdown_cell
>>> from policycomm.forms import write_answers
>>> task = new_markdown_cell("Giảng viên chấm câu 2.")
>>> task.metadata = {"nbgrader": {"task": True, "points": 4, "grade_id": "cau_2_cham"},
...                  "policycomm": {"answer": "m09-cau-2"}}
>>> folder = tempfile.mkdtemp()
>>> blank_written_answer(task, folder)
True
>>> write_answers(folder, "09.ipynb", {"m09-cau-2": "Tôi chọn hội nghị đối thoại."})
>>> blank_written_answer(task, folder)
False
"""
from __future__ import annotations

from nbgrader.preprocessors import SaveAutoGrades


def has_answer(exercise_id: str, folder) -> bool:
    """True when the answers file in ``folder`` holds a non-blank answer to ``exercise_id``."""
    from policycomm.quiz.responses import read_recorded

    recorded = read_recorded(exercise_id, folder=folder)
    response = recorded.response
    return recorded.answered and response is not None and not (isinstance(response, str) and not response.strip())


def blank_written_answer(cell, folder) -> bool:
    """True for a task cell that grades a written answer (see the module) which is blank in ``folder``."""
    from policycomm.trainee.cells import read_ids

    answers = read_ids(cell) if cell.get("metadata", {}).get("nbgrader", {}).get("task") else []
    return bool(answers) and not any(has_answer(answer, folder) for answer in answers)


class SaveFormGrades(SaveAutoGrades):
    """nbgrader's SaveAutoGrades, and "no response" (0, not left for the lecturer) for a blank written answer."""

    def preprocess(self, nb, resources):
        self._folder = (resources.get("metadata") or {}).get("path") or "."
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if blank_written_answer(cell, self._folder):
            grade = self.gradebook.find_grade(cell.metadata["nbgrader"]["grade_id"], self.notebook_id,
                                              self.assignment_id, self.student_id)
            if grade.manual_score is None:  # a lecturer's grade stays theirs, as in SaveAutoGrades
                grade.auto_score, grade.needs_manual_grade = 0, False
                self.gradebook.db.commit()
        return cell, resources


def configure_autograde(c) -> None:
    """Make ``nbgrader autograde`` in traitlets config ``c`` save blank written answers as 0 (see the module),
    and keep no widget state in executed notebooks (``Execute.store_widget_state``)."""
    from nbgrader.converters import Autograde

    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    steps[steps.index(SaveAutoGrades)] = SaveFormGrades
    c.Autograde.autograde_preprocessors = steps
    c.Execute.store_widget_state = False
