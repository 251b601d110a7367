"""Grading on a real Dask cluster that the tests start on loopback (a scheduler and two workers).

The gradebook must be the one a local ``policycomm grade`` and serial
``nbgrader autograde`` give, cell by cell, also when a worker is killed while
it grades; an unreachable scheduler stops before anything is graded.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from policycomm.grading.cohort import GradingError, grade_cohort

from gradingkit import (ASSIGNMENTS, CORRECT, PARTIAL, cell_scores, gradebook_rows, kill_midway_and_resume, nbgrader,
                        slow_cohort_and_reference, submit)

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
#: answers that take a moment, so a worker can be killed while it grades
SLOW = {**CORRECT, "n_audiences": "import time\ntime.sleep(1.5)\nn_audiences = 9"}


def _start(*args: str, folder: Path) -> subprocess.Popen:
    log = open(folder / f"{args[0]}-{len(list(folder.iterdir()))}.log", "w")
    return subprocess.Popen([str(BIN / "dask"), *args], stdout=log, stderr=subprocess.STDOUT,
                            cwd=folder, start_new_session=True)


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two single-thread workers (no nanny: a killed worker stays dead) on 127.0.0.1."""
    folder = tmp_path / "dask"
    folder.mkdir()
    scheduler_file = folder / "scheduler.json"
    processes = [_start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                        "--scheduler-file", str(scheduler_file), folder=folder)]
    deadline = time.monotonic() + 60
    while not scheduler_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    address = json.loads(scheduler_file.read_text())["address"]
    workers = [_start("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
                      "--name", f"w{i}", "--local-directory", str(folder), folder=folder) for i in range(2)]
    processes += workers
    from distributed import Client

    with Client(address, timeout=30) as client:
        client.wait_for_workers(2, timeout=60)
    yield address, workers
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def _cohort(course: Path, slow: bool = False) -> Path:
    for assignment in ASSIGNMENTS:
        submit(course, "an", assignment, SLOW if slow else CORRECT)
        submit(course, "binh", assignment, PARTIAL)
        submit(course, "chi", assignment, {})
        submit(course, "dung", assignment, CORRECT, timestamp="2030-01-01 00:00:00.000000 UTC",
               edit=lambda name, nb: None if name == "messages" else nb)
    if slow:
        for index in range(6):
            submit(course, f"hv{index}", "ps1", SLOW)
    return course


def _copies(released_course, tmp_path, names, slow=False) -> list[Path]:
    courses = []
    for name in names:
        course = tmp_path / name / "course"
        shutil.copytree(released_course, course)
        courses.append(_cohort(course, slow))
    return courses


def test_a_cluster_stores_what_a_local_run_and_nbgrader_store(released_course, tmp_path, cluster):
    address, _ = cluster
    local, remote, reference = _copies(released_course, tmp_path, ("local", "remote", "reference"))
    for assignment in ASSIGNMENTS:
        done = nbgrader(reference, "autograde", assignment, "--force")
        assert done.returncode == 0, done.stderr[-3000:]
    grade_cohort(str(local), progress=False)
    summary = grade_cohort(str(remote), progress=False, scheduler=address)
    assert summary.graded == 8
    expected = gradebook_rows(reference)
    assert gradebook_rows(remote) == expected
    assert gradebook_rows(local) == expected
    assert cell_scores(expected)[("binh", "ps1", "channels", "channel_choice__top3_test")] == 2
    assert sorted(p.name for p in (remote / "autograded").rglob("*")) == \
        sorted(p.name for p in (local / "autograded").rglob("*"))


def test_a_worker_killed_while_grading_leaves_the_same_gradebook(released_course, tmp_path, cluster):
    address, workers = cluster
    local, remote = _copies(released_course, tmp_path, ("local", "remote"), slow=True)
    grade_cohort(str(local), progress=False)
    killer = threading.Timer(4.0, workers[0].kill)  # midway: each worker has notebooks in hand
    killer.start()
    summary = grade_cohort(str(remote), progress=False, scheduler=address)
    killer.join()
    assert workers[0].poll() is not None and summary.wall_s > 4.0, "the worker was not killed while grading"
    assert summary.graded == 14
    assert gradebook_rows(remote) == gradebook_rows(local)


def test_an_unreachable_scheduler_stops_before_grading(course):
    submit(course, "an", "ps1", CORRECT)
    with pytest.raises(GradingError) as stopped:
        grade_cohort(str(course), ["ps1"], progress=False, scheduler="tcp://127.0.0.1:9")
    message = str(stopped.value)
    assert "Không kết nối được" in message and "tcp://127.0.0.1:9" in message
    assert not (course / "autograded").exists()


def test_a_coordinator_killed_midway_resumes_to_the_same_gradebook(course, tmp_path, cluster):
    address, _ = cluster
    reference = slow_cohort_and_reference(course, tmp_path)
    kill_midway_and_resume(course, reference, "--scheduler", address)
