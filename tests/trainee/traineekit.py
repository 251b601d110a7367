"""Module 00 released and graded by the real nbgrader commands, for the tests of what a trainee reads of it.

Test modules import these fixtures (``from traineekit import released_00, graded_00``).
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "course"))
from course_cases import nbgrader  # noqa: E402
COURSE = ROOT / "course"
MODULE = "00-lam-quen"


@pytest.fixture(scope="session")
def released_00(tmp_path_factory) -> Path:
    """A copy of the course holding module 00 only, generated into ``release/`` by ``nbgrader generate_assignment``."""
    course = tmp_path_factory.mktemp("module-00") / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(COURSE / "nbgrader_config.py", course)
    shutil.copytree(COURSE / "source" / MODULE, course / "source" / MODULE,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    nbgrader(course, "generate_assignment", MODULE, "--force")
    return course


@pytest.fixture(scope="session")
def graded_00(released_00) -> Path:
    """Module 00 submitted by the course tests' trainees (the solution, the untouched release, the declared
    cases of tests/course/cases/00-lam-quen.yaml), autograded and given feedback by nbgrader."""
    sys.path.insert(0, str(ROOT / "tests" / "course"))
    try:
        from course_cases import submissions_for
    finally:
        sys.path.pop(0)
    for submission in submissions_for(released_00, MODULE):
        submission.write(released_00)
    nbgrader(released_00, "autograde", MODULE)
    nbgrader(released_00, "generate_feedback", MODULE)
    return released_00
