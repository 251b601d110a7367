"""policycomm grade stores what serial ``nbgrader autograde`` stores, cell for cell."""
from __future__ import annotations

import shutil

import nbformat
import pytest

from policycomm.grading.cohort import grade_cohort

from gradingkit import ASSIGNMENTS, CORRECT, PARTIAL, cell_scores, gradebook_rows, nbgrader, submit

pytestmark = pytest.mark.slow


def _drop(notebook_name):
    return lambda name, nb: None if name == notebook_name else nb


@pytest.fixture
def cohort(course):
    """Six trainees: correct, partial, untouched release, late with a missing notebook, error-raising,
    and one whose ps2 folder holds no notebook (nbgrader leaves it out of the gradebook)."""
    for assignment in ASSIGNMENTS:
        submit(course, "an", assignment, CORRECT)
        submit(course, "binh", assignment, PARTIAL)
        submit(course, "chi", assignment, {})
        submit(course, "dung", assignment, CORRECT, timestamp="2030-01-01 00:00:00.000000 UTC",
               edit=_drop("messages"))
        submit(course, "em", assignment, {"n_audiences": "n_audiences = 9\nimport warnings\n"
                                                          "warnings.warn('careful')",
                                          "messages__headline": "headline = 'Tiêm chủng'\nprint(headline)"})
    submit(course, "giang", "ps1", PARTIAL)
    submit(course, "giang", "ps2", CORRECT, edit=lambda name, nb: None)  # a folder without notebooks
    return course


def _outputs_summary(path):
    nb = nbformat.read(path, as_version=4)
    return [(cell.metadata.get("nbgrader", {}).get("grade_id"),
             [(o.output_type, o.get("name"), o.get("ename")) for o in cell.get("outputs", [])])
            for cell in nb.cells]


def test_same_gradebook_rows_and_outputs_as_nbgrader_autograde(cohort, tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(cohort, reference)
    for assignment in ASSIGNMENTS:
        done = nbgrader(reference, "autograde", assignment, "--force")
        assert done.returncode == 0, done.stderr[-3000:]

    summary = grade_cohort(str(cohort), progress=False)

    assert summary.graded == 11
    assert ('giang', 'ps2') not in {(k[0], k[1]) for k in gradebook_rows(cohort)}
    expected, actual = gradebook_rows(reference), gradebook_rows(cohort)
    assert cell_scores(actual) == cell_scores(expected)
    assert actual == expected
    # the cohort really spans right, partial and wrong answers
    scores = cell_scores(actual)
    assert scores[("an", "ps1", "channels", "channel_choice__top3_test")] == 3
    assert scores[("binh", "ps1", "channels", "channel_choice__top3_test")] == 2
    assert scores[("chi", "ps1", "channels", "channel_choice__top3_test")] == 0
    assert scores[("em", "ps1", "channels", "n_audiences_test")] == 1  # the warning is in the answer cell
    for notebook in sorted((reference / "autograded").rglob("*.ipynb")):
        ours = cohort / "autograded" / notebook.relative_to(reference / "autograded")
        assert _outputs_summary(ours) == _outputs_summary(notebook), ours
        assert nbformat.read(ours, as_version=4).metadata == nbformat.read(notebook, as_version=4).metadata
    for extra in sorted(p.relative_to(reference / "autograded") for p in (reference / "autograded").rglob("*")):
        assert (cohort / "autograded" / extra).exists(), extra
