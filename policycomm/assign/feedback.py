"""Trainee feedback through nbgrader's own ``generate_feedback``, without hidden tests or tracebacks.

nbgrader's ``generate_feedback`` renders the autograded notebook, whose test
cells still hold the ``### BEGIN HIDDEN TESTS`` regions and whose error outputs
hold full tracebacks (which quote the failing hidden line), on an English page.
:func:`configure_feedback` changes three things of that path and nothing else:
:class:`HideHiddenTests` joins nbgrader's preprocessors (GetGrades,
CSSHTMLHeaderPreprocessor), and the page is the ``policycomm_feedback``
template (``policycomm/templates/policycomm_feedback/``), whose sentences come
from the message catalogue. The course's ``nbgrader_config.py`` calls it, and
so does ``policycomm report`` (:func:`generate_feedback`).

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
TEMPLATE = "policycomm_feedback"
#: a solution region (an answer key, a mark scheme): in a trainee's own notebook only if a source was submitted
SOLUTION_REGION = re.compile(r"^[ \t]*### BEGIN SOLUTION.*?^[ \t]*### END SOLUTION[^\n]*\n?", re.S | re.M)


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


def configure_feedback(c) -> None:
    """Make nbgrader's ``GenerateFeedback`` in traitlets config ``c`` give the course's feedback page."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    from ..templates import TEMPLATES

    c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
    c.HTMLExporter.template_name = TEMPLATE
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.HTMLExporter.filters = {"say": "policycomm.messages.message"}


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
