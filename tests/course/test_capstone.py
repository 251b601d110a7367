"""The capstone (09-bai-cuoi-khoa) through the real nbgrader command line.

The trainee answers in two forms: the plan form (``m09-ke-hoach``, rows of
stage, audience, channels, message, timing and cost) and a writing form for
the reflection (``m09-cau-2``, graded by the lecturer in the task cell
``cau_2_cham``). A strong, a mediocre and an empty plan get their exact scores
from ``nbgrader autograde``; a written reflection waits for the lecturer, who
reads it beside the mark scheme in formgrader and grades it in the gradebook,
while a blank one is 0 at once; the feedback explains each criterion of the
rubric and shows no hidden test; the mark scheme and the model answer are in
neither the release nor the feedback.

Each trainee has their own variant of the scenario (province, budget, the group hard to reach:
``capstone.yaml``, ``variants``); a student here is graded against the variant of their name ("mediocre":
170 million VND and the rural elderly). binh.tran and hoa.le submit their own good plans and each
other's: real ``nbgrader autograde`` and ``policycomm grade`` give the same points, full for their own,
fewer for the swapped ones.
"""
from __future__ import annotations

import html
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
PLAN, REFLECTION_ID = "m09-ke-hoach", "m09-cau-2"
REFLECTION = "Ở giai đoạn soạn thảo, tôi tổ chức đối thoại tại xã có phiên dịch, vì người dân cần được hỏi lại."


def row(stage, channel, audience, message="", timing="", cost=None) -> dict:
    """One row as the plan form saves it."""
    return {"stage": stage, "audience": audience, "channels": [channel], "message": message, "timing": timing,
            "cost": cost}


#: today's mediocre plan, row by row (the same plan as the case 'mediocre' of cases/09-bai-cuoi-khoa.yaml)
MEDIOCRE_PLAN = [
    row("formulation", "agency_portal", "affected_groups", "Đăng dự thảo", "Tháng 4"),
    row("drafting", "facebook_page", "affected_groups", "Mời góp ý dự thảo", "Tháng 6"),
    row("adoption", "press_conference", "journalists", "Công bố Nghị quyết", "Ngày thông qua"),
    row("implementation", "television", "affected_groups", "Phóng sự về chính sách", "Quý IV"),
    row("implementation", "zalo_oa", "elderly_rural", "Hướng dẫn đăng ký", ""),
    row("implementation", "commune_radio", "elderly_rural"),
    row("evaluation", "press", "affected_groups", "Tổng kết", "Cuối năm"),
]
#: student -> the automatic points the plan must get (the mediocre plan goes over the student's 170 million)
EXPECTED = {"strong": 20.0, "mediocre": 14.0, "empty": 0.0}


def nbgrader(course: Path, *args: str) -> str:
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
               POLICYCOMM_EXCHANGE=str(course.parent / "exchange"))
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stderr[-4000:]}"
    return result.stderr


def cells_by_id(nb) -> dict:
    return {cell.get("id"): cell for cell in nb.cells}


def source_notebook():
    return nbformat.read(COURSE / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)


def text_of(page: str) -> str:
    """What a reader of an HTML page sees, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def mark_scheme(source: str) -> list[str]:
    """The lines of the mark scheme region of a task cell's source."""
    region = re.search(r"=== BEGIN MARK SCHEME ===\n(.*?)\n=== END MARK SCHEME ===", source, re.S)
    assert region, "the reflection's task cell has no mark scheme region"
    return [line.strip() for line in region.group(1).splitlines()]


