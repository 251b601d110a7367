"""The claims ledger (policycomm/data/claims.yaml): it loads, its places exist, every citation has an entry.

A *citation* is a source id written in a notebook cell ("(Nguồn: S28)", "S5–S10", a table's source
column, a chart title) or listed in a bank question's ``sources``. The cell that prints a module's
bibliography (id ``nguon``) lists sources and states nothing, so it is not a citation.

A *graded judgement question* is a bank question (every one is graded) or the statement cell of a
graded notebook question: a markdown cell ``X_de`` whose question has a graded cell (``X_kiem_tra``,
or the answer cell itself when a lecturer grades it). A modelling assumption (A1) never decides one.
A graded question that asks the trainee to read a result the model computes from A1 values (a
reach, a coverage, a mix of ``optimize_mix``) is a *tool exercise*, not a judgement: its statement
says so with the phrase ``TOOL_EXERCISE``.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from policycomm import yamlfile
from policycomm.model.knowledge import DATA_DIR, KnowledgeError, knowledge
from policycomm.model.ledger import load_claims
from policycomm.quiz.bank import load_bank

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = {path.parent.name: path for path in sorted((ROOT / "course" / "source").glob("*/*.ipynb"))}
BIBLIOGRAPHY_CELLS = {"nguon"}
#: the phrase by which a graded question says it measures reading the model's results, not judgement
TOOL_EXERCISE = "luyện đọc kết quả của mô hình"
#: code that reads a modelling assumption (A1) or a result computed from one
A1_READ = re.compile(r"\.reach\b|internet_access|\.fit\b|\bfit\(|unit_cost|total_cost|optimize_mix|"
                     r"recommend\(|assess_choice|\.coverage\b")
_CITE = re.compile(r"(?<![\w/.])([SA])(\d{1,3})(?:\s*[–-]\s*S?(\d{1,3}))?(?![\w/])")


def cited_ids(text: str) -> set[str]:
    """Source ids cited in ``text``; a range "S5–S10" cites every id in it.

    >>> sorted(cited_ids("(Nguồn: S5–S10) và S28; giả định (Nguồn: A1); mã 45/KH-UBND"), key=lambda s: (s[0], int(s[1:])))
    ['A1', 'S5', 'S6', 'S7', 'S8', 'S9', 'S10', 'S28']
    """
    found = set()
    for kind, first, last in _CITE.findall(text):
        found |= {f"{kind}{n}" for n in range(int(first), int(last or first) + 1)}
    return found


def notebook_cells(name: str) -> list[dict]:
    return json.loads(NOTEBOOKS[name].read_text(encoding="utf-8"))["cells"]


def cell_text(cell: dict) -> str:
    return "".join(cell["source"])


def citations() -> dict[tuple, set[str]]:
    """Place key -> source ids cited there, over every notebook and the whole bank."""
    found: dict[tuple, set[str]] = {}
    for name in NOTEBOOKS:
        for cell in notebook_cells(name):
            if cell.get("id") not in BIBLIOGRAPHY_CELLS and (ids := cited_ids(cell_text(cell))):
                found[("notebook", name, cell["id"])] = ids
    for question in load_bank():
        found[("question", question.id)] = set(question.sources)
    return found


def graded_questions(name: str) -> list[tuple[dict, list[dict]]]:
    """(statement cell ``X_de``, its graded cells) for each graded question of notebook ``name``."""
    cells = notebook_cells(name)
    graded = {c.get("id"): c for c in cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")
              or c.get("metadata", {}).get("nbgrader", {}).get("task")}
    found = []
    for cell in cells:
        stem = (cell.get("id") or "").removesuffix("_de")
        if cell["cell_type"] == "markdown" and cell.get("id", "").endswith("_de") and \
                (checks := [graded[i] for i in (f"{stem}_kiem_tra", f"{stem}_cham", stem) if i in graded]):
            found.append((cell, checks))
    return found


def judgement_places() -> set[tuple]:
    """Places of graded judgement questions (see the module docstring); tool exercises are not among them."""
    places = {("question", q.id) for q in load_bank()}
    for name in NOTEBOOKS:
        places |= {("notebook", name, statement["id"]) for statement, _ in graded_questions(name)
                   if TOOL_EXERCISE not in cell_text(statement)}
    return places


def place_key(place) -> tuple:
    if place.question:
        return ("question", place.question)
    if place.data:
        return ("data", place.data)
    return ("notebook", place.notebook, place.cell)


@pytest.fixture(scope="module")
def ledger():
    return load_claims()


def test_the_ledger_loads_and_every_entry_cites_a_known_source(ledger):
    assert len(ledger) > 50
    assert {c.source for c in ledger} <= set(knowledge().sources)
    assert len({c.id for c in ledger}) == len(ledger)


def test_a_broken_entry_is_reported_with_file_and_line(tmp_path):
    for path in DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path)
    text = (tmp_path / "claims.yaml").read_text(encoding="utf-8")
    broken = re.sub(r"(?m)^(\s*)status: confirmed$", r"\1status: certain", text, count=1)
    (tmp_path / "claims.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_claims(tmp_path)
    line = next(n for n, row in enumerate(broken.splitlines(), 1) if row.strip() == "status: certain")
    assert f"claims.yaml:{line}: entry " in str(error.value) and "field 'status'" in str(error.value)


def test_a_confirmed_claim_without_the_sources_words_is_refused(tmp_path):
    for path in DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path)
    (tmp_path / "claims.yaml").write_text(
        "claims:\n  - id: x\n    claim: {vi: a, en: a}\n    places: [{question: m01-q01}]\n    source: S2\n"
        "    checked: 2026-12-01\n    status: confirmed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"claims.yaml:2: entry 'x'.*needs the exact sentence"):
        load_claims(tmp_path)


def _data_entry_exists(ref: str) -> bool:
    fname, _, entry = ref.partition("#")
    raw = yamlfile.strip_lines(yamlfile.read_yaml(DATA_DIR / fname))
    rows = next(v for v in raw.values() if isinstance(v, list)) if fname != "institutions.yaml" \
        else raw["institutions"] + raw["former"]
    names = {row.get("id") or f"{row.get('stage')}/{row.get('channel')}" for row in rows}
    return entry in names


def test_every_place_of_the_ledger_exists(ledger):
    questions = {q.id for q in load_bank()}
    missing = []
    for claim in ledger:
        for place in claim.places:
            if place.question:
                ok = place.question in questions
            elif place.data:
                ok = (DATA_DIR / place.data.partition("#")[0]).exists() and _data_entry_exists(place.data)
            else:
                ok = place.notebook in NOTEBOOKS and place.cell in {c.get("id") for c in notebook_cells(place.notebook)}
            if not ok:
                missing.append(f"{claim.id}: {place_key(place)}")
    assert not missing, "places that do not exist:\n" + "\n".join(missing)


def test_every_citation_of_the_course_and_the_bank_has_a_ledger_entry(ledger):
    covered = {(place_key(place), claim.source) for claim in ledger for place in claim.places}
    uncovered = sorted(f"{place} cites {source}" for place, sources in citations().items()
                       for source in sources if (place, source) not in covered)
    assert not uncovered, f"{len(uncovered)} citations have no entry in claims.yaml:\n" + "\n".join(uncovered)


def test_no_modelling_assumption_decides_a_graded_judgement_question(ledger):
    judged = judgement_places()
    wrong = [f"{claim.id}: {place_key(place)}" for claim in ledger if claim.source == "A1"
             for place in claim.places if place_key(place) in judged]
    assert not wrong, wrong
    assert not [q.id for q in load_bank() if "A1" in q.sources]
    assert not [place for place, sources in citations().items() if place in judged and "A1" in sources]


def test_no_graded_cell_reads_a_modelling_assumption_unless_it_is_a_tool_exercise():
    """A hidden test that reads reach shares, internet use, fit strengths or costs (A1) keys a judgement
    on an assumption; only a question that says it is a tool exercise may do so."""
    assert A1_READ.search('c.reach.get("elderly_rural", 0) < 0.5') and A1_READ.search("a.internet_access < 0.5")
    assert not A1_READ.search("c.needs_internet or a.often_offline or c.two_way")
    wrong = [f"{name}: {statement['id']}" for name in NOTEBOOKS for statement, checks in graded_questions(name)
             if any(A1_READ.search(cell_text(c)) for c in checks) and TOOL_EXERCISE not in cell_text(statement)]
    assert not wrong, "graded cells that read A1 values without saying they are tool exercises: " + ", ".join(wrong)


def _capstone_plans() -> list:
    """The plan rows of the capstone's answer key and of every plan in its course test cases."""
    import nbformat

    from policycomm.forms.keys import answer_key

    key = answer_key(nbformat.read(NOTEBOOKS["09-bai-cuoi-khoa"], as_version=4))["m09-ke-hoach"]
    cases = yamlfile.strip_lines(yamlfile.read_yaml(ROOT / "tests" / "course" / "cases" / "09-bai-cuoi-khoa.yaml"))
    return [key] + [case["answers"]["m09-ke-hoach"] for case in cases["cases"].values()
                    if "m09-ke-hoach" in (case.get("answers") or {})]


