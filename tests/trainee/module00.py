"""Module 00 released and graded by the real nbgrader commands, for the tests of what a trainee reads of it.

Fixtures for the test modules that import them (``from module00 import released_00``): a ``conftest.py`` here
would clash with ``tests/course/conftest.py`` when both folders are named on pytest's command line
(``--doctest-modules`` imports each as the module ``conftest``)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "course"
MODULE = "00-lam-quen"


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the real ``nbgrader`` command in ``course``; fail with its output if it fails."""
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
               POLICYCOMM_EXCHANGE=str(course.parent / "exchange"))
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                            capture_output=True, text=True, timeout=1200)
    if result.returncode != 0:
        pytest.fail(f"nbgrader {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return result


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


@pytest.fixture
def artifacts(request) -> Path:
    """``test-artifacts/<test name>/`` at the repository root (git-ignored), emptied first: screenshots."""
    folder = ROOT / "test-artifacts" / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