@pytest.fixture(scope="module")
def capstone(tmp_path_factory):
    """A course holding only the capstone: released, three submissions autograded, feedback generated."""
    from policycomm.forms.keys import answer_key, write_answers

    course = tmp_path_factory.mktemp("capstone") / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(COURSE / "nbgrader_config.py", course)
    shutil.copytree(COURSE / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")

    strong_plan = answer_key(source_notebook())[PLAN]
    answers = {"strong": {PLAN: strong_plan, REFLECTION_ID: REFLECTION},
               "mediocre": {PLAN: MEDIOCRE_PLAN, REFLECTION_ID: "Tôi chọn truyền hình vì nhiều người xem."},
               "empty": {}}
    for student, saved in answers.items():
        target = course / "submitted" / student / ASSIGNMENT
        target.mkdir(parents=True)
        shutil.copy(course / "release" / ASSIGNMENT / NOTEBOOK, target / NOTEBOOK)  # the release, untouched
        write_answers(target, NOTEBOOK, saved)
    nbgrader(course, "autograde", ASSIGNMENT)
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    return course


def feedback_page(course: Path, student: str) -> str:
    return next((course / "feedback" / student / ASSIGNMENT).glob("*.html")).read_text(encoding="utf-8")


def formgrader_page(course: Path, student: str) -> str:
    """The page formgrader shows the lecturer for a submission (its own HTML exporter and template)."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {"assignment_id": ASSIGNMENT, "notebook_id": ASSIGNMENT, "submission_id": "1", "index": 0,
                 "total": 1, "base_url": "", "student": student, "last_name": None, "first_name": None,
                 "notebook_path": f"autograded/{student}/{ASSIGNMENT}/{NOTEBOOK}"}
    page, _ = HTMLExporter(config=config).from_filename(
        str(course / "autograded" / student / ASSIGNMENT / NOTEBOOK), resources=resources)
    return page


def test_the_plan_is_a_plan_form_graded_by_the_rubric_and_the_reflection_a_written_answer():
    from policycomm.grading.rubric import load_rubric

    nb = source_notebook()
    cells = cells_by_id(nb)
    points = {c.id: nbgrader_meta(c).get("points") for c in nb.cells
              if nbgrader_meta(c).get("grade") or nbgrader_meta(c).get("task")}
    assert points == {"cau_1_kiem_tra": load_rubric("capstone").max_points, "cau_2_cham": 4}
    assert re.search(r'^forms\.plan\("m09-ke-hoach", budget=kich_ban\.budget, audiences=kich_ban\.audiences',
                     cells["cau_1"].source, re.M)
    assert 'check_plan(forms.plan_of(forms.answer("m09-ke-hoach"), budget=kich_ban.budget, ' \
           'audiences=kich_ban.audiences), rubric="capstone")' in cells["cau_1_kiem_tra"].source
    reflection = cells["cau_2"]
    assert reflection.cell_type == "code" and re.search(r'^forms\.writing\("m09-cau-2"', reflection.source, re.M)
    assert {k: nbgrader_meta(reflection)[k] for k in ("grade", "solution", "locked")} == \
        {"grade": False, "solution": False, "locked": True}  # the grader restores it: no trainee code runs
    task = cells["cau_2_cham"]
    assert task.cell_type == "markdown" and nbgrader_meta(task)["task"] and task.metadata["policycomm"] == \
        {"answer": REFLECTION_ID, "skill": "writing", "topic": "planning_evaluation"}
    assert all(c.metadata.get("jupyter", {}).get("source_hidden") for c in nb.cells if c.cell_type == "code")


def test_the_form_offers_the_scenarios_audiences_and_the_six_stages(tmp_path, monkeypatch):
    """Run the released plan cell: its drop-downs offer what the rubric's scenario asks for, and its budget."""
    from policycomm.grading.rubric import load_rubric
    from policycomm.model.lookup import stages

    scenario = load_rubric("capstone").scenario
    monkeypatch.chdir(tmp_path)
    prepare, call = cells_by_id(source_notebook())["cau_1"].source.split("forms.plan(")
    space: dict = {}
    exec(prepare, space)  # noqa: S102 - the course's own cell: imports, the scenario, the key (which does nothing)
    form = eval("forms.plan(" + call, space)  # noqa: S307 - the form the cell shows
    assert form.budget == scenario.budget
    assert [key for key, _ in form.audience_pairs] == list(scenario.audiences)
    assert [key for key, _ in form.stage_pairs] == [s.id for s in stages() if not s.overlay]
    assert form.value is None and not (tmp_path / "policycomm_answers.json").exists()  # the key is not an answer


@pytest.mark.parametrize("kind", ["placeholder", "strong"])
def test_the_visible_check_warns_of_placeholder_messages_before_grading(kind, tmp_path, monkeypatch, capsys):
    """Run the released check of question 1 on a saved plan: a plan of placeholder messages hears, in one kind
    sentence per hint, what the rubric's message rules will say; the author's plan hears no hint."""
    from policycomm.forms.keys import answer_key, write_answers
    from policycomm.grading.hidden_tests import without_hidden

    key = answer_key(source_notebook())[PLAN]
    write_answers(tmp_path, NOTEBOOK, {PLAN: key if kind == "strong" else [{**r, "message": "Thông điệp"} for r in key]})
    monkeypatch.chdir(tmp_path)
    exec(without_hidden(cells_by_id(source_notebook())["cau_1_kiem_tra"].source), {})  # noqa: S102 - the course's cell
    shown = capsys.readouterr().out
    hints = [line.strip() for line in shown.splitlines() if line.strip().startswith("• ")]
    assert shown.startswith("✔ Đã nhận câu trả lời") and "Traceback" not in shown
    if kind == "strong":
        assert hints == [] and "⚠" not in shown
        return
    assert hints[0].startswith("• ⚠ Chỉ 0 trong 12 hoạt động có thông điệp thật") and "tối đa 5/20 điểm" in hints[0]
    assert all(hint.startswith("• ⚠ ") and "hãy" in hint.lower() and hint.endswith(".") for hint in hints)
    assert not [row["message"] for row in key if row["message"] in shown]  # the model plan stays hidden


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
        for student in ("strong", "mediocre"):
            written = gradebook.find_grade("cau_2_cham", NOTEBOOK[:-6], ASSIGNMENT, student)
            assert written.auto_score is None and written.needs_manual_grade, student
        blank = gradebook.find_grade("cau_2_cham", NOTEBOOK[:-6], ASSIGNMENT, "empty")
        assert blank.auto_score == 0 and not blank.needs_manual_grade
        written = gradebook.find_grade("cau_2_cham", NOTEBOOK[:-6], ASSIGNMENT, "strong")
        written.manual_score = 3
        gradebook.db.commit()
        submission = gradebook.find_submission(ASSIGNMENT, "strong")
        assert (submission.score, submission.max_score) == (23.0, 24.0)


def test_the_cohort_grader_scores_the_same_and_leaves_the_reflection_to_the_lecturer(capstone, tmp_path):
    """``policycomm grade`` (the cohort grader) stores what ``nbgrader autograde`` stored above."""
    from nbgrader.api import Gradebook

    from policycomm.grading.cohort import grade_cohort

    course = tmp_path / "course"
    shutil.copytree(capstone, course, ignore=shutil.ignore_patterns("gradebook.db", "autograded", "feedback"))
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    assert grade_cohort(str(course), progress=False).graded == len(EXPECTED)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="policycomm") as gradebook:
        for student, points in EXPECTED.items():
            assert gradebook.find_grade("cau_1_kiem_tra", NOTEBOOK[:-6], ASSIGNMENT, student).auto_score == points
            written = gradebook.find_grade("cau_2_cham", NOTEBOOK[:-6], ASSIGNMENT, student)
            assert (written.auto_score, written.needs_manual_grade) == ((0, False) if student == "empty" else (None, True))


