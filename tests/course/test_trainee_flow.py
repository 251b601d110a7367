"""A trainee's whole course, in Chromium, only by clicking and typing; the lecturer grades it two ways.

``policycomm course open`` serves four modules: 00 (one choice, a short text,
channels), 02 (a stage picker, an ordering, a plan), 03 (audience pickers, a
number) and 07 (a text to write). In a real JupyterLab the trainee:

1. lands on the start page and opens each module from it;
2. runs the cells one by one (Shift + Enter) and answers every form by
   clicking, picking and typing (``tests/e2e/answering.py``), one answer of
   module 00 deliberately wrong;
3. reloads the page midway through module 03 and finds the answers;
4. restarts the kernel and runs a check first: a Vietnamese sentence, no traceback;
5. clicks a practice tool's button without choosing anything: one kind sentence;
6. validates and submits each module.

The lecturer collects, grades one copy with ``nbgrader autograde`` and one
with ``policycomm grade``: the per-cell scores are identical and the total
is exactly what the answers deserve. Feedback is released; the trainee opens
it from the start page and reads it in Vietnamese. Screenshots go to
``test-artifacts/test_trainee_flow/``.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from browserkit import CHROMIUM, CHROMIUM_ARGS, Lab
from course_cases import COURSE, ROOT, nbgrader_meta
from test_course_open import TOKEN, course_open

sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from answering import forms_by_cell, work_through  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]

MODULES = ("00-lam-quen", "02-chu-trinh-chinh-sach", "03-cong-chung", "07-khung-hoang")
#: answers given wrong on purpose, and the points they cost
WRONG = {"m00-cau-1": "A"}
ARTIFACTS = ROOT / "test-artifacts" / "test_trainee_flow"
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def run(course: Path, exchange: Path, *args: str) -> str:
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
               POLICYCOMM_EXCHANGE=str(exchange))
    done = subprocess.run([sys.executable, "-m", *args], cwd=course, env=env, capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done.stdout + done.stderr


def source(module: str):
    return nbformat.read(COURSE / "source" / module / f"{module}.ipynb", as_version=4)


def cell_scores(course: Path) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="policycomm") as gradebook:
        return {(a.name, s.student.id, n.name, g.name): g.score
                for a in gradebook.assignments for s in a.submissions for n in s.notebooks for g in n.grades}


def deserved(module: str) -> float:
    """Points of the module's autograded test cells, less those of the questions answered wrong on purpose."""
    nb = source(module)
    total = 0.0
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            if not any(f'forms.answer("{exercise}")' in cell.source for exercise in WRONG):
                total += meta["points"]
    return total


@pytest.fixture(scope="module")
def course_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("trainee-flow")
    course = root / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(COURSE / "nbgrader_config.py", course)
    for module in MODULES:
        shutil.copytree(COURSE / "source" / module, course / "source" / module)
    with course_open(course, root / "run", root / "open.log", expose_app=True) as url:
        yield url, course, root / "run"


def saved_answers(run_dir: Path, module: str) -> dict:
    path = run_dir / "trainee" / module / "policycomm_answers.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v["response"] for k, v in data["notebooks"][f"{module}.ipynb"].items()}


def index_of(nb, cell_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.get("id") == cell_id)


def open_from_start_page(lab: Lab, module: str) -> None:
    """Back to the start page, then a click on the module's link, as the trainee does."""
    lab.page.goto(f"{lab.url}/?token={TOKEN}")
    lab.page.wait_for_selector(".jp-RenderedMarkdown >> text=Bắt đầu khoá học", timeout=180_000)
    number = module[:2]
    lab.page.locator("table tr", has_text=f"Bài {number}").locator("a", has_text="Mở bài").first.click()
    lab.wait_for_notebook(f"{module}/{module}.ipynb")


def validate_and_submit(lab: Lab, module: str) -> None:
    lab.save()
    lab.page.evaluate("() => [...window.jupyterapp.shell.currentWidget.toolbar.node"
                      ".querySelectorAll('.jp-ToolbarButtonComponent')]"
                      ".find(b => b.textContent.includes('Validate')).click()")  # its label is Vietnamese (CSS)
    dialog = lab.page.wait_for_selector(".jp-Dialog", timeout=300_000)
    lab.wait_for("document.querySelector('.jp-Dialog') && document.querySelector('.jp-Dialog').innerText"
                 " && !document.querySelector('.jp-Dialog').innerText.includes('Validating')", 300, "Validate")
    text = dialog.inner_text()
    lab.shot(f"{module}-validate.png")
    assert "Traceback" not in text and VIETNAMESE.search(text), text
    lab.page.keyboard.press("Escape")
    lab.command("nbgrader:open-assignment-list")
    row = lab.page.locator("#fetched_assignments_list .list_item:not(.nested_list_item)", has_text=module)
    row.wait_for(timeout=120_000)
    row.get_by_role("button", name="Submit").click()
    lab.page.locator("#submitted_assignments_list", has_text=module).wait_for(timeout=120_000)
    lab.shot(f"{module}-submitted.png")


