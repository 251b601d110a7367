"""The trainee's feedback page on module 00's real feedback (nbgrader autograde + generate_feedback with the
course's configuration): Vietnamese, the question, the answer in words and one verdict per question, no code,
no hidden test, no traceback, no script."""
from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import nbformat
import pytest

from policycomm.trainee.start import feedback_score
from traineekit import graded_00, released_00  # noqa: F401 (fixtures)


pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MODULE = "00-lam-quen"
QUESTIONS = ["Câu 1 (1 điểm)", "Câu 2 (1 điểm): gõ tiếng Việt có dấu", "Câu 3 (1 điểm): chọn các kênh truyền thông"]
#: what a trainee who reads no code must never meet on the page
NEVER = ["forms.", "check_", "import ", "In&nbsp;[", "Out[", "<script", "widget-view", "MathJax", "Traceback",
         "BEGIN", "HIDDEN", "expected=", "accepted=", "Error"]


def _without_style(page: str) -> str:
    return re.sub(r"<style.*?</style>", "", page, flags=re.S)


def _text(page: str) -> str:
    """The visible text of a page, its white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", _without_style(page))).split())


def _pages(graded) -> dict[str, str]:
    return {p.parent.parent.name: p.read_text(encoding="utf-8")
            for p in sorted((graded / "feedback").glob(f"*/{MODULE}/{MODULE}.html"))}


def _scores(graded) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded / 'gradebook.db'}", course_id="policycomm") as gradebook:
        return {s.student.id: s.score for s in gradebook.assignment_submissions(MODULE)}


def _question_blocks(page: str) -> list[str]:
    """Each question of the page: from its text cell to the verdict under its check."""
    starts = [m.start() for m in re.finditer(r'id="cell-id=cau_\d+_de"', page)]
    ends = [page.index("</p>", page.index("policycomm-score", start)) for start in starts]
    return [page[start:end] for start, end in zip(starts, ends)]


def test_every_page_opens_on_the_score_and_a_table_of_questions(graded_00):
    pages, scores = _pages(graded_00), _scores(graded_00)
    assert set(pages) == set(scores) and len(pages) >= 8
    for student, page in pages.items():
        text = _text(page)
        assert "Nhận xét bài: Bài 00 — Làm quen với sổ tay Jupyter" in text
        assert f"Điểm tự động: {scores[student]:g} / 3." in text
        assert feedback_score(graded_00 / "feedback" / student / MODULE / f"{MODULE}.html") == (scores[student], 3.0)
        header = re.search(r"<thead><tr><th>(.*?)</th><th>(.*?)</th><th>(.*?)</th></tr></thead>", page)
        assert header.groups() == ("Câu", "Điểm", "Kết quả")
        rows = re.findall(r"<tr class=\"([a-z-]+)\"><td>(.*?)</td><td>(\d+) / 1</td>", page)
        assert [label for _, label, _ in rows] == QUESTIONS, student
        assert sum(int(points) for _, _, points in rows) == scores[student]


def test_no_code_no_hidden_test_no_traceback_no_script(graded_00):
    sys.path.insert(0, str(ROOT / "tests" / "course"))
    try:
        from course_cases import hidden_lines
    finally:
        sys.path.pop(0)
    source = nbformat.read(graded_00 / "source" / MODULE / f"{MODULE}.ipynb", as_version=4)
    secrets = [line for cell in source.cells for line in hidden_lines(cell.source)]
    assert secrets
    for student, page in _pages(graded_00).items():
        for word in NEVER:
            assert word not in _without_style(page), f"{student}: the page shows {word!r}"
        assert not [line for line in secrets if line in page or html.escape(line) in page], student
        assert "**" not in _text(page) and "<strong>Shift + Enter</strong>" in page  # markdown is rendered


def test_each_question_shows_the_answer_in_words_and_one_verdict(graded_00):
    pages = _pages(graded_00)
    solution = _text(pages["solution"])
    assert "Câu trả lời: Shift + Enter" in solution
    assert "Đài truyền thanh cấp xã" in solution and "Tuyên truyền miệng" in solution
    assert "commune_radio" not in pages["solution"] and "oral_propaganda" not in pages["solution"]
    assert _text(pages["release"]).count("Câu trả lời: (chưa trả lời)") == 4  # the example and three questions
    for student, page in pages.items():
        blocks = _question_blocks(page)
        assert len(blocks) == 3, student
        for block in blocks:
            text = _text(block)
            assert not ("✔" in text and "✗" in text), f"{student}: a ✔ beside a ✗ for one question:\n{text}"
            verdict = re.search(r'class="policycomm-score ([a-z-]+)"', block)[1]
            assert ("✔" in text) == (verdict == "passed") and ("✗" in text) == (verdict == "not-yet"), (student, text)
            assert "Đã nhận câu trả lời" not in text


def test_a_wrong_answer_gets_its_hint_and_a_right_one_says_so(graded_00):
    blocks = [_text(b) for b in _question_blocks(_pages(graded_00)["case-q2-no-accents-q3-one-channel"])]
    assert "✔ Chính xác!" in blocks[0] and "Đạt: 1 / 1 điểm" in blocks[0]
    assert "Câu trả lời: gui thong cao den toa soan" in blocks[1]
    assert "✗ Chưa đúng. Gợi ý: gõ đủ sáu từ, có dấu" in blocks[1] and "Chưa đạt: 0 / 1 điểm" in blocks[1]
    assert "✗ Câu này cần chọn đúng 2 kênh; bạn đã chọn 1." in blocks[2]


@pytest.mark.browser
def test_the_page_reads_well_in_chromium(graded_00, artifacts_dir):
    from playwright.sync_api import sync_playwright

    page_path = graded_00 / "feedback" / "case-q2-no-accents-q3-one-channel" / MODULE / f"{MODULE}.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
                       else route.continue_())  # the page needs nothing from the network
            page.goto(page_path.as_uri())
            page.screenshot(path=str(artifacts_dir / "feedback-00.png"), full_page=True)
            table = page.locator("table.policycomm-summary").inner_text()
            assert "Câu" in table and "Điểm" in table and "Câu 2 (1 điểm): gõ tiếng Việt có dấu" in table
            assert not page.locator(".input_area, .prompt").count()
        finally:
            browser.close()


def test_a_broken_answer_cell_in_a_passed_question_shows_no_cross():
    """A trainee who unfolds an answer cell and breaks it keeps the saved answer: when the question passes,
    the cell's error is not shown beside the ✔; in a question not passed, no ✔ line is shown beside the ✗."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from policycomm.assign.feedback import TraineeView

    def question(k, answer_outputs, test_outputs, score):
        answer = new_code_cell(f'forms.stage("m02-cau-{k}"', outputs=answer_outputs)
        answer.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": f"cau_{k}"}
        test = new_code_cell(f'check_id(forms.answer("m02-cau-{k}"), kind="stage")', outputs=test_outputs)
        test.metadata["nbgrader"] = {"solution": False, "grade": True, "grade_id": f"cau_{k}_kiem_tra",
                                     "points": 1, "score": score}
        return [new_markdown_cell(f"### Câu {k} (1 điểm)"), answer, test]

    broken = new_output("error", ename="SyntaxError", evalue="", traceback=["✗ Phần lệnh của ô này đã bị sửa."])
    received = new_output("stream", name="stdout", text="✔ Đã nhận câu trả lời.\n")
    nb = new_notebook(cells=[
        *question(1, [broken], [new_output("stream", name="stdout", text="✔ Chính xác!\n")], 1),
        *question(2, [received], [new_output("error", ename="CheckFailed", evalue="Chưa đúng.",
                                             traceback=["✗ Chưa đúng."])], 0)])
    nb, resources = TraineeView().preprocess(nb, {})
    shown = [[o.get("text") or o.get("traceback") for o in cell.get("outputs", [])] for cell in nb.cells]
    assert shown == [[], [], ["✔ Chính xác!\n"], [], [], [["✗ Chưa đúng."]]]
    assert [cell.source for cell in nb.cells if cell.cell_type == "code"] == [""] * 4
    assert [(q["label"], q["verdict"]) for q in resources["policycomm"]["questions"]] == [
        ("Câu 1 (1 điểm)", "passed"), ("Câu 2 (1 điểm)", "not-yet")]
