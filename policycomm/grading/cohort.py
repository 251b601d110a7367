"""Grade a whole cohort the way ``nbgrader autograde`` does, in parallel and isolated.

For every ``submitted/<student>/<assignment>/`` folder the grader applies
nbgrader's own steps and preprocessors, in nbgrader's order, as five named steps:

1. :func:`prepare`: copy the submission's other files, then the course's
   ``source/`` files (except ``Autograde.exclude_overwriting``), into ``autograded/``;
2. :class:`Sanitiser`: each known notebook through ClearOutput, DeduplicateIds,
   OverwriteKernelspec, OverwriteCells (locked and test cells, hidden tests
   included, come back from the gradebook) and CheckCellMetadata;
3. :func:`execute`: run it in a child forked from a warm worker (see
   :mod:`policycomm.grading.sandbox`) instead of a fresh Jupyter kernel;
4. :class:`Finisher`: merge the outputs, IgnorePattern and LimitOutput, then
   write ``autograded/<student>/<assignment>/``;
5. :class:`Saver`: SaveAutoGrades, AssignLatePenalties and CheckCellMetadata
   into the gradebook, as one transaction (a blank written answer is 0 at
   once: :mod:`policycomm.grading.written`).

:class:`CohortRun` drives the steps over every submission.

Only this process touches the gradebook; each submission's writes are one
transaction, recorded afterwards in a journal (``.policycomm/grade-journal.jsonl``
in the course folder) so ``resume=True`` skips what is already stored.

Where nbgrader gives up on a submission (unreadable notebook, dead kernel,
bad metadata) this grader is deliberately stricter and saner: the notebook
gets zero for the cells it could not grade and the journal says why, while
the other notebooks and trainees are graded normally. A grade cell deleted by
the trainee gets zero (nbgrader leaves it without a score).

>>> Problem("timeout", "ps1/channels.ipynb", "3").text().startswith("Bài ps1/channels.ipynb")
True
"""
from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field

from ..messages import CodedError, message
from .hidden_tests import is_test_cell, keep_only_check_messages
from .nbgrader_coupling import FlushOnCommit, UnsupportedNbgrader, check_nbgrader_version, share_gradebook
from .sandbox import Limits, NotebookRun, WarmPool

log = logging.getLogger("policycomm.grade")

JOURNAL = os.path.join(".policycomm", "grade-journal.jsonl")

#: problems that mean the submission did not run as written (counted as failures)
SERIOUS = {"no_notebooks", "unreadable", "bad_metadata", "timeout", "timeout_notebook", "killed", "crashed",
           "protocol", "error", "missing_notebook", "unknown_notebook", "refused_file", "tampering", "worker_lost"}

ERROR_ON_TIMEOUT = {"ename": "CellTimeoutError", "evalue": "",
                    "traceback": ["\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"]}


@dataclass
class Problem:
    """Something wrong with one submission, for the lecturer's report."""

    code: str
    notebook: str = ""
    detail: str = ""

    def text(self) -> str:
        """What the lecturer reads, in the current language (``messages/cohort.yaml``)."""
        from ..messages import catalogue

        code = f"problem_{self.code}" if f"problem_{self.code}" in catalogue() else "problem_unknown"
        return message(code, notebook=self.notebook, detail=self.detail)


@dataclass
class SubmissionResult:
    """How one trainee's assignment was graded."""

    assignment: str
    student: str
    fingerprint: str = ""
    score: float = 0.0
    max_score: float = 0.0
    problems: list = field(default_factory=list)
    status: str = "graded"  # graded | failed | empty (no notebook submitted: nothing stored)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_dict(cls, entry: dict) -> "SubmissionResult":
        return cls(**{**entry, "problems": [Problem(**p) for p in entry.get("problems", [])]})


@dataclass
class CohortSummary:
    """What a grading run did."""

    graded: int = 0
    skipped: int = 0
    failed: int = 0
    results: list = field(default_factory=list)
    wall_s: float = 0.0


# --------------------------------------------------------------------------- entry point


