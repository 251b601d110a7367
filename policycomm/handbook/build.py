"""Build the handbook: gather the data, render it with Jinja2, print it with WeasyPrint.

:func:`contents` gathers everything the handbook says, from the knowledge
files (stages, channels, audiences, the stage × channel fit table, sources),
the handbook's own data (``data/handbook/``: templates, glossary, the checked
text on the 2025 institutions), the optional ``institutions.yaml`` and
``claims.yaml`` of the data folder, and the course's lessons. :func:`render_html`
turns it into one HTML page (Jinja2, autoescaped); :func:`build` writes that
page and its PDF (A4, table of contents with page numbers, Noto fonts).

Every source id a page cites goes through :class:`Citations`, so the list of
sources at the end holds exactly the sources cited, and an unknown id stops
the build.

>>> hb = contents()
>>> [s["id"] for s in hb["stages"]][:2]
['agenda', 'formulation']
>>> {t["id"]: [f.severity for f in t["findings"]] for t in hb["templates"]}["policy_message"]
['ok']
>>> "claims" in hb  # only when the data folder holds claims.yaml (the packaged data does)
True
"""
from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any, Literal

from markupsafe import Markup
from pydantic import BaseModel, Field

from .. import __version__, yamlfile
from ..messages import CodedError, Finding, message
from ..model.knowledge import Knowledge, KnowledgeError, knowledge, load
from ..model.ledger import load_claims, load_institutions
from ..model.schema import Sourced, Strict

