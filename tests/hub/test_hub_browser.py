"""The class server as a trainee meets it, in Chromium: Vietnamese pages from the login to the feedback, and a
classmate who cannot read another's work.

A real JupyterHub on loopback (``policycomm hub start``), trainees that ``policycomm hub roster --system-users``
made real system users, module 00 of the course released by the lecturer. Trainee A logs in through the login
page (a wrong password first), lands on the start page of their own server, fetches module 00 from the
Assignment List, answers its questions with the forms by clicking and typing (one answer wrong on purpose),
validates and submits. The lecturer, logged in through the same login page, generates and releases module 00
with formgrader's buttons, collects with them, grades with ``policycomm grade`` into the hub's PostgreSQL
gradebook, finds A's score on formgrader's page of the module and releases feedback with formgrader's buttons; A
fetches it and opens it from the start page, with the points the answers deserve. A's home page, a missing page,
the page of a stopped server and the logout are Vietnamese too. Trainee B logs in; a kernel of B's own server
cannot list A's home nor open A's notebook, and B's browser cannot reach A's server.

``policycomm grade`` runs as the hub's grader in the hub's course folder (:class:`Lecturer`), as in formgrader's
terminal. It runs as root (it creates system users, removed afterwards). Screenshots go to
``test-artifacts/<test name>/``.
"""
from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest

from policycomm.assign.course import COURSE_ID

from browserkit import PANEL, Lab, refresh_start_page, trainee_page, validate
from hubkit import as_grader, class_server, enrol, new_logins, remove_users

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from answering import form_specs, work_through  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser]

COURSE = Path(__file__).resolve().parents[2] / "course"
MODULE = "00-lam-quen"
#: an answer given wrong on purpose: module 00 then deserves 2 of its 3 points
WRONG = {"m00-cau-1": "A"}
#: the English of JupyterHub's and NativeAuthenticator's pages that a trainee must never read on ours
ENGLISH = ("Sign In", "Username", "Password", "Sign up", "Warning", "unsecured", "Invalid username",
           "Your server", "redirected", "Event log", "Complete", "Home", "Token", "Logout", "Login", "Start",
           "Stop", "My Server", "Successfully", "logged out", "not running", "Spawn failed", "Launch",
           "Relaunch", "Not Found", "Forbidden", "moons", "Change Password", "Authorize", "Services", "Error",
           "JupyterHub", "Jupyter")
#: a line after configure(): each JupyterLab gives the page its application, through which the test runs cells as
#: Shift + Enter does and trainee B's page asks B's own server for a kernel
SETTINGS = 'c.Spawner.args = ["--LabApp.expose_app_in_browser=True"]\n'


class Lecturer:
    """The lecturer on the class server: logged in through the hub's login page in a browser of their own,
    pressing formgrader's buttons (generate and release, collect, feedback), and running ``policycomm grade`` as
    the hub's grader in the hub's course folder, as formgrader's terminal does."""

    def __init__(self, browser, base: str, login: str, password: str, grader: str, course: Path, artifacts: Path):
        self.grader, self.course, self.artifacts = grader, course, artifacts
        self.formgrader = f"{base}/services/{COURSE_ID}/formgrader"
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN")
        self.page = self.context.new_page()
        log_in(self.page, base, login, password)
        self.page.wait_for_url(re.compile(r"/hub/|/user/"), timeout=180_000)

    def open(self, path: str) -> None:
        for _ in range(90):  # formgrader may still be starting (502/503 through the proxy)
            answer = self.page.goto(f"{self.formgrader}/{path}")
            if answer is not None and answer.status not in (502, 503):
                return
            self.page.wait_for_timeout(2000)
        raise AssertionError(f"formgrader never answered at {path}")

    def press(self, module: str, icon: str, shot: str) -> None:
        """Press the button ``icon`` (a glyphicon) of ``module``'s row on Manage Assignments; wait for its result."""
        self.open("manage_assignments")
        row = self.page.locator("tr", has=self.page.locator(f"a:text-is('{module}')"))
        row.locator(f"a:has(.glyphicon-{icon})").click(timeout=180_000)
        done = self.page.locator("#success-modal, #error-modal").first
        done.wait_for(state="visible", timeout=600_000)
        self.page.screenshot(path=str(self.artifacts / f"lecturer-{shot}.png"), full_page=True)
        assert done.get_attribute("id") == "success-modal", done.inner_text()
        done.locator("button[data-dismiss='modal']").last.click()

    def release(self, module: str) -> None:
        self.press(module, "education", "1-generated")
        self.press(module, "cloud-upload", "2-released")

    def grade(self, module: str) -> None:
        self.press(module, "cloud-download", "3-collected")
        as_grader(self.grader, self.course, sys.executable, "-m", "policycomm.cli", "grade", module, "--no-progress")

    def sees_score(self, module: str, trainee: str, score: str) -> None:
        """Formgrader's page of ``module`` shows ``trainee``'s score, read from the gradebook."""
        self.open(f"manage_submissions/{module}")
        row = self.page.locator("tr", has_text=trainee)
        row.wait_for(timeout=180_000)
        self.page.screenshot(path=str(self.artifacts / "lecturer-4-scores.png"), full_page=True)
        assert score in row.inner_text(), row.inner_text()

    def release_feedback(self, module: str) -> None:
        self.press(module, "comment", "5-feedback-generated")
        self.press(module, "envelope", "6-feedback-released")

    def close(self) -> None:
        self.context.close()


