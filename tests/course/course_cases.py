"""The submissions every assignment is graded on, and what the source notebooks hide.

For every assignment directory in ``course/source`` (so modules added later are
covered without touching the tests):

``solution``  the source notebooks as they are, with the answers file their keys
              (``forms.key``) make: must get full marks;
``release``   the released notebooks untouched, no answers file: must get 0;
``nfd``       the solution with every answer in Unicode NFD (macOS, Windows keyboards);
``tone``      the solution with the other tone-mark placement (``hoà`` <-> ``hòa``);
``case-*``    the partial submissions declared in ``tests/course/cases/<assignment>.yaml``:
              the released notebooks with the answers a trainee saved through the forms
              (``answers:``), files as they are (``files:``, a broken answers file) and cells whose
              source the trainee changed (``cells:``).
"""
from __future__ import annotations

import os
import subprocess
import sys
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
CASES = Path(__file__).parent / "cases"
#: the assignments (names or module numbers) a local run is narrowed to: POLICYCOMM_ASSIGNMENTS="00-lam-quen,08"
_CHOSEN = set(filter(None, os.environ.get("POLICYCOMM_ASSIGNMENTS", "").split(",")))
#: every assignment of course/source, or those of POLICYCOMM_ASSIGNMENTS
ASSIGNMENTS = sorted(d.name for d in (COURSE / "source").iterdir() if d.is_dir() and not d.name.startswith(".")
                     and (not _CHOSEN or {d.name, d.name.split("-")[0]} & _CHOSEN))

SOLUTION_REGION = re.compile(r"^[ \t]*### BEGIN SOLUTION.*?^[ \t]*### END SOLUTION[^\n]*", re.S | re.M)
#: a task cell's mark scheme (the lecturer's only)
MARK_SCHEME_REGION = re.compile(r"^[ \t]*=== BEGIN MARK SCHEME ===.*?^[ \t]*=== END MARK SCHEME ===", re.S | re.M)

#: new-style (on the second vowel) <-> traditional (on the first vowel) tone placement
_PAIRS = []
for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
    for tone in "\u0300\u0301\u0309\u0303\u0323":
        new = unicodedata.normalize("NFC", first + second + tone)
        old = unicodedata.normalize("NFC", first + tone + second)
        _PAIRS += [(new, old), (new.upper(), old.upper()), (new.capitalize(), old.capitalize())]
_SWAP = {a: b for a, b in _PAIRS} | {b: a for a, b in _PAIRS}
_SWAP_PATTERN = re.compile("|".join(sorted(map(re.escape, _SWAP), key=len, reverse=True)))


def other_tone_placement(text: str) -> str:
    """Move tone marks between ``oa oe uy`` vowels: ``hoà`` <-> ``hòa``, ``thuỷ`` <-> ``thủy``."""
    return _SWAP_PATTERN.sub(lambda m: _SWAP[m.group(0)], unicodedata.normalize("NFC", text))


def to_nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def notebooks(course: Path, step: str, assignment: str) -> list[Path]:
    return sorted((course / step / assignment).glob("*.ipynb"))


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def hidden_lines(source: str) -> list[str]:
    """Lines of the solution, hidden-test and mark-scheme regions that would give an answer away.

    Lines shorter than 6 characters (``)``, ``"B"``) are left out: they cannot be
    told apart from ordinary text by a scan.
    """
    from policycomm.grading.hidden_tests import hidden_lines as hidden_test_lines

    lines = [line for region in SOLUTION_REGION.findall(source) + MARK_SCHEME_REGION.findall(source)
             for line in region.splitlines()[1:-1]]
    lines += hidden_test_lines(source)
    return [line.strip() for line in lines if len(line.strip()) >= 6 and not line.strip().startswith("#")]


@dataclass
class Submission:
    assignment: str
    student: str
    notebooks: dict[str, nbformat.NotebookNode]
    expected_total: float | None = None  # None: compared with another submission
    description: str = ""
    #: notebook name -> {exercise id: answer}, saved in the answers file as the forms save them
    answers: dict[str, dict] = field(default_factory=dict)
    #: other files of the submission, written as they are (relative path -> text)
    files: dict[str, str] = field(default_factory=dict)

    def write(self, course: Path) -> None:
        from policycomm.forms.keys import write_answers

        target = course / "submitted" / self.student / self.assignment
        target.mkdir(parents=True, exist_ok=True)
        for name, nb in self.notebooks.items():
            nbformat.write(nb, target / name)
        for name, answers in self.answers.items():
            write_answers(target, name, answers)
        for relative, text in self.files.items():
            (target / relative).write_text(text, encoding="utf-8")


