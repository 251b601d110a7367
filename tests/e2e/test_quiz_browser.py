"""End to end: a trainee answers quiz widgets in chromium, saves, and nbgrader autograde awards the points.

The fixture course (fixtures/quiz_course) has one practice question from the
bank and seven graded questions given as public views, their keys only in
hidden tests. The test releases it with nbgrader, answers in JupyterLab
(some right, some wrong, one left blank), submits and autogrades.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "quiz_course"
ASSIGNMENT, NOTEBOOK, STUDENT, BROKEN_STUDENT = "quiz1", "quiz.ipynb", "trainee01", "trainee02"
ANSWERS = "policycomm_answers.json"

#: graded question -> (cell points, points the test's answers deserve)
EXPECTED = {"m01-q01": (1, 1.0),   # single: the right option
            "m01-q03": (3, 2.0),   # multiple: two of the three right options (2/3)
            "m01-q02": (1, 0.0),   # true/false: the wrong side
            "m01-q06": (2, 1.5),   # matching: three of four pairs right
            "m01-q04": (1, 1.0),   # numerical: right value
            "m01-q07": (1, 1.0),   # short: right words typed without accents (accepted)
            "m01-q10": (1, 0.0)}   # left unanswered
#: strings that only the key or hidden tests contain
KEY_MARKERS = ["BEGIN HIDDEN TESTS", "award(", "fraction", "'correct'", "'pairs'", "tolerance"]


BIN = Path(sys.executable).parent  # nbgrader runs `alembic` from PATH


def run_nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "JPY_SESSION_NAME"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    command = [str(BIN / "nbgrader"), *args]
    result = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"`nbgrader {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}"
    return result


def graded_feedback_texts() -> list[str]:
    """Every feedback text the bank holds for the graded questions: none may reach the trainee's page."""
    from policycomm.quiz import load_bank

    bank = load_bank()
    texts = []
    for question_id in EXPECTED:
        question = bank[question_id]
        texts.append(question.feedback.strip())
        texts += [getattr(question, name) for name in ("feedback_true", "feedback_false") if hasattr(question, name)]
        texts += [a.feedback for a in getattr(question, "answers", []) if getattr(a, "feedback", "")]
    return [t for t in texts if len(t) > 12]


def wait_for_answers(path: Path, expected: dict, timeout: float = 30) -> dict:
    """Poll the answers file until it holds ``expected`` (question id -> response)."""
    deadline, content = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
            recorded = {q: e["response"] for q, e in content["notebooks"][NOTEBOOK].items()}
            if recorded == expected:
                return content
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{path} never held the clicked answers {expected}; last content: {content}")


