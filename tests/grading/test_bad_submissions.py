"""Bad submissions: no crash of the grader, no inflated score, a clear reason, others unaffected.

One cohort holds one trainee per kind of bad submission (plus a correct
control), graded once. Where ``nbgrader autograde`` is not sane, policycomm is
deliberately stricter:

- unreadable notebook (invalid JSON, empty, not UTF-8): nbgrader stops the
  whole assignment of that trainee without grades; policycomm gives that
  notebook 0 and grades the others;
- process killed (os._exit, crash): nbgrader raises DeadKernelError and stores
  nothing; policycomm gives 0 to the cells that did not run;
- deleted grade cell: nbgrader leaves it without a score; policycomm gives 0;
- duplicated grade cell: nbgrader's CheckCellMetadata rejects the emptied copy
  as an outdated schema and stops the whole run; policycomm grades the last
  copy (as DeduplicateIds intends) and treats the others as plain cells;
- trainee code cannot read or write the gradebook, source/, release/ or other
  trainees' files (nbgrader runs it with the grader's permissions);
- hidden tests never reach the working folder (nbgrader writes the restored
  notebook, hidden tests included, into the trainee's working folder).
"""
from __future__ import annotations

import contextlib
import copy
import io
import os
import shutil
import unicodedata

import nbformat
import pytest

from policycomm.grading.cohort import grade_cohort, read_journal
from policycomm.grading.sandbox import Limits

from gradingkit import CORRECT, cell_scores, gradebook_rows, submit

pytestmark = pytest.mark.slow


def _answer(n_audiences_source: str) -> dict:
    return {**CORRECT, "n_audiences": n_audiences_source}


def _first(code: str, n_audiences_source: str) -> dict:
    """``code`` in the first answer cell, before any test runs (later outputs may be blanked, see cohort)."""
    best = "channel_choice__best_channel"
    return {**_answer(n_audiences_source), best: code + "\n" + CORRECT[best]}


def _cells(edit_cells):
    """An edit hook that changes the cells of channels.ipynb only."""
    def edit(name, nb):
        if name == "channels":
            nb.cells = edit_cells(nb.cells)
        return nb
    return edit


