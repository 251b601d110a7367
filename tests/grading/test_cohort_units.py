"""Small, fast checks of the cohort grader's helpers."""
from __future__ import annotations

import json
import os

from policycomm.grading.cohort import JOURNAL, Problem, make_private, read_journal
from policycomm.grading.sandbox import Limits, WarmPool


def test_course_folder_is_made_private(tmp_path):
    course = tmp_path / "course"
    course.mkdir(mode=0o755)
    os.chmod(course, 0o755)
    make_private(str(course))
    assert os.stat(course).st_mode & 0o007 == 0


def test_journal_ignores_a_torn_last_line(tmp_path):
    (tmp_path / ".policycomm").mkdir()
    entry = {"assignment": "ps1", "student": "an", "fingerprint": "x", "score": 3.0, "max_score": 8.0,
             "problems": [], "status": "graded"}
    (tmp_path / JOURNAL).write_text(json.dumps(entry) + "\n" + '{"assignment": "ps1", "stud')
    assert read_journal(str(tmp_path)) == {("ps1", "an"): entry}


def test_every_problem_reads_as_a_sentence():
    for code in ("timeout", "unreadable", "missing_cell", "crashed", "duplicate_cell"):
        text = Problem(code, "ps1/channels.ipynb", "chi tiết").text()
        assert "{" not in text and text.endswith((".", ")"))


def test_notebook_limits_and_outputs_in_a_warm_sandbox():
    with WarmPool(1) as pool:
        run = pool.run([{"source": "print('xin chào')\n40 + 2"},
                        {"source": "import time\ntime.sleep(10)"},
                        {"source": "from IPython.display import display, Markdown\ndisplay(Markdown('**ok**'))"},
                        {"source": "import os\nos._exit(1)"},
                        {"source": "1"}],
                       [], Limits(timeout_cell=1, timeout_notebook=30))
    first, slow, shown, exits, after = run.cells
    assert first.outputs[0] == {"output_type": "stream", "name": "stdout", "text": "xin chào\n"}
    assert first.outputs[1]["data"] == {"text/plain": "42"} and first.outputs[1]["execution_count"] == 1
    assert slow.status == "timeout"
    assert shown.outputs[0]["data"]["text/markdown"] == "**ok**"
    assert exits.status == "killed" and after.status == "not_run" and run.problem == "crashed"


def test_a_lost_worker_is_replaced_and_its_notebook_left_for_resume():
    import threading

    with WarmPool(1) as pool:
        first = pool.workers[0]
        threading.Timer(2.0, first.process.kill).start()  # e.g. the host's OOM killer
        run = pool.run([{"source": "import time\ntime.sleep(8)"}, {"source": "1"}], [],
                       Limits(timeout_cell=20, timeout_notebook=60))
        assert run.problem == "worker_lost"
        assert pool.workers[0] is not first
        again = pool.run([{"source": "40 + 2"}], [], Limits(timeout_cell=20))
    assert again.problem == "" and again.cells[0].outputs[0]["data"] == {"text/plain": "42"}


def test_a_cell_stopped_while_printing_is_a_timeout():
    with WarmPool(1) as pool:
        run = pool.run([{"source": "while True:\n    print('x' * 100)"}], [],
                       Limits(timeout_cell=1, timeout_notebook=30, max_output_chars=1000))
    assert run.cells[0].status == "timeout"


def test_an_nbgrader_outside_the_checked_range_is_refused_in_vietnamese():
    import pytest

    from policycomm.grading.nbgrader_coupling import UnsupportedNbgrader, check_nbgrader_version

    check_nbgrader_version("0.9.6")
    for version in ("0.8.5", "0.10.0", "1.0"):
        with pytest.raises(UnsupportedNbgrader, match="cần nbgrader từ 0.9.5"):
            check_nbgrader_version(version)
