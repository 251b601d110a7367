"""The writing exercises graded by real ``nbgrader autograde``: each fixture answer of
tests/grading/writing/ gets, in the gradebook, the automatic points that test_writing.py asserts.

A throw-away course (in tmp_path) has one notebook with the seven exercises as the course will hold
them (course/README.md, "Writing exercises"): a hand-graded answer cell showing
``forms.writing(id, review=...)`` in a locked cell, an autograded test cell with ``check_writing`` and,
hidden, ``score_writing``, and a task cell where the lecturer grades the quality, with the mark scheme. One submission per kind of answer (strong,
mediocre, template, scenario, stuffed, empty) holds that answer to all seven exercises in its answers
file, written for the student's own variant of each scenario (the student is named after the kind).
Takes about 40 s (generate_assignment, six autogrades of one notebook).

Each trainee is graded against their own variant: binh.tran and dung.vo submit their own strong answers
(assignment ``ps``) and each other's (``swap``); real ``nbgrader autograde`` and ``policycomm grade`` give
the same points, full for their own, fewer for the swapped ones.
"""
from __future__ import annotations

import json

import nbformat
import pytest
from gradingkit import cell_scores, gradebook_rows, nbgrader

from policycomm.forms import write_answers
from policycomm.grading.writing import load_mark_scheme, load_writing, mark_scheme_markdown, writing_exercises
from test_writing import cases, text_of


pytestmark = pytest.mark.slow

NOTEBOOK = "viet"
KINDS = ("strong", "mediocre", "template", "scenario", "stuffed", "empty")


def exercise_id(index: int) -> str:
    return f"m99-cau-{index + 1}"


def source_notebook() -> nbformat.NotebookNode:
    cells = []
    for index, name in enumerate(writing_exercises()):
        rubric, form = load_writing(name), exercise_id(index)
        cells.append(nbformat.v4.new_markdown_cell(f"## {rubric.title.vi}"))  # the form shows the scenario
        answer = nbformat.v4.new_code_cell(f'from policycomm import forms\nforms.writing("{form}", rows=20, review="{name}")')
        answer.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True, "schema_version": 3,
                                       "grade_id": f"cau_{index + 1}"}
        test = nbformat.v4.new_code_cell(
            "from policycomm import forms\nfrom policycomm.grading.writing import check_writing, score_writing\n"
            f'check_writing("{name}", forms.answer("{form}"))\n### BEGIN HIDDEN TESTS\n'
            f'score_writing("{name}", forms.answer("{form}"))\n### END HIDDEN TESTS')
        test.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "schema_version": 3,
                                     "grade_id": f"cau_{index + 1}_kiem_tra", "points": rubric.max_points}
        task = nbformat.v4.new_markdown_cell("Giảng viên chấm phần chất lượng.\n\n=== BEGIN MARK SCHEME ===\n"
                                             f"{mark_scheme_markdown(name)}\n=== END MARK SCHEME ===")
        task.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True, "schema_version": 3,
                                     "task": True, "grade_id": f"cau_{index + 1}_cham",
                                     "points": load_mark_scheme(name).points}
        task.metadata["policycomm"] = {"answer": form}
        cells += [answer, test, task]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def released_course(root, assignments=("ps",)):
    """A course in ``root`` whose ``assignments`` each hold the notebook, after ``nbgrader generate_assignment``."""
    course = root / "course"
    (course / "source").mkdir(parents=True)
    excluded = {assignment: ["policycomm_answers.json"] for assignment in assignments}
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'policycomm-writing-test'\nc.Execute.timeout = 60\n"
        f"c.Autograde.exclude_overwriting = {excluded!r}\n"
        "from policycomm.grading.written import configure_autograde\nconfigure_autograde(c)\n", encoding="utf-8")
    for assignment in assignments:
        (course / "source" / assignment).mkdir()
        nbformat.write(source_notebook(), course / "source" / assignment / f"{NOTEBOOK}.ipynb")
        done = nbgrader(course, "generate_assignment", assignment, "--force")
        assert done.returncode == 0, done.stderr[-2000:]
    return course


def submit_texts(course, student: str, assignment: str, texts: dict[str, str]) -> None:
    """``submitted/<student>/<assignment>/`` with the released notebook and ``texts`` ({exercise: text}) saved."""
    released = nbformat.read(course / "release" / assignment / f"{NOTEBOOK}.ipynb", as_version=4)
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True)
    nbformat.write(released, folder / f"{NOTEBOOK}.ipynb")
    answers = {exercise_id(i): texts[name] for i, name in enumerate(writing_exercises())}
    write_answers(folder, f"{NOTEBOOK}.ipynb", {k: v for k, v in answers.items() if v.strip()})
    (folder / "timestamp.txt").write_text("2026-12-01 08:00:00.000000 UTC")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = released_course(tmp_path_factory.mktemp("writing"))
    released = nbformat.read(course / "release" / "ps" / f"{NOTEBOOK}.ipynb", as_version=4)
    assert "Hướng dẫn chấm" not in json.dumps(released, ensure_ascii=False)  # the mark scheme stays out
    for kind in KINDS:
        submit_texts(course, kind, "ps", {name: text_of(name, cases(name)[kind], kind) for name in writing_exercises()})
    done = nbgrader(course, "autograde", "ps", "--force")
    assert done.returncode == 0, done.stderr[-3000:]
    return course, gradebook_rows(course)


