"""The crisis simulation under real ``nbgrader autograde``: the saved decisions replay without widgets and
the hidden test's returned points are the cell's partial credit.

A one-exercise copy of module 07 (the answer cell and the test cell the module will hold, with the course's
own ``nbgrader_config.py``) is generated, five trainees submit (a strong, a medium, a weak play, no answer,
a hand-broken answer) and one autograde run grades them all.

Each trainee plays and is graded in their own variant: binh.tran's rumour spreads on Zalo, hoa.le's on
Facebook. The notebook also holds the course's other questions whose key varies (their cells copied from
modules 03, 05 and 02): two portraits, whose right group differs from trainee to trainee, a radio slot, whose
length, hence number of words, does, and two situations, whose stage of the policy cycle does
(exercise_variants.yaml). Each of the two submits their own right answers (the module's assignment) and the
other's (``swap``); real ``nbgrader autograde`` and ``policycomm grade`` give every submission the same points:
full points for their own, 11 of 12 for the swapped play (the rumour corrected on the other network) and 0 for
each swapped portrait, slot and stage.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from crisis_plays import EXERCISE, MEDIUM, MEDIUM_POINTS, SCENARIO, STRONG, WEAK, strong
from gradingkit import cell_scores, gradebook_rows, nbgrader

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
forms.crisis("{EXERCISE}", scenario="{SCENARIO}", prompt="Mô phỏng: một đêm sạt lở")'''

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


#: the course's questions whose scenario and key vary by trainee: module -> their cells (form, then test), the
#: grade ids renamed so that the notebook holds each once
VARIED = {"03-cong-chung": {"cau_3": "m03_cau_3", "cau_3_kiem_tra": "m03_cau_3_kiem_tra",
                            "cau_4": "m03_cau_4", "cau_4_kiem_tra": "m03_cau_4_kiem_tra"},
          "05-thong-tin-co-so": {"cau_1": "m05_cau_1", "cau_1_kiem_tra": "m05_cau_1_kiem_tra"},
          "02-chu-trinh-chinh-sach": {"cau_1": "m02_cau_1", "cau_1_kiem_tra": "m02_cau_1_kiem_tra",
                                      "cau_2": "m02_cau_2", "cau_2_kiem_tra": "m02_cau_2_kiem_tra"}}
#: their exercises
VARIED_EXERCISES = ("m03-cau-3", "m03-cau-4", "m05-cau-1", "m02-cau-1", "m02-cau-2")


def source(module: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "course" / "source" / module / f"{module}.ipynb", as_version=4)


def varied_cells() -> list:
    cells = []
    for module, renamed in VARIED.items():
        by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in source(module).cells}
        for grade_id, new_id in renamed.items():
            cell = by_id[grade_id]
            cell.id, cell.metadata["nbgrader"]["grade_id"] = new_id, new_id
            cells.append(cell)
    return cells


def notebook():
    return nbformat.v4.new_notebook(cells=[
        _cell("markdown", "### Câu 8 (12 điểm): mô phỏng một đêm sạt lở", "cau_8_de", locked=True),
        _cell("code", ANSWER_CELL, "cau_8", solution=True),
        _cell("code", TEST_CELL, "cau_8_kiem_tra", grade=True, locked=True, points=12),
        *varied_cells(),
    ])


def own_answers(trainee: str) -> dict:
    """``trainee``'s right answers: the strong play and the varied questions' keys of the course (their own)."""
    from policycomm.forms.keys import answer_key

    keys = {exercise: answer for module in VARIED for exercise, answer in answer_key(source(module), trainee).items()}
    return {EXERCISE: strong(trainee), **{exercise: keys[exercise] for exercise in VARIED_EXERCISES}}


#: two trainees whose rumours spread on different networks and whose portraits, slots and situations differ
#: (every varied key differs)
TRAINEES = ("binh.tran", "hoa.le")


def submit(course: Path, student: str, assignment: str, answers: dict) -> None:
    release = course / "release" / assignment / NOTEBOOK
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    shutil.copy(release, folder / NOTEBOOK)
    (folder / "timestamp.txt").write_text("2026-12-01 08:00:00.000000 UTC")
    if answers:
        write_answers(folder, NOTEBOOK, answers)


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    """(the course graded by real ``nbgrader autograde``, the same submissions graded by ``policycomm grade``)."""
    from policycomm.grading.cohort import grade_cohort

    course = tmp_path_factory.mktemp("crisis") / "course"
    for assignment in (ASSIGNMENT, "swap"):
        (course / "source" / assignment).mkdir(parents=True)
        nbformat.write(notebook(), course / "source" / assignment / NOTEBOOK)
    shutil.copy(ROOT / "course" / "nbgrader_config.py", course)
    for assignment in (ASSIGNMENT, "swap"):
        done = nbgrader(course, "generate_assignment", assignment, "--force")
        assert done.returncode == 0, done.stderr[-2000:]
        assert "forms.key" not in (course / "release" / assignment / NOTEBOOK).read_text(encoding="utf-8")
    answers = {"hv_manh": strong("hv_manh"), "hv_vua": MEDIUM, "hv_yeu": WEAK, "hv_trong": None,
               "hv_sua_tay": [STRONG[0], {**STRONG[1], "channels": "facebook_page"}]}
    for student, play in answers.items():
        submit(course, student, ASSIGNMENT, {} if play is None else {EXERCISE: play})
    me, other = TRAINEES
    for trainee, neighbour in ((me, other), (other, me)):
        submit(course, trainee, ASSIGNMENT, own_answers(trainee))
        submit(course, trainee, "swap", own_answers(neighbour))
    reference = course.parent / "reference"
    shutil.copytree(course, reference)
    for assignment in (ASSIGNMENT, "swap"):
        done = nbgrader(reference, "autograde", assignment, "--force")
        assert done.returncode == 0, done.stderr[-3000:]
    assert grade_cohort(str(course), progress=False).graded == 5 + 2 * len(TRAINEES)
    return reference, course


GRADED = ("cau_8_kiem_tra", "m03_cau_3_kiem_tra", "m03_cau_4_kiem_tra", "m05_cau_1_kiem_tra", "m02_cau_1_kiem_tra",
          "m02_cau_2_kiem_tra")


@pytest.fixture(scope="module")
def graded(courses):
    return courses[0]


def test_autograde_gives_the_points_of_the_decisions_taken(graded):
    rows = gradebook_rows(graded)
    scores = {student: rows[(student, ASSIGNMENT, ASSIGNMENT, "cau_8_kiem_tra")][1]
              for student in ("hv_manh", "hv_vua", "hv_yeu", "hv_trong", "hv_sua_tay")}
    assert scores == {"hv_manh": 12, "hv_vua": MEDIUM_POINTS, "hv_yeu": 0, "hv_trong": 0, "hv_sua_tay": 4}


def test_two_trainees_play_different_variants():
    from policycomm.model.scenario import scenario, values_of

    mine, theirs = (scenario(SCENARIO, trainee) for trainee in TRAINEES)
    assert mine.intro.vi != theirs.intro.vi and mine.start != theirs.start
    assert values_of(mine, TRAINEES[0])["tin_don"]["kenh"] != values_of(theirs, TRAINEES[1])["tin_don"]["kenh"]
    mine, theirs = (own_answers(trainee) for trainee in TRAINEES)
    assert all(mine[exercise] != theirs[exercise] for exercise in mine)  # every key differs


def test_nbgrader_and_policycomm_grade_give_every_play_the_same_points(courses):
    nbgrader_course, policycomm_course = courses
    assert cell_scores(gradebook_rows(policycomm_course)) == cell_scores(gradebook_rows(nbgrader_course))


@pytest.mark.parametrize("grader", ["nbgrader autograde", "policycomm grade"])
def test_own_answers_get_full_points_and_swapped_ones_lose_where_the_key_varies(courses, grader):
    rows = gradebook_rows(dict(zip(["nbgrader autograde", "policycomm grade"], courses))[grader])
    for trainee in TRAINEES:
        own = {cell: rows[(trainee, ASSIGNMENT, ASSIGNMENT, cell)][1] for cell in GRADED}
        swapped = {cell: rows[(trainee, "swap", ASSIGNMENT, cell)][1] for cell in GRADED}
        assert own == {"cau_8_kiem_tra": 12, "m03_cau_3_kiem_tra": 1, "m03_cau_4_kiem_tra": 1,
                       "m05_cau_1_kiem_tra": 2, "m02_cau_1_kiem_tra": 1, "m02_cau_2_kiem_tra": 1}, trainee
        assert swapped == {"cau_8_kiem_tra": 11, "m03_cau_3_kiem_tra": 0, "m03_cau_4_kiem_tra": 0,
                           "m05_cau_1_kiem_tra": 0, "m02_cau_1_kiem_tra": 0, "m02_cau_2_kiem_tra": 0}, trainee


@pytest.mark.parametrize("grader", ["nbgrader autograde", "policycomm grade"])
def test_the_graded_copy_tells_each_trainee_their_own_story(courses, grader):
    from policycomm.model.exercise_variants import exercise_scenario
    from policycomm.model.scenario import scenario, values_of

    course = dict(zip(["nbgrader autograde", "policycomm grade"], courses))[grader]
    for trainee in TRAINEES:
        values = values_of(scenario(SCENARIO), trainee)
        nb = nbformat.read(course / "autograded" / trainee / "swap" / NOTEBOOK, as_version=4)
        shown = "".join(o.get("data", {}).get("text/html", "") for o in nb.cells[1].outputs)  # the static copy
        assert f"thôn {values['thon']}" in shown, trainee  # the ending, in the trainee's own village
        assert f"✗ Tin sai đang lan trên {values['tin_don']['mang']}" in shown, trainee  # the swapped correction
        portrait = "".join(o.get("data", {}).get("text/html", "") for o in nb.cells[3].outputs)  # m03-cau-3
        assert exercise_scenario("m03-cau-3", trainee) in portrait, trainee  # the trainee's own portrait
        situation = "".join(o.get("data", {}).get("text/html", "")
                            for c in nb.cells if c.get("id") == "m02_cau_2" for o in c.outputs)
        assert exercise_scenario("m02-cau-2", trainee) in situation, trainee  # the trainee's own situation


def test_the_autograded_notebook_shows_the_static_copy_and_the_debrief(graded):
    nb = nbformat.read(graded / "autograded" / "hv_yeu" / ASSIGNMENT / NOTEBOOK, as_version=4)
    answer, test = nb.cells[1], nb.cells[2]
    [shown] = [o for o in answer.outputs if o.output_type in ("display_data", "execute_result")]
    assert "application/vnd.jupyter.widget-view+json" not in shown.data
    assert "Rút kinh nghiệm" in shown.data["text/html"] and "Họp báo" in shown.data["text/plain"]
    printed = "".join(o.get("text", "") for o in test.outputs if o.output_type == "stream")
    assert "✗ Anh/chị chưa cho người báo tin tận nhà" in printed and "Điểm phần mô phỏng: 0/12." in printed
    assert not [o for o in test.outputs if o.output_type == "error"]
