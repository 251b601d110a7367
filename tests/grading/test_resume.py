"""A grading run killed midway (SIGKILL of the whole process group) and resumed ends like an uninterrupted one."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policycomm.grading.cohort import JOURNAL, grade_cohort

from gradingkit import ASSIGNMENTS, CORRECT, PARTIAL, gradebook_rows, submit

pytestmark = pytest.mark.slow
POLICYCOMM = Path(sys.executable).parent / "policycomm"
SLOW = "import time\ntime.sleep(0.4)\n"


def _journal_lines(course: Path) -> int:
    path = course / JOURNAL
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def test_killed_run_resumes_to_the_same_gradebook(course, tmp_path):
    for number in range(8):
        answers = CORRECT if number % 2 else PARTIAL
        answers = {**answers, "n_audiences": SLOW + answers["n_audiences"]}
        for assignment in ASSIGNMENTS:
            submit(course, f"hv{number}", assignment, answers)
    reference = tmp_path / "reference"
    shutil.copytree(course, reference)
    grade_cohort(str(reference), progress=False)

    run = subprocess.Popen([str(POLICYCOMM), "grade", "--all", "--course", str(course), "--no-progress"],
                           start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while _journal_lines(course) < 3 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    graded_before_kill = _journal_lines(course)
    assert 3 <= graded_before_kill < 16, "the run was not interrupted midway"

    resumed = subprocess.run([str(POLICYCOMM), "grade", "--all", "--course", str(course), "--resume",
                              "--no-progress"], capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"bỏ qua {graded_before_kill} bài" in resumed.stdout
    assert gradebook_rows(course) == gradebook_rows(reference)
    for path in sorted((reference / "autograded").rglob("*.ipynb")):
        assert (course / "autograded" / path.relative_to(reference / "autograded")).exists()
