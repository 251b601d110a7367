"""A trainee who submits twice: through nbgrader's real exchange, the newest submission is the one graded,
the earlier ones stay in the exchange, and a newer one not yet collected is named with what to do."""
from __future__ import annotations

import os
import subprocess

import nbformat
import pytest

from gradingkit import BIN, CORRECT, PARTIAL, answered, gradebook_rows, nbgrader


def _submit(course, home, student: str, answers: dict) -> None:
    """``nbgrader submit ps1`` by ``student`` from their own folder, with ``answers`` in the notebooks."""
    folder = home / student / "ps1"
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted((course / "release" / "ps1").glob("*.ipynb")):
        nbformat.write(answered(course, "ps1", path.stem, answers), folder / path.name)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run([str(BIN / "nbgrader"), "submit", "ps1", "--course", "policycomm-fixture",
                           "--student", student, f"--Exchange.root={course.parent / 'exchange'}"],
                          cwd=home / student, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def _grade(course) -> subprocess.CompletedProcess:
    graded = subprocess.run([str(BIN / "policycomm"), "grade", "ps1", "--resume", "--course", str(course),
                             "--no-progress"], capture_output=True, text=True, timeout=600)
    assert graded.returncode == 0, graded.stderr[-2000:]
    return graded


def _score(course, student: str) -> float:
    rows = gradebook_rows(course)
    return sum(value[0] or 0 for key, value in rows.items() if key[0] == student and isinstance(value, tuple))


@pytest.mark.slow
def test_the_newest_submission_is_graded_and_a_newer_uncollected_one_is_named(course, tmp_path):
    exchange, home = tmp_path / "exchange", tmp_path / "home"
    exchange.mkdir(mode=0o777)
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.Exchange.root = {str(exchange)!r}\nc.CollectApp.check_owner = False\n")
    assert nbgrader(course, "release_assignment", "ps1", "--force").returncode == 0

    _submit(course, home, "dao", PARTIAL)
    _submit(course, home, "dao", CORRECT)  # a second submission, later
    collected = nbgrader(course, "collect", "ps1")
    assert collected.returncode == 0, collected.stderr[-2000:]
    first = _grade(course)
    assert _score(course, "dao") == 7  # the newest (all autograded points), not the first (PARTIAL)
    inbound = sorted(os.listdir(exchange / "policycomm-fixture" / "inbound"))
    assert len(inbound) == 2 and all(name.startswith("dao+ps1+") for name in inbound)  # nothing lost
    assert "nộp lại" not in first.stdout

    _submit(course, home, "dao", PARTIAL)  # a third one after the lecturer collected
    waiting = _grade(course)
    assert "bỏ qua 1 bài" in waiting.stdout and _score(course, "dao") == 7  # not collected yet: still the second
    assert "dao/ps1: Bài ps1: học viên đã nộp lại lúc" in waiting.stdout
    assert "nbgrader collect --update ps1" in waiting.stdout

    updated = nbgrader(course, "collect", "--update", "ps1")
    assert updated.returncode == 0, updated.stderr[-2000:]
    regraded = _grade(course)
    assert "Đã chấm 1 bài, bỏ qua 0 bài" in regraded.stdout and "nộp lại" not in regraded.stdout
    assert _score(course, "dao") < 7  # the newest, PARTIAL, replaced the grades
    assert len(os.listdir(exchange / "policycomm-fixture" / "inbound")) == 3
