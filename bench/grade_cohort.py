"""Benchmark: ``policycomm grade`` against serial ``nbgrader autograde`` on the same cohort.

Builds a cohort (default 130 trainees) for every assignment of a course with
a realistic mix of submissions (mostly correct, some partial, some untouched,
a few bad: an edited test cell, a missing notebook, code that raises), grades
one copy with ``nbgrader autograde`` (the anchor, serial) and another with
``policycomm grade --all`` in the same run, and prints as its last line a JSON
object: nbgrader_s, policycomm_s, ratio, identical (per-cell scores equal).

    python bench/grade_cohort.py --trainees 20
    python bench/grade_cohort.py --course tests/grading/fixtures/course --trainees 130
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_COURSE = ROOT / "course"
BIN = Path(sys.executable).parent
SOLUTION = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)
#: kind of submission -> share of the cohort
MIX = {"correct": 0.70, "partial": 0.15, "untouched": 0.07, "edited_test": 0.03, "missing_notebook": 0.03,
       "raises": 0.02}


def run(*args, cwd: Path) -> float:
    """Run a command, fail loudly, return its wall time."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    started = time.perf_counter()
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def solved(source_nb, released_nb, share: float, rng: random.Random, trainee: str):
    """The released notebook with a share of its exercises answered as in the source.

    Returns the notebook and the answers its forms would have saved ({exercise id:
    answer}, from the source's ``forms.key``, writing exercises in ``trainee``'s variant);
    an answer typed in a solution cell (a course without forms) is copied into the cell.
    """
    from policycomm.forms.keys import answer_key

    keys = answer_key(source_nb, trainee)
    typed = {c.metadata["nbgrader"]["grade_id"]: SOLUTION.sub("", c.source) for c in source_nb.cells
             if c.metadata.get("nbgrader", {}).get("solution") and "forms.key(" not in c.source}
    nb = nbformat.from_dict(json.loads(json.dumps(released_nb)))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in typed and rng.random() < share:
            cell.source = typed[grade_id]
    return nb, {exercise: answer for exercise, answer in keys.items() if rng.random() < share}


def build_cohort(course: Path, trainees: int, seed: int = 7) -> dict[str, int]:
    """Write submitted/<trainee>/<assignment>/ for every released assignment; returns counts per kind."""
    from policycomm.forms.keys import write_answers
    from policycomm.trainee.cells import form_ids

    rng = random.Random(seed)
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=trainees)
    for assignment_dir in sorted((course / "release").iterdir()):
        notebooks = sorted(assignment_dir.glob("*.ipynb"))
        for number, kind in enumerate(kinds):
            folder = course / "submitted" / f"hv{number:04d}" / assignment_dir.name
            folder.mkdir(parents=True)
            (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
            for index, path in enumerate(notebooks):
                released = nbformat.read(path, as_version=4)
                source = nbformat.read(course / "source" / assignment_dir.name / path.name, as_version=4)
                if kind == "missing_notebook" and index == 0:
                    continue
                nb, answers = solved(source, released, {"partial": 0.5, "untouched": 0.0}.get(kind, 1.0), rng,
                                     folder.parent.name)
                write_answers(folder, path.name, answers)
                for cell in nb.cells:
                    nbg = cell.metadata.get("nbgrader", {})
                    if kind == "edited_test" and nbg.get("grade") and not nbg.get("solution"):
                        cell.source = "pass"
                    if kind == "raises" and (nbg.get("solution") or form_ids(cell)):  # a form's cell: restored
                        cell.source = "raise ValueError('chưa làm xong')"
                nbformat.write(nb, folder / path.name)
    return {kind: kinds.count(kind) for kind in MIX}


def prepared_course(course: Path, trainees: int, work: Path) -> tuple[Path, list[str], dict]:
    """A released copy of ``course`` in ``work``/base with a cohort submitted: (folder, assignments, counts)."""
    os.chmod(work, 0o700)
    base = work / "base"
    shutil.copytree(course, base, ignore=shutil.ignore_patterns(
        "submitted", "autograded", "feedback", "gradebook.db", ".policycomm"))
    assignments = sorted(p.name for p in (base / "source").iterdir() if p.is_dir())
    for assignment in assignments:
        run(BIN / "nbgrader", "generate_assignment", assignment, "--force", cwd=base)
    return base, assignments, build_cohort(base, trainees)


def cell_scores(course: Path) -> dict:
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course}/gradebook.db") as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        scores[(submission.student.id, assignment.name, notebook.name, grade.name)] = (
                            grade.auto_score, grade.max_score, grade.needs_manual_grade)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", type=Path, default=DEFAULT_COURSE)
    parser.add_argument("--trainees", type=int, default=130)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temporary courses")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-grade-"))
    base, assignments, counts = prepared_course(args.course, args.trainees, work)
    anchor, ours = work / "nbgrader", work / "policycomm"
    shutil.copytree(base, anchor)
    shutil.copytree(base, ours)

    nbgrader_s = sum(run(BIN / "nbgrader", "autograde", assignment, "--force", cwd=anchor)
                     for assignment in assignments)
    policycomm_s = run(BIN / "policycomm", "grade", "--all", "--course", ours, "--jobs", args.jobs,
                       "--no-progress", cwd=ours)
    expected, actual = cell_scores(anchor), cell_scores(ours)
    identical = expected == actual and len(expected) > 0
    differing = sorted(k for k in set(expected) | set(actual) if expected.get(k) != actual.get(k))
    print(f"cohort: {args.trainees} trainees x {len(assignments)} assignments {counts}; "
          f"{len(expected)} grade cells; differing: {differing[:5]}", file=sys.stderr)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept {work}", file=sys.stderr)
    print(json.dumps({"trainees": args.trainees, "assignments": len(assignments),
                      "nbgrader_s": round(nbgrader_s, 2), "policycomm_s": round(policycomm_s, 2),
                      "ratio": round(nbgrader_s / policycomm_s, 2), "identical": identical}))


if __name__ == "__main__":
    main()
