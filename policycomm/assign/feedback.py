"""Trainee feedback through nbgrader's own ``generate_feedback``: Vietnamese, no code, no hidden tests, no tracebacks.

nbgrader's ``generate_feedback`` renders the autograded notebook, whose test
cells still hold the ``### BEGIN HIDDEN TESTS`` regions and whose error outputs
hold full tracebacks (which quote the failing hidden line), on an English page
that shows every cell's code, and whose task cells still hold their mark
scheme (the lecturer reads it in formgrader). :func:`configure_feedback`
changes three things of that path and nothing else: nbgrader's own
ClearMarkScheme, :class:`HideHiddenTests` and :class:`TraineeView` join
nbgrader's preprocessors (GetGrades, CSSHTMLHeaderPreprocessor), and the
page is our ``feedback`` template (``policycomm/templates/feedback/``), found
before nbgrader's template of that name (formgrader's *Generate Feedback*
button asks for the name ``feedback``), whose sentences come from the
message catalogue. The course's ``nbgrader_config.py`` calls it, and so does
``policycomm report`` (:func:`generate_feedback`).

What the trainee reads, question by question: the question (the text cells,
rendered), the answer they gave (the form's static copy, ``text/html``, that
every form puts beside its live widget), the check's one sentence and the
verdict with the points; at the top, a table of every question (*Câu*) and its
points (*Điểm*). Code cells show no code (a trainee who typed an answer as code
in a solution cell without a form still sees that answer), widgets and their
state are dropped, and a graded cell never shows a ✔ next to its ✗.

>>> from nbformat.v4 import new_code_cell, new_notebook, new_output
>>> cell = new_code_cell("check(x)\\n### BEGIN HIDDEN TESTS\\ncheck(x, expected=1)\\n### END HIDDEN TESTS", outputs=[
...     new_output("stream", name="stdout", text="check(x, expected=1)\\n"),
...     new_output("error", ename="AssertionError", evalue="", traceback=["Traceback", "check(x, expected=1)"])])
>>> nb, _ = HideHiddenTests().preprocess(new_notebook(cells=[cell]), {})
>>> nb.cells[0].source, nb.cells[0].outputs[0].text, nb.cells[0].outputs[1].traceback
('check(x)', '[đã ẩn]\\n', ['✗ AssertionError'])
"""
from __future__ import annotations

import os
import re

from nbgrader.preprocessors.base import NbGraderPreprocessor

from ..grading.hidden_tests import one_line_error, redact, secret_lines, without_hidden

#: the nbconvert template of the feedback page, in policycomm/templates/
TEMPLATE = "feedback"  # the name formgrader asks for; ours is found first (extra_template_basedirs)
#: a solution region (an answer key, a mark scheme): in a trainee's own notebook only if a source was submitted
SOLUTION_REGION = re.compile(r"^[ \t]*### BEGIN SOLUTION.*?^[ \t]*### END SOLUTION[^\n]*\n?", re.S | re.M)
#: a live widget: the feedback page cannot run it (the form's text/html copy is shown instead)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class HideHiddenTests(NbGraderPreprocessor):
    """Drop hidden-test and solution regions from sources, shorten errors to one line, redact outputs that quote
    a hidden test. (A released notebook has no solution region; one submitted anyway shows no key here.)"""

    def preprocess(self, nb, resources):
        self._secrets = secret_lines(nb.cells)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code":
            cell.source = SOLUTION_REGION.sub("", without_hidden(cell.source))
            for output in cell.get("outputs", []):
                kind = output.get("output_type")
                if kind == "error":
                    output["traceback"] = [redact(line, self._secrets) for line in one_line_error(output)]
                elif kind == "stream":
                    output["text"] = redact(output.get("text", ""), self._secrets)
                elif "text/plain" in output.get("data", {}):
                    output["data"]["text/plain"] = redact(output["data"]["text/plain"], self._secrets)
        return cell, resources


def accepted_lines() -> set[str]:
    """The lines a visible check prints for an answer of the right form ("✔ Đã nhận câu trả lời."), in every
    language: the grade decides, so a graded cell never shows them."""
    from ..messages import LANGUAGES, message

    return {message(code, lang).strip() for code in ("check_ok_form", "check_ok_received") for lang in LANGUAGES}


def right_lines() -> set[str]:
    """The line a check prints for a right answer ("✔ Chính xác!"), in every language."""
    from ..messages import LANGUAGES, message

    return {message("check_ok_right", lang).strip() for lang in LANGUAGES}


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _shows_form(cell) -> bool:
    """Whether an answer cell is a form's (even one the trainee unfolded and broke): it names ``forms``."""
    from ..trainee.cells import form_ids

    return bool(form_ids(cell)) or "forms" in cell.get("source", "")


def _keep_lines(text: str, dropped: set[str]) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if line.strip() not in dropped)


def verdict(cell) -> str | None:
    """``passed``, ``partly``, ``not-yet`` or ``awaiting`` (a written answer the lecturer grades: a task cell or
    an answer typed in a solution cell, still at 0) for a graded cell whose grade GetGrades has put in its
    metadata; None for any other cell."""
    g = _nbgrader(cell)
    if not (g.get("grade") or g.get("task")) or g.get("points") is None:
        return None
    score, points = g.get("score") or 0, g.get("points")
    if (g.get("task") or g.get("solution")) and not score:
        return "awaiting"
    return "passed" if score >= points else "partly" if score > 0 else "not-yet"


