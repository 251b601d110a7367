"""`policycomm grade` and `policycomm report` from the command line; feedback never shows hidden tests."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from gradingkit import ASSIGNMENTS, CORRECT, PARTIAL, nbgrader, submit

pytestmark = pytest.mark.slow
POLICYCOMM = Path(sys.executable).parent / "policycomm"


def _hidden_and_solution_lines(course: Path) -> set[str]:
    lines = set()
    for path in (course / "source").rglob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            for marker in ("HIDDEN TESTS", "SOLUTION"):
                for block in re.findall(rf"### BEGIN {marker}(.*?)### END {marker}", cell.source, re.S):
                    lines.update(line.strip() for line in block.splitlines() if len(line.strip()) >= 8)
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
    for path in (course / "source").rglob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            for block in re.findall(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", cell.source, re.S):
                if line in block:
                    return True
    return False