def grade_cohort(course_dir: str = ".", assignments: list[str] | None = None, *, db_url: str | None = None,
                 jobs: int = 2, limits: Limits | None = None, resume: bool = False,
                 progress: bool = True, unsafe: bool = False, scheduler: str | None = None) -> CohortSummary:
    """Autograde every submission of ``assignments`` (all when None) in ``course_dir``.

    Results land in the same gradebook and ``autograded/`` folders as
    ``nbgrader autograde`` would write. Trainee code runs in bubblewrap
    sandboxes; ``unsafe=True`` runs it without them (only where the host
    forbids them and the lecturer accepts the risk). With ``scheduler`` (a Dask
    address such as ``tcp://host:8786``) the notebooks run on that cluster's
    workers, each in the same sandbox, and only this process writes the gradebook.
    """
    from .isolation import SandboxUnavailable

    course_dir = os.path.abspath(course_dir)
    started = time.monotonic()
    try:
        check_nbgrader_version()
    except UnsupportedNbgrader as exc:
        raise GradingError.of(exc) from None
    config = load_course_config(course_dir)
    submissions = find_submissions(course_dir, config, assignments)
    if not submissions:
        every = (message("gr_every_assignment", "vi"), message("gr_every_assignment", "en"))
        raise GradingError("gr_no_submissions", folder=os.path.join(course_dir, "submitted"),
                           assignments=", ".join(assignments) if assignments else every)
    limits = limits or Limits(timeout_cell=float(config_value(config, "Execute", "timeout", 30) or 30))
    preload = course_imports(course_dir, config)
    try:
        if scheduler:
            from .cluster import ClusterPool, SchedulerUnreachable

            try:
                pool = ClusterPool(scheduler, preload=preload, unsafe=unsafe)
            except SchedulerUnreachable as exc:
                raise GradingError.of(exc) from None
        else:
            pool = WarmPool(jobs, preload=preload, unsafe=unsafe)
    except SandboxUnavailable as exc:
        raise GradingError.of(exc) from None
    if unsafe:
        log.warning(message("gr_unsafe_warning"))
    try:
        if os.geteuid() == 0:
            make_private(course_dir)
        grader = CohortRun(course_dir, config, db_url, pool, limits, waiting_in_exchange(config))
        with grader, _journal(course_dir, resume) as journal:
            done = read_journal(course_dir) if resume else {}
            return grader.run(submissions, journal, done, progress, started)
    finally:
        pool.close()


class GradingError(CodedError):
    """A problem with the course or the command line that stops grading."""

    @classmethod
    def of(cls, error: CodedError) -> "GradingError":
        """The same message, as a grading error."""
        return cls(error.code, **error.fields)


# --------------------------------------------------------------------------- course files


def load_course_config(course_dir: str):
    """The course's ``nbgrader_config.py`` as a traitlets Config (empty if absent)."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    if not os.path.exists(os.path.join(course_dir, "nbgrader_config.py")):
        return Config()
    try:
        return PyFileConfigLoader("nbgrader_config.py", path=course_dir).load_config()
    except Exception as exc:
        raise GradingError("gr_bad_config", path=os.path.join(course_dir, "nbgrader_config.py"), error=exc) from exc


def course_db_url(course_dir: str, config) -> str:
    """The gradebook the course's configuration names (nbgrader's default: ``gradebook.db`` in the course)."""
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=config, root=course_dir).db_url


def alembic_on_path() -> None:
    """Put this Python's ``bin`` on PATH: nbgrader runs ``alembic`` there when it creates a gradebook."""
    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def config_value(config, section: str, name: str, default):
    return config[section][name] if section in config and name in config[section] else default


def find_submissions(course_dir: str, config, assignments: list[str] | None) -> list[tuple[str, str]]:
    """Sorted (assignment, student) pairs that have a folder under ``submitted/``."""
    submitted = config_value(config, "CourseDirectory", "submitted_directory", "submitted")
    pairs = []
    for path in glob.glob(os.path.join(course_dir, submitted, "*", "*")):
        student, assignment = path.split(os.sep)[-2:]
        if os.path.isdir(path) and (not assignments or assignment in assignments):
            pairs.append((assignment, student))
    return sorted(pairs)