def _capstone_scores() -> list[tuple]:
    from policycomm.forms.reading import plan_of
    from policycomm.grading.rubric import load_rubric, score_plan

    rubric = load_rubric("capstone")
    scores = []
    for rows in _capstone_plans():
        plan = plan_of(rows, budget=rubric.scenario.budget, audiences=rubric.scenario.audiences)
        if plan is not None and plan.activities:  # a blank or malformed plan never reaches the rubric
            scores.append(tuple((c.id, c.points) for c in score_plan(plan, rubric).criteria))
    return scores


def test_the_capstone_rubric_does_not_depend_on_modelling_assumptions(tmp_path, monkeypatch):
    """Other reach shares, internet-use shares and fit strengths (A1) give every plan the same points.

    The indicative costs stay: the budget criterion prices the plan with them, as the scenario says.
    """
    before = _capstone_scores()
    assert len(before) >= 4 and len(set(before)) > 1
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    for fname, pattern, value in (("audiences.yaml", r"(internet_access: )[\d.]+", r"\g<1>0.9"),
                                  ("stage_channels.yaml", r"(fit: )[\d.]+", r"\g<1>0.1"),
                                  ("channels.yaml", r"(\b[a-z_]+: )0?\.\d+(?=[,}])", r"\g<1>0.05")):
        path = data / fname
        text, count = re.subn(pattern, value, path.read_text(encoding="utf-8"))
        assert count > 5, fname
        path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("POLICYCOMM_DATA", str(data))
    assert _capstone_scores() == before


def test_the_judgement_places_are_found():
    judged = judgement_places()
    assert ("notebook", "01-truyen-thong-chinh-sach", "cau_7_de") in judged
    assert ("notebook", "09-bai-cuoi-khoa", "cau_2_de") in judged
    assert ("notebook", "01-truyen-thong-chinh-sach", "phap_ly") not in judged
    assert ("notebook", "08-ke-hoach-danh-gia", "cau_5_de") not in judged  # a tool exercise


def test_no_current_text_names_a_body_that_no_longer_exists():
    """Sở TT&TT, Bộ TT&TT and the district level appear only as former bodies (with 'trước đây', 'cũ', 'không còn')."""
    former = re.compile(r"Sở Thông tin và Truyền thông|Sở TT&TT|Bộ TT&TT|UBND (cấp )?huyện|Ủy ban nhân dân (cấp )?huyện")
    texts = [cell_text(c) for name in NOTEBOOKS if not name.startswith(("02-", "07-"))
             for c in notebook_cells(name)]
    texts += [q.model_dump_json() for q in load_bank() if q.module not in ("02", "07")]
    assert not [t[:80] for t in texts if former.search(t)]
