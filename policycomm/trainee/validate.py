"""The trainee's Validate button in Vietnamese: nbgrader's Validator, naming questions instead of showing code.

nbgrader's *Validate* button (its JupyterLab extension) posts the notebook to the
server extension ``nbgrader.server_extensions.validate_assignment``, which runs
:class:`nbgrader.validator.Validator` and sends back, for each cell that failed
or was changed, the cell's source (code, for a test cell) and its error; the
dialog shows both under fixed English labels. :class:`TraineeValidator` keeps
nbgrader's decisions (which cells failed, which changed) and changes what is
sent: each cell is named by its question (``Câu 2 (1 điểm): gõ tiếng Việt có
dấu: ô kiểm tra``, :func:`policycomm.trainee.cells.question_label`), never by
its code, and each error is the one Vietnamese sentence the check gave (or one
of ours for nbgrader's English "no response" and "partial credit").
:mod:`policycomm.trainee.server` serves it at nbgrader's address; the dialog's
own labels come from nbgrader's JavaScript and are translated by the trainee's
``custom.css`` (:func:`custom_css`).

>>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
>>> test = new_code_cell('check_choice(forms.answer("m00-cau-1"))', outputs=[new_output(
...     "error", ename="CheckFailed", evalue="Bạn chưa trả lời câu này.", traceback=["Traceback…", "CheckFailed"])])
>>> test.metadata["nbgrader"] = {"grade": True, "solution": False, "points": 1, "grade_id": "cau_1_kiem_tra"}
>>> nb = new_notebook(cells=[new_markdown_cell("### Câu 1 (1 điểm)"), test])
>>> [(cell.source, TraineeValidator()._extract_error(cell)) for cell in TraineeValidator()._named(nb, [test], role=False)]
[('Câu 1 (1 điểm)', '✗ Bạn chưa trả lời câu này.')]
"""
from __future__ import annotations

import copy

from nbgrader import utils
from nbgrader.validator import Validator

from ..grading.hidden_tests import CHECK_ERRORS, KIND_MARK
from ..messages import message
from .cells import form_ids, question_label

#: the labels of nbgrader's Validate dialog and button (fixed English in its JavaScript) -> message codes;
#: each rule hides nbgrader's text and shows the message instead (see :func:`custom_css`)
DIALOG_LABELS = {
    ".jp-Dialog:has(#validation-message) .jp-Dialog-header": "validate_title",
    "#validation-message.validation-success > div > p": "validate_success",
    "#validation-message.validation-failed > div > p": "validate_failed_cell",
    "#validation-message.validation-changed > div > p": "validate_changed_cell",
    "#validation-message.validation-type-changed > div > p": "validate_type_changed_cell",
    "#validation-message:not([class*='validation-']) > div > p": "validate_could_not_run",
    ".validate-button .jp-ToolbarButtonComponent-label": "validate_button",
    ".validate-button[disabled] .jp-ToolbarButtonComponent-label": "validate_button_busy",
}


#: nbgrader's Assignment List (fixed English in its JavaScript) -> message codes: an assignment's own button is
#: ``.list_item:not(.nested_list_item) > .col-md-12 > .item_status > button`` of its list, a notebook's
#: (Validate) that of a nested row; its text stays in the page for screen readers, at size 0 (see :func:`custom_css`)
_ITEM = ".list_item:not(.nested_list_item) > .col-md-12 > .item_status > button"
_PANEL = "#assignments .panel-group > .panel:nth-child({}) > .panel-heading"
ASSIGNMENT_LIST_LABELS = {
    ".lm-Menu-item[data-command='nbgrader:open-assignment-list'] .lm-Menu-itemLabel": "alist_menu",
    "#assignments_list_info": "alist_info",
    _PANEL.format(1): "alist_released",
    _PANEL.format(2): "alist_fetched",
    _PANEL.format(3): "alist_submitted",
    "#released_assignments_list_placeholder > div": "alist_none_released",
    "#fetched_assignments_list_placeholder > div": "alist_none_fetched",
    "#submitted_assignments_list_placeholder > div": "alist_none_submitted",
    "#assignments .list_loading > div": "alist_loading",
    f"#released_assignments_list {_ITEM}": "alist_fetch",
    f"#released_assignments_list {_ITEM}[disabled]": "alist_fetching",
    f"#fetched_assignments_list {_ITEM}": "alist_submit",
    f"#fetched_assignments_list {_ITEM}[disabled]": "alist_submitting",
    "#fetched_assignments_list .nested_list_item > .col-md-12 > .item_status > button": "alist_validate",
    "#fetched_assignments_list .nested_list_item > .col-md-12 > .item_status > button[disabled]": "validate_button_busy",
    f"#submitted_assignments_list {_ITEM}": "alist_fetch_feedback",
    f"#submitted_assignments_list {_ITEM}[disabled]": "alist_fetching_feedback",
    "#submitted_assignments_list .nested_list_item .item_name > a": "alist_view_feedback",
    "#submitted_assignments_list .nested_list_item .item_name > span:not(:empty)": "alist_feedback_waiting",
}


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ") + '"'


