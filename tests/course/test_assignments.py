"""Generic tests run on every assignment of course/source (see conftest.py and course_cases.py)."""
from __future__ import annotations

import html.parser
import re

import nbformat
import pytest

from course_cases import ASSIGNMENTS, COURSE, hidden_lines, nbgrader_meta, notebooks, spelling_cases

from policycomm.grading.hidden_tests import is_test_cell, split_hidden

pytestmark = pytest.mark.slow


def source_notebooks():
    return [pytest.param(a, p, id=f"{a}/{p.name}") for a in ASSIGNMENTS for p in notebooks(COURSE, "source", a)]


def _text_of_html(path) -> str:
    """The text a reader of an HTML page sees (tags dropped, entities decoded)."""
    class Text(html.parser.HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.skipping = 0

        def handle_starttag(self, tag, attrs):
            self.skipping += tag in ("style", "script")

        def handle_endtag(self, tag):
            self.skipping -= tag in ("style", "script")

        def handle_data(self, data):
            if not self.skipping:
                self.parts.append(data)

    parser = Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def test_every_assignment_has_a_notebook_and_assignments_sort_in_module_order():
    assert ASSIGNMENTS, "course/source has no assignment"
    for assignment in ASSIGNMENTS:
        assert re.fullmatch(r"\d\d-[a-z0-9-]+", assignment), f"{assignment}: name it NN-short-name (see course/README.md)"
        assert notebooks(COURSE, "source", assignment), f"{assignment} has no notebook"


@pytest.mark.parametrize("assignment, path", source_notebooks())
def test_graded_cells_follow_the_course_conventions(assignment, path):
    nb = nbformat.read(path, as_version=4)
    grade_cells = [c for c in nb.cells if nbgrader_meta(c).get("grade")]
    assert grade_cells, f"{path.name}: no graded cell"
    ids = [nbgrader_meta(c).get("grade_id") for c in nb.cells if nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), f"{path.name}: duplicate grade_id"
    for cell in grade_cells:
        name = f"{path.name}, cell {nbgrader_meta(cell)['grade_id']}"
        assert nbgrader_meta(cell).get("points", 0) > 0, f"{name}: a graded cell needs points"
        assert cell.get("id") == nbgrader_meta(cell)["grade_id"], f"{name}: give the cell id the grade_id"
        if cell.cell_type != "code":
            continue  # a task cell: the lecturer grades a written answer, with the mark scheme
        visible, hidden = split_hidden(cell.source)
        assert hidden, f"{name}: needs a ### BEGIN HIDDEN TESTS region"
        assert re.search(r"^\s*check_\w+\(", visible, re.M), f"{name}: needs a visible check_...() call"
        assert "expected" not in visible and "accepted" not in visible, f"{name}: the visible check shows the answer"


#: a letter only Vietnamese has (the caption of a folded cell is Vietnamese)
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]", re.I)
FORM_CALL = re.compile(r"^forms\.(single|multiple|ordering|stage|audience|channels|number|text|writing|plan|crisis)"
                       r"\(\s*\"([^\"]+)\"", re.M)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_trainees_answer_with_forms_and_read_no_code(released_course, assignment):
    """Every answer is given in a form, in a locked cell (no graded answer is a code cell the trainee writes);
    each graded question reads a form's saved answer; a released notebook shows at most one visible line of
    code."""
    from policycomm.forms.keys import answer_key
    from policycomm.trainee.cells import exercises, read_ids

    for path in notebooks(COURSE, "source", assignment):
        nb = nbformat.read(path, as_version=4)
        keys = answer_key(nb)
        for cell in nb.cells:
            name = f"{path.name}, cell {cell.get('id')}"
            meta = nbgrader_meta(cell)
            assert not meta.get("solution"), f"{name}: trainees answer in forms, not in a solution cell"
            forms_made = FORM_CALL.findall(cell.source) if cell.cell_type == "code" else []
            assert len(forms_made) <= 1, f"{name}: a cell shows at most one form"
            if forms_made:
                assert meta.get("locked"), f"{name}: lock the form's cell (the grader then restores it)"
                assert forms_made[0][1] in keys, f"{name}: write the form's key with forms.key(...) in the hidden " \
                                                 "tests of the cell that grades it"
            if meta.get("grade") or meta.get("task"):
                assert read_ids(cell), f"{name}: a graded cell grades a form's saved answer (forms.answer(...))"
        assert exercises(nb), f"{path.name}: no exercise"
    for path in notebooks(released_course, "release", assignment):
        code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        visible = [c for c in code if not c.get("metadata", {}).get("jupyter", {}).get("source_hidden")]
        assert len(visible) <= 1 and all(len(c.source.strip().splitlines()) <= 1 for c in visible), \
            f"{path.name}: hide the source of every code cell but one short line ({[c.get('id') for c in visible]})"
        for cell in code:
            if cell not in visible:  # JupyterLab shows a folded cell's first line: a Vietnamese caption
                first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                assert first.startswith("#") and VIETNAMESE.search(first), \
                    f"{path.name}, cell {cell.get('id')}: begin with a Vietnamese comment, e.g. “# Chạy ô này để …”"


