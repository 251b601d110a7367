"""Release the course into a local exchange and prepare a trainee's copy of it.

Everything lives in one run directory (``.course-run/`` at the repository root
by default, git-ignored)::

    .course-run/
      exchange/          the nbgrader exchange the assignments are released to
      jupyter-config/    JUPYTER_CONFIG_DIR of the trainee: course id, exchange,
                         lecturer-only nbgrader tools switched off, Validate answered
                         in Vietnamese (policycomm.trainee.server) and labelled so
                         (custom/custom.css)
      ipython/           IPYTHONDIR of the trainee: its kernels load the
                         policycomm.trainee extension (one kind sentence for every
                         error, the checks there before the first cell runs)
      lab-settings/      JUPYTERLAB_SETTINGS_DIR of the trainee: JupyterLab in
                         Vietnamese, a code font that has Vietnamese letters
                         (DejaVu Sans Mono has not), HTML pages (the feedback)
                         shown without a Trust HTML button
      cache/             the trainee's nbgrader cache (a copy of each submission,
                         which Fetch Feedback and the start page read)
      trainee/           the trainee's home: one fetched folder per assignment and
                         the start page (Bắt đầu.ipynb), written again each time
      released.json      a fingerprint of each released assignment's source

Both steps are idempotent: an assignment is generated and released again only
when its source changed, and an assignment the trainee already has is never
fetched again (so work in progress is never overwritten). Only the trainee's
JupyterLab gets ``ipython/``; nbgrader's grading kernels never load the extension.

>>> run = CourseRun(Path("course"), Path(".course-run"))
>>> run.exchange.name, run.home.name
('exchange', 'trainee')
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..messages import CodedError, message

COURSE_ID = "policycomm"
REPO = Path(__file__).resolve().parents[2]
DEFAULT_COURSE = REPO / "course"
DEFAULT_RUN_DIR = REPO / ".course-run"



#: lecturer tools a trainee does not need: nbgrader server extensions and JupyterLab plugins
LECTURER_SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
#: nbgrader's Validate server extension, replaced for the trainee by policycomm's (same addresses, Vietnamese)
VALIDATE_SERVER_EXTENSIONS = {"nbgrader.server_extensions.validate_assignment": False, "policycomm.trainee.server": True}
#: monospace fonts with Vietnamese letters, for code cells and outputs
CODE_FONTS = "Menlo, Consolas, 'Noto Sans Mono', 'Liberation Mono', monospace"
#: JupyterLab's language (the jupyterlab-language-pack-vi-VN package of the [course] extra)
LAB_LOCALE = "vi_VN"
#: the kernel configuration of the trainee: the policycomm.trainee extension
KERNEL_CONFIG = ("# The trainee's kernels, written by `policycomm course open` or the class server: one kind\n"
                 "# sentence for every error, the course's checks there before the first cell runs\n"
                 "# (policycomm/trainee/__init__.py).\n"
                 "c = get_config()  # noqa: F821\n"
                 "c.InteractiveShellApp.extensions = [\"policycomm.trainee\"]\n")
HIDDEN_LAB_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list", "@jupyterlab/apputils-extension:announcements")


class CourseError(CodedError):
    """A step of preparing the course failed; the message (a catalogue code and fields) says which and why."""


@dataclass(frozen=True)
class CourseRun:
    """The course directory (``course/``) and the run directory that serves it to a trainee."""

    course: Path = DEFAULT_COURSE
    run_dir: Path = DEFAULT_RUN_DIR

    @property
    def exchange(self) -> Path:
        return self.run_dir / "exchange"

    @property
    def home(self) -> Path:
        return self.run_dir / "trainee"

    @property
    def config_dir(self) -> Path:
        return self.run_dir / "jupyter-config"

    @property
    def ipython_dir(self) -> Path:
        return self.run_dir / "ipython"

    @property
    def settings_dir(self) -> Path:
        return self.run_dir / "lab-settings"

    @property
    def cache(self) -> Path:
        return self.run_dir / "cache"

    @property
    def state_file(self) -> Path:
        return self.run_dir / "released.json"

    def assignments(self) -> list[str]:
        """The assignment ids of ``course/source``, in module order."""
        source = self.course / "source"
        if not source.is_dir():
            raise CourseError("course_no_source", source=source, course=self.course)
        return sorted(d.name for d in source.iterdir() if d.is_dir() and not d.name.startswith("."))

    def environment(self) -> dict[str, str]:
        """Environment for nbgrader and JupyterLab: this Python's tools first, this run's exchange and config."""
        bin_dir = str(Path(sys.executable).parent)
        return dict(os.environ, PATH=os.pathsep.join([bin_dir, os.environ.get("PATH", "")]),
                    POLICYCOMM_EXCHANGE=str(self.exchange), JUPYTER_CONFIG_DIR=str(self.config_dir),
                    JUPYTERLAB_SETTINGS_DIR=str(self.settings_dir), IPYTHONDIR=str(self.ipython_dir))


def fingerprint(directory: Path) -> str:
    """A hash of every file's path and content under ``directory``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts):
        digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _load_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def release(run: CourseRun, assignments: list[str] | None = None, log=print) -> list[str]:
    """Generate and release each assignment whose source changed; return the ids released now."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    wanted = assignments or run.assignments()
    unknown = sorted(set(wanted) - set(run.assignments()))
    if unknown:
        raise CourseError("course_unknown_assignment", source=run.course / "source", names=", ".join(unknown))
    run.exchange.mkdir(parents=True, exist_ok=True)
    run.exchange.chmod(0o777)  # nbgrader's exchange must be writable by every trainee
    os.environ.update({k: v for k, v in run.environment().items() if k in ("PATH", "POLICYCOMM_EXCHANGE")})
    config = PyFileConfigLoader("nbgrader_config.py", path=str(run.course)).load_config()
    config.CourseDirectory.root = str(run.course)
    config.Exchange.root = str(run.exchange)
    config.ExchangeReleaseAssignment.force = True
    api = NbGraderAPI(config=config)

    state = _load_json(run.state_file)
    released = []
    for assignment in wanted:
        stamp = fingerprint(run.course / "source" / assignment)
        if state.get(assignment) == stamp and (run.exchange / COURSE_ID / "outbound" / assignment).is_dir():
            log(message("course_unchanged", assignment=assignment))
            continue
        for step in (api.generate_assignment, api.release_assignment):
            result = step(assignment)
            if not result["success"]:
                raise CourseError("course_step_failed", assignment=assignment, step=step.__name__,
                                  detail=result.get("error") or result.get("log"))
        state[assignment] = stamp
        run.state_file.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
        released.append(assignment)
        log(message("course_released", assignment=assignment))
    return released


def write_trainee_config(run: CourseRun) -> None:
    """The trainee's Jupyter configuration: course id, exchange, where assignments are fetched, the
    nbgrader cache; lecturer tools and JupyterLab's news prompt switched off; Validate in Vietnamese;
    JupyterLab in Vietnamese, HTML pages without a Trust button; the kernels load :mod:`policycomm.trainee`.
    Settings the trainee may change in JupyterLab are written only once."""
    from ..trainee.validate import custom_css

    run.config_dir.mkdir(parents=True, exist_ok=True)
    (run.config_dir / "nbgrader_config.py").write_text(
        "# The trainee's nbgrader settings, written by `policycomm course open` or the class server.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = {str(run.exchange)!r}\n"
        f"c.Exchange.assignment_dir = {str(run.home)!r}\n"
        f"c.Exchange.cache = {str(run.cache)!r}\n", encoding="utf-8")
    extensions = {**{name: False for name in LECTURER_SERVER_EXTENSIONS}, **VALIDATE_SERVER_EXTENSIONS}
    server = {"ServerApp": {"jpserver_extensions": extensions}, "LabApp": {"custom_css": True}}
    (run.config_dir / "jupyter_server_config.json").write_text(json.dumps(server, indent=1), encoding="utf-8")
    (run.config_dir / "custom").mkdir(exist_ok=True)
    (run.config_dir / "custom" / "custom.css").write_text(custom_css(), encoding="utf-8")
    (run.config_dir / "labconfig").mkdir(exist_ok=True)
    page = {"disabledExtensions": {name: True for name in HIDDEN_LAB_PLUGINS}}
    (run.config_dir / "labconfig" / "page_config.json").write_text(json.dumps(page, indent=1), encoding="utf-8")
    kernel = run.ipython_dir / "profile_default" / "ipython_kernel_config.py"
    kernel.parent.mkdir(parents=True, exist_ok=True)
    kernel.write_text(KERNEL_CONFIG, encoding="utf-8")
    settings = {("apputils-extension", "themes"): {"overrides": {"code-font-family": CODE_FONTS}},
                ("translation-extension", "plugin"): {"locale": LAB_LOCALE},
                ("htmlviewer-extension", "plugin"): {"toolbar": [{"name": "trust", "disabled": True}]}}
    for (extension, plugin), value in settings.items():
        path = run.settings_dir / "@jupyterlab" / extension / f"{plugin}.jupyterlab-settings"
        if not path.exists():  # the trainee's own later choices are kept
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value, indent=1), encoding="utf-8")


def fetch(run: CourseRun, assignments: list[str] | None = None, log=print) -> list[str]:
    """Fetch every released assignment the trainee does not have yet; return the ids fetched now."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory
    from traitlets.config import Config

    run.home.mkdir(parents=True, exist_ok=True)
    fetched = []
    for assignment in assignments or run.assignments():
        if (run.home / assignment).exists():
            log(message("course_trainee_has_it", assignment=assignment))
            continue
        config = Config()
        config.CourseDirectory.course_id = COURSE_ID
        config.CourseDirectory.assignment_id = assignment
        config.Exchange.root = str(run.exchange)
        config.Exchange.assignment_dir = str(run.home)
        coursedir = CourseDirectory(config=config)
        fetcher = ExchangeFactory(config=config).FetchAssignment(
            coursedir=coursedir, authenticator=Authenticator(config=config), config=config)
        try:
            fetcher.start()
        except Exception as exc:  # nbgrader's ExchangeError, with its own message
            raise CourseError("course_fetch_failed", assignment=assignment, detail=exc) from exc
        fetched.append(assignment)
        log(message("course_fetched", assignment=assignment, where=run.home / assignment))
    return fetched


