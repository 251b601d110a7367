"""Small checks of the cohort grader's helpers and of each of its five steps on its own."""
from __future__ import annotations

import json
import os

from gradingkit import CORRECT, gradebook_rows, submit

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


# --------------------------------------------------------------------------- the five steps, one at a time


def _job(course, student: str, assignment: str = "ps1"):
    from policycomm.grading.cohort import Job, SubmissionResult

    return Job(assignment, student, SubmissionResult(assignment, student))


def _course(path):
    from policycomm.grading.cohort import Course, load_course_config

    return Course(str(path), load_course_config(str(path)))


def _done(function, *args):
    """Run now and hand back a finished future (what an executor's submit returns)."""
    from concurrent.futures import Future

    future = Future()
    future.set_result(function(*args))
    return future


def test_prepare_copies_regular_files_and_refuses_links(course):
    from policycomm.grading.cohort import prepare

    folder = submit(course, "an", "ps1", CORRECT)
    (folder / "notes.txt").write_text("ghi chú")
    (folder / "secret").symlink_to(course / "gradebook.db")
    grading = _course(course)
    try:
        job = _job(grading, "an")
        dest = prepare(grading, job)
    finally:
        grading.close()
    assert dest == str(course / "autograded" / "an" / "ps1")
    assert sorted(os.listdir(dest)) == ["notes.txt", "timestamp.txt"]  # notebooks come in later steps
    assert [(p.code, p.detail) for p in job.result.problems] == [("refused_file", "secret")]


def test_sanitise_restores_hidden_tests_and_names_what_it_cannot_grade(course):
    from policycomm.grading.cohort import Sanitiser, prepare
    from policycomm.grading.hidden_tests import hidden_lines, is_test_cell

    folder = submit(course, "an", "ps1", CORRECT)  # from the release: its test cells hold no hidden test
    assert "n_audiences == 9" not in (folder / "channels.ipynb").read_text()
    (folder / "messages.ipynb").write_text("{not json")
    (folder / "extra.ipynb").write_text((folder / "channels.ipynb").read_text())
    grading = _course(course)
    try:
        job = _job(grading, "an")
        job.dest = prepare(grading, job)
        notebooks = Sanitiser(grading)(job)
    finally:
        grading.close()
    assert list(notebooks) == ["channels"]
    assert {p.code for p in job.result.problems} == {"unreadable", "unknown_notebook"}
    assert job.unreadable == ["messages"]
    tests = [cell for cell in notebooks["channels"].cells if is_test_cell(cell)]
    assert any("assert n_audiences == 9" in hidden_lines(cell.source) for cell in tests)
    assert all(cell.outputs == [] for cell in notebooks["channels"].cells if cell.cell_type == "code")


def test_execute_sends_each_notebook_with_its_cell_kinds_to_the_pool(course):
    from policycomm.grading.cohort import Sanitiser, execute, prepare

    submit(course, "an", "ps1", CORRECT)
    grading = _course(course)
    try:
        job = _job(grading, "an")
        job.dest = prepare(grading, job)
        job.notebooks = Sanitiser(grading)(job)
    finally:
        grading.close()
    with WarmPool(1) as pool:
        execute(job, pool.run, Limits(timeout_cell=20), _done)
    assert job.order == ["channels", "messages"]
    runs = [future.result() for future in job.futures]
    code_cells = [c for c in job.notebooks["channels"].cells if c.cell_type == "code"]
    assert len(runs[0].cells) == len(code_cells)
    assert all(cell.status == "ok" for run in runs for cell in run.cells), runs
    assert runs[0].problem == ""


def test_finish_merges_outputs_keeps_only_verdicts_and_writes_read_only(course):
    from policycomm.grading.cohort import Finisher, Sanitiser, prepare
    from policycomm.grading.sandbox import CellRun, NotebookRun

    submit(course, "an", "ps1", CORRECT)
    grading = _course(course)
    try:
        job = _job(grading, "an")
        job.dest = prepare(grading, job)
        job.notebooks = {"channels": Sanitiser(grading)(job)["channels"]}
        cells = [c for c in job.notebooks["channels"].cells if c.cell_type == "code"]
        runs = [CellRun(execution_count=i + 1) for i in range(len(cells))]
        leaking = next(i for i, c in enumerate(cells) if c.metadata["nbgrader"]["grade_id"] == "n_audiences_test")
        runs[leaking].outputs = [{"output_type": "stream", "name": "stdout", "text": "assert n_audiences == 9\n"}]
        runs[-1].status = "timeout"
        job.order, job.futures = ["channels"], [_done(NotebookRun, runs)]
        executed = Finisher(grading)(job)
    finally:
        grading.close()
    merged = [c for c in executed["channels"].cells if c.cell_type == "code"]
    assert merged[leaking].outputs[0]["text"] == ""  # a test cell shows only the checks' verdicts
    assert merged[-1].outputs[-1]["ename"] == "CellTimeoutError"
    assert [(p.code, p.detail) for p in job.result.problems] == [("timeout", "channel_choice__top3_test")]
    written = course / "autograded" / "an" / "ps1" / "channels.ipynb"
    assert os.stat(written).st_mode & 0o777 == 0o444


def test_save_stores_the_grades_and_zeroes_a_missing_notebook(course):
    from policycomm.grading.cohort import Finisher, Saver, Sanitiser, execute, prepare

    submit(course, "an", "ps1", CORRECT, edit=lambda name, nb: None if name == "messages" else nb)
    grading = _course(course)
    try:
        job = _job(grading, "an")
        job.dest = prepare(grading, job)
        job.notebooks = Sanitiser(grading)(job)
        with WarmPool(1) as pool:
            execute(job, pool.run, Limits(timeout_cell=20), _done)
        Saver(grading)(job, Finisher(grading)(job))
    finally:
        grading.close()
    assert [p.code for p in job.result.problems] == ["missing_notebook"]
    rows = gradebook_rows(course)
    assert rows[("an", "ps1", "channels", "channel_choice__top3_test")][1] == 3
    assert rows[("an", "ps1", "messages", "messages__headline_test")][1] == 0
    assert job.result.score == 6 and job.result.max_score > job.result.score
