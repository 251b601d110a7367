"""The trainee's start page (``Bắt đầu.ipynb``): the course's modules, where each one stands, how many of its
questions are answered, links to its notebook and to its feedback.

``policycomm course open`` writes it again each time and opens it first; its one
code cell (source hidden) shows the table, already there when the page opens, and
shows it again, up to date, when the trainee runs it (Shift + Enter), reading the
trainee's nbgrader configuration (:func:`course_modules`). ``python -m
policycomm.trainee.start`` writes the page in the working directory (a
JupyterHub's trainee home) from that configuration.

Where a module stands is read from the trainee's folders (nbgrader's layout):

* ``missing``: not fetched yet (no folder in the trainee's home);
* ``new``: fetched, nothing answered, its notebooks as released (``chưa học``);
* ``started``: ``policycomm_answers.json`` saved (the forms write it) or a notebook changed (``đang làm``);
* ``submitted``: nbgrader has the trainee's submission: in the exchange's inbound
  folder when the trainee can list it, in the trainee's nbgrader cache otherwise (``đã nộp``);
* ``graded``: a feedback page was fetched into ``<module>/feedback/<time>/`` (``đã chấm``), with its score.

Progress is the number of the module's graded exercises (the forms its test
cells read, :func:`policycomm.trainee.cells.exercises`) that have a saved answer.
The feedback link opens the page in JupyterLab's HTML viewer, rendered, in one
click (``course open`` hides that viewer's *Trust HTML* button: the page needs no
script).

>>> import tempfile
>>> home = Path(tempfile.mkdtemp())
>>> module_status(home, "00-lam-quen", "Bài 00").state
'missing'
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import nbformat

from ..messages import message
from ..quiz.responses import ANSWERS_FILE
from .cells import exercises

#: the start page's file name in the trainee's home
START_PAGE = "Bắt đầu.ipynb"
STATES = ("missing", "new", "started", "submitted", "graded")
#: "12.5 / 20" in the feedback page's opening paragraph (the feedback template, ``fb_intro``)
SCORE = re.compile(r'class="policycomm-feedback".*?<p>[^<]*?(\d+(?:\.\d+)?) / (\d+(?:\.\d+)?)', re.S)
#: the start page's code cell: it shows the table (again); JupyterLab shows the first line of a hidden source
REFRESH_SOURCE = ("# Bảng tiến độ: chạy ô này (Shift + Enter) để cập nhật\n"
                  "from policycomm.trainee.start import show_progress\nshow_progress()")
#: what the trainee's kernel (this Python) says of itself: the page opens without a kernel prompt, unchanged
LANGUAGE_INFO = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                 "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                 "pygments_lexer": "ipython3", "version": sys.version.split()[0]}


@dataclass(frozen=True)
class ModuleStatus:
    """Where one module stands for the trainee; paths are relative to the trainee's home."""

    assignment: str
    title: str
    state: str
    notebook: str | None = None
    feedback: str | None = None
    score: tuple[float, float] | None = None
    #: when the latest submission was made (timezone-aware), for ``submitted``
    submitted: datetime | None = None
    #: graded exercises with a saved answer, and graded exercises; None when the module has no forms
    answered: int | None = None
    exercises: int | None = None


