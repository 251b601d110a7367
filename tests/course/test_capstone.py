"""The capstone (09-bai-cuoi-khoa) through the real nbgrader command line.

A strong, a mediocre and an empty plan get their exact scores from
``nbgrader autograde``; the reflection waits for the lecturer, who grades it
in the gradebook; the mark scheme is in neither the release nor the feedback.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_cases import COURSE, nbgrader_meta

pytestmark = pytest.mark.slow

ASSIGNMENT = "09-bai-cuoi-khoa"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
REGION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[^\n]*\n?", re.M)
REFLECTION = "Ở giai đoạn soạn thảo, tôi tổ chức đối thoại tại xã có phiên dịch, vì người dân cần được hỏi lại."
MEDIOCRE_PLAN = """\
ke_hoach = CommunicationPlan("Kế hoạch của tôi", budget=NGAN_SACH, audiences=CONG_CHUNG)
ke_hoach.add("formulation", "agency_portal", "affected_groups", message="Đăng dự thảo", timing="Tháng 4")
ke_hoach.add("drafting", "facebook_page", "affected_groups", message="Mời góp ý dự thảo", timing="Tháng 6")
ke_hoach.add("adoption", "press_conference", "journalists", message="Công bố Nghị quyết", timing="Ngày thông qua")
ke_hoach.add("implementation", "television", "affected_groups", message="Phóng sự về chính sách", timing="Quý IV")
ke_hoach.add("implementation", "zalo_oa", "elderly_rural", message="Hướng dẫn đăng ký", timing="")
ke_hoach.add("implementation", "commune_radio", "elderly_rural")
ke_hoach.add("evaluation", "press", "affected_groups", message="Tổng kết", timing="Cuối năm")
"""
#: student -> the automatic points the plan must get
EXPECTED = {"strong": 20.0, "mediocre": 10.5, "empty": 0.0}


def nbgrader(course: Path, *args: str) -> str:
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
               POLICYCOMM_EXCHANGE=str(course.parent / "exchange"))
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stderr[-4000:]}"
    return result.stderr


def cells_by_id(nb) -> dict:
    return {cell.get("id"): cell for cell in nb.cells}


@pytest.fixture(scope="module")
def capstone(tmp_path_factory):
    """A course holding only the capstone: released, three submissions autograded, feedback generated."""
    course = tmp_path_factory.mktemp("capstone") / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(COURSE / "nbgrader_config.py", course)
    shutil.copytree(COURSE / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")

    source = nbformat.read(course / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    solution_plan = REGION_MARKERS.sub("", cells_by_id(source)["cau_1"].source)
    plans = {"strong": solution_plan, "mediocre": MEDIOCRE_PLAN, "empty": None}
    for student, plan in plans.items():
        nb = nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
        cells = cells_by_id(nb)
        if plan is not None:
            cells["cau_1"].source = plan
            cells["cau_2"].source = REFLECTION
        target = course / "submitted" / student / ASSIGNMENT
        target.mkdir(parents=True)
        nbformat.write(nb, target / NOTEBOOK)
    nbgrader(course, "autograde", ASSIGNMENT)
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    return course


def test_the_graded_cell_is_worth_the_rubric_total():
    from policycomm.grading.rubric import load_rubric

    nb = nbformat.read(COURSE / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    points = {c.id: nbgrader_meta(c).get("points") for c in nb.cells if nbgrader_meta(c).get("grade")}
    assert points["cau_1_kiem_tra"] == load_rubric("capstone").max_points
    reflection = cells_by_id(nb)["cau_2"]
    assert reflection.cell_type == "markdown"
    assert {k: nbgrader_meta(reflection)[k] for k in ("grade", "solution", "points")} == \
        {"grade": True, "solution": True, "points": 4}


def test_strong_mediocre_and_empty_plans_get_their_exact_scores(capstone):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{capstone / 'gradebook.db'}", course_id="policycomm") as gradebook:
        for student, points in EXPECTED.items():
            grade = gradebook.find_grade("cau_1_kiem_tra", NOTEBOOK[:-6], ASSIGNMENT, student)
            assert grade.auto_score == points, student
            assert gradebook.find_submission(ASSIGNMENT, student).score == points, student


def test_the_reflection_waits_for_the_lecturer_then_counts(capstone):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{capstone / 'gradebook.db'}", course_id="policycomm") as gradebook:
        written = gradebook.find_grade("cau_2", NOTEBOOK[:-6], ASSIGNMENT, "strong")
        assert written.auto_score is None and written.needs_manual_grade
        blank = gradebook.find_grade("cau_2", NOTEBOOK[:-6], ASSIGNMENT, "empty")
        assert blank.auto_score == 0 and not blank.needs_manual_grade
        written.manual_score = 3
        gradebook.db.commit()
        submission = gradebook.find_submission(ASSIGNMENT, "strong")
        assert (submission.score, submission.max_score) == (23.0, 24.0)


def test_feedback_explains_each_criterion_without_hidden_tests(capstone):
    mediocre = next((capstone / "feedback" / "mediocre" / ASSIGNMENT).glob("*.html")).read_text(encoding="utf-8")
    assert "Tổng: 10.5/20 điểm." in mediocre
    assert "Có tiếng dân tộc cho đồng bào cần: 0/2 điểm." in mediocre
    assert "rubric=" not in mediocre and "HIDDEN TESTS" not in mediocre
    empty = next((capstone / "feedback" / "empty" / ASSIGNMENT).glob("*.html")).read_text(encoding="utf-8")
    assert "Bạn chưa trả lời câu này" in empty and "Traceback (most recent call last)" not in empty


def test_the_mark_scheme_is_in_neither_release_nor_feedback(capstone):
    source = cells_by_id(nbformat.read(capstone / "source" / ASSIGNMENT / NOTEBOOK, as_version=4))["cau_2"].source
    assert "BEGIN MARK SCHEME" in source
    scheme_lines = [line.strip() for line in source.splitlines() if len(line.strip()) > 20]
    shown = [capstone / "release" / ASSIGNMENT / NOTEBOOK]
    shown += list((capstone / "feedback").rglob("*.html")) + list((capstone / "autograded").rglob("*.ipynb"))
    for path in shown:
        text = path.read_text(encoding="utf-8")
        assert "MARK SCHEME" not in text, path
        assert not [line for line in scheme_lines if line in text], path
