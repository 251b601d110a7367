"""The crisis simulation under real ``nbgrader autograde``: the saved decisions replay without widgets and
the hidden test's returned points are the cell's partial credit.

A one-exercise copy of module 07 (the answer cell and the test cell the module will hold, with the course's
own ``nbgrader_config.py``) is generated, five trainees submit (a strong, a medium, a weak play, no answer,
a hand-broken answer) and one autograde run grades them all.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from crisis_plays import EXERCISE, MEDIUM, MEDIUM_POINTS, SCENARIO, STRONG, WEAK
from gradingkit import gradebook_rows, nbgrader

from policycomm.forms.keys import write_answers

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "07-khung-hoang"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"

ANSWER_CELL = f'''# ✏️ Mô phỏng: chạy ô này để bắt đầu
from policycomm import forms
### BEGIN SOLUTION
forms.key("{EXERCISE}", {STRONG!r})
### END SOLUTION
forms.crisis("{EXERCISE}", scenario="{SCENARIO}", prompt="Mô phỏng: sạt lở trong đêm ở thôn Khe Mạ")'''

TEST_CELL = f'''# Chạy ô này để kiểm tra phần mô phỏng
from policycomm import forms
from policycomm.grading.simulation import check_crisis_play
check_crisis_play(forms.answer("{EXERCISE}"), scenario="{SCENARIO}")
### BEGIN HIDDEN TESTS
check_crisis_play(forms.answer("{EXERCISE}"), scenario="{SCENARIO}", graded=True)
### END HIDDEN TESTS'''


def _cell(kind: str, source: str, grade_id: str, **nbgrader_meta):
    cell = (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(source)
    cell.id = grade_id
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, "grade": False, "solution": False,
                                 "locked": False, "task": False, **nbgrader_meta}
    cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


def notebook():
    return nbformat.v4.new_notebook(cells=[
        _cell("markdown", "### Câu 8 (12 điểm): mô phỏng một đêm sạt lở", "cau_8_de", locked=True),
        _cell("code", ANSWER_CELL, "cau_8", solution=True),
        _cell("code", TEST_CELL, "cau_8_kiem_tra", grade=True, locked=True, points=12),
    ])


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("crisis") / "course"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(ROOT / "course" / "nbgrader_config.py", course)
    nbformat.write(notebook(), course / "source" / ASSIGNMENT / NOTEBOOK)
    done = nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    assert done.returncode == 0, done.stderr[-2000:]
    release = course / "release" / ASSIGNMENT / NOTEBOOK
    assert "forms.key" not in release.read_text(encoding="utf-8")
    answers = {"hv_manh": STRONG, "hv_vua": MEDIUM, "hv_yeu": WEAK, "hv_trong": None,
               "hv_sua_tay": [STRONG[0], {**STRONG[1], "channels": "facebook_page"}]}
    for student, play in answers.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        shutil.copy(release, folder / NOTEBOOK)
        (folder / "timestamp.txt").write_text("2026-12-01 08:00:00.000000 UTC")
        if play is not None:
            write_answers(folder, NOTEBOOK, {EXERCISE: play})
    done = nbgrader(course, "autograde", ASSIGNMENT, "--force")
    assert done.returncode == 0, done.stderr[-3000:]
    return course


def test_autograde_gives_the_points_of_the_decisions_taken(graded):
    rows = gradebook_rows(graded)
    scores = {student: rows[(student, ASSIGNMENT, ASSIGNMENT, "cau_8_kiem_tra")][1]
              for student in ("hv_manh", "hv_vua", "hv_yeu", "hv_trong", "hv_sua_tay")}
    assert scores == {"hv_manh": 12, "hv_vua": MEDIUM_POINTS, "hv_yeu": 0, "hv_trong": 0, "hv_sua_tay": 4}


def test_the_autograded_notebook_shows_the_static_copy_and_the_debrief(graded):
    nb = nbformat.read(graded / "autograded" / "hv_yeu" / ASSIGNMENT / NOTEBOOK, as_version=4)
    answer, test = nb.cells[1], nb.cells[2]
    [shown] = [o for o in answer.outputs if o.output_type in ("display_data", "execute_result")]
    assert "application/vnd.jupyter.widget-view+json" not in shown.data
    assert "Rút kinh nghiệm" in shown.data["text/html"] and "Họp báo" in shown.data["text/plain"]
    printed = "".join(o.get("text", "") for o in test.outputs if o.output_type == "stream")
    assert "✗ Anh/chị chưa cho người báo tin tận nhà" in printed and "Điểm phần mô phỏng: 0/12." in printed
    assert not [o for o in test.outputs if o.output_type == "error"]