@pytest.mark.parametrize("kind", KINDS)
def test_autograde_gives_each_answer_its_points(graded, kind):
    course, rows = graded
    for index, name in enumerate(writing_exercises()):
        case = cases(name)[kind]
        score, auto_score, _, max_score, _ = rows[(kind, "ps", NOTEBOOK, f"cau_{index + 1}_kiem_tra")]
        assert max_score == load_writing(name).max_points
        if "points" in case:
            assert auto_score == case["points"], (name, kind)
        else:
            assert auto_score <= case["at_most"], (name, kind)


def test_a_written_answer_waits_for_the_lecturer_and_a_blank_one_scores_nothing(graded):
    _, rows = graded
    for index, _ in enumerate(writing_exercises()):
        assert rows[("strong", "ps", NOTEBOOK, f"cau_{index + 1}_cham")][4] is True  # needs manual grade
        assert rows[("empty", "ps", NOTEBOOK, f"cau_{index + 1}_cham")][:2] == (0.0, 0.0)


def test_the_mark_scheme_is_the_lecturers_beside_the_answer(graded):
    """Not in the release (the fixture checks it); in the graded notebook formgrader shows, in the task cells."""
    course, _ = graded
    graded_nb = nbformat.read(course / "autograded" / "strong" / "ps" / f"{NOTEBOOK}.ipynb", as_version=4)
    tasks = [c for c in graded_nb.cells if c.metadata.get("nbgrader", {}).get("task")]
    assert len(tasks) == len(writing_exercises()) and all("Hướng dẫn chấm" in c.source for c in tasks)


# ---------------------------------------------------------------- each trainee against their own variant

TRAINEES = ("binh.tran", "dung.vo")


def strong(trainee: str) -> dict[str, str]:
    return {name: text_of(name, cases(name)["strong"], trainee) for name in writing_exercises()}


@pytest.fixture(scope="module")
def variants_graded(tmp_path_factory):
    """(gradebook of real nbgrader autograde, gradebook of policycomm grade) for the same submissions."""
    import shutil

    from policycomm.grading.cohort import grade_cohort

    course = released_course(tmp_path_factory.mktemp("variants"), ("ps", "swap"))
    me, other = TRAINEES
    for trainee, neighbour in ((me, other), (other, me)):
        submit_texts(course, trainee, "ps", strong(trainee))
        submit_texts(course, trainee, "swap", strong(neighbour))
    reference = course.parent / "reference"
    shutil.copytree(course, reference)
    for assignment in ("ps", "swap"):
        done = nbgrader(reference, "autograde", assignment, "--force")
        assert done.returncode == 0, done.stderr[-3000:]
    summary = grade_cohort(str(course), progress=False)
    assert summary.graded == 4
    return gradebook_rows(reference), gradebook_rows(course)


def test_two_trainees_have_different_scenarios():
    for name in writing_exercises():
        mine, theirs = (load_writing(name, trainee) for trainee in TRAINEES)
        assert mine.variant != theirs.variant and mine.scenario.vi != theirs.scenario.vi, name
        assert strong(TRAINEES[0])[name] != strong(TRAINEES[1])[name]


def test_nbgrader_and_policycomm_grade_give_each_trainee_the_same_points(variants_graded):
    nbgrader_rows, policycomm_rows = variants_graded
    assert cell_scores(policycomm_rows) == cell_scores(nbgrader_rows)


@pytest.mark.parametrize("grader", ["nbgrader autograde", "policycomm grade"])
def test_own_answers_get_full_points_and_swapped_ones_lose_points(variants_graded, grader):
    rows = dict(zip(["nbgrader autograde", "policycomm grade"], variants_graded))[grader]
    for trainee in TRAINEES:
        for index, name in enumerate(writing_exercises()):
            cell = f"cau_{index + 1}_kiem_tra"
            own = rows[(trainee, "ps", NOTEBOOK, cell)][1]
            swapped = rows[(trainee, "swap", NOTEBOOK, cell)][1]
            assert own == load_writing(name, trainee).max_points, (trainee, name)
            assert swapped < own, (trainee, name, swapped)
