"""Written answers given in a form reach the lecturer: nbgrader's "no response" rule, adapted to forms.

nbgrader decides whether a trainee answered a manually graded cell (an nbgrader
``solution`` and ``grade`` cell) by the cell's source: unchanged since the
release (same checksum) means "no response", scored 0 without asking the
lecturer (``nbgrader.utils.determine_grade``). A trainee who writes in a form
(:func:`policycomm.forms.writing`) never changes the cell's source: the answer
is saved in ``policycomm_answers.json`` beside the notebook. So, just before
nbgrader's SaveAutoGrades, :class:`AskLecturer` drops the release checksum of
each manually graded form cell whose form holds a saved answer: nbgrader then
leaves that cell to the lecturer (``needs_manual_grade``), while a blank form
stays "no response" with 0, as an untouched cell always did.

:func:`configure_autograde` puts it into ``nbgrader autograde`` (the course's
``nbgrader_config.py`` calls it); the cohort grader runs it in its save step.
It also keeps widget state out of autograded notebooks: a page that cannot run
widgets (formgrader, the feedback page) then shows each form's static copy of
the answer (the ``text/html`` of its display), not an empty widget.

>>> import nbformat, tempfile
>>> from policycomm.forms import write_answers
>>> cell = nbformat.v4.new_code_cell('from policycomm import forms\\nforms.writing("m09-cau-2")')
>>> cell.metadata["nbgrader"] = {"grade": True, "solution": True, "grade_id": "cau_2", "points": 4, "checksum": "x"}
>>> folder = tempfile.mkdtemp()
>>> nb, _ = AskLecturer().preprocess(nbformat.v4.new_notebook(cells=[cell]), {"metadata": {"path": folder}})
>>> "checksum" in nb.cells[0].metadata.nbgrader      # blank form: nbgrader's "no response"
True
>>> write_answers(folder, "09.ipynb", {"m09-cau-2": "Tôi chọn hội nghị đối thoại."})
>>> nb, _ = AskLecturer().preprocess(nb, {"metadata": {"path": folder}})
>>> "checksum" in nb.cells[0].metadata.nbgrader      # an answer: the lecturer grades it
False
"""
from __future__ import annotations

import re

from nbgrader.preprocessors import NbGraderPreprocessor

#: a form shown by a cell: ``forms.writing("m09-cau-2", ...)`` (the form kinds of policycomm.forms)
FORM_CALL = re.compile(r"^forms\.(?:single|multiple|ordering|stage|audience|channels|number|text|writing|plan)"
                       r"\(\s*[\"']([^\"']+)[\"']", re.M)


def is_written_answer_cell(cell) -> bool:
    """True for a manually graded code cell (nbgrader ``grade`` and ``solution``)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and bool(meta.get("solution"))


def form_id(source: str) -> str | None:
    """The exercise id of the form a cell's source shows (its last form call), or None."""
    found = FORM_CALL.findall(source)
    return found[-1] if found else None


def has_answer(exercise_id: str, folder) -> bool:
    """True when the answers file in ``folder`` holds a non-blank answer to ``exercise_id``."""
    from policycomm.quiz.responses import read_recorded

    recorded = read_recorded(exercise_id, folder=folder)
    response = recorded.response
    return recorded.answered and response is not None and not (isinstance(response, str) and not response.strip())


class AskLecturer(NbGraderPreprocessor):
    """Before SaveAutoGrades: a manually graded form cell whose form holds an answer goes to the lecturer."""

    def preprocess(self, nb, resources):
        self._folder = (resources.get("metadata") or {}).get("path") or "."
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        if is_written_answer_cell(cell) and (exercise := form_id(cell.source)) and has_answer(exercise, self._folder):
            cell.metadata["nbgrader"].pop("checksum", None)
        return cell, resources


def configure_autograde(c) -> None:
    """Make ``nbgrader autograde`` in traitlets config ``c`` send written form answers to the lecturer.

    :class:`AskLecturer` joins nbgrader's autograde preprocessors just before
    SaveAutoGrades, and executed notebooks keep no widget state
    (``Execute.store_widget_state``), so formgrader and the feedback page show
    each form's static copy of the answer.
    """
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import SaveAutoGrades

    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    steps.insert(steps.index(SaveAutoGrades), AskLecturer)
    c.Autograde.autograde_preprocessors = steps
    c.Execute.store_widget_state = False
