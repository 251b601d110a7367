"""Browser harness: a real JupyterLab server driven by Debian chromium through Playwright.

Fixtures
--------
``jupyter_lab``    factory ``jupyter_lab(root_dir) -> LabServer``; every server it
                   starts is stopped, with its kernels, when the test ends.
``browser``        one headless chromium per test module.
``lab_page``       factory ``lab_page(server) -> LabPage`` (a fresh browser page).
``artifacts_dir``  ``test-artifacts/<test name>/`` at the repository root, for screenshots.

A test using them::

    def test_runs(jupyter_lab, lab_page, tmp_path):
        server = jupyter_lab(tmp_path)
        page = lab_page(server)
        page.open_notebook("demo.ipynb")
        page.run_all_cells()
        page.save()

A server started by something else (``make course``) is reached with
``LabServer.attach(url, token, workdir)``; ``LabPage.open_lab()`` waits for
the JupyterLab application, ``LabPage.command(id)`` runs any JupyterLab command.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SERVER_START_TIMEOUT = 120  # seconds; JupyterLab is slow to start on a busy 2-core machine
KERNEL_TIMEOUT = 120
RUN_ALL_TIMEOUT = 180


def free_port() -> int:
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    """A ``jupyter lab`` process serving ``root_dir`` on a free loopback port."""

    def __init__(self, root_dir: Path, workdir: Path):
        self.root_dir = Path(root_dir)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"jupyter-lab-{self.port}.log"
        self.process: subprocess.Popen | None = None
        self._workdir = workdir

    @classmethod
    def attach(cls, url: str, token: str, workdir: Path) -> "LabServer":
        """A server started elsewhere (e.g. by ``policycomm course open``); ``stop()`` leaves it alone."""
        server = cls(Path("."), workdir)
        server.url, server.token = url.rstrip("/"), token
        return server

    def start(self) -> "LabServer":
        env = _isolated_jupyter_env(self._workdir)
        command = [
            str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser",
            f"--port={self.port}", "--ip=127.0.0.1", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}", "--ServerApp.port_retries=0",
            "--LabApp.expose_app_in_browser=True", f"--LabApp.workspaces_dir={self._workdir / 'workspaces'}",
            "--ServerApp.open_browser=False",
        ] + (["--allow-root"] if os.geteuid() == 0 else [])
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=self.root_dir, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2) as reply:
                    if reply.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer on {self.url} within {SERVER_START_TIMEOUT} s:\n"
                           f"{self.log_tail()}")

    def stop(self) -> None:
        """Stop the server and the kernels it started (they run in their own sessions)."""
        if self.process is None or self.process.poll() is not None:
            return
        kernels = self.kernel_pids()
        pgid = os.getpgid(self.process.pid)
        os.killpg(pgid, signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
            self.process.wait(timeout=10)
        for pid in kernels:  # any kernel the server did not stop in time
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def kernel_pids(self) -> list[int]:
        """Processes whose command line names this server's runtime folder (its kernels)."""
        marker = str(self._workdir / "jupyter-runtime").encode()
        pids = []
        for proc in Path("/proc").glob("[0-9]*"):
            with contextlib.suppress(OSError):
                if marker in (proc / "cmdline").read_bytes():
                    pids.append(int(proc.name))
        return pids

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def api(self, path: str) -> dict:
        """GET a Jupyter REST endpoint, e.g. ``api("api/contents/a.ipynb")``."""
        with urllib.request.urlopen(f"{self.url}/{path}?token={self.token}", timeout=10) as reply:
            return json.loads(reply.read())