def test_a_trainee_does_the_course_by_clicking_and_the_lecturer_grades_it_two_ways(course_server):
    from playwright.sync_api import sync_playwright

    url, course, run_dir = course_server
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            lab = Lab(browser.new_page(viewport={"width": 1400, "height": 900}), url, ARTIFACTS)
            for module in MODULES:
                nb = source(module)
                open_from_start_page(lab, module)
                if module == "03-cong-chung":  # reload midway: the answers are there, the forms show them
                    cells = sorted(forms_by_cell(nb))
                    middle = cells[len(cells) // 2]
                    work_through(lab, nb, WRONG, stop_at=middle)
                    before = saved_answers(run_dir, module)
                    lab.page.reload()
                    lab.wait_for_notebook(f"{module}/{module}.ipynb")
                    first = cells[0]
                    lab.run_cell(first)
                    (spec,) = forms_by_cell(nb)[first]
                    lab.page.locator(f".policycomm-form-{spec.exercise_id}", has_text="Đã khôi phục").wait_for(
                        timeout=60_000)
                    assert saved_answers(run_dir, module) == before
                    lab.shot(f"{module}-after-reload.png")
                    work_through(lab, nb, WRONG, start_at=middle)
                else:
                    work_through(lab, nb, WRONG)
                if module == "02-chu-trinh-chinh-sach":  # a practice tool used carelessly: one kind sentence
                    tool = lab.page.locator(".policycomm-tool").last
                    tool.get_by_role("button", name="Xem kết quả").click()
                    lab.page.wait_for_timeout(1500)
                    said = tool.locator(".jp-OutputArea, .widget-output").last.inner_text()
                    assert said.strip() and VIETNAMESE.search(said) and "Error" not in said, said
                if module == "00-lam-quen":  # a kernel restart, then a check run first
                    lab.page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                                      ".restart()")
                    lab.wait_for_kernel_idle()
                    shown = lab.run_cell(index_of(nb, "cau_2_kiem_tra"))
                    assert shown.startswith("✔") and "Traceback" not in shown and "Error" not in shown, shown
                    lab.shot(f"{module}-check-after-restart.png")
                wanted = {e: (WRONG.get(e, s.key)) for e, s in
                          {s.exercise_id: s for specs in forms_by_cell(nb).values() for s in specs}.items()}
                assert saved_answers(run_dir, module) == {e: v for e, v in wanted.items() if v is not None}
                lab.shot(f"{module}-answered.png")
                validate_and_submit(lab, module)

            # The lecturer: collect, then grade one copy with nbgrader and one with policycomm.
            exchange = run_dir / "exchange"
            for module in MODULES:
                run(course, exchange, "nbgrader", "collect", module)
            other = course.parent / "course-policycomm"
            shutil.copytree(course, other)
            for module in MODULES:
                run(course, exchange, "nbgrader", "autograde", module)
            run(other, exchange, "policycomm.cli", "grade", "--all", "--no-progress")
            by_nbgrader, by_policycomm = cell_scores(course), cell_scores(other)
            assert by_nbgrader and by_nbgrader == by_policycomm
            for module in MODULES:
                got = sum(score for (a, *_), score in by_nbgrader.items() if a == module and score is not None)
                assert got == deserved(module), f"{module}: {got} points, deserved {deserved(module)}"

            # Feedback, released and read from the start page.
            for module in MODULES:
                run(course, exchange, "nbgrader", "generate_feedback", module)
                run(course, exchange, "nbgrader", "release_feedback", module)
            read_feedback_from_start_page(lab, course, run_dir)
        finally:
            browser.close()


def read_feedback_from_start_page(lab: Lab, course: Path, run_dir: Path) -> None:
    """The trainee fetches the feedback and opens module 00's from the start page: Vietnamese, with the score."""
    lab.command("nbgrader:open-assignment-list")
    for module in MODULES:
        row = lab.page.locator("#submitted_assignments_list .list_item:not(.nested_list_item)", has_text=module).first
        row.wait_for(timeout=120_000)
        button = row.get_by_role("button", name="Fetch Feedback")
        if button.count():
            button.click()
    lab.page.wait_for_timeout(3000)
    lab.page.goto(f"{lab.url}/?token={TOKEN}")
    lab.page.wait_for_selector(".jp-RenderedMarkdown >> text=Bắt đầu khoá học", timeout=180_000)
    lab.command("notebook:run-all-cells")
    table = lab.page.locator(".jp-RenderedMarkdown table, .jp-OutputArea table", has_text="Bài 00").first
    table.wait_for(timeout=120_000)
    lab.shot("start-page-graded.png")
    assert "đã chấm" in table.inner_text(), table.inner_text()
    table.locator("tr", has_text="Bài 00").locator("a", has_text="Xem nhận xét").click()
    body = lab.page.frame_locator(".jp-HTMLViewer:visible iframe").locator("body")  # JupyterLab's HTML viewer
    body.get_by_text("Điểm").first.wait_for(timeout=120_000)
    text = body.inner_text()
    lab.shot("feedback.png")
    assert "Traceback" not in text and "Score" not in text, text[:2000]
    assert re.search(r"\b2(?:[.,]0+)? / 3(?:[.,]0+)?\b", text), f"the page should say 2 / 3 points: {text[:2000]}"
