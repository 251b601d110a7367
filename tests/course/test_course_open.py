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

from course_cases import COURSE

pytestmark = pytest.mark.slow

#: two modules are enough to show every step; the generic tests cover all of them
MODULES = ("00-lam-quen", "01-truyen-thong-chinh-sach")
TOKEN = "policycomm-test-token"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


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
    released = json.dumps(nbformat.read(run_dir / "trainee" / MODULES[0] / f"{MODULES[0]}.ipynb", as_version=4))
    assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released


@contextlib.contextmanager
def trainee_page(url: str):
    """A fresh chromium page on ``url``, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(url)
            yield page
        finally:
            browser.close()


@pytest.mark.browser
def test_a_trainee_sees_the_assignment_list_and_validates_in_chromium(opened_course):
    url, run_dir = opened_course
    with trainee_page(f"{url}/lab/tree/{MODULES[0]}/{MODULES[0]}.ipynb?token={TOKEN}&reset") as page:
        page.click(".jp-Toolbar >> text=Validate", timeout=180_000)
        dialog = page.wait_for_selector(".jp-Dialog", timeout=180_000)
        page.wait_for_function("document.querySelector('.jp-Dialog').innerText.includes('✗')", timeout=180_000)
        text = dialog.inner_text()
        assert "Bạn chưa trả lời câu này" in text and "Traceback" not in text
        page.keyboard.press("Escape")

        page.click(".lm-MenuBar-itemLabel:has-text('Nbgrader')")
        labels = page.locator(".lm-Menu-itemLabel").all_inner_texts()
        assert "Assignment List" in labels and "Formgrader" not in labels and "Create Assignment" not in labels
        page.click(".lm-Menu-itemLabel:has-text('Assignment List')")
        for module in MODULES:
            page.wait_for_selector(f"#fetched_assignments_list >> text={module}", timeout=120_000)


@pytest.mark.browser
def test_the_trainee_lands_on_the_start_page_in_a_vietnamese_jupyterlab(opened_course):
    url, run_dir = opened_course
    with trainee_page(f"{url}/?token={TOKEN}") as page:
        page.wait_for_selector(".jp-RenderedMarkdown >> text=Bắt đầu khoá học", timeout=180_000)
        assert "/lab/tree/B%E1%BA%AFt%20%C4%91%E1%BA%A7u.ipynb" in page.url
        table = page.locator(".jp-RenderedMarkdown table", has_text="Trạng thái").first.inner_text()
        assert all(title in table for title in ("Bài 00", "Bài 01")) and "chưa học" in table
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
