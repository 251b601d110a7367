"""`policycomm grade` and `policycomm report` from the command line; feedback never shows hidden tests.

The pages are templates with escaping on, and in English they have no Vietnamese outside the data.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbgrader.api import Gradebook

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


#: the roster as nbgrader's students table holds it: id -> (first name, last name, email); chi has no email
ROSTER = {"an": ("Thị Hà", "Nguyễn", "ha.nguyen@example.vn"), "binh": ("Văn Bình", "Trần", "binh.tran@example.vn"),
          "chi": ("Kim Chi", "Lê", ""), "dao": ("Thuỳ Dương", "Đào", "duong.dao@example.vn"),
          "em": ("Văn Ếm", "Lò", "em.lo@example.vn")}


@pytest.fixture(scope="module")
def reported(released_course, tmp_path_factory):
    """an, binh and chi submit both assignments (chi untouched), dao only ps1, em (on the roster) nothing.

    Graded and reported once for this module's tests, which only read the results.
    """
    tmp_path = tmp_path_factory.mktemp("reported")
    course = tmp_path / "course"
    shutil.copytree(released_course, course)
    for assignment in ASSIGNMENTS:
        submit(course, "an", assignment, CORRECT)
        submit(course, "binh", assignment, PARTIAL)
        submit(course, "chi", assignment, {})
    submit(course, "dao", "ps1", CORRECT)
    graded = subprocess.run([str(POLICYCOMM), "grade", "--all", "--course", str(course), "--no-progress"],
                            capture_output=True, text=True, timeout=600)
    assert graded.returncode == 0, graded.stderr[-2000:]
    assert "Đã chấm 7 bài" in graded.stdout
    assert "Warning" not in graded.stderr, graded.stderr[-2000:]  # the lecturer's console shows no library warning
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gradebook:  # what the roster writes
        for student, (first, last, email) in ROSTER.items():
            gradebook.update_or_create_student(student, first_name=first, last_name=last, email=email or None)
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "item-analysis.html").write_text("<html></html>")
    done = subprocess.run([str(POLICYCOMM), "report", "--course", str(course), "-o", str(tmp_path / "report")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Warning" not in done.stderr, done.stderr[-2000:]
    assert "useremail" in done.stdout and "chi" in done.stdout.split("không có trong tệp Moodle")[1]
    return course, tmp_path / "report"


def _row(table, student: str):
    return table.loc[table["Học viên"] == student].iloc[0]


@pytest.mark.slow
def test_class_report_and_exports(reported):
    course, out = reported
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Phân bố điểm" in index and "distribution.png" in index
    topics = index.split("Theo chủ đề")[1].split("</table>")[0]  # topic names from topics.yaml, by cell metadata
    assert "Chọn kênh truyền thông" in topics and "Công chúng" in topics and "Khủng hoảng và cảnh báo" in topics
    assert 'href="item-analysis.html"' in index and 'href="moodle.csv"' in index
    need_help = index.split("Học viên cần hỗ trợ")[1].split("</table>")[0]
    assert "chi" in need_help  # untouched release: needs help
    assert re.search(r"dao</td><td>Đào Thuỳ Dương</td><td>87.5%</td><td>ps2<", need_help)  # ps2 missing
    assert re.search(r"em</td><td>Lò Văn Ếm</td><td>—</td><td>ps1, ps2<", need_help)
    csv = pd.read_csv(out / "scores.csv", encoding="utf-8-sig")
    xlsx = pd.read_excel(out / "scores.xlsx")
    for table in (csv, xlsx):
        assert list(table["Học viên"]) == ["an", "binh", "chi", "dao", "em"]
        assert _row(table, "an")["Tổng điểm"] == 9  # all autograded points (9 of 10)
        assert _row(table, "an")["Họ và tên"] == "Nguyễn Thị Hà"
        assert _row(table, "chi")["Tổng điểm"] == 0 and _row(table, "chi")["ps2"] == 0  # submitted, scored 0
        assert _row(table, "dao")["ps1"] == 7 and pd.isna(_row(table, "dao")["ps2"])  # never submitted: empty
        assert _row(table, "dao")["Tỉ lệ (%)"] == 87.5 and _row(table, "dao")["Số bài đã nộp"] == 1
        assert _row(table, "em")[["ps1", "ps2", "Tổng điểm", "Tỉ lệ (%)"]].isna().all()
    assert ",," in (out / "scores.csv").read_text(encoding="utf-8-sig").splitlines()[4]  # dao's ps2: empty, not 0.0
    shares = csv["Tỉ lệ (%)"].dropna()
    assert len(shares) == 4  # em, who submitted nothing, counts in no mean
    assert f"điểm trung bình {shares.mean():.1f}%" in index and "5 học viên, 4 người đã nộp bài" in index
    by_assignment = index.split("Theo bài")[1].split("</table>")[0]
    assert "<td>ps1</td><td>4 / 5</td>" in by_assignment and "<td>ps2</td><td>3 / 5</td>" in by_assignment


def _rows(index: str, heading: str) -> list[list[str]]:
    """The cells of the table under ``heading`` in the class report, row by row, without the header."""
    table = index.split(f"<h2>{heading}</h2>")[1].split("</table>")[0]
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]


@pytest.mark.slow
def test_mastery_per_skill_and_per_topic_adds_up_the_declared_cells(reported):
    """The fixture's cells: ps1 best channel (2, choice, channels), audiences (1, recall), top three (3, choice,
    channels), headline (1, writing, messages), why pretest (1, writing, messages, left to the lecturer: 0);
    ps2 first hour (2, judgement, crisis). an, binh, chi and dao submitted ps1; an, binh and chi ps2."""
    _, out = reported
    index = (out / "index.html").read_text(encoding="utf-8")
    assert _rows(index, "Theo kỹ năng") == [  # in the order of topics.yaml, not of the alphabet
        ["Ghi nhớ", "2.0 / 4.0", "50%"], ["Lựa chọn theo mô hình", "14.0 / 20.0", "70%"],
        ["Xử lý tình huống", "2.0 / 6.0", "33%"], ["Viết", "3.0 / 8.0", "38%"]]
    per_trainee = index.split("Mức thành thạo từng kỹ năng của mỗi học viên")[1].split("</table>")[0]
    assert "<th>Ghi nhớ</th><th>Lựa chọn theo mô hình</th><th>Xử lý tình huống</th><th>Viết</th>" in per_trainee
    assert "<td>binh</td><td>Trần Văn Bình</td><td>0%</td><td>80%</td><td>0%</td><td>50%</td>" in per_trainee
    assert "<td>dao</td><td>Đào Thuỳ Dương</td><td>100%</td><td>100%</td><td>—</td><td>50%</td>" in per_trainee
    assert "<td>em</td><td>Lò Văn Ếm</td><td>—</td><td>—</td><td>—</td><td>—</td>" in per_trainee
    # by the topics the cells declare, across notebooks: channel choice is 5 points of ps1's 8, times 4 trainees
    assert _rows(index, "Theo chủ đề") == [
        ["Công chúng", "2.0 / 4.0", "50%"], ["Chọn kênh truyền thông", "14.0 / 20.0", "70%"],
        ["Khủng hoảng và cảnh báo", "2.0 / 6.0", "33%"], ["Viết thông điệp và biên tập", "3.0 / 8.0", "38%"]]
    assert _rows(index, "Theo bài") == [["ps1", "4 / 5", "19.0 / 32.0", "59%"], ["ps2", "3 / 5", "2.0 / 6.0", "33%"]]
    csv = pd.read_csv(out / "scores.csv", encoding="utf-8-sig").set_index("Học viên")
    assert csv.loc["binh", "Lựa chọn theo mô hình (%)"] == 80 and csv.loc["an", "Viết (%)"] == 50
    assert pd.isna(csv.loc["dao", "Xử lý tình huống (%)"])  # ps2 not submitted: no share, not 0
    assert csv.loc["chi", "Xử lý tình huống (%)"] == 0


@pytest.mark.slow
def test_the_moodle_file_is_what_moodle_imports(reported):
    _, out = reported
    raw = (out / "moodle.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8")  # UTF-8, as chosen in Moodle's form
    moodle = pd.read_csv(out / "moodle.csv", encoding="utf-8", dtype=str, keep_default_na=False)
    assert list(moodle.columns) == ["Họ", "Tên", "Mã số", "Địa chỉ email", "ps1", "ps2"]  # people, one column a grade item
    assert list(moodle["Mã số"]) == ["an", "binh", "dao", "em"]  # chi has no email: Moodle could not match her
    assert (moodle["Địa chỉ email"] != "").all() and (moodle["Họ"] + " " + moodle["Tên"]).tolist() == [
        "Nguyễn Thị Hà", "Trần Văn Bình", "Đào Thuỳ Dương", "Lò Văn Ếm"]
    dao, em = moodle.iloc[2], moodle.iloc[3]
    assert float(dao["ps1"]) == 7 and dao["ps2"] == "-"  # Moodle's "no grade", never 0
    assert em["ps1"] == em["ps2"] == "-"
    assert float(moodle.iloc[1]["ps1"]) >= 0 and float(moodle.iloc[0]["ps2"]) == 2


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
    assert len(pages) == 11  # 3 trainees x 3 notebooks, and dao's 2 of ps1
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


def _class_page(student: str, topic: str | None, skill: str | None = None) -> str:
    from policycomm.grading.report import CellScore, ClassGrades, Trainee, class_page, trainee_table

    grades = ClassGrades([Trainee(student), Trainee("an")],
                         [CellScore(student, "ps1", "channels", "q1", topic, 1.0, 4.0, skill),
                          CellScore("an", "ps1", "channels", "q1", topic, 4.0, 4.0, skill)], {"ps1": 4.0})
    journal = {("ps1", student): {"problems": [{"code": "tampering", "notebook": "ps1/channels.ipynb",
                                                "detail": "q1 (sys.modules)"}]}}
    feedback = {student: [("ps1/channels", f"feedback/{student}/ps1/channels.html")]}
    return class_page(grades, trainee_table(grades), journal, feedback, None)


def test_without_declared_topics_and_skills_the_report_has_no_table_of_them():
    page = _class_page("binh", None)
    assert "Theo chủ đề" not in page and "Theo kỹ năng" not in page
    page = _class_page("binh", "crisis", "judgement")
    assert "Theo chủ đề" in page and "Khủng hoảng và cảnh báo" in page.split("Theo chủ đề")[1]
    assert "<td>Xử lý tình huống</td><td>5.0 / 8.0</td><td>62%</td>" in page.split("Theo kỹ năng")[1]


def test_a_submitted_zero_stays_zero_and_an_unsubmitted_assignment_is_empty():
    from policycomm.grading.report import CellScore, ClassGrades, Trainee, moodle_table, trainee_table

    grades = ClassGrades([Trainee("an", email="an@example.vn"), Trainee("binh", email="binh@example.vn")],
                         [CellScore("an", "ps1", "n", "q1", None, 0.0, 4.0),
                          CellScore("an", "ps2", "n", "q1", None, 6.0, 6.0),
                          CellScore("binh", "ps2", "n", "q1", None, 3.0, 6.0)], {"ps1": 4.0, "ps2": 6.0})
    table = trainee_table(grades).set_index("Học viên")
    assert table.loc["an", "ps1"] == 0 and pd.isna(table.loc["binh", "ps1"])
    assert table.loc["an", "Tỉ lệ (%)"] == 60.0 and table.loc["binh", "Tỉ lệ (%)"] == 50.0  # of what each submitted
    moodle = moodle_table(grades)[0].set_index("Mã số")
    assert moodle.loc["an", "ps1"] == 0 and pd.isna(moodle.loc["binh", "ps1"])


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
        page = _class_page("Nguyễn Thị Hà", "kênh", "writing")
    finally:
        set_language("vi")
    assert "Class report" in page and "Trainees who need help" in page and "tampered with the grader" in page
    assert "<h2>By skill</h2>" in page and "<th>Writing</th>" in page
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
