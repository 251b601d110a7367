"""Graded answers recorded beside the notebook, so ``nbgrader autograde`` can score them.

Widget values live only in the kernel, and autograde re-runs the notebook in a
fresh kernel with widget state cleared. So in graded mode every change of an
answer is written at once to ``policycomm_answers.json`` in the notebook's
folder (the kernel's working directory). The file travels with the notebook
through ``nbgrader submit``/``collect``; it must not exist in ``source/``
(autograde would copy the source version over the trainee's).

The file::

    {"format": "policycomm-answers", "version": 1,
     "notebooks": {"quiz.ipynb": {"m01-q01": {"response": "b", "saved_at": "2026-11-23T21:40:00Z"}}}}

Test cells read it back: :func:`check_answered` (visible: was it answered?)
and :func:`award` (hidden: points earned against a key that only the hidden
test holds). A missing, hand-broken or tampered file never crashes grading:
the question scores 0 and the message says why.

>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> record_answer("m01-q01", "b", notebook="quiz.ipynb", folder=folder)
>>> recorded_answer("m01-q01", folder=folder)
'b'
>>> award("m01-q01", {"type": "single", "answers": [{"id": "a"}, {"id": "b", "fraction": 100}]},
...       points=2, folder=folder)
2.0
"""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from policycomm.messages import message

ANSWERS_FILE = "policycomm_answers.json"
FORMAT = "policycomm-answers"
VERSION = 1

__all__ = ["ANSWERS_FILE", "SourceFolderError", "in_course_source", "record_answer", "recorded_answer", "read_recorded", "Recorded",
           "check_answered", "award", "key_of", "current_notebook"]


def current_notebook() -> str | None:
    """The running notebook's file name, as JupyterLab tells the kernel (None under nbclient/autograde)."""
    session = os.environ.get("JPY_SESSION_NAME")
    return Path(session).name if session else None


def answers_path(folder: str | os.PathLike | None = None) -> Path:
    """``policycomm_answers.json`` in ``folder`` (default: the working directory, the notebook's folder)."""
    return Path(folder if folder is not None else os.getcwd()) / ANSWERS_FILE


@dataclass(frozen=True)
class Recorded:
    """What the answers file holds for one question: ``response`` or a ``problem`` (in the current language)."""

    response: Any = None
    saved_at: str | None = None
    notebook: str | None = None
    problem: str | None = None

    @property
    def answered(self) -> bool:
        return self.problem is None


def _load(path: Path) -> tuple[dict | None, str | None]:
    """(content, None) or (None, the reason why the file cannot be used)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as error:
        return None, message("answers_unreadable", name=path.name, error=error)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return None, message("answers_broken_json", name=path.name, line=error.lineno, column=error.colno)
    if not (isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("notebooks"), dict)
            and all(isinstance(v, dict) for v in data["notebooks"].values())):
        return None, message("answers_wrong_structure", name=path.name)
    return data, None


def read_recorded(question_id: str, notebook: str | None = None,
                  folder: str | os.PathLike | None = None) -> Recorded:
    """The recorded answer to ``question_id``, or why there is none.

    ``notebook`` defaults to the running notebook when JupyterLab says which;
    otherwise (autograde) the question id is looked up in every notebook of
    the file and must be recorded in exactly one.
    """
    path = answers_path(folder)
    data, problem = _load(path)
    if problem:
        return Recorded(problem=problem)
    not_answered = Recorded(problem=message("answers_not_answered", id=question_id))
    if data is None:
        return not_answered
    notebook = notebook or current_notebook()
    books = data["notebooks"]
    candidates = ([notebook] if notebook in books else []) if notebook else [
        name for name, answers in books.items() if question_id in answers]
    found = [(name, books[name][question_id]) for name in candidates if question_id in books[name]]
    if not found:
        return not_answered
    if len(found) > 1:
        return Recorded(problem=message("answers_in_several_notebooks", id=question_id,
                                        notebooks=", ".join(sorted(candidates))))
    name, entry = found[0]
    if not (isinstance(entry, dict) and "response" in entry):
        return Recorded(problem=message("answers_entry_broken", id=question_id, name=path.name))
    return Recorded(response=entry["response"], saved_at=entry.get("saved_at"), notebook=name)


def recorded_answer(question_id: str, notebook: str | None = None, folder: str | os.PathLike | None = None) -> Any:
    """The recorded response to ``question_id`` (plain JSON value), or None when there is none."""
    return read_recorded(question_id, notebook, folder).response


@contextlib.contextmanager
def _folder_lock(folder: Path):
    """Serialise writers of one folder (two notebooks of an assignment may save at once)."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; atomic replace still prevents torn files
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


