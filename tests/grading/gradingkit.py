"""Fixtures for cohort grading: a released copy of the fixture course and trainee submissions."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "course"
BIN = Path(sys.executable).parent
ASSIGNMENTS = ("ps1", "ps2")

#: answers of a trainee who gets everything right (grade_id of the solution cell -> source)
CORRECT = {
    "channel_choice__best_channel": "def best_channel(stage, audience):\n"
                                    "    return choose.recommend(stage, audience, top=1)[0].channel",
    "n_audiences": "n_audiences = 9",
    "channel_choice__top3": 'top_channels = [r.channel for r in choose.recommend("formulation", "businesses", top=3)]',
    "messages__headline": 'headline = "Tiêm chủng miễn phí cho trẻ em từ ngày 1/6"',
    "messages__why_pretest": "Để biết người dân có hiểu đúng thông điệp không.",
    "crisis__first_hour": 'first_hour = choose.recommend("crisis", "ethnic_mountain", top=1)[0].channel',
}
#: a trainee who gets some right, one partly (2 of 3 channels), some wrong
PARTIAL = {
    **CORRECT,
    "n_audiences": "n_audiences = 7",
    "channel_choice__top3": 'top_channels = [r.channel for r in choose.recommend("formulation", "businesses", top=2)]'
                            ' + ["sms"]',
    "crisis__first_hour": 'first_hour = "television"',
}


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run a real ``nbgrader`` command in ``course``."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True,
                          text=True, check=False, timeout=900)


@pytest.fixture(scope="session")
def released_course(tmp_path_factory) -> Path:
    """The fixture course after ``nbgrader generate_assignment`` (built once per session)."""
    course = tmp_path_factory.mktemp("released") / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    for assignment in ASSIGNMENTS:
        done = nbgrader(course, "generate_assignment", assignment, "--force")
        assert done.returncode == 0, done.stderr[-2000:]
    return course


@pytest.fixture
def course(released_course, tmp_path) -> Path:
    """A private copy of the released course, ready for submissions."""
    target = tmp_path / "course"
    shutil.copytree(released_course, target)
    return target


def answered(course: Path, assignment: str, notebook: str, answers: dict[str, str]):
    """The released notebook with the solution cells in ``answers`` filled in."""
    nb = nbformat.read(course / "release" / assignment / f"{notebook}.ipynb", as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers and cell.metadata["nbgrader"].get("solution"):
            cell.source = answers[grade_id]
    return nb


def submit(course: Path, student: str, assignment: str, answers: dict[str, str] | None = None,
           timestamp: str | None = "2026-11-20 10:00:00.000000 UTC", edit=None) -> Path:
    """Write ``submitted/<student>/<assignment>/`` from the release with ``answers``.

    ``edit(name, notebook)`` may change a notebook before it is written (return
    None to leave the file out, or bytes/str to write raw content).
    """
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted((course / "release" / assignment).glob("*.ipynb")):
        name = path.stem
        nb = answered(course, assignment, name, answers or {})
        content = edit(name, nb) if edit else nb
        if content is None:
            continue
        if isinstance(content, nbformat.NotebookNode):
            nbformat.write(content, folder / f"{name}.ipynb")
        else:
            (folder / f"{name}.ipynb").write_bytes(content if isinstance(content, bytes) else content.encode())
    if timestamp:
        (folder / "timestamp.txt").write_text(timestamp)
    return folder


def gradebook_rows(course: Path, db_url: str | None = None) -> dict:
    """(student, assignment, notebook, cell) -> (score, auto_score, manual_score, max_score, needs_manual_grade)."""
    from nbgrader.api import Gradebook

    rows = {}
    with Gradebook(db_url or f"sqlite:///{course}/gradebook.db") as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    rows[(submission.student.id, assignment.name, notebook.name, "late_penalty")] = \
                        notebook.late_submission_penalty
                    for grade in notebook.grades:
                        rows[(submission.student.id, assignment.name, notebook.name, grade.name)] = (
                            grade.score, grade.auto_score, grade.manual_score, grade.max_score,
                            grade.needs_manual_grade)
                    for comment in notebook.comments:
                        rows[(submission.student.id, assignment.name, notebook.name, "comment:" + comment.name)] = \
                            comment.auto_comment
    return rows


def cell_scores(rows: dict) -> dict:
    """Only the per-cell auto scores."""
    return {key: value[1] for key, value in rows.items() if isinstance(value, tuple)}


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL 15 server on a free loopback port, for the session; yields a db URL."""
    import socket
    import time

    pg_bin = Path("/usr/lib/postgresql/15/bin")
    if not (pg_bin / "initdb").exists():
        pytest.fail("PostgreSQL 15 is not installed (apt-get install postgresql-15)")
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="policycomm-pg-"))  # outside pytest's private tmp: postgres must reach it
    base.chmod(0o755)
    shutil.chown(base, "postgres", "postgres")
    data = base / "data"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def as_postgres(*cmd):
        return subprocess.run(["runuser", "-u", "postgres", "--", *map(str, cmd)], capture_output=True,
                              text=True, check=True, timeout=120)

    as_postgres(pg_bin / "initdb", "-A", "trust", "-U", "postgres", "-D", data)
    as_postgres(pg_bin / "pg_ctl", "-D", data, "-l", data.parent / "log", "-w", "-o",
                f"-h 127.0.0.1 -p {port} -k {data.parent}", "start")
    try:
        as_postgres(pg_bin / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "gradebook")
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/gradebook"
    finally:
        as_postgres(pg_bin / "pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_db(postgres_url):
    """A new, empty database on the session's PostgreSQL server, for one test; yields its URL."""
    import uuid

    import sqlalchemy

    name = f"gradebook_{uuid.uuid4().hex[:12]}"
    engine = sqlalchemy.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    yield f"{postgres_url.rsplit('/', 1)[0]}/{name}"


def slow_cohort_and_reference(course: Path, tmp_path: Path) -> Path:
    """Sixteen slowish submissions in ``course``, and a copy of it graded in one uninterrupted local run."""
    from policycomm.grading.cohort import grade_cohort

    slow = "import time\ntime.sleep(0.4)\n"
    for number in range(8):
        answers = CORRECT if number % 2 else PARTIAL
        answers = {**answers, "n_audiences": slow + answers["n_audiences"]}
        for assignment in ASSIGNMENTS:
            submit(course, f"hv{number}", assignment, answers)
    reference = tmp_path / "reference"
    shutil.copytree(course, reference)
    grade_cohort(str(reference), progress=False)
    return reference


def kill_midway_and_resume(course: Path, reference: Path, *options: str) -> None:
    """SIGKILL a `policycomm grade` run of ``course`` after a few submissions, resume it, compare with ``reference``."""
    import signal
    import time

    from policycomm.grading.cohort import JOURNAL

    def journal_lines() -> int:
        path = course / JOURNAL
        return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0

    command = [str(BIN / "policycomm"), "grade", "--all", "--course", str(course), "--no-progress", *options]
    run = subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while journal_lines() < 3 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    graded_before_kill = journal_lines()
    assert 3 <= graded_before_kill < 16, "the run was not interrupted midway"

    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"bỏ qua {graded_before_kill} bài" in resumed.stdout
    assert gradebook_rows(course) == gradebook_rows(reference)
    for path in sorted((reference / "autograded").rglob("*.ipynb")):
        assert (course / "autograded" / path.relative_to(reference / "autograded")).exists()
