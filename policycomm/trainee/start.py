"""The trainee's start page: a notebook of text only (``Bắt đầu.ipynb``) listing the course's modules,
where each one stands and links to its notebook and its feedback; ``policycomm course open`` writes it
again each time and opens it first.

Where a module stands is read from the trainee's folders (nbgrader's layout):

* ``missing``: not fetched yet (no folder in the trainee's home);
* ``new``: fetched, its notebooks as released (``chưa học``);
* ``started``: a notebook differs from the released one (``đang làm``);
* ``submitted``: nbgrader has the trainee's submission in the exchange (``đã nộp``);
* ``graded``: a feedback page was fetched into ``<module>/feedback/<time>/`` (``đã chấm``), with the score it shows.

>>> import tempfile
>>> home = Path(tempfile.mkdtemp())
>>> module_status(home, "00-lam-quen", "Bài 00").state
'missing'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import nbformat

from ..messages import message

#: the start page's file name in the trainee's home
START_PAGE = "Bắt đầu.ipynb"
STATES = ("missing", "new", "started", "submitted", "graded")
#: "12.5 / 20" in the feedback page's opening paragraph (policycomm_feedback template, ``fb_intro``)
SCORE = re.compile(r'class="policycomm-feedback".*?<p>[^<]*?(\d+(?:\.\d+)?) / (\d+(?:\.\d+)?)', re.S)


@dataclass(frozen=True)
class ModuleStatus:
    """Where one module stands for the trainee; paths are relative to the trainee's home."""

    assignment: str
    title: str
    state: str
    notebook: str | None = None
    feedback: str | None = None
    score: tuple[float, float] | None = None
    submitted: str | None = None


def title_of(notebook: Path) -> str:
    """The first heading of a notebook's first text cell (``# Bài 01 — …`` gives ``Bài 01 — …``)."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return notebook.stem


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


def module_status(home: Path, assignment: str, title: str, released: Path | None = None,
                  inbound: Path | None = None, student: str | None = None) -> ModuleStatus:
    """Where ``assignment`` stands in ``home``; ``released`` is the exchange's released copy of it,
    ``inbound`` the exchange's folder of submissions (``<student>+<assignment>+<time>``)."""
    folder = home / assignment
    if not folder.is_dir():
        return ModuleStatus(assignment, title, "missing")
    notebooks = sorted(folder.glob("*.ipynb"))
    notebook = notebooks[0].relative_to(home).as_posix() if notebooks else None
    pages = sorted((folder / "feedback").glob("*/*.html"))
    if pages:
        return ModuleStatus(assignment, title, "graded", notebook, pages[-1].relative_to(home).as_posix(),
                            feedback_score(pages[-1]))
    submissions = sorted(inbound.glob(f"{student or '*'}+{assignment}+*")) if inbound and inbound.is_dir() else []
    if submissions:
        return ModuleStatus(assignment, title, "submitted", notebook, submitted=submissions[-1].name.split("+", 2)[2])
    if released is not None and released.is_dir():
        started = _notebooks(folder) != _notebooks(released)
    else:
        started = (folder / ".ipynb_checkpoints").is_dir()
    return ModuleStatus(assignment, title, "started" if started else "new", notebook)


def _link(label: str, path: str | None) -> str:
    return f"[{label}]({quote(path)})" if path else ""


def start_page(modules: list[ModuleStatus]) -> nbformat.NotebookNode:
    """The start page: text cells only, in the language of the moment.

    >>> nb = start_page([ModuleStatus("00-lam-quen", "Bài 00 — Làm quen", "new", "00-lam-quen/00-lam-quen.ipynb")])
    >>> print(nb.cells[1].source.splitlines()[-1])
    | Bài 00 — Làm quen | chưa học | [Mở bài](00-lam-quen/00-lam-quen.ipynb) |  |
    """
    rows = [message("start_table_header"), "|---|---|---|---|"]
    for module in modules:
        state = message(f"start_state_{module.state}")
        if module.score:
            state = message("start_state_graded_score", score=module.score[0], max_score=module.score[1])
        elif module.submitted:
            state = message("start_state_submitted_at", when=module.submitted)
        rows.append(f"| {module.title} | {state} | {_link(message('start_open'), module.notebook)} | "
                    f"{_link(message('start_feedback'), module.feedback)} |")
    cells = [nbformat.v4.new_markdown_cell(message("start_intro")),
             nbformat.v4.new_markdown_cell("\n".join(rows)),
             nbformat.v4.new_markdown_cell(message("start_howto"))]
    return nbformat.v4.new_notebook(cells=cells, metadata={"policycomm": {"start_page": True}})


def write_start_page(home: Path, modules: list[ModuleStatus]) -> Path:
    """Write the start page into ``home`` (again); return its path."""
    path = home / START_PAGE
    home.mkdir(parents=True, exist_ok=True)
    nbformat.write(start_page(modules), path)
    return path
