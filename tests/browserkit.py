"""What the browser tests do in JupyterLab as a trainee does, in one home: Debian chromium through Playwright, the
Validate dialog, the start page's table and the dialogs JupyterLab may raise on the way.

Every wait is on a state of the page (a selector, an idle kernel), never on a fixed time alone: CI runs two test
workers on two cores, where JupyterLab, its kernels and the class server's hub start slowly.
"""
from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: the notebook on screen, and the start page's table in it
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
TABLE = f"{PANEL} .jp-CodeCell .jp-OutputArea-output table"


@contextlib.contextmanager
def trainee_page(url: str | None = None):
    """A fresh chromium page (on ``url`` if given), closed afterwards; each has its own cookies."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            if url:
                page.goto(url)
            yield page
        finally:
            browser.close()


def before(page, selector: str) -> str:
    """The text a ``::before`` rule shows over ``selector`` (custom.css: Vietnamese over nbgrader's English)."""
    return page.locator(selector).first.evaluate("e => getComputedStyle(e, '::before').content")


def validate(page) -> str:
    """Click Validate, wait for the dialog's result; its text as shown (custom.css included)."""
    page.click(f"{PANEL} .jp-Toolbar .validate-button")
    page.wait_for_selector("#validation-message[class*='validation-']", timeout=300_000)
    page.wait_for_timeout(500)
    return page.locator(".jp-Dialog").inner_text()


def wait_for_idle_kernel(page) -> None:
    page.wait_for_selector(f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=300_000)


def answer_dialog(page, artifacts_dir: Path, seen: list[str]) -> None:
    """Answer a dialog JupyterLab put over the page as a trainee would (its default button), keeping its text
    and a screenshot in the artefacts: under load, keys pressed while the kernel reconnects can raise one."""
    dialog = page.locator(".jp-Dialog")
    if not dialog.count():
        return
    seen.append(" ".join(dialog.first.inner_text().split()))
    page.screenshot(path=str(artifacts_dir / f"dialog-{len(seen)}.png"))
    (artifacts_dir / "dialogs.txt").write_text("\n".join(seen) + "\n", encoding="utf-8")
    accept = dialog.locator(".jp-Dialog-button.jp-mod-accept")
    if accept.count():
        accept.first.click()
    else:
        page.keyboard.press("Escape")
    dialog.first.wait_for(state="detached", timeout=30_000)


def run_all_cells(page) -> None:
    """Run the notebook on screen from its menu (Chạy → run all cells): no keyboard focus needed."""
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Chạy").first.click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").first.click()


def refresh_start_page(page, expected: str, artifacts_dir: Path, server_log: Path) -> str:
    """Do what the page asks (click the table, press Shift + Enter) until the table shows ``expected``.

    Keys that reach a kernel still connecting clear the table and run nothing: then run the page from the
    menu (Chạy → run all cells), and if that does not help either, reload the page (F5) and run it from the
    menu again, as a trainee would. Clicking the table leaves the code folded. On failure the message holds
    what each attempt left on screen (prompt, toolbar) and the end of the server's log; screenshots go to
    the artefacts."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    dialogs: list[str] = []
    attempts: list[str] = []
    code_cell = f"{PANEL} .jp-CodeCell"
    for attempt in range(4):
        if attempt >= 2:
            page.once("dialog", lambda dialog: dialog.accept())  # "leave the page?" with unsaved changes
            page.reload()
            page.wait_for_selector(code_cell, timeout=180_000)
        wait_for_idle_kernel(page)
        answer_dialog(page, artifacts_dir, dialogs)
        if attempt == 0:
            page.locator(f"{TABLE} td").first.click()
            page.keyboard.press("Shift+Enter")
        else:
            run_all_cells(page)
        try:
            page.wait_for_selector(f"{TABLE} >> text={expected}", timeout=90_000)
        except PlaywrightTimeout:
            prompt = page.locator(f"{code_cell} .jp-InputPrompt").first.inner_text()
            toolbar = " ".join(page.locator(f"{PANEL} .jp-Toolbar").first.inner_text().split())
            attempts.append(f"attempt {attempt}: prompt {prompt!r}, toolbar {toolbar!r}")
            page.screenshot(path=str(artifacts_dir / f"start-page-{expected}-{attempt}.png"))
            continue
        assert not page.locator(f"{code_cell} .cm-content").first.is_visible(), "the code unfolded"
        return page.locator(TABLE).inner_text()
    shown = page.locator(code_cell).first.inner_text()
    log = server_log.read_text(encoding="utf-8", errors="replace")[-3000:] if server_log.exists() else ""
    raise AssertionError(f"the start page never showed {expected!r}; its cell shows:\n{shown}\n"
                         f"dialogs answered on the way: {dialogs}\n" + "\n".join(attempts) +
                         f"\nthe server's log ends with:\n{log}")


class Lab:
    """The few JupyterLab actions a walk through a module needs, on one Playwright page of a JupyterLab that
    exposes its application (``LabApp.expose_app_in_browser``; same names as tests/e2e's LabPage); screenshots
    go to ``artifacts``."""

    def __init__(self, page, url: str, artifacts: Path):
        self.page, self.url, self.artifacts = page, url, artifacts

    def wait_for(self, condition: str, timeout: float = 180, what: str = "") -> None:
        try:
            self.page.wait_for_function(f"() => Boolean({condition})", timeout=timeout * 1000, polling=100)
        except Exception as error:
            self.page.screenshot(path=str(self.artifacts / "timeout.png"), full_page=True)
            path = self.page.evaluate("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                                      " return w && w.context ? w.context.path : String(w && w.id); }")
            raise AssertionError(f"timed out waiting for {what or condition} (current document: {path})") from error

    def command(self, command_id: str, args: dict | None = None) -> None:
        self.page.evaluate("([id, args]) => window.jupyterapp.commands.execute(id, args)", [command_id, args or {}])

    def wait_for_kernel_idle(self) -> None:
        self.wait_for("(() => { const w = window.jupyterapp.shell.currentWidget; const s = w && w.sessionContext;"
                      " return s && s.session && s.session.kernel && s.session.kernel.status === 'idle'"
                      " && !s.pendingInput; })()", what="an idle kernel")

    def wait_for_notebook(self, path: str) -> None:
        self.wait_for("window.jupyterapp && window.jupyterapp.shell.currentWidget"
                      " && window.jupyterapp.shell.currentWidget.context"
                      f" && window.jupyterapp.shell.currentWidget.context.path.endsWith({json.dumps(path)})",
                      what=f"{path} to open")
        self.wait_for_kernel_idle()

    def run_cell(self, index: int) -> str:
        """Run one cell (as Shift + Enter on it) and return its output text."""
        self.page.evaluate("(i) => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = i; }", index)
        self.command("notebook:run-cell")
        time.sleep(0.3)
        self.wait_for_kernel_idle()
        return self.page.evaluate(
            "(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].node"
            ".querySelector('.jp-OutputArea') ? window.jupyterapp.shell.currentWidget.content.widgets[i].node"
            ".querySelector('.jp-OutputArea').innerText : ''", index)

    def save(self) -> None:
        self.command("docmanager:save")
        self.wait_for("!window.jupyterapp.shell.currentWidget.context.model.dirty", 60, "the notebook to be saved")

    def shot(self, name: str) -> None:
        self.artifacts.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.artifacts / name), full_page=True)
