"""`policycomm grade` and `policycomm report` from the command line; feedback never shows hidden tests.

The pages are templates with escaping on, and in English they have no Vietnamese outside the data.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from gradingkit import ASSIGNMENTS, CORRECT, PARTIAL, nbgrader, submit

from policycomm.grading.hidden_tests import hidden_lines
from policycomm.messages import set_language

POLICYCOMM = Path(sys.executable).parent / "policycomm"


def _hidden_and_solution_lines(course: Path) -> set[str]:
    lines = set()
    for path in (course / "source").rglob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            block = hidden_lines(cell.source)
            for solution in re.findall(r"### BEGIN SOLUTION(.*?)### END SOLUTION", cell.source, re.S):
                block += solution.splitlines()
            lines.update(line.strip() for line in block if len(line.strip()) >= 8)
    return lines


@pytest.fixture
def reported(course, tmp_path):
    for assignment in ASSIGNMENTS:
        submit(course, "an", assignment, CORRECT)
        submit(course, "binh", assignment, PARTIAL)
        submit(course, "chi", assignment, {})
    graded = subprocess.run([str(POLICYCOMM), "grade", "--all", "--course", str(course), "--no-progress"],
                            capture_output=True, text=True, timeout=600)
    assert graded.returncode == 0, graded.stderr[-2000:]
    assert "Đã chấm 6 bài" in graded.stdout
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "item-analysis.html").write_text("<html></html>")
    done = subprocess.run([str(POLICYCOMM), "report", "--course", str(course), "-o", str(tmp_path / "report")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return course, tmp_path / "report"


@pytest.mark.slow
def test_class_report_and_exports(reported):
    course, out = reported
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Phân bố điểm" in index and "distribution.png" in index
    assert "channel_choice" in index and "audiences" in index  # topics from the id prefix and cell metadata
    assert 'href="item-analysis.html"' in index
    assert "chi" in index.split("Học viên cần hỗ trợ")[1].split("</table>")[0]  # untouched release: needs help
    csv = pd.read_csv(out / "scores.csv", encoding="utf-8-sig")
    xlsx = pd.read_excel(out / "scores.xlsx")
    assert list(csv["Học viên"]) == ["an", "binh", "chi"] == list(xlsx["Học viên"])
    assert csv.loc[csv["Học viên"] == "an", "Tổng điểm"].item() == 9  # all autograded points (9 of 10)
    assert csv.loc[csv["Học viên"] == "chi", "Tổng điểm"].item() == 0


@pytest.mark.slow
def test_nbgrader_export_and_feedback_work_on_the_results(reported):
    course, _ = reported
    exported = nbgrader(course, "export")
    assert exported.returncode == 0, exported.stderr[-2000:]
    grades = pd.read_csv(course / "grades.csv")
    an_ps1 = grades.loc[(grades.student_id == "an") & (grades.assignment == "ps1"), "raw_score"].item()
    assert an_ps1 == 7  # 6 + 1 autograded points; the written answer awaits manual grading
    feedback = nbgrader(course, "generate_feedback", "ps1", "--force")
    assert feedback.returncode == 0, feedback.stderr[-2000:]
    assert (course / "feedback" / "binh" / "ps1" / "channels.html").exists()


@pytest.mark.slow
def test_feedback_has_no_hidden_tests_and_no_solutions(reported):
    course, out = reported
    pages = sorted((out / "feedback").rglob("*.html"))
    assert len(pages) == 9  # 3 trainees x 3 notebooks
    secrets = _hidden_and_solution_lines(course)
    assert secrets
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
        if "/chi/" in str(page):  # an untouched notebook must not reveal any reference solution
            leaked = [line for line in secrets if line in text or line.replace('"', "&quot;") in text]
        else:
            leaked = [line for line in secrets if "HIDDEN" not in line and _in_hidden(course, line)
                      and (line in text or line.replace('"', "&quot;") in text)]
        assert not leaked, (page, leaked)
    binh = (out / "feedback" / "binh" / "ps1" / "channels.html").read_text(encoding="utf-8")
    assert "Đạt một phần: 2 / 3 điểm" in binh


def _in_hidden(course: Path, line: str) -> bool:
    return any(line in hidden
               for path in (course / "source").rglob("*.ipynb")
               for cell in nbformat.read(path, as_version=4).cells for hidden in hidden_lines(cell.source))



# --------------------------------------------------------------------------- the pages themselves (fast)

#: letters only Vietnamese uses
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)
SCRIPT = "<script>alert(1)</script>"


def _class_page(student: str, topic: str) -> str:
    from policycomm.grading.report import CellScore, _trainee_table, class_page

    scores = pd.DataFrame([vars(CellScore(student, "ps1", "channels", "q1", topic, 1.0, 4.0)),
                           vars(CellScore("an", "ps1", "channels", "q1", topic, 4.0, 4.0))])
    journal = {("ps1", student): {"problems": [{"code": "tampering", "notebook": "ps1/channels.ipynb",
                                                "detail": "q1 (sys.modules)"}]}}
    feedback = {student: [("ps1/channels", f"feedback/{student}/ps1/channels.html")]}
    return class_page(scores, _trainee_table(scores), journal, feedback, None)


def test_a_trainee_name_is_escaped_in_the_class_report():
    page = _class_page(SCRIPT, SCRIPT)
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Báo cáo lớp học" in page and "đã can thiệp vào bộ chấm" in page  # the problem, in Vietnamese


def _outside_data(page: str, *data: str) -> str:
    text = re.sub(r"<[^>]+>", " ", page)
    for item in data:
        text = text.replace(item, " ")
    return re.sub(r"“[^”]*”", " ", text)


def test_the_english_class_report_has_no_vietnamese_outside_the_data():
    set_language("en")
    try:
        page = _class_page("Nguyễn Thị Hà", "kênh")
    finally:
        set_language("vi")
    assert "Class report" in page and "Trainees who need help" in page and "tampered with the grader" in page
    assert not VIETNAMESE.findall(_outside_data(page, "Nguyễn Thị Hà", "kênh", "q1 (sys.modules)"))


def test_the_item_analysis_page_escapes_names_and_speaks_english_when_asked():
    from policycomm.quiz.analysis import analyze_matrix
    from policycomm.quiz.report_html import render_report

    matrix = pd.DataFrame([[1, 0, 1], [1, 1, 0], [0, 0, 1], [1, 1, 1]], columns=[SCRIPT, "q2", "q3"])
    result = analyze_matrix(matrix, [1, 1, 1])
    assert SCRIPT not in render_report(result, title=SCRIPT)
    set_language("en")
    try:
        page = render_report(result)
    finally:
        set_language("vi")
    assert "<h1>Item analysis</h1>" in page and "&lt;script&gt;" in page and 'lang="en"' in page
    assert not VIETNAMESE.findall(_outside_data(page, SCRIPT))