def title_of_notebook(nb) -> str | None:
    """The first heading of a notebook's first text cell (``# Bài 01 — …`` gives ``Bài 01 — …``), or None."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return None


def title_of(notebook: Path) -> str:
    """The title of the notebook file ``notebook`` (:func:`title_of_notebook`), else its name."""
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception:  # a notebook the trainee broke: its file name will do
        return notebook.stem
    return title_of_notebook(nb) or notebook.stem


def _notebooks(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.ipynb"))}


def feedback_score(page: Path) -> tuple[float, float] | None:
    """The score a feedback page shows, or ``None`` if it shows none.

    >>> import tempfile
    >>> page = Path(tempfile.mkdtemp()) / "fb.html"
    >>> _ = page.write_text('<div class="policycomm-feedback"><h1>Bài 00</h1><p>Điểm tự động: 7.5 / 10.</p></div>')
    >>> feedback_score(page)
    (7.5, 10.0)
    """
    found = SCORE.search(page.read_text(encoding="utf-8", errors="replace"))
    return (float(found[1]), float(found[2])) if found else None


def _blank(response) -> bool:
    if response is None:
        return True
    if isinstance(response, str):
        return not response.strip()
    return isinstance(response, (list, dict)) and not response


def progress(folder: Path) -> tuple[int, int] | None:
    """(graded exercises with a saved answer, graded exercises) over the notebooks of ``folder``;
    None when its notebooks have no forms. A broken answers file counts nothing as answered."""
    from ..quiz.responses import read_recorded

    answered = total = 0
    for path in sorted(folder.glob("*.ipynb")):
        try:
            ids = exercises(nbformat.read(path, as_version=4))
        except Exception:  # a notebook the trainee broke: nothing to count in it
            continue
        total += len(ids)
        answered += sum(1 for exercise in ids
                        if not _blank(read_recorded(exercise, notebook=path.name, folder=folder).response))
    return (answered, total) if total else None


def _submitted_at(folder: Path) -> datetime | None:
    """When nbgrader made the submission in ``folder`` (its ``timestamp.txt``, else its name), timezone-aware."""
    import dateutil.parser

    try:
        text = (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
    except OSError:
        parts = folder.name.split("+")
        text = parts[2] if len(parts) > 2 else ""
    try:
        when = dateutil.parser.parse(text.replace(" UTC", "+00:00"))
    except (ValueError, OverflowError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _submissions(assignment: str, student: str | None, *places: Path | None) -> list[Path]:
    found = []
    for place in places:
        if place is not None:
            try:
                found += [p for p in place.glob(f"{student or '*'}+{assignment}+*") if p.is_dir()]
            except OSError:  # an inbound folder the trainee may not list (a shared exchange)
                continue
    return found


def module_status(home: Path, assignment: str, title: str, released: Path | None = None,
                  inbound: Path | None = None, student: str | None = None, cache: Path | None = None) -> ModuleStatus:
    """Where ``assignment`` stands in ``home``; ``released`` is the exchange's released copy of it,
    ``inbound`` the exchange's folder of submissions (``<student>+<assignment>+<time>``), ``cache`` the
    trainee's nbgrader cache of this course (where ``nbgrader submit`` keeps a copy of each submission)."""
    folder = home / assignment
    if not folder.is_dir():
        return ModuleStatus(assignment, title, "missing")
    notebooks = sorted(folder.glob("*.ipynb"))
    notebook = notebooks[0].relative_to(home).as_posix() if notebooks else None
    answered, total = progress(folder) or (None, None)
    found = dict(notebook=notebook, answered=answered, exercises=total)
    pages = sorted((folder / "feedback").glob("*/*.html"))
    if pages:
        return ModuleStatus(assignment, title, "graded", feedback=pages[-1].relative_to(home).as_posix(),
                            score=feedback_score(pages[-1]), **found)
    times = [t for t in map(_submitted_at, _submissions(assignment, student, inbound, cache)) if t]
    if times:
        return ModuleStatus(assignment, title, "submitted", submitted=max(times), **found)
    if answered or (folder / ANSWERS_FILE).exists():  # something saved, even a file broken by hand
        started = True
    elif released is not None and released.is_dir():
        started = _notebooks(folder) != _notebooks(released)
    else:
        started = (folder / ".ipynb_checkpoints").is_dir()
    return ModuleStatus(assignment, title, "started" if started else "new", **found)


def _link(label: str, path: str | None) -> str:
    return f"[{label}]({quote(path)})" if path else ""


def _state(module: ModuleStatus) -> str:
    if module.score:
        return message("start_state_graded_score", score=module.score[0], max_score=module.score[1])
    if module.submitted:
        return message("start_state_submitted_at", when=module.submitted.astimezone().strftime(
            message("start_time_format")))
    return message(f"start_state_{module.state}")


def _progress(module: ModuleStatus) -> str:
    if module.exercises is None:
        return ""
    return message("start_progress", answered=module.answered, total=module.exercises)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def progress_table(modules: list[ModuleStatus]) -> str:
    """The modules as a markdown table, in the language of the moment.

    >>> print(progress_table([ModuleStatus("00-lam-quen", "Bài 00 — Làm quen", "new", "00-lam-quen/00-lam-quen.ipynb",
    ...                                     answered=0, exercises=3)]).splitlines()[-1])
    | Bài 00 — Làm quen | chưa học | 0 / 3 câu | [Mở bài](00-lam-quen/00-lam-quen.ipynb) |  |
    """
    if not modules:
        return message("start_no_modules")
    rows = [message("start_table_header"), "|---|---|---|---|---|"]
    for module in modules:
        rows.append(f"| {_cell(module.title)} | {_state(module)} | {_progress(module)} | "
                    f"{_link(message('start_open'), module.notebook)} | "
                    f"{_link(message('start_feedback'), module.feedback)} |")
    return "\n".join(rows)


def progress_bundle(modules: list[ModuleStatus]) -> dict[str, str]:
    """What the start page's cell shows: the table (markdown), and the same in plain text."""
    lines = [f"{m.title}: {_state(m)}" + (f", {_progress(m)}" if m.exercises is not None else "") for m in modules]
    return {"text/markdown": progress_table(modules), "text/plain": "\n".join(lines) or message("start_no_modules")}


