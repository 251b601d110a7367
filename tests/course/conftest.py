"""Grade every assignment of course/source once, with the real nbgrader command line.

The session fixture ``graded_course`` copies ``course/`` to a temporary
directory, runs ``nbgrader generate_assignment``, writes a batch of
submissions for every assignment (see :mod:`course_cases`), runs one
``nbgrader autograde`` and one ``nbgrader generate_feedback`` over all of them,
and reads the scores from the gradebook. Every test then looks at the result,
so the expensive part (about 2 s per submitted notebook) is paid once: under
pytest-xdist the workers of one run share the build (the first one to get the
lock builds, the others wait and read the result).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from course_cases import ASSIGNMENTS, COURSE, Submission, nbgrader, submissions_for  # noqa: E402

GENERATED_STEPS = ("release", "submitted", "autograded", "feedback", "gradebook.db")


@dataclass
class GradedCourse:
    root: Path
    submissions: dict[tuple[str, str], Submission] = field(default_factory=dict)
    scores: dict[tuple[str, str], float] = field(default_factory=dict)
    max_scores: dict[str, float] = field(default_factory=dict)
    #: assignment -> why its declared cases could not be built (the other assignments are still graded)
    case_errors: dict[str, str] = field(default_factory=dict)

    def feedback_files(self, assignment: str, student: str) -> list[Path]:
        return sorted((self.root / "feedback" / student / assignment).glob("*.html"))


@contextlib.contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory) -> Path:
    """One directory per test run, shared by the xdist workers of that run."""
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run_id:
        return tmp_path_factory.getbasetemp().parent / f"policycomm-course-{run_id}"
    return tmp_path_factory.mktemp("course-run")


@pytest.fixture(scope="session")
def released_course(build_dir) -> Path:
    """A temporary copy of course/ with every assignment generated into release/."""
    course = build_dir / "course"
    with _locked(build_dir / "release.lock"):
        if not (build_dir / "released.ok").exists():
            shutil.rmtree(course, ignore_errors=True)
            shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns(*GENERATED_STEPS, "__pycache__",
                                                                         ".ipynb_checkpoints"))
            nbgrader(course, "generate_assignment", "*", "--force")
            (build_dir / "released.ok").touch()
    return course


@pytest.fixture(scope="session")
def graded_course(released_course, build_dir) -> GradedCourse:
    """All submissions of all assignments, autograded and with feedback generated."""
    from nbgrader.api import Gradebook

    graded = GradedCourse(released_course)
    for assignment in ASSIGNMENTS:
        try:
            submissions = submissions_for(released_course, assignment)
        except ValueError as exc:  # a broken cases file: grade the rest, report it in its own test
            graded.case_errors[assignment] = str(exc)
            submissions = submissions_for(released_course, assignment, with_cases=False)
        for submission in submissions:
            graded.submissions[assignment, submission.student] = submission
    with _locked(build_dir / "grade.lock"):
        if not (build_dir / "graded.ok").exists():
            for submission in graded.submissions.values():
                submission.write(released_course)
            nbgrader(released_course, "autograde", "*")
            nbgrader(released_course, "generate_feedback", "*")
            (build_dir / "graded.ok").touch()
    with Gradebook(f"sqlite:///{released_course / 'gradebook.db'}", course_id="policycomm") as gradebook:
        for assignment, student in graded.submissions:
            graded.scores[assignment, student] = gradebook.find_submission(assignment, student).score
        for assignment in ASSIGNMENTS:
            graded.max_scores[assignment] = gradebook.find_assignment(assignment).max_score
    return graded