def test_the_lecturer_reads_the_trainees_text_in_formgrader_and_the_autograded_notebook(capstone):
    autograded = nbformat.read(capstone / "autograded" / "strong" / ASSIGNMENT / NOTEBOOK, as_version=4)
    assert "widgets" not in autograded.metadata  # no widget state: pages without widgets show the static copy
    shown = [o["data"]["text/html"] for o in cells_by_id(autograded)["cau_2"].outputs if "text/html" in o.get("data", {})]
    assert len(shown) == 1 and html.escape(REFLECTION, quote=False) in shown[0]
    plan_shown = text_of(" ".join(o["data"].get("text/html", "") for o in cells_by_id(autograded)["cau_1"].outputs))
    assert "Hội nghị tham vấn, đối thoại" in plan_shown and "consultation_conference" not in plan_shown
    page = text_of(formgrader_page(capstone, "strong"))
    assert REFLECTION in page and "Tổ chức thực thi" in page
    assert "Câu trả lời: (chưa trả lời)" in text_of(formgrader_page(capstone, "empty"))


def test_feedback_explains_each_criterion_and_shows_the_answers_without_hidden_tests(capstone):
    from policycomm.grading.rubric import load_rubric

    mediocre = text_of(feedback_page(capstone, "mediocre"))
    assert "Tổng: 14/20 điểm." in mediocre
    assert "Trong ngân sách: 0/2 điểm. Kế hoạch tốn 200 triệu đồng, vượt ngân sách 170 triệu đồng." in mediocre
    for criterion in load_rubric("capstone").criteria:
        assert f"{criterion.title.vi}:" in mediocre, criterion.id
    assert "rubric=" not in mediocre and "HIDDEN TESTS" not in mediocre
    assert "Tôi chọn truyền hình vì nhiều người xem." in mediocre and "Phóng sự về chính sách" in mediocre
    strong = text_of(feedback_page(capstone, "strong"))
    assert REFLECTION in strong and "Tổng: 20/20 điểm." in strong
    empty = text_of(feedback_page(capstone, "empty"))
    assert "Bạn chưa trả lời câu này" in empty and "Traceback (most recent call last)" not in empty


