"""`policycomm course open` prepares the trainee's copy and serves it with nbgrader's trainee tools."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from browserkit import (PANEL, TABLE, answer_dialog, before, refresh_start_page, trainee_page, validate,
                        wait_for_idle_kernel)
from course_cases import COURSE

pytestmark = pytest.mark.slow

#: two modules are enough to show every step; the generic tests cover all of them
MODULES = ("00-lam-quen", "01-truyen-thong-chinh-sach")
TOKEN = "policycomm-test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _small_course(root: Path) -> Path:
    course = root / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(COURSE / "nbgrader_config.py", course)
    for module in MODULES:
        shutil.copytree(COURSE / "source" / module, course / "source" / module)
    return course


@pytest.fixture
def small_course(tmp_path) -> Path:
    return _small_course(tmp_path)


def _request(url: str, data: dict | None = None) -> tuple[int, dict]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method="POST" if data is not None else "GET",
                                     headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, json.loads(response.read().decode("utf-8"))


def _wait_for_server(url: str, process: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"policycomm course open exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if _request(f"{url}/api/status")[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    pytest.fail(f"JupyterLab did not answer within {timeout} s:\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def course_open(course: Path, run_dir: Path, log: Path, expose_app: bool = False):
    """``policycomm course open --no-browser --port P`` on ``course``: yields its URL; stopped on exit.

    ``expose_app`` gives the page ``window.jupyterapp`` (JupyterLab's
    ``expose_app_in_browser``), for tests that drive JupyterLab's commands.
    """
    if expose_app:
        (run_dir / "jupyter-config").mkdir(parents=True, exist_ok=True)
        (run_dir / "jupyter-config" / "jupyter_lab_config.json").write_text(
            json.dumps({"LabApp": {"expose_app_in_browser": True}}), encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "policycomm.cli", "course", "open", "--course", str(course),
               "--run-dir", str(run_dir), "--no-browser", "--port", str(port)]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=dict(os.environ, JUPYTER_TOKEN=TOKEN), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_server(url, process, log)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def opened_course(tmp_path_factory):
    """``policycomm course open`` running on a two-module copy of the course."""
    root = tmp_path_factory.mktemp("course-open")
    with course_open(_small_course(root), root / "run", root / "open.log") as url:
        yield url, root / "run"


def test_course_open_serves_the_fetched_assignments_with_nbgrader_trainee_tools(opened_course):
    url, run_dir = opened_course
    for module in MODULES:
        status, listing = _request(f"{url}/api/contents/{module}")
        assert f"{module}.ipynb" in [item["name"] for item in listing["content"]]

    status, assignments = _request(f"{url}/assignments?course_id=policycomm")
    assert assignments["success"], assignments
    assert {a["assignment_id"]: a["status"] for a in assignments["value"]} == {m: "fetched" for m in MODULES}

    status, validation = _request(f"{url}/assignments/validate", {"path": f"{MODULES[0]}/{MODULES[0]}.ipynb"})
    assert validation["success"], validation
    failed = validation["value"]["failed"]
    assert failed, "an unanswered notebook must not validate"
    assert all(f["error"].startswith("✗ Bạn chưa trả lời") for f in failed), failed
    assert [f["source"] for f in failed] == ["Câu 1 (1 điểm)", "Câu 2 (1 điểm): gõ tiếng Việt có dấu",
                                             "Câu 3 (1 điểm): chọn các kênh truyền thông"], failed  # never code
    released = json.dumps(nbformat.read(run_dir / "trainee" / MODULES[0] / f"{MODULES[0]}.ipynb", as_version=4))
    assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released


@pytest.mark.browser
def test_a_trainee_sees_the_assignment_list_and_validates_in_chromium(opened_course, artifacts_dir):
    url, run_dir = opened_course
    with trainee_page(f"{url}/lab/tree/{MODULES[0]}/{MODULES[0]}.ipynb?token={TOKEN}&reset") as page:
        page.click(".jp-Toolbar .validate-button", timeout=180_000)
        dialog = page.wait_for_selector(".jp-Dialog", timeout=180_000)
        page.wait_for_function("document.querySelector('.jp-Dialog').innerText.includes('✗')", timeout=180_000)
        text = dialog.inner_text()
        assert "Bạn chưa trả lời câu này" in text and "Traceback" not in text
        page.keyboard.press("Escape")

        page.click(".lm-MenuBar-itemLabel:has-text('Nbgrader')")
        labels = page.locator(".lm-Menu-itemLabel").all_inner_texts()
        assert "Assignment List" in labels and "Formgrader" not in labels and "Create Assignment" not in labels
        assert before(page, ".lm-Menu-item[data-command='nbgrader:open-assignment-list'] .lm-Menu-itemLabel") == \
            '"Danh sách bài (tải bài, nộp bài, nhận xét)"'  # custom.css: Vietnamese over nbgrader's English
        page.click(".lm-Menu-itemLabel:has-text('Assignment List')")
        for module in MODULES:
            page.wait_for_selector(f"#fetched_assignments_list >> text={module}", timeout=120_000)
        assert before(page, "#assignments .panel-group > .panel:nth-child(2) > .panel-heading") == \
            '"Bài đã tải về, đang làm (bấm tên bài để mở)"'
        submit = "#fetched_assignments_list .list_item:not(.nested_list_item) > .col-md-12 > .item_status > button"
        assert before(page, submit) == '"Nộp bài"'
        page.screenshot(path=str(artifacts_dir / "assignment-list.png"))


@pytest.mark.browser
def test_the_trainee_lands_on_the_start_page_in_a_vietnamese_jupyterlab(opened_course):
    url, run_dir = opened_course
    with trainee_page(f"{url}/?token={TOKEN}") as page:
        page.wait_for_selector(".jp-RenderedMarkdown >> text=Bắt đầu khoá học", timeout=180_000)
        assert "/lab/tree/B%E1%BA%AFt%20%C4%91%E1%BA%A7u.ipynb" in page.url
        table = page.locator(".jp-RenderedMarkdown table", has_text="Trạng thái").first.inner_text()
        assert all(title in table for title in ("Bài 00", "Bài 01")) and "chưa học" in table
        assert "Đã trả lời" in table and "0 / 3 câu" in table
        assert not page.locator(".jp-Dialog").count(), "the start page opens without asking for a kernel"
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert "Chỉnh sửa" in menus and "Edit" not in menus, menus


def test_the_trainees_kernel_shows_one_sentence_for_every_error_and_has_the_checks(small_course, tmp_path):
    from jupyter_client.manager import start_new_kernel

    from policycomm.assign.course import CourseRun, write_trainee_config

    run = CourseRun(small_course, tmp_path / "run")
    write_trainee_config(run)
    manager, client = start_new_kernel(kernel_name="python3", env=run.environment(), cwd=str(tmp_path))
    try:
        def run_cell(code: str) -> list[dict]:
            outputs = []
            client.execute_interactive(code, timeout=120, output_hook=lambda m: outputs.append(m["content"]))
            return [o for o in outputs if "text" in o or "traceback" in o]

        shown = run_cell('check_choice("b", options="ABCD")')
        assert shown and shown[0]["text"].startswith("✔ Đã nhận câu trả lời"), shown
        for cell in ('{"a": 1}["b"]', "1 / 0", 'check_choice("E", options="ABCD")'):
            (error,) = run_cell(cell)
            assert len(error["traceback"]) == 1 and error["traceback"][0].startswith("✗ "), error
            assert "Traceback" not in error["traceback"][0] and "Error" not in error["traceback"][0], error
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_the_written_configuration_selects_vietnamese_and_the_extension_and_opens_the_start_page(tmp_path):
    from policycomm.assign.course import CourseRun, lab_command, write_trainee_config

    run = CourseRun(tmp_path / "course", tmp_path / "run")
    write_trainee_config(run)
    translation = run.settings_dir / "@jupyterlab" / "translation-extension" / "plugin.jupyterlab-settings"
    assert json.loads(translation.read_text(encoding="utf-8")) == {"locale": "vi_VN"}
    kernel = (run.ipython_dir / "profile_default" / "ipython_kernel_config.py").read_text(encoding="utf-8")
    assert 'c.InteractiveShellApp.extensions = ["policycomm.trainee"]' in kernel
    assert run.environment()["IPYTHONDIR"] == str(run.ipython_dir)
    assert "--LabApp.default_url=/lab/tree/B%E1%BA%AFt%20%C4%91%E1%BA%A7u.ipynb" in lab_command(run)
    server = json.loads((run.config_dir / "jupyter_server_config.json").read_text(encoding="utf-8"))
    assert server["ServerApp"]["jpserver_extensions"] == {
        "nbgrader.server_extensions.formgrader": False, "nbgrader.server_extensions.course_list": False,
        "nbgrader.server_extensions.validate_assignment": False, "policycomm.trainee.server": True}
    assert server["LabApp"] == {"custom_css": True}
    assert "Kết quả kiểm tra bài" in (run.config_dir / "custom" / "custom.css").read_text(encoding="utf-8")
    viewer = run.settings_dir / "@jupyterlab" / "htmlviewer-extension" / "plugin.jupyterlab-settings"
    assert json.loads(viewer.read_text(encoding="utf-8")) == {"toolbar": [{"name": "trust", "disabled": True}]}
    assert f"c.Exchange.cache = {str(run.cache)!r}" in (run.config_dir / "nbgrader_config.py").read_text()

    translation.write_text(json.dumps({"locale": "en"}), encoding="utf-8")
    write_trainee_config(run)
    assert json.loads(translation.read_text(encoding="utf-8")) == {"locale": "en"}, "the trainee's choice is kept"


def test_preparing_again_keeps_the_trainees_work_and_releases_only_what_changed(small_course, tmp_path):
    from policycomm.assign.course import CourseRun, prepare

    run = CourseRun(small_course, tmp_path / "run")
    first: list[str] = []
    prepare(run, log=first.append)
    assert first == [f"{m}: đã phát hành" for m in MODULES] + [f"{m}: đã đưa vào {run.home / m}" for m in MODULES]
    assert os.environ.get("IPYTHONDIR") != str(run.ipython_dir), "grading kernels must not load the extension"
    start = run.home / "Bắt đầu.ipynb"
    assert "| Bài 00 — Làm quen với sổ tay Jupyter | chưa học |" in start.read_text(encoding="utf-8")

    work = run.home / MODULES[0] / f"{MODULES[0]}.ipynb"
    nb = nbformat.read(work, as_version=4)
    nb.cells[0].source += "\n# công việc đang làm dở của học viên"
    nbformat.write(nb, work)
    changed = small_course / "source" / MODULES[1] / f"{MODULES[1]}.ipynb"
    source = nbformat.read(changed, as_version=4)
    source.cells[0].source += "\n\nĐã cập nhật."
    nbformat.write(source, changed)

    second: list[str] = []
    prepare(run, log=second.append)
    assert f"{MODULES[0]}: đã phát hành, không thay đổi" in second
    assert f"{MODULES[1]}: đã phát hành" in second
    assert [line for line in second if "học viên" in line] == [
        f"{m}: học viên đã có bài này; bản của học viên được giữ nguyên" for m in MODULES]
    assert "công việc đang làm dở" in work.read_text(encoding="utf-8")
    assert "| Bài 00 — Làm quen với sổ tay Jupyter | đang làm |" in start.read_text(encoding="utf-8")


def test_the_start_page_cell_shows_the_table_again_in_the_trainees_kernel(small_course, tmp_path):
    """The start page's cell, run in a kernel started as the trainee's JupyterLab starts it, reads the trainee's
    nbgrader configuration and folders: the answer saved since ``course open`` wrote the page shows."""
    from jupyter_client.manager import start_new_kernel

    from policycomm.assign.course import CourseRun, prepare
    from policycomm.forms.keys import write_answers

    run = CourseRun(small_course, tmp_path / "run")
    prepare(run, log=lambda line: None)
    page = nbformat.read(run.home / "Bắt đầu.ipynb", as_version=4)
    (table,) = [c for c in page.cells if c.cell_type == "code"]
    assert "| Bài 00 — Làm quen với sổ tay Jupyter | chưa học | 0 / 3 câu |" in table.outputs[0].data["text/markdown"]
    write_answers(run.home / MODULES[0], f"{MODULES[0]}.ipynb", {"m00-cau-1": "B"})
    manager, client = start_new_kernel(kernel_name="python3", env=run.environment(), cwd=str(run.home))
    try:
        shown = []
        client.execute_interactive(table.source, timeout=180, output_hook=lambda m: shown.append(m["content"]))
        (markdown,) = [o["data"]["text/markdown"] for o in shown if "text/markdown" in o.get("data", {})]
        assert "| Bài 00 — Làm quen với sổ tay Jupyter | đang làm | 1 / 3 câu |" in markdown
        assert "| Bài 01 — Truyền thông chính sách là gì | chưa học |" in markdown
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


# --------------------------------------------------------------------------- a trainee's whole module, in Chromium


@pytest.fixture(scope="module")
def journey_course(tmp_path_factory):
    """``policycomm course open`` on a copy of the course holding module 00 only, for a trainee's whole journey
    (it submits, so it has a server of its own)."""
    root = tmp_path_factory.mktemp("journey")
    course = root / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(COURSE / "nbgrader_config.py", course)
    shutil.copytree(COURSE / "source" / MODULES[0], course / "source" / MODULES[0])
    with course_open(course, root / "run", root / "open.log") as url:
        yield url, course, root / "run"


def _lecturer(course: Path, run_dir: Path, *args: str) -> None:
    """The lecturer's nbgrader command on the course, with the exchange ``course open`` released into."""
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
               POLICYCOMM_EXCHANGE=str(run_dir / "exchange"))
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"


