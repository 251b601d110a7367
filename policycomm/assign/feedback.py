"""What a trainee's feedback must not show: hidden tests and tracebacks.

nbgrader's ``generate_feedback`` renders the autograded notebook, whose test
cells still hold the ``### BEGIN HIDDEN TESTS`` regions and whose error outputs
hold full tracebacks (which quote the failing hidden line). The course's
``nbgrader_config.py`` adds :class:`HideHiddenTests` to
``GenerateFeedback.preprocessors``.

>>> from nbformat.v4 import new_code_cell, new_notebook
>>> cell = new_code_cell("check(x)\\n### BEGIN HIDDEN TESTS\\ncheck(x, expected=1)\\n### END HIDDEN TESTS")
>>> nb, _ = HideHiddenTests().preprocess(new_notebook(cells=[cell]), {})
>>> nb.cells[0].source
'check(x)'
"""
from __future__ import annotations

from nbgrader.preprocessors.base import NbGraderPreprocessor
from traitlets import Unicode

from ..grading.hidden_tests import BEGIN, END, split_hidden

#: the first character of the one-line messages that policycomm.grading.checks shows
KIND_MARK = "✗"


class HideHiddenTests(NbGraderPreprocessor):
    """Drop hidden-test regions from cell sources and shorten error outputs to one line."""

    begin_test_delimeter = Unicode(BEGIN).tag(config=True)
    end_test_delimeter = Unicode(END).tag(config=True)

    def _strip_hidden(self, source: str) -> str:
        return split_hidden(source, self.begin_test_delimeter, self.end_test_delimeter)[0]

    @staticmethod
    def _one_line(output) -> list[str]:
        lines = list(output.get("traceback") or [])
        if len(lines) == 1 and lines[0].startswith(KIND_MARK):
            return lines
        return [f"{KIND_MARK} {output.get('ename', 'Error')}: {output.get('evalue', '')}".rstrip(": ")]

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code":
            cell.source = self._strip_hidden(cell.source)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = self._one_line(output)
        return cell, resources