def _index(cells, grade_id):
    return next(i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _delete_test(cells):
    del cells[_index(cells, "n_audiences_test")]
    return cells


def _duplicate_test_first(cells):
    i = _index(cells, "n_audiences_test")
    fake = copy.deepcopy(cells[i])  # what copy and paste in JupyterLab gives: same metadata, new id
    fake.id = "pasted-copy"
    fake.source = "pass"
    cells.insert(i, fake)
    return cells


def _reorder(cells):
    i, j = _index(cells, "n_audiences"), _index(cells, "n_audiences_test")
    cells[i], cells[j] = cells[j], cells[i]
    return cells


def _edit_locked(cells):
    cells[_index(cells, "n_audiences_test")].source = "n_audiences = 9  # test replaced"
    cells[_index(cells, "setup")].source = "choose = None"
    return cells


def _raw(content):
    return lambda name, nb: content if name == "channels" else nb


def _nfd(name, nb):
    for cell in nb.cells:
        cell.source = unicodedata.normalize("NFD", cell.source)
    return nb


PRIVATE = "{course}"  # replaced by the absolute course path when the submissions are written

#: student -> (answers, edit hook, what the grader should report)
KINDS = {
    "control": (CORRECT, None, None),
    "infinite_loop": (_answer("while True:\n    pass\nn_audiences = 9"), None, "timeout"),
    "printing_loop": (_answer("while True:\n    print('spam ' * 50)\nn_audiences = 9"), None, "timeout"),
    "memory_hog": (_answer("hog = []\nwhile True:\n    hog.append(bytearray(50 * 1024 * 1024))\nn_audiences = 9"),
                   None, None),
    "sys_exit": (_answer("import sys\nsys.exit(0)\nn_audiences = 9"), None, None),
    "os_exit": (_answer("import os\nos._exit(0)\nn_audiences = 9"), None, "crashed"),
    "deleted_cell": (_answer("n_audiences = 7"), _cells(_delete_test), "missing_cell"),
    "duplicated_cell": (_answer("n_audiences = 7"), _cells(_duplicate_test_first), "duplicate_cell"),
    "reordered_cells": (_answer("n_audiences = 9"), _cells(_reorder), None),
    "renamed_notebook": (CORRECT, None, "missing_notebook"),
    "edited_locked": (_answer("n_audiences = 7"), _cells(_edit_locked), None),
    "invalid_json": (CORRECT, _raw(b'{"cells": [{"cell_type": "code", '), "unreadable"),
    "empty_file": (CORRECT, _raw(b""), "unreadable"),
    "huge_output": (_answer("for i in range(300000):\n    print('spam ' * 20)\nn_audiences = 7"), None,
                    "output_truncated"),
    "nfd_text": (CORRECT, _nfd, None),
    "non_utf8": (CORRECT, _raw("n_audiences = 'Thông tin'".encode("cp1258")), "unreadable"),
    "traceback_hooks": (_answer("import sys\nip = get_ipython()\nip.showtraceback = lambda *a, **k: None\n"
                                "ip._showtraceback = lambda *a, **k: None\ntype(ip).showtraceback = lambda *a, **k: None\n"
                                "sys.excepthook = lambda *a: None\nip.displayhook = None\nn_audiences = 7"),
                        None, None),
    "always_equal": (_answer("class Anything(int):\n    def __eq__(self, other):\n        return True\n"
                             "    __hash__ = int.__hash__\n"
                             "type = lambda value: int\nn_audiences = Anything(3)"), None, None),
    "writes_outside": (_first(f"import os\nfor path in ['{PRIVATE}/gradebook.db', '{PRIVATE}/source/ps1/x.py',\n"
                               f"             '{PRIVATE}/release/ps1/channels.ipynb',\n"
                               f"             '{PRIVATE}/submitted/control/ps1/channels.ipynb',\n"
                               f"             '../../../gradebook.db']:\n"
                               "    try:\n        open(path, 'w').write('hacked')\n"
                               "    except OSError as error:\n        print('blocked', type(error).__name__)",
                              "n_audiences = 7"), None, None),
    "reads_hidden": (_first(f"import glob\nleaked = ''\nfor path in ['{PRIVATE}/source/ps1/channels.ipynb',\n"
                             f"             '{PRIVATE}/gradebook.db', *glob.glob('*.ipynb'),\n"
                             f"             *glob.glob('../*/*.ipynb')]:\n"
                             "    try:\n        leaked += open(path, errors='replace').read()\n"
                             "    except OSError as error:\n        print('blocked', type(error).__name__)\n"
                             "print(leaked)", "n_audiences = 9 if 'n_audiences == 9' in leaked else 7"), None, None),
}


@pytest.fixture(scope="module")
def graded(released_course, tmp_path_factory):
    course = tmp_path_factory.mktemp("bad") / "course"
    shutil.copytree(released_course, course)
    for student, (answers, edit, _) in KINDS.items():
        answers = {k: v.replace(PRIVATE, str(course)) for k, v in answers.items()}
        folder = submit(course, student, "ps1", answers, edit=edit)
        if student == "renamed_notebook":
            os.rename(folder / "channels.ipynb", folder / "channels (1).ipynb")
    before = (course / "submitted" / "control" / "ps1" / "channels.ipynb").read_bytes()
    bar = io.StringIO()
    with contextlib.redirect_stderr(bar):
        summary = grade_cohort(str(course), ["ps1"], jobs=2, progress=True,
                               limits=Limits(timeout_cell=3, timeout_notebook=60, memory_mb=1024))
    return course, summary, gradebook_rows(course), before, bar.getvalue()


def test_every_submission_is_graded_and_stored(graded):
    course, summary, rows, _, _ = graded
    assert summary.graded == len(KINDS)
    students = {key[0] for key in rows}
    assert students == set(KINDS)
    scores = cell_scores(rows)
    assert scores[("control", "ps1", "channels", "n_audiences_test")] == 1
    assert scores[("control", "ps1", "channels", "channel_choice__top3_test")] == 3


@pytest.mark.parametrize("student", [s for s in KINDS if s != "control"])
def test_bad_submission_is_not_inflated_and_explained(graded, student):
    course, summary, rows, _, _ = graded
    scores = cell_scores(rows)
    answers, _, expected_problem = KINDS[student]
    n_audiences_score = scores[(student, "ps1", "channels", "n_audiences_test")]
    honest = {"nfd_text": 1, "renamed_notebook": 0, "invalid_json": 0, "empty_file": 0, "non_utf8": 0}
    assert n_audiences_score == honest.get(student, 0), f"{student}: {n_audiences_score}"
    # cells before the trouble were graded normally (the notebook was readable)
    if student not in ("renamed_notebook", "invalid_json", "empty_file", "non_utf8"):
        assert scores[(student, "ps1", "channels", "channel_choice__best_channel_test")] == 2
    # the other notebook of the assignment is always graded
    assert scores[(student, "ps1", "messages", "messages__headline_test")] == 1
    result = next(r for r in summary.results if r.student == student)
    if expected_problem:
        assert expected_problem in {p.code for p in result.problems}, result.problems
        assert all(p.text() for p in result.problems)
    journal = read_journal(str(course))[("ps1", student)]
    assert journal["score"] == result.score


def test_outside_files_stay_untouched(graded):
    course, _, rows, before, _ = graded
    assert (course / "submitted" / "control" / "ps1" / "channels.ipynb").read_bytes() == before
    assert not (course / "source" / "ps1" / "x.py").exists()
    assert b"hacked" not in (course / "gradebook.db").read_bytes()
    assert b"hacked" not in (course / "release" / "ps1" / "channels.ipynb").read_bytes()
    out = nbformat.read(course / "autograded" / "writes_outside" / "ps1" / "channels.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in out.cells for o in c.get("outputs", []))
    assert printed.count("blocked") == 5


def test_hidden_tests_are_not_readable_by_trainee_code(graded):
    course, _, _, _, _ = graded
    out = nbformat.read(course / "autograded" / "reads_hidden" / "ps1" / "channels.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in out.cells for o in c.get("outputs", []))
    assert "BEGIN HIDDEN TESTS" not in printed and "n_audiences == 9" not in printed
    assert "blocked" in printed


def test_huge_output_is_capped(graded):
    course, _, _, _, _ = graded
    path = course / "autograded" / "huge_output" / "ps1" / "channels.ipynb"
    assert path.stat().st_size < 1_000_000


def test_timeout_is_recorded_like_nbgrader(graded):
    course, _, _, _, _ = graded
    out = nbformat.read(course / "autograded" / "infinite_loop" / "ps1" / "channels.ipynb", as_version=4)
    cell = out.cells[_index(out.cells, "n_audiences")]
    assert "CellTimeoutError" in [o.get("ename") for o in cell.outputs]


def test_progress_bar_shows_count_rate_eta_and_failures(graded):
    _, summary, _, _, bar = graded
    last = bar.replace("\r", "\n").strip().splitlines()[-1]
    assert f"{len(KINDS)}/{len(KINDS)}" in last
    assert ("bài/s" in last or "s/bài" in last) and "<" in last  # rate, and elapsed<remaining
    assert f"lỗi={summary.failed}" in last and summary.failed >= 5