def custom_css() -> str:
    """The trainee's ``custom.css`` (JupyterLab's ``LabApp.custom_css``): nbgrader's Validate labels and its
    Assignment List in the language of the moment. nbgrader's JavaScript writes them as fixed English text, outside JupyterLab's
    translation system, so the only way short of changing that JavaScript is to hide each text and show
    the message in its place (``::before``); the English stays in the page, invisible.

    >>> css = custom_css()
    >>> "Kết quả kiểm tra bài" in css and 'visibility: hidden' in css and "Nộp bài" in css
    True
    """
    rules = ["/* Written by `policycomm course open` (policycomm.trainee.validate.custom_css): nbgrader's Validate\n"
             "   dialog, button labels and Assignment List in the trainee's language. */"]
    for selector, code in DIALOG_LABELS.items():
        rules.append(f"{selector} {{ visibility: hidden; font-size: 0; }}\n"
                     f"{selector}::before {{ visibility: visible; font-size: var(--jp-ui-font-size1); "
                     f"content: {_css_string(message(code))}; }}")
    for selector, code in ASSIGNMENT_LIST_LABELS.items():  # the element stays visible (its buttons are pressed)
        rules.append(f"{selector} {{ font-size: 0; }}\n"
                     f"{selector}::before {{ font-size: var(--jp-ui-font-size1); "
                     f"content: {_css_string(message(code))}; }}")
    # em sizes would be relative to the hidden text's size 0; the dialog's lines wrap instead of scrolling
    rules.append(".jp-Dialog:has(#validation-message) .jp-Dialog-header::before "
                 "{ font-size: calc(var(--jp-ui-font-size1) * 1.44); }")
    rules.append("#validation-message pre { white-space: pre-wrap; font-family: var(--jp-ui-font-family); "
                 "font-size: var(--jp-ui-font-size1); }")
    return "\n".join(rules) + "\n"


def describe_cell(nb, index: int) -> str:
    """A cell, named for a trainee who reads no code: its question and role, or the start of its text."""
    cell = nb.cells[index]
    nbgrader = cell.get("metadata", {}).get("nbgrader", {}) or {}
    question = question_label(nb, index)
    if cell.cell_type == "markdown" and not nbgrader.get("solution"):
        start = " ".join(cell.source.split())
        return message("validate_text_cell", start=start if len(start) <= 60 else start[:59].rstrip() + "…")
    if question and (nbgrader.get("solution") or form_ids(cell)):
        return message("validate_answer_cell", question=question)
    if question and nbgrader.get("grade"):
        return message("validate_test_cell", question=question)
    number = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code")
    return message("validate_code_cell", number=number)


class TraineeValidator(Validator):
    """nbgrader's Validator whose results name questions and say in Vietnamese what to do."""

    def _named(self, nb, cells, role: bool = True) -> list:
        """Copies of ``cells`` (cells of ``nb``) whose source is what the trainee reads instead of the code:
        the cell's question and ``role`` in it (:func:`describe_cell`), or the question alone."""
        places = {id(cell): index for index, cell in enumerate(nb.cells)}
        named = []
        for cell in cells:
            shown = copy.deepcopy(cell)
            index = places.get(id(cell))
            label = None if index is None or role else question_label(nb, index)
            shown.source = label or (describe_cell(nb, index) if index is not None else "")
            named.append(shown)
        return named

    def _get_type_changed_cells(self, nb):
        return self._named(nb, super()._get_type_changed_cells(nb))

    def _get_changed_cells(self, nb):
        return self._named(nb, super()._get_changed_cells(nb))

    def _get_passed_cells(self, nb):
        return self._named(nb, super()._get_passed_cells(nb))

    def _get_failed_cells(self, nb):
        """A failed cell is a test cell: named by its question alone, its error says what to do."""
        return self._named(nb, super()._get_failed_cells(nb), role=False)

    def _extract_error(self, cell) -> str:
        """One sentence: the check's own (the trainee's kernel shows it as a one-line traceback), else ours."""
        if cell.cell_type == "code":
            for output in cell.outputs:
                if output.output_type != "error":
                    continue
                lines = list(output.get("traceback") or [])
                if len(lines) == 1 and lines[0].startswith(KIND_MARK):
                    return lines[0]
                if output.get("ename") in CHECK_ERRORS:
                    return f"{KIND_MARK} {output.get('evalue', '')}"
                return message("shown_other_error")
            if utils.is_grade(cell):
                score, max_score = utils.determine_grade(cell, self.log)
                if score is not None and score < max_score:
                    return message("validate_partial")
            return message("validate_no_response")
        return message("validate_no_writing")


if __name__ == "__main__":  # python -m policycomm.trainee.validate > ~/.jupyter/custom/custom.css (a JupyterHub)
    print(custom_css(), end="")