def _isolated_jupyter_env(workdir: Path) -> dict:
    """Environment with Jupyter/IPython config and runtime dirs inside ``workdir``."""
    config_dir = workdir / "jupyter-config"
    (config_dir / "labconfig").mkdir(parents=True, exist_ok=True)
    # The news pop-up would cover the notebook; it asks on first start.
    (config_dir / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    env = dict(os.environ)
    env.update(JUPYTER_CONFIG_DIR=str(config_dir), JUPYTER_DATA_DIR=str(workdir / "jupyter-data"),
               JUPYTER_RUNTIME_DIR=str(workdir / "jupyter-runtime"),
               IPYTHONDIR=str(workdir / "ipython"), JUPYTER_PLATFORM_DIRS="1", PYTHONUNBUFFERED="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


class LabPage:
    """One browser tab on a :class:`LabServer`, with the few actions tests need."""

    def __init__(self, page, server: LabServer):
        self.page = page
        self.server = server

    def open_lab(self) -> None:
        """Open JupyterLab's main page and wait until the application has started."""
        self.page.goto(f"{self.server.url}/lab?token={self.server.token}")
        self.wait_for("window.jupyterapp", timeout=SERVER_START_TIMEOUT, what="JupyterLab to load in the browser")
        self.page.evaluate("() => window.jupyterapp.restored.then(() => true)")  # layout restored, ready

    def open_notebook(self, path: str) -> None:
        """Open ``path`` (relative to the server root) and wait for an idle kernel."""
        self.page.goto(f"{self.server.url}/lab/tree/{path}?token={self.server.token}")
        self.wait_for("window.jupyterapp && window.jupyterapp.shell.currentWidget"
                      " && window.jupyterapp.shell.currentWidget.context"
                      f" && window.jupyterapp.shell.currentWidget.context.path === {json.dumps(path)}",
                      timeout=SERVER_START_TIMEOUT, what=f"JupyterLab to open {path}")
        self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=KERNEL_TIMEOUT * 1000)
        # A notebook without kernel metadata asks which kernel to use: take the default one.
        kernel_dialog = self.page.locator(".jp-Dialog .jp-mod-accept")
        try:
            kernel_dialog.wait_for(timeout=2000)
            kernel_dialog.click()
        except Exception:  # playwright TimeoutError: no dialog, the usual case
            pass
        self.wait_for_kernel_idle()

    def wait_for(self, js_condition: str, timeout: float, what: str) -> None:
        try:
            self.page.wait_for_function(f"() => Boolean({js_condition})", timeout=timeout * 1000, polling=100)
        except Exception as error:  # playwright TimeoutError; add what we waited for and the server log
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n"
                                 f"server log:\n{self.server.log_tail()}") from error

    def wait_for_kernel_idle(self) -> None:
        self.wait_for("(() => { const s = window.jupyterapp.shell.currentWidget.sessionContext;"
                      " return s && s.session && s.session.kernel && s.session.kernel.status === 'idle'"
                      " && !s.pendingInput; })()",
                      timeout=KERNEL_TIMEOUT, what="the notebook's kernel to be idle")

    def command(self, command_id: str, args: dict | None = None) -> None:
        """Run a JupyterLab command, as a menu item or shortcut would."""
        self.page.evaluate("([id, args]) => window.jupyterapp.commands.execute(id, args)",
                           [command_id, args or {}])

    def run_all_cells(self) -> None:
        """Run every cell and wait until all code cells have run and the kernel is idle."""
        self.command("notebook:run-all-cells")
        self.wait_for("(() => { const nb = window.jupyterapp.shell.currentWidget.content;"
                      " return nb.widgets.every(c => { if (c.model.type !== 'code') return true;"
                      "   const prompt = c.node.querySelector('.jp-InputPrompt');"
                      "   return c.model.executionCount !== null && !(prompt && prompt.textContent.includes('*')); });"
                      " })()",
                      timeout=RUN_ALL_TIMEOUT, what="all cells to finish running")
        self.wait_for_kernel_idle()

    def cell_errors(self) -> list[str]:
        """Text of every error output in the notebook (empty when all cells ran cleanly)."""
        return self.page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                                 ", .jp-RenderedText[data-mime-type='application/vnd.jupyter.error']"
                                 ).all_inner_texts()

    def save(self) -> None:
        """Save with Ctrl+S, as a trainee does, and wait until the document is clean."""
        self.page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
        self.page.keyboard.press("Control+s")
        self.wait_for("!window.jupyterapp.shell.currentWidget.context.model.dirty",
                      timeout=30, what="the notebook to be saved (Ctrl+S)")

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)


@pytest.fixture
def jupyter_lab(tmp_path_factory):
    """Factory: ``jupyter_lab(root_dir)`` starts JupyterLab on ``root_dir``; stopped at teardown."""
    servers: list[LabServer] = []

    def start(root_dir) -> LabServer:
        server = LabServer(Path(root_dir), tmp_path_factory.mktemp("jupyter-lab"))
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@contextlib.contextmanager
def lab_session(root_dir: Path, workdir: Path):
    """A JupyterLab server on ``root_dir`` and one chromium page on it, for scripts and tests
    outside this folder (they load this file by path); everything is stopped on exit."""
    from playwright.sync_api import sync_playwright

    server = LabServer(root_dir, workdir).start()
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield LabPage(chromium.new_page(viewport={"width": 1280, "height": 900}), server)
            finally:
                chromium.close()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    """A headless Debian chromium driven by Playwright (its own browser download is not used)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `make system-deps` (Debian package chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def lab_page(browser):
    """Factory: ``lab_page(server)`` opens a fresh tab (1280x900) on a LabServer."""
    contexts = []

    def open_page(server: LabServer) -> LabPage:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        contexts.append(context)
        return LabPage(context.new_page(), server)

    yield open_page
    for context in contexts:
        context.close()