__all__ = ["HandbookError", "Citations", "contents", "render_html", "build", "fit_marks"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
#: the course notebooks, present in a source checkout (not in an installed wheel)
COURSE_DIR = Path(__file__).resolve().parents[2] / "course" / "source"
#: the handbook's own data (templates, glossary, checked texts), used when the data folder has none
OWN_DATA = Path(__file__).resolve().parents[1] / "data" / "handbook"


class HandbookError(CodedError):
    """The handbook's data is broken; the message says where."""

    def __init__(self, problem: str, problem_en: str | None = None):
        super().__init__("hb_bad_data", problem=(problem, problem_en or problem))


class Template(Strict):
    """A text template with a made-up example that passes the named checks."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    use: str
    checks: list[Literal["message", "holding_statement", "radio"]]
    slot_seconds: float | None = Field(default=None, gt=0)
    words_per_minute: float | None = Field(default=None, gt=0)
    skeleton: str
    example: str = ""
    checklist: list[str] = Field(min_length=1)
    sources: list[str] = Field(min_length=1)


class Term(Sourced):
    """A glossary entry."""

    term: str
    explanation: str


class Reference(Strict):
    """A reference that is not (yet) in ``sources.yaml``, such as a primary-text check entry."""

    id: str = Field(pattern=r"^C\d+$")
    title: str
    where: str


class Statement(Sourced):
    """One sentence with its sources."""

    text: str


def _read(path: Path) -> Any:
    try:
        return yamlfile.read_yaml(path)
    except yamlfile.YamlFileError as exc:
        raise HandbookError(str(exc)) from None


def _entries(path: Path, key: str, model: type[BaseModel]) -> list:
    entries, problems = yamlfile.validate_list(model, _read(path), key, path)
    if problems:
        raise HandbookError("\n".join(map(str, problems)))
    return entries


def fit_marks(fit: float) -> str:
    """The table's mark for a fit strength (0..1): ``●●●``, ``●●``, ``●`` or nothing.

    >>> [fit_marks(x) for x in (1.0, 0.6, 0.3, 0)]
    ['●●●', '●●', '●', '']
    """
    if fit >= 0.8:
        return "●●●"
    if fit >= 0.5:
        return "●●"
    return "●" if fit > 0 else ""


class Citations:
    """Source ids cited so far; ``mark(ids)`` renders ``[S1, S2]`` and remembers them.

    >>> c = Citations(load())
    >>> c.mark(["S15", "A1"])
    '[S15, A1]'
    >>> [s["id"] for s in c.listed()]
    ['S15', 'A1']
    >>> c.mark(["S999"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    policycomm.handbook.build.HandbookError: ...: nguồn “S999” không có trong sources.yaml
    """

    def __init__(self, kb: Knowledge, references: list[Reference] = ()):
        self._known = {s.id: {"id": s.id, "title": s.title, "where": s.where, "date": s.date, "kind": s.kind,
                              "note": s.note} for s in kb.sources.values()}
        self._known.update({r.id: {"id": r.id, "title": r.title, "where": r.where, "date": None,
                                   "kind": "check", "note": None} for r in references})
        self._cited: list[str] = []

    def mark(self, ids) -> str:
        for source_id in ids:
            if source_id not in self._known:
                raise HandbookError(f"nguồn “{source_id}” không có trong sources.yaml",
                                   f"source “{source_id}” is not in sources.yaml")
            if source_id not in self._cited:
                self._cited.append(source_id)
        return "[" + ", ".join(ids) + "]"

    def listed(self) -> list[dict]:
        """The cited sources, S-numbers first in numeric order, then C and A entries."""
        order = {"S": 0, "C": 1, "A": 2}
        return [self._known[i] for i in sorted(self._cited, key=lambda i: (order[i[0]], int(i[1:])))]


def _run_checks(template: Template) -> list[Finding]:
    from ..model.crisis import check_holding_statement
    from ..model.radio import check_airtime
    from ..text import check_message

    findings = []
    for check in template.checks:
        if check == "message":
            findings += check_message(template.example)
        elif check == "holding_statement":
            findings += check_holding_statement(template.example)
        else:
            if not (template.slot_seconds and template.words_per_minute):
                raise HandbookError(
                    f"mẫu “{template.id}”: kiểm tra radio cần slot_seconds và words_per_minute",
                    f"template “{template.id}”: the radio check needs slot_seconds and words_per_minute")
            findings += check_airtime(template.example, template.slot_seconds, template.words_per_minute)
    return findings


def _date_vi(value: str | datetime.date) -> str:
    """A date as Vietnamese write it.

    >>> _date_vi("2025-07-01")
    '01/07/2025'
    """
    return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")


def _institutions(folder: Path) -> list[dict]:
    """The current and the former bodies of ``institutions.yaml``, ready to print."""
    current, former = _ledger_part(load_institutions, folder)
    rows = [{"name": body.name.vi, "sources": body.sources,
             "texts": [body.role.vi, message("hb_institution_since", "vi", date=_date_vi(body.since))]
             + ([message("hb_institution_took_over", "vi", what=body.took_over_from.vi)] if body.took_over_from else [])}
            for body in current]
    rows += [{"name": body.name.vi, "sources": body.sources,
              "texts": [message("hb_former_until", "vi", date=_date_vi(body.until)), body.successor.vi]
              + ([message("hb_former_documents", "vi", documents="; ".join(body.documents))] if body.documents else [])}
             for body in former]
    return rows


def _place(place) -> str:
    """Where a claim is made, in words."""
    kind = "notebook" if place.notebook else "question" if place.question else "data"
    return message(f"hb_place_{kind}", "vi", **place.model_dump(exclude_none=True))


def _claims(folder: Path) -> list[dict]:
    """The entries of the claims ledger, ready to print."""
    return [{"id": claim.id, "text": claim.claim.vi, "status": claim.status,
             "status_text": message("hb_status_" + claim.status.replace("-", "_"), "vi"), "quote": claim.quote,
             "places": "; ".join(map(_place, claim.places)), "checked": _date_vi(claim.checked),
             "sources": [claim.source], "source_text": ""}
            for claim in _ledger_part(load_claims, folder)]


def _ledger_part(loader, folder: Path):
    """``loader(folder)``, with a broken file reported as a :class:`HandbookError`."""
    try:
        return loader(folder)
    except KnowledgeError as exc:
        raise HandbookError(str(exc)) from None


def _lessons(folder: Path) -> list[str]:
    """The title (first heading) of each lesson notebook, in course order."""
    titles = []
    for notebook in sorted(folder.glob("*/*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            text = "".join(cell["source"]) if cell["cell_type"] == "markdown" else ""
            heading = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), None)
            if heading:
                titles.append(heading)
                break
    return titles


def contents(folder: str | Path | None = None, course: Path | None = COURSE_DIR) -> dict:
    """Everything the handbook says, from the data ``folder`` (default: the knowledge folder in use)."""
    kb = load(folder) if folder else knowledge()
    data = kb.folder
    own = data / "handbook" if (data / "handbook").is_dir() else OWN_DATA
    references = _entries(own / "institutions_checked.yaml", "references", Reference)
    hb: dict[str, Any] = {"kb": kb, "references": references}
    stages = list(kb.stages.values())
    hb["stages"] = [{
        "id": s.id, "name": s.name.vi, "summary": s.summary.vi, "overlay": s.overlay,
        "needs_two_way": s.needs_two_way, "sources": s.sources,
        "objectives": [{"name": kb.objective(o).name.vi, "description": kb.objective(o).description.vi,
                        "sources": kb.objective(o).sources} for o in s.objectives],
        "best": [{"channel": kb.channel(f.channel).name.vi, "reason": f.reason.vi, "marks": fit_marks(f.fit),
                  "sources": f.sources}
                 for f in sorted((f for f in kb.fits.values() if f.stage == s.id), key=lambda f: -f.fit)[:5]],
    } for s in stages]
    hb["fit_stages"] = [{"order": s.order, "name": s.name.vi} for s in stages]
    hb["fit_rows"] = [{
        "channel": c.name.vi, "two_way": c.two_way,
        "marks": [fit_marks(kb.fit(s.id, c.id).fit) if kb.fit(s.id, c.id) else "" for s in stages],
    } for c in kb.channels.values()]
    hb["audiences"] = [{
        "name": a.name.vi, "description": a.description.vi, "internet": a.internet_access,
        "low_literacy": a.low_literacy, "ethnic": a.needs_ethnic_language, "sources": a.sources,
        "channels": [c.name.vi for c in sorted(kb.channels.values(), key=lambda c: -c.reach.get(a.id, 0))[:4]
                     if c.reach.get(a.id, 0) > 0],
    } for a in kb.audiences.values()]
    if (data / "institutions.yaml").is_file():
        hb["institutions"] = _institutions(data)
    else:
        statements = _entries(own / "institutions_checked.yaml", "statements", Statement)
        hb["institutions_checked"] = [{"name": None, "texts": [s.text], "sources": s.sources} for s in statements]
    hb["laws"] = [s for s in kb.sources.values() if s.kind == "law"]
    templates = _entries(own / "templates.yaml", "templates", Template)
    hb["templates"] = [{**t.model_dump(), "findings": _run_checks(t)} for t in templates]
    if (data / "claims.yaml").is_file():
        hb["claims"] = _claims(data)
    if course is not None and course.is_dir():
        hb["lessons"] = _lessons(course)
    hb["glossary"] = sorted(_entries(own / "glossary.yaml", "terms", Term), key=lambda t: t.term)
    return hb


def render_html(hb: dict, *, today: datetime.date | None = None) -> str:
    """The handbook as one self-contained HTML page (CSS inline)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    citations = Citations(hb["kb"], hb["references"])
    env.globals.update(t=lambda code, **fields: message(code, "vi", **fields), cite=citations.mark,
                       sources_cited=citations.listed)
    css = Markup((TEMPLATE_DIR / "handbook.css").read_text(encoding="utf-8"))
    today = today or datetime.date.today()
    return env.get_template("handbook.html.j2").render(
        hb=hb, css=css, version=__version__, date=f"{today:%d/%m/%Y}")


def build(out_dir: str | Path, folder: str | Path | None = None) -> tuple[Path, Path, int]:
    """Write ``handbook.html`` and ``handbook.pdf`` into ``out_dir``; return both paths and the page count."""
    from weasyprint import HTML

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    html = render_html(contents(folder))
    html_path, pdf_path = out / "handbook.html", out / "handbook.pdf"
    html_path.write_text(html, encoding="utf-8")
    document = HTML(string=html, base_url=str(TEMPLATE_DIR)).render()
    document.write_pdf(pdf_path)
    return pdf_path, html_path, len(document.pages)
