"""Every source notebook runs top to bottom under nbval, in a fresh kernel, on a copy of course/source.

The copy holds the answers file that the notebook's keys (``forms.key``) make,
as if a trainee (``TRAINEE``, whom the kernel works for) had answered every form as the author did.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from course_cases import ASSIGNMENTS, COURSE, keys_of  # noqa: E402

pytestmark = pytest.mark.slow
TRAINEE = "an.nguyen"


def run_nbval(folder: Path) -> subprocess.CompletedProcess:
    """Run every notebook of ``folder`` with ``pytest --nbval-lax`` (errors fail, outputs are not compared)."""
    notebooks = sorted(str(p) for p in folder.glob("*.ipynb"))
    assert notebooks, f"{folder} has no notebook"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-p", "no:xdist",
         "-o", "addopts=", "-q", "--rootdir", str(folder.parent), *notebooks],
        cwd=folder, capture_output=True, text=True, timeout=900, env=dict(os.environ, POLICYCOMM_TRAINEE=TRAINEE))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebooks_run_top_to_bottom(assignment, tmp_path):
    folder = tmp_path / assignment
    shutil.copytree(COURSE / "source" / assignment, folder)
    from policycomm.forms.keys import write_answers

    for name, answers in keys_of({p.name: nbformat.read(p, as_version=4) for p in folder.glob("*.ipynb")},
                                   TRAINEE).items():
        write_answers(folder, name, answers)
    result = run_nbval(folder)
    assert result.returncode == 0, f"{assignment}: a cell failed under nbval:\n{result.stdout[-4000:]}"
    assert " passed" in result.stdout


def test_a_failing_cell_fails_the_run(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"),
                                               nbformat.v4.new_code_cell("1 / 0")])
    nbformat.write(notebook, folder / "broken.ipynb")
    result = run_nbval(folder)
    assert result.returncode != 0 and "ZeroDivisionError" in result.stdout