def waiting_in_exchange(config) -> dict:
    """(assignment, student) -> the time of the newest submission in nbgrader's exchange (its inbound folder).

    ``nbgrader submit`` keeps every submission there, ``<student>+<assignment>+<time>+<random>``, and
    ``nbgrader collect`` copies the newest into ``submitted/``, but only with ``--update`` once a copy is
    there. Empty when the course has no readable exchange (no hub, or not the lecturer's).
    """
    from nbgrader.exchange.default.exchange import Exchange
    from nbgrader.utils import parse_utc

    root = config_value(config, "Exchange", "root", Exchange.class_traits()["root"].default_value)
    course_id = config_value(config, "CourseDirectory", "course_id", "")
    newest = {}
    if not course_id:
        return newest
    for path in glob.glob(os.path.join(glob.escape(os.path.join(root, course_id, "inbound")), "*+*+*")):
        parts = os.path.basename(path).rsplit("+", 3)  # as nbgrader's ExchangeCollect reads the name
        try:
            key, when = (parts[1], parts[0]), parse_utc(parts[2])
        except (IndexError, ValueError):
            continue
        if key not in newest or when > newest[key]:
            newest[key] = when
    return newest


def course_imports(course_dir: str, config) -> tuple[str, ...]:
    """Top-level modules the released notebooks import (warm workers preload them)."""
    release = config_value(config, "CourseDirectory", "release_directory", "release")
    names = set()
    pattern = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", re.M)
    for path in glob.glob(os.path.join(course_dir, release, "*", "*.ipynb")):
        try:
            with open(path, encoding="utf-8") as handle:
                notebook = json.load(handle)
        except (OSError, ValueError):
            continue
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") == "code":
                source = "".join(cell.get("source", ""))
                names.update(a or b for a, b in pattern.findall(source))
    return tuple(sorted(names))


def make_private(course_dir: str) -> None:
    """Remove access for others (o-rwx) to the course folder, so sandboxed code cannot read it."""
    mode = os.stat(course_dir).st_mode
    if mode & 0o007:
        log.warning(message("gr_course_made_private", folder=course_dir))
        os.chmod(course_dir, mode & ~0o007)