def test_trainee_clicks_are_graded_by_autograde(tmp_path, jupyter_lab, lab_page, artifacts_dir, monkeypatch):
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    course = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    release = course / "release" / ASSIGNMENT

    # The release holds no key, no hidden test and no answers file.
    released_files = sorted(p for p in release.rglob("*") if p.is_file())
    assert [p.name for p in released_files] == [NOTEBOOK]
    for path in released_files:
        text = path.read_text(encoding="utf-8")
        leaks = [marker for marker in KEY_MARKERS if marker in text]
        assert not leaks, f"{path.relative_to(course)} shows the key: {leaks}"
    assert "show({'id': 'm01-q01'" in (release / NOTEBOOK).read_text(encoding="utf-8")

    # The trainee's copy, opened in JupyterLab.
    home = tmp_path / "trainee"
    shutil.copytree(release, home / ASSIGNMENT)
    server = jupyter_lab(home)
    lab = lab_page(server)
    lab.open_notebook(f"{ASSIGNMENT}/{NOTEBOOK}")
    lab.run_all_cells()
    assert lab.cell_errors() == []
    page = lab.page
    practice = page.locator(".policycomm-practice")
    graded = page.locator(".policycomm-graded")
    graded.nth(len(EXPECTED) - 1).wait_for(timeout=60_000)
    assert graded.count() == len(EXPECTED) and practice.count() == 1

    # Practice: a wrong answer, then the right one; feedback computed in the kernel.
    practice.get_by_label("Tổ chức hội nghị lấy ý kiến về nghị quyết").check()
    practice.get_by_role("button", name="Kiểm tra").click()
    feedback = practice.locator(".policycomm-feedback")
    feedback.get_by_text("Chưa đúng").first.wait_for(timeout=20_000)
    practice.get_by_label("Phát thông cáo báo chí", exact=False).check()
    practice.get_by_role("button", name="Kiểm tra").click()
    feedback.get_by_text("✔ Đúng.").wait_for(timeout=20_000)
    lab.screenshot(artifacts_dir / "1-practice-feedback.png")

    # Graded: answers chosen by the test (see EXPECTED).
    def box(question_id):
        return graded.nth(list(EXPECTED).index(question_id))

    box("m01-q01").get_by_label("Truyền thông chính sách là nhiệm vụ", exact=False).check()
    box("m01-q03").get_by_label("Chính sách trực tiếp tạo ra", exact=False).check()
    box("m01-q03").get_by_label("Chính sách khó, nhạy cảm", exact=False).check()
    box("m01-q02").get_by_label("Đúng", exact=True).check()
    menus = box("m01-q06").locator("select")
    assert menus.count() == 4
    menus.nth(0).select_option(label="Tăng cường công tác truyền thông chính sách")
    menus.nth(1).select_option(label="Truyền thông chính sách có tác động lớn trong quá trình soạn thảo văn bản quy "
                                     "phạm pháp luật, giai đoạn 2022–2027")
    menus.nth(2).select_option(label="Luật Ban hành văn bản quy phạm pháp luật năm 2025")
    menus.nth(3).select_option(label="Quy định về quảng cáo thương mại trên mạng xã hội")  # wrong pair
    box("m01-q04").locator("input[type=text]").fill("70")
    box("m01-q07").locator("input[type=text]").fill("tham van chinh sach")
    for question_id in ("m01-q01", "m01-q03", "m01-q02", "m01-q06", "m01-q04", "m01-q07"):
        box(question_id).get_by_text("Đã lưu câu trả lời").wait_for(timeout=20_000)

    answers_file = home / ASSIGNMENT / ANSWERS
    wait_for_answers(answers_file, {
        "m01-q01": "a", "m01-q03": ["a", "b"], "m01-q02": True, "m01-q04": 70.0, "m01-q07": "tham van chinh sach",
        "m01-q06": {"Chỉ thị 07/CT-TTg (2023)": "Tăng cường công tác truyền thông chính sách",
                    "Quyết định 407/QĐ-TTg (2022)": "Truyền thông chính sách có tác động lớn trong quá trình soạn "
                                                    "thảo văn bản quy phạm pháp luật, giai đoạn 2022–2027",
                    "Luật số 64/2025/QH15": "Luật Ban hành văn bản quy phạm pháp luật năm 2025",
                    "Nghị định 09/2017/NĐ-CP": "Quy định về quảng cáo thương mại trên mạng xã hội"}})
    lab.screenshot(artifacts_dir / "2-graded-answered.png")
    box("m01-q06").screenshot(path=str(artifacts_dir / "3-graded-matching.png"))
    box("m01-q03").screenshot(path=str(artifacts_dir / "4-graded-multiple.png"))

    # Graded widgets show no verdict and no feedback, in the page and in the saved notebook.
    secrets = graded_feedback_texts()
    graded_html = "".join(graded.evaluate_all("boxes => boxes.map(b => b.outerHTML)"))
    assert "✔" not in graded_html and "Chưa đúng" not in graded_html
    page_html = page.content()
    assert [s for s in secrets if s in page_html] == []
    lab.save()
    saved = (home / ASSIGNMENT / NOTEBOOK).read_text(encoding="utf-8")
    assert [s for s in secrets if s in saved] == [] and not [m for m in KEY_MARKERS if m in saved]
    kernels = server.kernel_pids()
    assert kernels, "the notebook's kernel should be running"
    server.stop()  # free the CPU for autograde
    assert [pid for pid in kernels if Path(f"/proc/{pid}").exists()] == [], "kernels left running"

    # Submit the trainee's folder as nbgrader collect would; a second trainee broke the answers file by hand.
    submitted = course / "submitted" / STUDENT / ASSIGNMENT
    shutil.copytree(home / ASSIGNMENT, submitted, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    broken = course / "submitted" / BROKEN_STUDENT / ASSIGNMENT
    shutil.copytree(submitted, broken)
    (broken / ANSWERS).write_text(answers_file.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    run_nbgrader(course, "autograde", ASSIGNMENT, "--create")

    assert grades(course, STUDENT) == {q: (float(m), s) for q, (m, s) in EXPECTED.items()}
    assert grades(course, BROKEN_STUDENT) == {q: (float(m), 0.0) for q, (m, _) in EXPECTED.items()}
    autograded = (course / "autograded" / STUDENT / ASSIGNMENT / NOTEBOOK).read_text(encoding="utf-8")
    assert "Bạn chưa trả lời câu m01-q10" in autograded
    autograded = (course / "autograded" / BROKEN_STUDENT / ASSIGNMENT / NOTEBOOK).read_text(encoding="utf-8")
    assert "bị hỏng" in autograded


def grades(course: Path, student: str) -> dict:
    """question id -> (max score, score) of every grade cell, from the gradebook; checks the total too."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(NOTEBOOK.removesuffix(".ipynb"), ASSIGNMENT, student)
        points = {g.name.removeprefix("test_").replace("_", "-"): (g.max_score, g.score)
                  for g in notebook.grades if g.name.startswith("test_")}
        total = gradebook.find_submission(ASSIGNMENT, student).score
    assert total == pytest.approx(sum(score for _, score in points.values()))
    return points