class SourceFolderError(RuntimeError):
    """Answers are never saved in an nbgrader ``source/`` folder: release would copy them to trainees."""


def in_course_source(folder: str | os.PathLike) -> bool:
    """Whether ``folder`` lies in the ``source/`` folder of an nbgrader course (beside nbgrader_config.py)."""
    for parent in Path(folder).resolve().parents:
        if parent.name == "source" and (parent.parent / "nbgrader_config.py").is_file():
            return True
    return False


def record_answer(question_id: str, response: Any, notebook: str | None = None,
                  folder: str | os.PathLike | None = None) -> None:
    """Store ``response`` (a JSON value) for ``question_id``; ``None`` removes it. Atomic.

    A file that cannot be read (broken by hand) is kept as
    ``policycomm_answers.json.broken-<time>`` rather than overwritten.
    Raises :class:`SourceFolderError` in a course's ``source/`` folder.
    """
    path = answers_path(folder)
    if in_course_source(path.parent):
        raise SourceFolderError(message("answers_in_source_folder"))
    notebook = notebook or current_notebook() or "notebook.ipynb"
    now = datetime.now(timezone.utc)
    with _folder_lock(path.parent):
        data, problem = _load(path)
        if problem:
            os.replace(path, path.with_name(f"{path.name}.broken-{now:%Y%m%dT%H%M%S%f}"))
        if data is None:
            data = {"format": FORMAT, "version": VERSION, "notebooks": {}}
        answers = data["notebooks"].setdefault(notebook, {})
        if response is None:
            answers.pop(question_id, None)
        else:
            answers[question_id] = {"response": response, "saved_at": now.isoformat(timespec="seconds")}
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, indent=1, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise


def check_answered(question_id: str, notebook: str | None = None, folder: str | os.PathLike | None = None) -> None:
    """Visible test: say (in the current language, Vietnamese by default) whether an answer to ``question_id`` is recorded.

    It never raises, so "Run All Cells" does not stop before the trainee has
    answered, and it says nothing about whether the answer is right. The hidden
    test (:func:`award`) gives no credit for a missing answer.
    """
    recorded = read_recorded(question_id, notebook, folder)
    if recorded.answered:
        print(message("answers_recorded", id=question_id))
    else:
        print(f"{recorded.problem}\n{message('answers_run_again')}")


#: filler for the fields a scoring key leaves out (text, feedback, metadata)
_FILLER = {"id": "m00-q00", "module": "00", "text": "-", "feedback": "-", "difficulty": "medium", "sources": ["A1"]}


def key_question(key: dict):
    """A schema question from a scoring key (the bank's fields that scoring uses)."""
    from policycomm.quiz.schema import question_adapter
    from policycomm.quiz.types import question_type

    return question_adapter().validate_python({**_FILLER, **question_type(key).from_key(key)})


def key_of(question) -> dict:
    """The scoring key of a bank question: only what :func:`award` needs, for a hidden test cell.

    >>> from policycomm.quiz.schema import question_adapter
    >>> q = question_adapter().validate_python({"id": "m01-q02", "module": "01", "type": "truefalse",
    ...     "text": "?", "correct": False, "feedback_true": "Sai.", "feedback_false": "Đúng.",
    ...     "feedback": "Vì…", "difficulty": "easy", "sources": ["S1"]})
    >>> key_of(q)
    {'type': 'truefalse', 'correct': False}
    """
    from policycomm.quiz.types import question_type

    return {"type": question.type, **question_type(question).key(question)}


def award(question_id: str, key: dict, points: float = 1.0, notebook: str | None = None,
          folder: str | os.PathLike | None = None) -> float:
    """Hidden test: the points the recorded answer earns against ``key`` (see :func:`key_of`).

    End the grade cell with this call: nbgrader reads its value as partial
    credit. No credit raises AssertionError with the reason (never the key).
    """
    from policycomm.quiz.scoring import score_response

    recorded = read_recorded(question_id, notebook, folder)
    if not recorded.answered:
        raise AssertionError(recorded.problem)
    with warnings.catch_warnings():  # anything on stderr would cost the trainee the cell's points
        warnings.simplefilter("ignore")
        fraction = score_response(key_question(key), recorded.response)
    earned = float(round(min(points, max(0.0, fraction * points)), 4))
    if earned <= 0:
        raise AssertionError(message("answers_no_credit", id=question_id, points=f"{points:g}"))
    return earned