class TraineeView(NbGraderPreprocessor):
    """What a trainee reads of each cell: no code, answers as the forms' copies, one verdict per question.

    * a code cell's source is emptied (the template shows none), except in a solution cell that is no form's
      (a course whose trainees type answers as code): there the source is the answer;
    * a live widget is replaced by its ``text/html`` copy (the answer in words), or dropped;
    * error outputs of cells that are neither graded nor answers (an example the trainee skipped) and every
      ``stderr`` stream (library warnings, in English) are dropped;
    * a graded cell and the answer cells of its question (the code cells after the question's text) drop
      "answer received" lines (the grade decides), and "correct" lines unless it got every point; in a
      question that passed, an answer cell's error (a cell the trainee unfolded and broke, while the saved
      answer counts) is dropped: a ✔ never stands beside a ✗ of the same question (a checklist's lines,
      ✔ for each criterion met, stay);
    * ``resources["policycomm"]`` gets the notebook's title and its questions (label, score, points, verdict)
      for the table at the top of the page.
    """

    def preprocess(self, nb, resources):
        from ..trainee.cells import question_label
        from ..trainee.start import title_of_notebook

        nb.metadata.pop("widgets", None)  # widget state: nothing to run it on the page
        questions = []
        #: index of a code cell of a question (its answer cell, after the question's text) -> the question's verdict
        self._question_of = {}
        start = 0
        for index, cell in enumerate(nb.cells):
            state = verdict(cell)
            if state is not None:
                cell.metadata.setdefault("policycomm", {})["verdict"] = state  # the page's line under the cell
                g = _nbgrader(cell)
                questions.append({"label": question_label(nb, index) or g.get("grade_id") or "",
                                  "score": g.get("score") or 0, "points": g.get("points"), "verdict": state})
                self._question_of.update(dict.fromkeys(range(start, index), state))
                start = index + 1
            elif cell.cell_type == "markdown":
                start = index + 1
        resources.setdefault("policycomm", {}).update(title=title_of_notebook(nb), questions=questions)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code":
            return cell, resources
        g = _nbgrader(cell)
        if not (g.get("solution") and not _shows_form(cell)):
            cell.source = ""
        state = verdict(cell) if g.get("grade") else self._question_of.get(cell_index)
        dropped = accepted_lines() | (right_lines() if state in ("partly", "not-yet") else set())
        kept = []
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            data = output.get("data", {})
            if kind == "stream" and output.get("name") == "stderr":
                continue
            if kind == "error" and not (g.get("grade") or g.get("solution")):
                continue
            if kind == "error" and state in ("passed", "awaiting") and not g.get("grade"):
                continue  # an answer cell the trainee broke, in a question the saved answer passed
            if WIDGET_VIEW in data:
                if "text/html" not in data:
                    continue
                output["data"] = {"text/html": data["text/html"]}
            if kind == "stream" and state is not None:
                output["text"] = _keep_lines(output.get("text", ""), dropped)
                if not output["text"].strip():
                    continue
            if kind == "error" and state == "passed":  # nbgrader gave every point: no ✗ beside it
                continue
            kept.append(output)
        cell.outputs = kept
        return cell, resources


def configure_feedback(c) -> None:
    """Make nbgrader's ``GenerateFeedback`` in traitlets config ``c`` give the course's feedback page."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import ClearMarkScheme, GetGrades

    from ..templates import TEMPLATES

    c.GenerateFeedback.preprocessors = [GetGrades, ClearMarkScheme, HideHiddenTests, TraineeView,
                                        CSSHTMLHeaderPreprocessor]
    c.HTMLExporter.template_name = TEMPLATE
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.HTMLExporter.filters = {"say": "policycomm.messages.message"}
    c.HTMLExporter.exclude_input_prompt = True  # "In [5]:" means nothing to a trainee who reads no code
    c.HTMLExporter.exclude_output_prompt = True


def generate_feedback(course_dir: str, config, out_dir: str, db_url: str | None = None) -> list[str]:
    """Run nbgrader's GenerateFeedback on every autograded notebook, writing into ``out_dir``.

    ``config`` is the course's nbgrader configuration; the pages go to
    ``out_dir/<student>/<assignment>/<notebook>.html``. Returns their paths.
    A submission nbgrader cannot give feedback for (one that is not in the
    gradebook) is left out and logged, as ``nbgrader generate_feedback`` does;
    the others still get theirs.
    """
    import logging

    from nbgrader.converters import GenerateFeedback
    from nbgrader.converters.base import NbGraderException
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    config = Config(config)
    configure_feedback(config)
    config.CourseDirectory.root = course_dir
    config.CourseDirectory.feedback_directory = os.path.abspath(out_dir)
    config.CourseDirectory.assignment_id = "*"
    config.CourseDirectory.student_id = "*"
    if db_url:
        config.CourseDirectory.db_url = db_url
    config.GenerateFeedback.force = True
    coursedir = CourseDirectory(config=config)
    try:
        GenerateFeedback(coursedir=coursedir, config=config).start()
    except NbGraderException as exc:
        logging.getLogger("policycomm.report").warning("nbgrader generate_feedback: %s", exc)
    pages = []
    for dirpath, _, filenames in os.walk(out_dir):
        pages += [os.path.join(dirpath, name) for name in filenames if name.endswith(".html")]
    return sorted(pages)