def start_page(modules: list[ModuleStatus]) -> nbformat.NotebookNode:
    """The start page in the language of the moment: an introduction, the table (the output of a code cell
    whose source is hidden and which nobody edits), how to go on.

    >>> nb = start_page([ModuleStatus("00-lam-quen", "Bài 00 — Làm quen", "new", "00-lam-quen/00-lam-quen.ipynb")])
    >>> print(nb.cells[1].outputs[0].data["text/markdown"].splitlines()[-1])
    | Bài 00 — Làm quen | chưa học |  | [Mở bài](00-lam-quen/00-lam-quen.ipynb) |  |
    """
    fixed = {"editable": False, "deletable": False}
    table = nbformat.v4.new_code_cell(REFRESH_SOURCE, id="tien_do", metadata={
        **fixed, "jupyter": {"source_hidden": True}})
    table.outputs = [nbformat.v4.new_output("display_data", data=progress_bundle(modules))]
    cells = [nbformat.v4.new_markdown_cell(message("start_intro"), id="gioi_thieu", metadata=dict(fixed)),
             table,
             nbformat.v4.new_markdown_cell(message("start_howto"), id="huong_dan", metadata=dict(fixed))]
    return nbformat.v4.new_notebook(cells=cells, metadata={
        "policycomm": {"start_page": True},
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
        "language_info": LANGUAGE_INFO})


def write_start_page(home: Path, modules: list[ModuleStatus]) -> Path:
    """Write the start page into ``home`` (again); return its path."""
    path = home / START_PAGE
    home.mkdir(parents=True, exist_ok=True)
    nbformat.write(start_page(modules), path)
    return path


# ---------------------------------------------------------------- from the trainee's nbgrader configuration

def nbgrader_config(home: Path | None = None):
    """The trainee's nbgrader configuration, from the files nbgrader's own server extensions read
    (``nbgrader_config.py``/``.json`` in ``home``, then in Jupyter's configuration folders, in that order of
    priority), without importing nbgrader's applications (the page's cell stays quick)."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config.loader import Config, ConfigFileNotFound, JSONFileConfigLoader, PyFileConfigLoader

    config = Config()
    for folder in reversed([str(home or Path.cwd()), *jupyter_config_path()]):  # the lowest priority first
        for loader in (PyFileConfigLoader, JSONFileConfigLoader):
            suffix = ".py" if loader is PyFileConfigLoader else ".json"
            try:
                config.merge(loader(f"nbgrader_config{suffix}", path=folder).load_config())
            except ConfigFileNotFound:
                continue
    return config


def username() -> str:
    """The trainee's nbgrader student id (:func:`policycomm.model.variants.username`)."""
    from policycomm.model.variants import username as student_id

    return student_id()


def course_modules(home: Path | None = None, config=None) -> list[ModuleStatus]:
    """Where each module of the trainee's course stands: the modules released in the exchange (or, when
    the trainee cannot see the exchange, the fetched ones), read with the trainee's nbgrader configuration."""
    from jupyter_core.paths import jupyter_data_dir

    home = Path(home or Path.cwd())
    config = config if config is not None else nbgrader_config(home)
    course_id = config.CourseDirectory.get("course_id") or ""
    exchange = Path(config.Exchange.get("root") or "/srv/nbgrader/exchange") / course_id
    cache = Path(config.Exchange.get("cache") or os.path.join(jupyter_data_dir(), "nbgrader_cache")) / course_id
    outbound = exchange / "outbound"
    try:
        released = {p.name for p in outbound.iterdir() if p.is_dir() and not p.name.startswith(".")}
    except OSError:
        released = set()
    fetched = {p.parent.name for p in home.glob("*/*.ipynb") if not p.parent.name.startswith(".")}
    modules = []
    for assignment in sorted(released or fetched):
        notebooks = sorted((home / assignment).glob("*.ipynb")) or sorted((outbound / assignment).glob("*.ipynb"))
        title = title_of(notebooks[0]) if notebooks else assignment
        modules.append(module_status(home, assignment, title, outbound / assignment if released else None,
                                     exchange / "inbound", username(), cache))
    return modules


def show_progress(home: Path | None = None) -> None:
    """Show the table again, up to date: what the start page's cell does when the trainee runs it."""
    from IPython.display import display

    display(progress_bundle(course_modules(home)), raw=True)


def main(argv: list[str] | None = None) -> int:
    """``python -m policycomm.trainee.start [HOME]``: write the start page into HOME (default: here)."""
    argv = sys.argv[1:] if argv is None else argv
    home = Path(argv[0] if argv else Path.cwd()).resolve()
    print(write_start_page(home, course_modules(home)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