def keys_of(notebooks: dict[str, nbformat.NotebookNode]) -> dict[str, dict]:
    """notebook name -> the answers its source's keys (``forms.key``) give, for notebooks that have keys."""
    from policycomm.forms.keys import answer_key

    return {name: key for name, nb in notebooks.items() if (key := answer_key(nb))}


def _transform_answer(value, transform):
    """``value`` (a saved answer: text, number, list, plan rows) with ``transform`` applied to every text in it."""
    if isinstance(value, str):
        return transform(value)
    if isinstance(value, list):
        return [_transform_answer(v, transform) for v in value]
    if isinstance(value, dict):
        return {k: _transform_answer(v, transform) for k, v in value.items()}
    return value


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def read_cases(assignment: str) -> dict:
    """The content of ``cases/<assignment>.yaml`` (empty if there is none); a clear error if it is not YAML."""
    path = CASES / f"{assignment}.yaml"
    if not path.exists():
        return {}
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValueError(f"{_shown(path)}{where}: not valid YAML ({getattr(exc, 'problem', exc)}); "
                         f"quote a text that contains ': ' or use a block (|)") from None
    if not isinstance(spec, dict) or not isinstance(spec.get("cases", {}), dict):
        raise ValueError(f"{_shown(path)}: expected a mapping with 'cases: {{name: {{cells, total}}}}'")
    return spec


def load_cases(assignment: str, released: dict[str, nbformat.NotebookNode]) -> list[Submission]:
    """The partial submissions declared in ``cases/<assignment>.yaml``, built on the released notebooks."""
    path = CASES / f"{assignment}.yaml"
    spec = read_cases(assignment)
    if not spec:
        return []
    notebook = spec.get("notebook") or (next(iter(released)) if len(released) == 1 else None)
    if notebook not in released:
        raise ValueError(f"{path}: 'notebook' must name one of {sorted(released)}, not {notebook!r}")
    found = []
    for name, case in (spec.get("cases") or {}).items():
        answers = case.get("answers") or {}
        if not isinstance(answers, dict):
            raise ValueError(f"{path}: case {name!r}: 'answers' maps exercise ids to answers, e.g. m00-cau-1: B")
        nb = nbformat.from_dict(released[notebook])
        cells = {c.get("id"): c for c in nb.cells}
        for cell_id, source in (case.get("cells") or {}).items():
            if cell_id not in cells:
                raise ValueError(f"{path}: case {name!r} replaces cell {cell_id!r}, which {notebook} does not have "
                                 f"(cell ids: {', '.join(sorted(k for k in cells if k))})")
            cells[cell_id].source = source.rstrip("\n")
        if not isinstance(case.get("total"), (int, float)):
            raise ValueError(f"{path}: case {name!r} needs 'total', the exact score it must get")
        others = {k: v for k, v in released.items() if k != notebook}
        found.append(Submission(assignment, f"case-{name}", {notebook: nb, **others}, case["total"],
                                case.get("why", ""), {notebook: answers} if answers else {},
                                {str(k): str(v) for k, v in (case.get("files") or {}).items()}))
    return found


def submissions_for(course: Path, assignment: str, with_cases: bool = True) -> list[Submission]:
    """Every submission of ``assignment`` that the course tests grade."""
    source = {p.name: nbformat.read(p, as_version=4) for p in notebooks(course, "source", assignment)}
    released = {p.name: nbformat.read(p, as_version=4) for p in notebooks(course, "release", assignment)}
    keys = keys_of(source)
    result = [Submission(assignment, "solution", source, answers=keys), Submission(assignment, "release", released, 0)]
    for student, transform in (("nfd", to_nfd), ("tone", other_tone_placement)):
        answers = {name: _transform_answer(key, transform) for name, key in keys.items()}
        if answers != keys:
            result.append(Submission(assignment, student, source, answers=answers))
    return result + (load_cases(assignment, released) if with_cases else [])


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the real ``nbgrader`` command in ``course``; fail with its output if it fails."""
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
               POLICYCOMM_EXCHANGE=str(course.parent / "exchange"))
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                            capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        pytest.fail(f"nbgrader {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return result