def lecturer_password(log: Path, login: str) -> str:
    """The lecturer's first-login password, as ``policycomm hub start`` printed it."""
    return log.read_text(encoding="utf-8").split(f"tên đăng nhập {login}, mật khẩu ")[1].split()[0]


def wait_until(condition, what: str, timeout: float = 180) -> None:
    """Poll ``condition()`` until it holds (a state: a row shown, a file written)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} never came"
        time.sleep(0.5)


def visible_english(page) -> list[str]:
    """The words of :data:`ENGLISH` that the page shows (its visible text and the browser's tab title)."""
    text = page.locator("body").inner_text() + "\n" + page.title()
    return [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]


def hub_page(page, artifacts: Path, name: str, says: str) -> None:
    """The hub page on screen says ``says``, in Vietnamese only (lang="vi", no English of the originals)."""
    page.get_by_text(says).first.wait_for(timeout=120_000)
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert visible_english(page) == [], f"{name}: {visible_english(page)}\n{page.locator('body').inner_text()}"


def log_in(page, base: str, login: str, password: str) -> None:
    page.goto(f"{base}/hub/login")
    page.get_by_label("Tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()


def land_on_start_page(page, artifacts: Path, name: str) -> None:
    """After the login: the hub's starting page (when the server is slow enough to show it), then the start
    page of the trainee's own JupyterLab."""
    page.wait_for_url(re.compile(r"/hub/spawn-pending/|/user/"), timeout=180_000)
    if "/hub/spawn-pending/" in page.url:
        hub_page(page, artifacts, f"{name}-starting", "Máy đang chuẩn bị bài học của bạn")
    page.wait_for_selector(".jp-RenderedMarkdown >> text=Bắt đầu khoá học", timeout=300_000)
    assert "/lab/tree/B%E1%BA%AFt%20%C4%91%E1%BA%A7u.ipynb" in page.url
    page.screenshot(path=str(artifacts / f"{name}-start-page.png"))


def assignment_list(page) -> None:
    """Open nbgrader's Assignment List from its menu, as a trainee does."""
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Assignment List").first.click()
    page.locator("#nbgrader-assignment-list #refresh_assignments_list").wait_for(timeout=120_000)


def press(page, artifacts: Path, listing: str, button: str, done) -> None:
    """Press the button of the module's row of the Assignment List, which shows ``button``, until ``done()``: the
    list draws itself again as its requests come back, which can swallow a click; then refresh it and press again."""
    for attempt in range(4):
        try:
            target = row(page, listing, MODULE).locator(":scope > .col-md-12 > .item_status > button")
            shown = target.evaluate("e => getComputedStyle(e, '::before').content", timeout=60_000)
            assert shown == f'"{button}"', f"the button shows {shown}, not {button!r}"  # custom.css, in Vietnamese
            target.click(timeout=60_000)
            wait_until(done, f"{button} on {listing}", timeout=60)
            return
        except Exception as error:  # Playwright's TimeoutError, or wait_until's AssertionError
            page.screenshot(path=str(artifacts / f"{button}-{attempt}.png"))
            if attempt == 3:
                raise AssertionError(f"{button} never took effect: {error}") from error
            page.locator("#nbgrader-assignment-list #refresh_assignments_list").click()


def row(page, listing: str, module: str):
    return page.locator(f"#{listing} .list_item:not(.nested_list_item)", has_text=module).first


def open_fetched(page, artifacts: Path) -> None:
    """Open the module's notebook from the Assignment List: unfold the assignment, click its notebook."""
    link = page.locator("#fetched_assignments_list .nested_list_item a", has_text=MODULE).first
    if not link.is_visible():
        row(page, "fetched_assignments_list", MODULE).locator("a", has_text=MODULE).first.click()
    link.click()
    tab = page.locator(".lm-TabBar-tab.lm-mod-current", has_text=f"{MODULE}.ipynb")
    try:
        tab.wait_for(timeout=120_000)
    except Exception:
        page.screenshot(path=str(artifacts / "open-failed.png"))
        raise
    page.wait_for_selector(f"{PANEL} .jp-Toolbar .validate-button", timeout=180_000)


def answer_module(page, base: str, source, artifacts: Path) -> None:
    """Run the module's cells one by one as a trainee does (Shift + Enter), answering each form as it shows,
    by clicking and typing; one answer wrong on purpose (:data:`WRONG`)."""
    lab = Lab(page, base, artifacts)
    lab.wait_for_kernel_idle()  # connected: a run asked of a kernel still connecting runs nothing
    work_through(lab, source, WRONG)


def classmate_peeks(browser, base: str, b: str, password: str, homes: dict[str, Path], a: str,
                    artifacts: Path) -> None:
    """Trainee B logs in (in a page of ``browser`` with cookies of its own) and, from B's own JupyterLab, tries
    A's work: a kernel of B's server lists B's home, then A's home and A's notebook; B's browser asks A's
    running server for A's module folder."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        log_in(page, base, b, password)
        land_on_start_page(page, artifacts, "10-classmate")
        notebook = homes[a] / MODULE / f"{MODULE}.ipynb"
        code = (f"import os\nfor reach in (lambda: os.listdir({str(homes[b])!r}), "
                f"lambda: os.listdir({str(homes[a])!r}),\n"
                f"              lambda: open({str(notebook)!r}, encoding='utf-8').read()):\n"
                "    try:\n        reach()\n        print('read')\n"
                "    except PermissionError:\n        print('refused')\n")
        tried = page.evaluate(PEEK, [code, f"{base}/user/{a}/api/contents/{MODULE}"])
        (artifacts / "11-classmate-tries.json").write_text(json.dumps(tried, ensure_ascii=False), encoding="utf-8")
        assert tried["printed"].split() == ["read", "refused", "refused"], tried  # B's own home, A's, A's work
        assert tried["status"] == 403 and f"{MODULE}.ipynb" not in tried["body"], tried  # A's server refuses B
    finally:
        page.close()


def test_a_trainee_logs_in_does_module_00_and_reads_the_feedback_in_vietnamese_and_a_classmate_cannot_peek(
        tmp_path, hub_folder, artifacts_dir):
    if os.geteuid() != 0:
        pytest.fail("the class server test creates system users for its trainees: run it as root (CI does)")
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("/usr/bin/chromium is missing: install it with `make system-deps` (Debian package chromium)")
    a, b = new_logins(2)
    (grader,), (teacher,) = new_logins(1, "gr"), new_logins(1, "gv")
    hub = hub_folder
    hub.mkdir()
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(COURSE / "nbgrader_config.py", course)
    shutil.copytree(COURSE / "source" / MODULE, course / "source" / MODULE)
    source = nbformat.read(course / "source" / MODULE / f"{MODULE}.ipynb", as_version=4)
    log = tmp_path / "hub.log"
    try:
        with class_server(hub, log, course, grader, [teacher], SETTINGS) as base:
            passwords = enrol(hub, hub / "course", tmp_path / "hoc-vien.csv", {a: "Nguyễn Thị Hà", b: "Trần Văn Bình"})
            homes = {name: Path(pwd.getpwnam(name).pw_dir) for name in (a, b)}
            with trainee_page() as page:
                lecturer = Lecturer(page.context.browser, base, teacher, lecturer_password(log, teacher), grader,
                                    hub / "course", artifacts_dir)
                lecturer.release(MODULE)
                page.goto(f"{base}/hub/login")
                hub_page(page, artifacts_dir, "1-login", "Đăng nhập vào khoá học")
                log_in(page, base, a, passwords[a] + "x")
                hub_page(page, artifacts_dir, "2-wrong-password", "Tên đăng nhập hoặc mật khẩu chưa đúng")
                log_in(page, base, a, passwords[a])
                land_on_start_page(page, artifacts_dir, "3")

                assignment_list(page)
                press(page, artifacts_dir, "released_assignments_list", "Tải bài về",
                      lambda: row(page, "fetched_assignments_list", MODULE).is_visible())
                page.screenshot(path=str(artifacts_dir / "4-fetched.png"))
                open_fetched(page, artifacts_dir)
                answer_module(page, base, source, artifacts_dir)
                page.screenshot(path=str(artifacts_dir / "5-answered.png"))
                answers = json.loads((homes[a] / MODULE / "policycomm_answers.json").read_text(encoding="utf-8"))
                saved = {k: v["response"] for k, v in answers["notebooks"][f"{MODULE}.ipynb"].items()}
                assert saved == {e: WRONG.get(e, s.key) for e, s in form_specs(source).items()}

                said = validate(page)
                page.screenshot(path=str(artifacts_dir / "6-validated.png"))
                assert "Traceback" not in said and "Bạn chưa trả lời" not in said, said
                page.keyboard.press("Escape")
                assignment_list(page)
                press(page, artifacts_dir, "fetched_assignments_list", "Nộp bài",
                      lambda: row(page, "submitted_assignments_list", MODULE).is_visible())
                page.screenshot(path=str(artifacts_dir / "7-submitted.png"))

                lecturer.grade(MODULE)
                lecturer.sees_score(MODULE, a, "2 / 3")
                lecturer.release_feedback(MODULE)
                lecturer.close()

                assignment_list(page)
                press(page, artifacts_dir, "submitted_assignments_list", "Nhận nhận xét",
                      lambda: list((homes[a] / MODULE / "feedback").rglob(f"{MODULE}.html")))
                page.goto(f"{base}/user/{a}/lab/tree/B%E1%BA%AFt%20%C4%91%E1%BA%A7u.ipynb")
                page.wait_for_selector(f"{PANEL} .jp-CodeCell", timeout=180_000)
                table = refresh_start_page(page, "đã chấm", artifacts_dir, log)
                assert "đã chấm: 2 / 3 điểm" in table, table
                page.screenshot(path=str(artifacts_dir / "8-start-page-graded.png"))
                page.click(f"{PANEL} table a:has-text('Xem nhận xét')")
                feedback = page.frame_locator(".jp-HTMLViewer:visible iframe")
                feedback.locator("h1", has_text="Nhận xét bài: Bài 00").wait_for(timeout=120_000)
                text = " ".join(feedback.locator("body").inner_text().split())
                assert re.search(r"\b2(?:[.,]0+)? / 3(?:[.,]0+)?\b", text), text[:2000]
                assert "Traceback" not in text and "Score" not in text, text[:2000]
                page.screenshot(path=str(artifacts_dir / "9-feedback.png"))

                classmate_peeks(page.context.browser, base, b, passwords[b], homes, a, artifacts_dir)  # while A's server runs

                page.goto(f"{base}/hub/home")
                hub_page(page, artifacts_dir, "12-home", "Mở bài học của tôi")
                page.goto(f"{base}/hub/khong-co-trang-nay")
                hub_page(page, artifacts_dir, "13-missing-page", "Không có trang này")
                page.goto(f"{base}/hub/home")
                with page.expect_navigation(timeout=120_000):  # the page reloads once the hub has the request
                    page.get_by_role("button", name="Tắt máy làm bài của tôi").click()
                for _ in range(120):  # the server may take a while to stop
                    if not page.locator("#stop").count():
                        break
                    page.wait_for_timeout(1000)
                    page.reload()
                page.goto(f"{base}/user/{a}/lab")
                hub_page(page, artifacts_dir, "14-server-stopped", "Bài học của bạn đang tắt")
                page.locator("#logout").click()  # back to the login page
                page.wait_for_url(re.compile(r"/hub/login"), timeout=120_000)
                hub_page(page, artifacts_dir, "15-logged-out", "Đăng nhập vào khoá học")

    finally:
        remove_users([a, b])



#: in trainee B's JupyterLab: run code in a new kernel of B's own server, then ask A's server for A's folder
PEEK = """async ([code, other]) => {
  const kernel = await window.jupyterapp.serviceManager.kernels.startNew({name: 'python3'});
  let printed = '';
  const future = kernel.requestExecute({code});
  future.onIOPub = (msg) => { if (msg.header.msg_type === 'stream') printed += msg.content.text; };
  await future.done;
  await kernel.shutdown();
  const answer = await fetch(other, {credentials: 'same-origin'});
  return {printed, status: answer.status, body: (await answer.text()).slice(0, 2000)};
}"""