def test_release_has_no_solution_hidden_test_or_answer_key(released_course):
    for assignment in ASSIGNMENTS:
        secrets = [line for p in notebooks(released_course, "source", assignment)
                   for cell in nbformat.read(p, as_version=4).cells for line in hidden_lines(cell.source)]
        assert secrets, f"{assignment}: no solution or hidden test found to look for"
        released = [p for p in (released_course / "release" / assignment).rglob("*") if p.is_file()]
        assert released, f"{assignment}: nothing released"
        for path in released:
            text = path.read_text(encoding="utf-8", errors="replace")
            for marker in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "MARK SCHEME", "expected=", "accepted="):
                assert marker not in text, f"{path.name} contains {marker!r}"
            for line in secrets:
                assert line not in text and line not in text.replace('\\"', '"'), f"{path.name} leaks: {line}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebooks_run_top_to_bottom_without_error(graded_course, assignment):
    # The solution submission is the source notebook executed by the real grader,
    # top to bottom in a fresh kernel: an error output anywhere means a broken notebook.
    for path in notebooks(graded_course.root, "autograded/solution", assignment):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                assert output.output_type != "error", \
                    f"{path.name}, cell {cell.get('id')}: {output.ename}: {output.evalue}"
        assert any(c.get("outputs") for c in nb.cells), f"{path.name} was not executed"


def autograded_points(course, assignment) -> float:
    """Points of the autograder-test cells; manually graded answers (grade + solution) are a person's to give."""
    return sum(nbgrader_meta(c).get("points", 0) for p in notebooks(course, "source", assignment)
               for c in nbformat.read(p, as_version=4).cells
               if is_test_cell(c))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_gets_full_marks(graded_course, assignment):
    full = autograded_points(graded_course.root, assignment)
    assert 0 < full <= graded_course.max_scores[assignment]
    assert graded_course.scores[assignment, "solution"] == full


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_release_gets_zero_with_kind_messages(graded_course, assignment):
    assert graded_course.scores[assignment, "release"] == 0
    feedback = " ".join(_text_of_html(p) for p in graded_course.feedback_files(assignment, "release"))
    assert "Bạn chưa trả lời câu này" in feedback
    assert "Traceback (most recent call last)" not in feedback


@pytest.mark.parametrize("assignment, spelling", spelling_cases())
def test_vietnamese_spelling_variants_score_like_the_solution(graded_course, assignment, spelling):
    assert graded_course.scores[assignment, spelling] == graded_course.scores[assignment, "solution"]


def declared_cases():
    from course_cases import read_cases

    found = []
    for assignment in ASSIGNMENTS:
        try:
            names = list(read_cases(assignment).get("cases", {}))
        except ValueError:
            names = [None]  # the test reports the file's problem
        found += [pytest.param(assignment, name and f"case-{name}", id=f"{assignment}/{name or 'unreadable'}")
                  for name in names]
    return found


def test_a_broken_cases_file_is_reported_with_its_name_and_line(tmp_path, monkeypatch):
    import course_cases

    (tmp_path / "99-x.yaml").write_text("cases:\n  a:\n    why: one: two\n    total: 1\n", encoding="utf-8")
    monkeypatch.setattr(course_cases, "CASES", tmp_path)
    with pytest.raises(ValueError, match=r"99-x\.yaml, line 3, column \d+: not valid YAML"):
        course_cases.read_cases("99-x")


def test_every_assignment_declares_partial_submissions():
    from course_cases import CASES

    missing = [a for a in ASSIGNMENTS if not (CASES / f"{a}.yaml").exists()]
    assert not missing, f"declare partial submissions in tests/course/cases/ for: {missing}"


@pytest.mark.parametrize("assignment, student", declared_cases())
def test_partial_submission_gets_exactly_its_declared_score(graded_course, assignment, student):
    if assignment in graded_course.case_errors:
        pytest.fail(graded_course.case_errors[assignment])
    submission = graded_course.submissions[assignment, student]
    assert graded_course.scores[assignment, student] == submission.expected_total, submission.description


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_shows_no_hidden_test_and_no_traceback(graded_course, assignment):
    hidden = [line for p in notebooks(graded_course.root, "source", assignment)
              for cell in nbformat.read(p, as_version=4).cells if nbgrader_meta(cell).get("grade")
              for line in hidden_lines(cell.source)]
    assert hidden
    students = [s for (a, s) in graded_course.submissions if a == assignment]
    for student in students:
        files = graded_course.feedback_files(assignment, student)
        assert files, f"no feedback for {student}"
        for path in files:
            text = _text_of_html(path)
            assert "check_" not in text, f"{path}: the feedback page shows no code"
            assert "✔" in text or "✗" in text, f"{path}: each question shows its verdict"
            assert "Traceback (most recent call last)" not in text, f"{student}: feedback shows a traceback"
            for line in hidden:
                assert line not in text, f"{student}'s feedback shows a hidden test: {line}"


@pytest.mark.parametrize("assignment, path", source_notebooks())
def test_each_module_states_the_time_its_reading_and_exercises_take(assignment, path):
    from policycomm.assign.durations import estimate, rounded_up, stated_minutes

    nb = nbformat.read(path, as_version=4)
    wanted = rounded_up(estimate(nb).minutes)
    assert stated_minutes(nb) == wanted, \
        f"{path.name}: the first cell should say “khoảng {wanted} phút” (policycomm/assign/durations.py)"