@pytest.mark.browser
def test_a_trainee_validates_submits_and_opens_the_feedback_from_the_start_page(journey_course, artifacts_dir):
    """Module 00 from the start page to its feedback, as the trainee sees it in Chromium: Validate in Vietnamese
    (questions, not code), a submission the start page shows, the lecturer's real nbgrader grading, and the
    feedback page rendered in one click, without a Trust button; Interrupt kernel is one sentence."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from policycomm.forms.keys import write_answers

    url, course, run_dir = journey_course
    home, notebook = run_dir / "trainee", f"{MODULES[0]}/{MODULES[0]}.ipynb"
    with trainee_page(f"{url}/lab/tree/{notebook}?token={TOKEN}&reset") as page:
        page.wait_for_selector(".jp-Toolbar .validate-button", timeout=180_000)
        assert before(page, ".validate-button .jp-ToolbarButtonComponent-label") == '"Kiểm tra bài (Validate)"'
        text = validate(page)
        assert before(page, ".jp-Dialog-header") == '"Kết quả kiểm tra bài"'
        assert before(page, "#validation-message > div > p") == '"Câu này chưa xong:"'
        for question in ("Câu 1 (1 điểm)", "Câu 2 (1 điểm): gõ tiếng Việt có dấu",
                         "Câu 3 (1 điểm): chọn các kênh truyền thông"):
            assert question in text
        assert "✗ Bạn chưa trả lời câu này" in text and "check_" not in text and "forms" not in text
        page.screenshot(path=str(artifacts_dir / "1-validate-unanswered.png"))
        page.keyboard.press("Escape")

        # the trainee's answers, as the forms save them: the first right, the second without accents
        write_answers(home / MODULES[0], f"{MODULES[0]}.ipynb", {
            "m00-cau-1": "B", "m00-cau-2": "gui thong cao den toa soan",
            "m00-cau-3": ["commune_radio", "oral_propaganda"]})
        validate(page)
        assert page.locator("#validation-message.validation-success").count() == 1
        assert before(page, "#validation-message > div > p").startswith('"Tốt lắm!')
        page.screenshot(path=str(artifacts_dir / "2-validate-passes.png"))
        page.keyboard.press("Escape")

        status, submitted = _request(f"{url}/assignments/submit", {"course_id": "policycomm",
                                                                   "assignment_id": MODULES[0]})
        assert submitted["success"], submitted

        page.goto(f"{url}/lab/tree/B%E1%BA%AFt%20%C4%91%E1%BA%A7u.ipynb?token={TOKEN}")
        page.wait_for_selector(TABLE, timeout=180_000)
        table = refresh_start_page(page, "đã nộp", artifacts_dir, run_dir.parent / "open.log")
        assert "3 / 3 câu" in table
        page.screenshot(path=str(artifacts_dir / "3-start-page-submitted.png"))

        for step in (("collect", MODULES[0]), ("autograde", MODULES[0]), ("generate_feedback", MODULES[0]),
                     ("release_feedback", MODULES[0])):
            _lecturer(course, run_dir, *step)
        status, fetched = _request(f"{url}/assignments/fetch_feedback", {"course_id": "policycomm",
                                                                         "assignment_id": MODULES[0]})
        assert fetched["success"], fetched

        table = refresh_start_page(page, "đã chấm", artifacts_dir, run_dir.parent / "open.log")
        assert "đã chấm: 2 / 3 điểm" in table and "Xem nhận xét" in table
        page.screenshot(path=str(artifacts_dir / "4-start-page-graded.png"))
        page.click(f"{TABLE} a:has-text('Xem nhận xét')")
        page.wait_for_selector(".jp-HTMLViewer", timeout=60_000)
        feedback = page.frame_locator(".jp-HTMLViewer iframe")
        feedback.locator("h1", has_text="Nhận xét bài: Bài 00").wait_for(timeout=60_000)
        summary = feedback.locator("table.policycomm-summary").inner_text()
        assert "Câu" in summary and "Điểm" in summary and "Câu 2 (1 điểm): gõ tiếng Việt có dấu" in summary
        assert "Câu trả lời: Shift + Enter" in " ".join(feedback.locator("body").inner_text().split())
        viewer_tab = ".jp-MainAreaWidget:has(.jp-HTMLViewer)"
        assert page.locator(f"{viewer_tab} .jp-Toolbar [data-jp-item-name='refresh']").count() == 1
        assert page.locator(f"{viewer_tab} .jp-Toolbar [data-jp-item-name='trust']").count() == 0
        page.wait_for_timeout(1000)
        page.screenshot(path=str(artifacts_dir / "5-feedback-one-click.png"))

    # a cell that runs too long, stopped with the ■ button: one sentence
    stop = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import time\nprint('Đang chờ…', flush=True)\ntime.sleep(120)")],
                                    metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                             "language": "python"}})
    nbformat.write(stop, home / "thu-dung.ipynb")
    with trainee_page(f"{url}/lab/tree/thu-dung.ipynb?token={TOKEN}&reset") as page:
        cell = f"{PANEL} .jp-CodeCell .jp-Cell-inputWrapper"
        page.wait_for_selector(cell, timeout=180_000)
        dialogs: list[str] = []
        for attempt in range(3):  # keys that reach a session still connecting run nothing: press again
            wait_for_idle_kernel(page)
            answer_dialog(page, artifacts_dir, dialogs)  # under load JupyterLab may put one over the page
            try:
                page.locator(cell).first.click(timeout=30_000)
                page.keyboard.press("Shift+Enter")
                page.wait_for_selector(".jp-OutputArea-output >> text=Đang chờ…", timeout=60_000)  # it runs
                break
            except PlaywrightTimeout as error:
                answer_dialog(page, artifacts_dir, dialogs)
                if attempt == 2:
                    raise AssertionError(f"the cell never ran; dialogs answered on the way: {dialogs}") from error
        answer_dialog(page, artifacts_dir, dialogs)
        page.click("jp-button[data-command='notebook:interrupt-kernel']")
        shown = page.wait_for_selector(".jp-OutputArea-output >> text=Ô này đã dừng giữa chừng", timeout=120_000)
        text = shown.inner_text()
        assert "Traceback" not in text and "KeyboardInterrupt" not in text and len(text.strip().splitlines()) == 1
        page.screenshot(path=str(artifacts_dir / "6-interrupted.png"))