def write_start_page(run: CourseRun, student: str | None = None) -> Path:
    """Write the trainee's start page (again): each module, where it stands, links to it and its feedback."""
    from nbgrader.utils import get_username

    from ..trainee.start import module_status, title_of
    from ..trainee.start import write_start_page as write

    outbound, inbound = run.exchange / COURSE_ID / "outbound", run.exchange / COURSE_ID / "inbound"
    student = student or get_username()
    modules = []
    for assignment in run.assignments():
        notebooks = sorted((run.course / "source" / assignment).glob("*.ipynb"))
        title = title_of(notebooks[0]) if notebooks else assignment
        modules.append(module_status(run.home, assignment, title, outbound / assignment, inbound, student,
                                     run.cache / COURSE_ID))
    return write(run.home, modules)


def prepare(run: CourseRun, log=print) -> None:
    """Release what changed, write the trainee's configuration, fetch what the trainee lacks,
    write the start page."""
    release(run, log=log)
    write_trainee_config(run)
    fetch(run, log=log)
    write_start_page(run)


def lab_command(run: CourseRun, port: int | None = None, open_browser: bool = True) -> list[str]:
    """The ``jupyter lab`` command serving the trainee's home, the start page opened first."""
    from urllib.parse import quote

    from ..trainee.start import START_PAGE

    command = [str(Path(sys.executable).with_name("jupyter")), "lab", f"--ServerApp.root_dir={run.home}",
               "--ServerApp.ip=127.0.0.1", f"--LabApp.default_url=/lab/tree/{quote(START_PAGE)}"]
    if port:
        command += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if not open_browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command