def fingerprint(folder: str) -> str:
    """A hash of the names, sizes and modification times of a submission's files."""
    digest = hashlib.sha1()
    for dirpath, dirnames, filenames in sorted(os.walk(folder)):
        dirnames.sort()
        for name in sorted(filenames):
            stat = os.stat(os.path.join(dirpath, name))
            digest.update(f"{os.path.relpath(os.path.join(dirpath, name), folder)}\0{stat.st_size}\0"
                          f"{stat.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


@contextlib.contextmanager
def _journal(course_dir: str, resume: bool):
    """The progress journal: open for appending, locked against a second grader."""
    import fcntl

    path = os.path.join(course_dir, JOURNAL)
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    handle = open(path, "a+" if resume else "w", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise GradingError("gr_locked", path=path)
    try:
        yield handle
    finally:
        handle.close()


def read_journal(course_dir: str) -> dict[tuple[str, str], dict]:
    """Latest journal entry per (assignment, student); a torn last line is ignored."""
    entries = {}
    path = os.path.join(course_dir, JOURNAL)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                entries[(entry["assignment"], entry["student"])] = entry
    return entries


# --------------------------------------------------------------------------- one submission, step by step
#
# A submission goes through five steps, each below with its own docstring:
# prepare (files) -> Sanitiser (nbgrader's preprocessors before running) -> execute (in the sandbox pool)
# -> Finisher (outputs merged, nbgrader's preprocessors after running, files written) -> Saver (the gradebook).
# CohortRun drives them over every submission.


@dataclass
class Job:
    """One submission on its way through the steps."""

    assignment: str
    student: str
    result: SubmissionResult
    dest: str = ""  # autograded/<student>/<assignment>/
    notebooks: dict = field(default_factory=dict)  # name -> sanitised notebook
    order: list = field(default_factory=list)  # names of the notebooks sent to the pool, in order
    futures: list = field(default_factory=list)  # their runs, in the same order
    unreadable: list = field(default_factory=list)  # names of the notebooks that could not be graded


class Course:
    """What the steps share: nbgrader's course directory, the gradebook and the course's configuration.

    While it is open, nbgrader's preprocessors write into this one gradebook
    (:func:`~policycomm.grading.nbgrader_coupling.share_gradebook`); ``close()`` undoes that.
    """

    def __init__(self, course_dir: str, config, db_url: str | None = None):
        alembic_on_path()
        from nbgrader.api import Gradebook
        from nbgrader.coursedir import CourseDirectory

        self.config = config
        self.coursedir = CourseDirectory(config=config, root=course_dir)
        self.db_url = db_url or self.coursedir.db_url
        self.coursedir.db_url = self.db_url
        self.gradebook = Gradebook(self.db_url, self.coursedir.course_id)
        self._sharing = share_gradebook(self.gradebook)

    def close(self) -> None:
        self._sharing.undo()
        self.gradebook.close()

    def folder(self, step: str, student: str, assignment: str) -> str:
        """``<step>/<student>/<assignment>`` as the course names it (``step``: "submitted", "autograded", …)."""
        return self.coursedir.format_path(getattr(self.coursedir, f"{step}_directory"), student, assignment)

    def resources(self, job: Job, notebook: str) -> dict:
        """The resources nbgrader's preprocessors expect for ``notebook`` of ``job``."""
        return {"unique_key": notebook, "output_files_dir": f"{notebook}_files",
                "metadata": {"path": job.dest, "name": notebook},
                "nbgrader": {"student": job.student, "assignment": job.assignment, "notebook": notebook,
                             "db_url": self.db_url}}


def _preprocessors(config, names: tuple[str, ...]) -> list:
    from nbgrader import preprocessors as pp

    return [getattr(pp, name)(config=config) for name in names]


# ---------------------------------------------------------------- step 1: prepare


def prepare(course: Course, job: Job) -> str:
    """Step 1, nbgrader's file step: the submission's other files, then the source's, into autograded/.

    Only regular files of the submission are copied; a link, device, FIFO or
    socket is refused and named in the report. Files of the source listed in
    ``Autograde.exclude_overwriting`` are not copied over the trainee's.
    Returns the autograded folder (emptied first).
    """
    from nbgrader.utils import find_all_files

    coursedir = course.coursedir
    submitted = course.folder("submitted", job.student, job.assignment)
    dest = course.folder("autograded", job.student, job.assignment)
    source = coursedir.format_path(coursedir.source_directory, ".", job.assignment)
    if os.path.exists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    exclude = config_value(course.config, "Autograde", "exclude_overwriting", {})
    excluded = {os.path.join(source, name) for name in exclude.get(job.assignment, [])}
    copies = [(submitted, path) for path in find_all_files(submitted, coursedir.ignore + ["*.ipynb"])
              if is_regular(submitted, path, job)]
    copies += [(source, path) for path in find_all_files(source, coursedir.ignore + ["*.ipynb"])
               if path not in excluded]
    for root, path in copies:
        target = os.path.join(dest, os.path.relpath(path, root))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.lexists(target):
            os.remove(target)
        shutil.copy(path, target)
    return dest


def is_regular(root: str, path: str, job: Job) -> bool:
    """True for a regular file inside ``root`` reached without links; else a refused_file problem."""
    import stat

    relative = os.path.relpath(path, root)
    parts = relative.split(os.sep)
    for depth in range(1, len(parts) + 1):
        mode = os.lstat(os.path.join(root, *parts[:depth])).st_mode
        if stat.S_ISLNK(mode) or (depth == len(parts) and not stat.S_ISREG(mode)):
            job.result.problems.append(Problem("refused_file", job.assignment, relative))
            return False
    return True


# ---------------------------------------------------------------- step 2: sanitise


class Sanitiser:
    """Step 2: read each submitted notebook and apply nbgrader's preprocessors that come before running.

    ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells (locked
    and test cells, hidden tests included, come back from the gradebook) and
    CheckCellMetadata, in nbgrader's order. A notebook that is not part of the
    assignment, not a regular file, unreadable or with broken metadata is left
    out with its problem; :class:`Saver` gives it zero.
    """

    STEPS = ("ClearOutput", "DeduplicateIds", "OverwriteKernelspec", "OverwriteCells", "CheckCellMetadata")

    def __init__(self, course: Course):
        self.course = course
        self.preprocessors = _preprocessors(course.config, self.STEPS)

    def __call__(self, job: Job) -> dict:
        """name -> sanitised notebook, for the notebooks of ``job`` that can be graded."""
        import nbformat

        submitted = self.course.folder("submitted", job.student, job.assignment)
        known = {notebook.name for notebook in self.course.gradebook.find_assignment(job.assignment).notebooks}
        notebooks = {}
        for path in sorted(glob.glob(os.path.join(glob.escape(submitted), "*.ipynb"))):
            name = os.path.splitext(os.path.basename(path))[0]
            label = f"{job.assignment}/{name}.ipynb"
            if name not in known:
                job.result.problems.append(Problem("unknown_notebook", label))
                continue
            if not is_regular(submitted, path, job):
                job.unreadable.append(name)
                continue
            try:
                with open(path, "rb") as handle:
                    raw = handle.read()
                notebook = nbformat.reads(raw.decode("utf-8"), as_version=4)
            except Exception as exc:
                job.result.problems.append(Problem("unreadable", label, _short(exc)))
                job.unreadable.append(name)
                continue
            resources = self.course.resources(job, name)
            try:
                for preprocessor in self.preprocessors:
                    notebook, resources = preprocessor(notebook, resources)
                    if type(preprocessor).__name__ == "DeduplicateIds":
                        self.unmark_duplicates(notebook, label, job.result)
            except Exception as exc:  # e.g. SchemaTooOldError, MissingEntry from CheckCellMetadata/OverwriteCells
                job.result.problems.append(Problem("bad_metadata", label, _short(exc)))
                job.unreadable.append(name)
                continue
            notebooks[name] = notebook
        return notebooks

    @staticmethod
    def unmark_duplicates(notebook, label: str, result: SubmissionResult) -> None:
        """Make the copies DeduplicateIds emptied plain cells.

        nbgrader leaves ``nbgrader: {}`` on them, which CheckCellMetadata then
        rejects as an outdated schema, stopping the whole run; here the last
        copy is graded, as DeduplicateIds intends, and the others are ordinary cells.
        """
        for index, cell in enumerate(notebook.cells):
            if cell.metadata.get("nbgrader", None) == {}:
                del cell.metadata["nbgrader"]
                result.problems.append(Problem("duplicate_cell", label, str(index + 1)))


# ---------------------------------------------------------------- step 3: execute


def execute(job: Job, run, limits: Limits, submit) -> None:
    """Step 3: send the code cells of each sanitised notebook, with the folder's other files, to be run.

    ``run(cells, files, limits, env)`` runs one notebook (a pool's ``run``);
    ``submit(function, *args)`` schedules it and returns a future (an
    executor's ``submit``). The futures land in ``job.futures``, in the order
    of ``job.order``. Each cell goes with its kind (test, locked or trainee),
    which decides how the sandbox isolates it. The kernel's environment names the trainee
    (:data:`~policycomm.model.variants.TRAINEE_VARIABLE`), whose own variant of each scenario the hidden tests grade.
    """
    from ..model.variants import TRAINEE_VARIABLE

    env = {"NBGRADER_EXECUTION": "autograde", TRAINEE_VARIABLE: job.student}
    files = _regular_files(job.dest) if job.notebooks else []
    for name, notebook in job.notebooks.items():
        cells = [{"source": cell.source, "kind": _kind(cell)} for cell in notebook.cells if cell.cell_type == "code"]
        job.futures.append(submit(run, cells, files, limits, env))
        job.order.append(name)


# ---------------------------------------------------------------- step 4: finish


class Finisher:
    """Step 4: put each run's outputs into its notebook, apply nbgrader's IgnorePattern and LimitOutput,
    and write the notebooks into autograded/ with the course's permissions."""

    STEPS = ("IgnorePattern", "LimitOutput")

    def __init__(self, course: Course):
        self.course = course
        self.preprocessors = _preprocessors(course.config, self.STEPS)
        self.permissions = int(str(config_value(
            course.config, "Autograde", "permissions", 664 if course.coursedir.groupshared else 444)), 8)

    def __call__(self, job: Job) -> dict:
        """name -> executed notebook, written to ``job.dest``."""
        import nbformat

        executed = {}
        for name, future in zip(job.order, job.futures):
            notebook = job.notebooks[name]
            merge_outputs(notebook, future.result(), f"{job.assignment}/{name}.ipynb", job.result)
            resources = self.course.resources(job, name)
            for preprocessor in self.preprocessors:
                notebook, resources = preprocessor(notebook, resources)
            executed[name] = notebook
        for name, notebook in executed.items():
            nbformat.write(notebook, os.path.join(job.dest, f"{name}.ipynb"))
        for dirpath, _, filenames in os.walk(job.dest):
            for filename in filenames:
                os.chmod(os.path.join(dirpath, filename), self.permissions)
        return executed


def merge_outputs(notebook, run: NotebookRun, label: str, result: SubmissionResult) -> None:
    """Put a run's outputs into the notebook as nbclient and nbgrader's Execute would.

    Test cells keep only what a trainee may see (:func:`keep_only_check_messages`);
    trainee outputs after a test that ran beside trainee code are blanked; a
    timeout, a dead or stopped run and an error hidden from the outputs become
    error outputs (which nbgrader scores as failures) and problems for the report.
    """
    import nbformat
    import platform

    notebook.metadata["language_info"] = {
        "codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
        "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3", "version": platform.python_version()}
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    exposed = False  # once a test ran beside trainee code, later trainee outputs may quote it
    for cell, ran in zip(code_cells, run.cells):
        where = str(cell.metadata.get("nbgrader", {}).get("grade_id") or code_cells.index(cell) + 1)
        cell.outputs = [nbformat.from_dict(output) for output in ran.outputs]
        cell.execution_count = ran.execution_count
        if ran.started:
            cell.metadata["execution"] = {"iopub.execute_input": ran.started,
                                          "iopub.status.busy": ran.started,
                                          "iopub.status.idle": ran.finished,
                                          "shell.execute_reply": ran.finished}
        if ran.tampered:
            result.problems.append(Problem("tampering", label, f"{where} ({', '.join(ran.tampered)})"))
        if _kind(cell) == "test":
            keep_only_check_messages(cell, trusted=not ran.exposed)
            exposed = exposed or ran.exposed
        elif exposed and _kind(cell) == "trainee":
            _blank_outputs(cell)
        if any("output truncated by the grader" in str(o.get("text", "")) for o in ran.outputs):
            result.problems.append(Problem("output_truncated", label, where))
        if ran.status == "timeout":
            result.problems.append(Problem("timeout", label, where))
            _append_error(cell, ERROR_ON_TIMEOUT)
        elif ran.status == "error":
            if not any(o.output_type == "error" and o.ename == ran.ename for o in cell.outputs):
                if is_test_cell(cell):
                    result.problems.append(Problem("hidden_error", label, where))
                _append_error(cell, {"ename": ran.ename, "evalue": ran.evalue, "traceback": ran.traceback
                                     or ["ERROR: An error occurred while showtraceback was disabled"]})
        elif ran.status == "killed":
            name = "CellTimeoutError" if run.problem == "timeout_notebook" else "DeadKernelError"
            _append_error(cell, {"ename": name, "evalue": run.detail or run.problem,
                                 "traceback": [f"{name}: {run.detail or run.problem}"]})
        elif ran.status == "not_run":
            _append_error(cell, {"ename": "NotRun", "evalue": "an earlier cell stopped the notebook",
                                 "traceback": ["NotRun: an earlier cell stopped the notebook"]})
    if run.problem:
        result.problems.append(Problem(run.problem, label, run.detail))
    if run.problem == "worker_lost":  # not the trainee's doing as far as we know: --resume grades it again
        result.status = "failed"


# ---------------------------------------------------------------- step 5: save


class Saver:
    """Step 5: every gradebook write of one submission, as one transaction.

    The submission (with its timestamp), then nbgrader's SaveAutoGrades (as
    :class:`~policycomm.grading.written.SaveFormGrades`: a blank written answer
    is 0 at once), AssignLatePenalties and CheckCellMetadata on each executed
    notebook; a
    notebook that could not be graded, and a grade cell the trainee deleted,
    get zero. Sets the result's score and maximum.
    """

    STEPS = ("AssignLatePenalties", "CheckCellMetadata")

    def __init__(self, course: Course):
        self.course = course
        from .written import SaveFormGrades

        self.preprocessors = [SaveFormGrades(config=course.config), *_preprocessors(course.config, self.STEPS)]

    def __call__(self, job: Job, executed: dict) -> None:
        gradebook, result = self.course.gradebook, job.result
        try:
            submitted = self.course.folder("submitted", job.student, job.assignment)
            timestamp = self.course.coursedir.get_existing_timestamp(submitted)
        except BaseException as exc:  # nbgrader exits on an invalid timestamp.txt
            result.problems.append(Problem("bad_timestamp", job.assignment, _short(exc)))
            timestamp = None
        session = gradebook.db
        gradebook.db = FlushOnCommit(session)
        try:
            gradebook.update_or_create_student(job.student)
            # nbgrader's add_submission builds the new submission's rows before adding it to the session, and
            # reading ``submission.assignment.notebooks`` meanwhile autoflushes; SQLAlchemy >= 2.0.19 warns
            # about that ("SAWarning: Object of type <SubmittedAssignment> not in session", sqlalchemy#10090)
            # although nothing is lost: the rows are added and committed right after. No autoflush here.
            with session.no_autoflush:
                if timestamp:
                    gradebook.update_or_create_submission(job.assignment, job.student, timestamp=timestamp)
                else:
                    gradebook.update_or_create_submission(job.assignment, job.student)
            for notebook in gradebook.find_assignment(job.assignment).notebooks:
                if notebook.name not in executed:
                    self.zero_notebook(job, notebook.name)
            for name, notebook in executed.items():
                resources = self.course.resources(job, name)
                for preprocessor in self.preprocessors:
                    notebook, resources = preprocessor(notebook, resources)
                self.zero_deleted_cells(job, name, notebook)
            submission = gradebook.find_submission(job.assignment, job.student)
            result.score, result.max_score = float(submission.score), float(submission.max_score)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            gradebook.db = session

    def zero_notebook(self, job: Job, name: str) -> None:
        """Zero for every grade of a notebook that was not graded (missing or unreadable)."""
        if name not in job.unreadable:
            job.result.problems.append(Problem("missing_notebook", f"{job.assignment}/{name}.ipynb"))
        notebook = self.course.gradebook.find_submission_notebook(name, job.assignment, job.student)
        for grade in notebook.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
        self.course.gradebook.db.commit()

    def zero_deleted_cells(self, job: Job, name: str, notebook) -> None:
        """Zero for each grade or task cell missing from the executed notebook (nbgrader leaves it without a
        score)."""
        from nbgrader.utils import is_grade, is_task

        present = {cell.metadata.nbgrader.get("grade_id") for cell in notebook.cells if is_grade(cell) or is_task(cell)}
        submitted = self.course.gradebook.find_submission_notebook(name, job.assignment, job.student)
        for grade in submitted.grades:
            if grade.name not in present:
                job.result.problems.append(Problem("missing_cell", f"{job.assignment}/{name}.ipynb", grade.name))
                grade.auto_score = 0
                grade.needs_manual_grade = False
        self.course.gradebook.db.commit()


# --------------------------------------------------------------------------- the run


class CohortRun:
    """One grading run: the five steps over every submission, in parallel, each result journaled."""

    def __init__(self, course_dir: str, config, db_url: str | None, pool: WarmPool, limits: Limits,
                 waiting: dict | None = None):
        self.pool, self.limits, self.waiting = pool, limits, waiting or {}
        self.course = Course(course_dir, config, db_url)
        self.sanitise, self.finish_notebooks, self.save = (Sanitiser(self.course), Finisher(self.course),
                                                           Saver(self.course))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.course.close()

    def run(self, submissions, journal, done: dict, progress: bool, started: float) -> CohortSummary:
        from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

        from tqdm import tqdm

        self._check_assignments({assignment for assignment, _ in submissions})
        summary = CohortSummary()
        bar = tqdm(total=len(submissions), desc=message("gr_progress"), unit=message("gr_progress_unit"), file=sys.stderr,
                   disable=not progress, dynamic_ncols=True)
        in_flight = []
        with ThreadPoolExecutor(max_workers=self.pool.slots) as executor:
            def settle(block: bool):
                """Save every submission whose notebooks all ran; with ``block``, wait for one first."""
                complete = [job for job in in_flight if all(f.done() for f in job.futures)]
                if block and not complete:
                    pending = [f for job in in_flight for f in job.futures if not f.done()]
                    wait(pending, return_when=FIRST_COMPLETED)
                    complete = [job for job in in_flight if all(f.done() for f in job.futures)]
                for job in complete:
                    in_flight.remove(job)
                    self._record(self.finish(job), journal, summary)
                    bar.update(1)
                    bar.set_postfix({message("gr_progress_failed"): summary.failed}, refresh=False)

            for assignment, student in submissions:
                folder = self.course.folder("submitted", student, assignment)
                print_ = fingerprint(folder)
                entry = done.get((assignment, student))
                newer = self.newer_waiting(assignment, student)
                if entry and entry.get("fingerprint") == print_ and entry.get("status") == "graded":
                    summary.skipped += 1
                    result = SubmissionResult.from_dict(entry)  # the note of that run gives way to today's
                    result.problems = [p for p in result.problems if p.code != "newer_submission"] + newer
                    summary.results.append(result)
                    bar.update(1)
                    continue
                in_flight.append(self.start(assignment, student, print_, executor.submit))
                in_flight[-1].result.problems += newer
                while len(in_flight) > 2 * self.pool.slots:
                    settle(block=True)
                settle(block=False)
            while in_flight:
                settle(block=True)
        bar.close()
        summary.wall_s = time.monotonic() - started
        return summary

    def newer_waiting(self, assignment: str, student: str) -> list[Problem]:
        """A note when the exchange holds a newer submission than the one in submitted/ (it is not graded)."""
        newest = self.waiting.get((assignment, student))
        if newest is None:
            return []
        try:
            current = self.course.coursedir.get_existing_timestamp(self.course.folder("submitted", student, assignment))
        except BaseException:  # nbgrader exits on an invalid timestamp.txt; the Saver reports that
            return []
        if current is not None and newest <= current:
            return []
        return [Problem("newer_submission", assignment, newest.strftime("%Y-%m-%d %H:%M:%S UTC"))]

    def _check_assignments(self, assignments: set[str]) -> None:
        from nbgrader.api import MissingEntry

        for assignment in sorted(assignments):
            try:
                self.course.gradebook.find_assignment(assignment)
            except MissingEntry:
                raise GradingError("gr_unknown_assignment", db=self.course.db_url, assignment=assignment) from None

    def _record(self, result: SubmissionResult, journal, summary: CohortSummary) -> None:
        journal.write(result.to_json() + "\n")
        journal.flush()
        os.fsync(journal.fileno())
        summary.results.append(result)
        if result.status == "graded":
            summary.graded += 1
        if result.status == "failed" or any(p.code in SERIOUS for p in result.problems):
            summary.failed += 1

    def start(self, assignment: str, student: str, print_: str, submit) -> Job:
        """Steps 1 to 3 for one submission: prepared, sanitised and sent to the pool."""
        job = Job(assignment, student, SubmissionResult(assignment, student, print_))
        submitted = self.course.folder("submitted", student, assignment)
        if not glob.glob(os.path.join(glob.escape(submitted), "*.ipynb")):
            # like nbgrader, which matches no notebook there and leaves this submission out entirely
            job.result.problems.append(Problem("no_notebooks", assignment))
            job.result.status = "empty"
            return job
        try:
            job.dest = prepare(self.course, job)
            job.notebooks = self.sanitise(job)
        except Exception as exc:  # one bad submission never stops the others
            log.exception("preparing %s/%s", student, assignment)
            job.result.problems.append(Problem("error", assignment, f"{type(exc).__name__}: {exc}"))
            job.result.status = "failed"
            job.notebooks = {}
        execute(job, self.pool.run, self.limits, submit)
        return job

    def finish(self, job: Job) -> SubmissionResult:
        """Steps 4 and 5 for one submission whose notebooks all ran; an error fails only this submission."""
        result = job.result
        if result.status == "empty":
            return result
        try:
            self.save(job, self.finish_notebooks(job))
        except Exception as exc:
            log.exception("grading %s/%s", job.student, job.assignment)
            result.problems.append(Problem("error", job.assignment, _short(exc)))
            result.status = "failed"
        return result


def _kind(cell) -> str:
    """How the sandbox treats a code cell: "test" (autograded), "locked" (the course's own) or "trainee"."""
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    if is_test_cell(cell):
        return "test"
    return "locked" if nbgrader.get("locked") and not nbgrader.get("solution") else "trainee"


def _regular_files(folder: str) -> list[tuple[str, bytes]]:
    """The non-notebook files of a prepared autograded/ folder, as data for the sandbox."""
    files = []
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not name.endswith(".ipynb") and os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as handle:
                    files.append((os.path.relpath(path, folder).replace(os.sep, "/"), handle.read()))
    return files


def _blank_outputs(cell) -> None:
    """Keep the kind of each output (what nbgrader scores by) and drop its text."""
    for output in cell.outputs:
        if output.output_type == "stream":
            output.text = ""
        elif output.output_type == "error":
            output.evalue, output.traceback = "", [output.ename]
        else:
            output.data, output.metadata = {"text/plain": ""}, {}


def _append_error(cell, error: dict) -> None:
    import nbformat

    cell.outputs.append(nbformat.from_dict({"output_type": "error", **error}))


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 200 else text[:197] + "..."