def test_the_mark_scheme_and_model_answer_reach_the_lecturer_and_never_the_trainee(capstone):
    from policycomm.forms.keys import answer_key

    source = cells_by_id(source_notebook())["cau_2_cham"].source
    scheme = [line for line in mark_scheme(source) if len(line) > 20]
    assert len(scheme) >= 5 and any("S48" in line for line in scheme)
    model_answer = answer_key(source_notebook())[REFLECTION_ID]
    secrets = scheme + [model_answer]
    for path in [capstone / "release" / ASSIGNMENT / NOTEBOOK, *(capstone / "feedback").rglob("*.html")]:
        text = path.read_text(encoding="utf-8")
        assert "MARK SCHEME" not in text and "BEGIN SOLUTION" not in text, path
        assert not [line for line in secrets if line in text.replace('\\"', '"')], path
    assert "Phần giảng viên chấm (4 điểm)" in text_of(feedback_page(capstone, "strong"))
    lecturer = text_of(formgrader_page(capstone, "strong"))  # formgrader: the answer beside the mark scheme
    assert REFLECTION in lecturer and "Hướng dẫn chấm" in lecturer and model_answer in lecturer


# ---------------------------------------------------------------- each trainee against their own variant

#: two trainees whose variants differ in budget and in the group hard to reach
TRAINEES = ("binh.tran", "hoa.le")
HARD_TO_REACH = {"ethnic_mountain", "elderly_rural"}
TALK_SHOW = row("drafting", "talk_show", "affected_groups",
                "Tọa đàm trên truyền hình tỉnh: chuyên gia trả lời góp ý về dự thảo", "Tháng 6")


def own_plan(trainee: str) -> list[dict]:
    """A good plan for ``trainee``'s own scenario: the model plan without the rows for the group hard to
    reach that is not theirs, and a talk show (35 million) when their budget allows it."""
    from policycomm.forms.keys import answer_key
    from policycomm.grading.rubric import load_rubric

    scenario = load_rubric("capstone", trainee).scenario
    rows = [r for r in answer_key(source_notebook())[PLAN] if r["audience"] not in HARD_TO_REACH - set(scenario.audiences)]
    return rows + [TALK_SHOW] * (scenario.budget >= 175)


def auto_scores(course: Path) -> dict[tuple[str, str], float]:
    """(student, assignment) -> the automatic points of the plan's graded cell."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="policycomm") as gradebook:
        return {(student, assignment): gradebook.find_grade("cau_1_kiem_tra", NOTEBOOK[:-6], assignment,
                                                            student).auto_score
                for student in TRAINEES for assignment in (ASSIGNMENT, "swap")}


@pytest.fixture(scope="module")
def variants_graded(tmp_path_factory):
    """(points by real nbgrader autograde, points by policycomm grade) of the trainees' own and swapped plans."""
    from policycomm.forms.keys import write_answers
    from policycomm.grading.cohort import grade_cohort

    course = tmp_path_factory.mktemp("variants") / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(COURSE / "nbgrader_config.py", course)
    for assignment in (ASSIGNMENT, "swap"):  # the same notebook: the variant is drawn for the capstone
        shutil.copytree(COURSE / "source" / ASSIGNMENT, course / "source" / assignment)
        nbgrader(course, "generate_assignment", assignment, "--force")
    me, other = TRAINEES
    for trainee, neighbour in ((me, other), (other, me)):
        for assignment, plan in ((ASSIGNMENT, own_plan(trainee)), ("swap", own_plan(neighbour))):
            target = course / "submitted" / trainee / assignment
            target.mkdir(parents=True)
            shutil.copy(course / "release" / assignment / NOTEBOOK, target / NOTEBOOK)
            write_answers(target, NOTEBOOK, {PLAN: plan})
    reference = course.parent / "reference"
    shutil.copytree(course, reference)
    for assignment in (ASSIGNMENT, "swap"):
        nbgrader(reference, "autograde", assignment)
    assert grade_cohort(str(course), progress=False).graded == 4
    return auto_scores(reference), auto_scores(course)


def test_two_trainees_have_different_scenarios_and_plans():
    from policycomm.grading.rubric import load_rubric

    mine, theirs = (load_rubric("capstone", trainee).scenario for trainee in TRAINEES)
    assert mine.budget != theirs.budget and set(mine.audiences) != set(theirs.audiences)
    assert own_plan(TRAINEES[0]) != own_plan(TRAINEES[1])


def test_nbgrader_and_policycomm_grade_give_each_trainee_the_same_points(variants_graded):
    nbgrader_points, policycomm_points = variants_graded
    assert policycomm_points == nbgrader_points


@pytest.mark.parametrize("grader", ["nbgrader autograde", "policycomm grade"])
def test_own_plans_get_full_points_and_swapped_ones_lose_points(variants_graded, grader):
    points = dict(zip(["nbgrader autograde", "policycomm grade"], variants_graded))[grader]
    for trainee in TRAINEES:
        assert points[(trainee, ASSIGNMENT)] == 20.0, trainee
        assert points[(trainee, "swap")] <= 16, (trainee, points[(trainee, "swap")])
