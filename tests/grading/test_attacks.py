"""Trainees who attack the grader: no higher score, no leaked tests, nothing shared, all named.

One cohort of the fixture course holds a blank submission, a correct control
and one trainee per attack of the threat model (docs/threat-model.md), graded
once by ``policycomm grade`` with one worker, so trainees run one after
another in the same warm sandbox. Each attack must score no more than the
blank release, leave no hidden test in ``autograded/``, ``feedback/`` or the
class report, leave the gradebook and the other trainees untouched, and (where
the grader can see it) be named in the report. A second run does the same as
an ordinary (non-root) account, and two graders run at once.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from policycomm.grading.cohort import grade_cohort

from gradingkit import CORRECT, cell_scores, gradebook_rows, nbgrader, submit

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
#: text of the hidden tests of ps1 (none of it may reach a trainee)
HIDDEN = ("press_conference", "n_audiences == 9", "expected = {", "BEGIN HIDDEN", "tiêm chủng\" in")
PORT = "{port}"  # a loopback port the test listens on (outside the sandbox)


def _with(cell: str, code: str) -> dict:
    """Blank answers except ``cell``, which holds the attack."""
    return {cell: code}


ATTACKS = {
    "post_run_cell": (_with("n_audiences", "n_audiences = 7\ndef clear(result):\n    result.error_in_exec = None\n"
                                           "get_ipython().events.register('post_run_cell', clear)"), "tampering"),
    "pre_run_cell": (_with("n_audiences", "n_audiences = 7\nget_ipython().events.register("
                                          "'pre_run_cell', lambda info: print(info.raw_cell))"), "tampering"),
    "ast_emptier": (_with("n_audiences", "import ast\nclass Empty(ast.NodeTransformer):\n"
                                         "    def visit_Module(self, node):\n        node.body = []\n        return node\n"
                                         "get_ipython().ast_transformers.append(Empty())\nn_audiences = 7"), "tampering"),
    "input_transformer": (_with("n_audiences", "get_ipython().input_transformers_cleanup.append("
                                               "lambda lines: ['pass\\n'])\nn_audiences = 7"), "tampering"),
    "rebound_helper": (_with("channel_choice__top3", "import types\nclass Fake:\n    @staticmethod\n"
                                                     "    def recommend(*a, **k):\n"
                                                     "        return [types.SimpleNamespace(channel='x')] * 3\n"
                                                     "choose = Fake()\ntop_channels = ['x']"), None),
    "patched_module": (_with("n_audiences", "import builtins, policycomm.model.choose as c\n"
                                            "c.recommend = lambda *a, **k: []\nbuiltins.len = lambda x: 3\n"
                                            "n_audiences = 7"), ("tampering", "protocol")),
    "frame_spy": ({"channel_choice__best_channel": "import sys\nleak = []\ndef best_channel(stage, audience):\n"
                                                   "    leak.append(repr(sys._getframe(1).f_code.co_consts))\n"
                                                   "    print(leak[-1])\n    raise AssertionError(leak[-1])",
                   "n_audiences": "print(leak)\nn_audiences = 7"}, None),
    "symlinks": (_with("n_audiences", "import os\nfor p in ['source.json', 'gradebook.db']:\n"
                                      "    print(p, os.path.exists(p) and open(p, errors='replace').read()[:3000])\n"
                                      "n_audiences = 7"), "refused_file"),
    "symlinked_notebook": ({}, "refused_file"),
    "tmp_a_planter": (_with("n_audiences", "import os, subprocess\nopen('/tmp/planted', 'w').write('9')\n"
                                           "for p in ('/planted', '/dev/shm/planted', '/var/tmp/planted'):\n"
                                           "    try:\n        open(p, 'w').write('9')\n    except OSError:\n"
                                           "        pass\n"
                                           "open(os.path.expanduser('~/planted'), 'w').write('9')\n"
                                           "subprocess.Popen(['sh', '-c', 'sleep 3; echo 9 > /tmp/daemon'],"
                                           " start_new_session=True)\nn_audiences = 7"), None),
    "tmp_b_reader": (_with("n_audiences", "import os, time\ntime.sleep(4)\nfound = [p for p in ('/tmp/planted', "
                                          "'/tmp/daemon', os.path.expanduser('~/planted'), '/planted', "
                                          "'/dev/shm/planted', '/var/tmp/planted') if os.path.exists(p)]\n"
                                          "n_audiences = 9 if found else 7"), None),
    "network": (_with("n_audiences", f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {PORT}), "
                                     f"timeout=2)\n    n_audiences = 9\nexcept OSError:\n    n_audiences = 7"), None),
    "other_copies": (_with("n_audiences", "text = ''\nfor path in ['{repo}/tests/grading/fixtures/course/source/ps1/"
                                          "channels.ipynb', '{repo}/course/nbgrader_config.py', '/etc/shadow']:\n"
                                          "    try:\n        text += open(path).read()\n    except OSError:\n"
                                          "        pass\nprint(text)\nn_audiences = 9 if 'n_audiences =' + '= 9' in text else 7"),
                     None),
}


def _plant_links(folder: Path, course: Path, student: str) -> None:
    if student == "symlinks":
        (folder / "source.json").symlink_to(course / "source" / "ps1" / "channels.ipynb")
        (folder / "gradebook.db").symlink_to(Path("../../../gradebook.db"))
    if student == "symlinked_notebook":
        (folder / "channels.ipynb").unlink()
        (folder / "channels.ipynb").symlink_to(course / "source" / "ps1" / "channels.ipynb")


def _cohort(course: Path, port: int) -> None:
    submit(course, "blank", "ps1", {})
    submit(course, "control", "ps1", CORRECT)
    for student, (answers, _) in ATTACKS.items():
        answers = {k: v.replace("{repo}", str(REPO)).replace(PORT, str(port)) for k, v in answers.items()}
        _plant_links(submit(course, student, "ps1", answers), course, student)


def _student_total(rows: dict, student: str) -> float:
    return sum(score for (who, *_), score in cell_scores(rows).items() if who == student and score)


def _texts_under(folder: Path) -> str:
    """Everything a trainee can receive from ``folder``: outputs of notebooks and whole other files."""
    import nbformat

    texts = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".ipynb":
            notebook = nbformat.read(path, as_version=4)
            texts += [str(cell.get("outputs", "")) for cell in notebook.cells]
        elif path.is_file():
            texts.append(path.read_text(errors="replace"))
    return "\n".join(texts)


@pytest.fixture(scope="module")
def listener():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


@pytest.fixture(scope="module")
def attacked(released_course, tmp_path_factory, listener):
    course = tmp_path_factory.mktemp("attacks") / "course"
    shutil.copytree(released_course, course)
    _cohort(course, listener)
    gradebook_before = None
    summary = grade_cohort(str(course), ["ps1"], jobs=1, progress=False)
    done = nbgrader(course, "generate_feedback", "ps1", "--force")
    assert done.returncode == 0, done.stderr[-2000:]
    from policycomm.grading.report import write_report

    write_report(str(course), str(course / "report"))
    return course, summary, gradebook_rows(course), gradebook_before


@pytest.mark.parametrize("student", sorted(ATTACKS))
def test_an_attack_scores_no_more_than_a_blank_notebook_and_is_named(attacked, student):
    course, summary, rows, _ = attacked
    assert _student_total(rows, student) <= _student_total(rows, "blank"), cell_scores(rows)
    expected_problem = ATTACKS[student][1]
    if expected_problem:
        result = next(r for r in summary.results if r.student == student)
        named = {p.code for p in result.problems}
        assert named & ({expected_problem} if isinstance(expected_problem, str) else set(expected_problem)), named


@pytest.mark.parametrize("student", sorted(ATTACKS))
def test_no_hidden_test_reaches_the_trainee(attacked, student):
    course, *_ = attacked
    for folder in (course / "autograded" / student, course / "feedback" / student):
        received = _texts_under(folder)
        assert received, folder
        for text in HIDDEN:
            assert text not in received, (folder, text)
    for path in (course / "autograded" / student / "ps1").iterdir():
        assert not path.is_symlink() and path.name not in ("source.json", "gradebook.db"), path


def test_the_report_shows_no_hidden_test_and_the_control_keeps_full_marks(attacked):
    course, summary, rows, _ = attacked
    report = "\n".join(p.read_text(errors="replace") for p in (course / "report").rglob("*") if p.is_file()
                       and p.suffix in (".html", ".csv", ".txt", ".json"))
    for text in HIDDEN[:3]:
        assert text not in report, text
    assert "can thiệp vào bộ chấm" in report and "không phải tệp thường" in report  # named, in Vietnamese
    scores = cell_scores(rows)
    assert scores[("control", "ps1", "channels", "n_audiences_test")] == 1
    assert scores[("control", "ps1", "channels", "channel_choice__top3_test")] == 3
    assert _student_total(rows, "control") > _student_total(rows, "blank")
    for honest in ("control", "blank"):  # nothing honest is reported as tampering
        result = next(r for r in summary.results if r.student == honest)
        assert not {p.code for p in result.problems} & {"tampering", "refused_file", "protocol"}, result.problems
    assert (course / "gradebook.db").stat().st_size > 0


def _as_ordinary_user(course: Path, uid: int = 4242) -> subprocess.CompletedProcess:
    """``policycomm grade`` run by an unprivileged account (a readable interpreter, our site folders)."""
    sites = [p for p in sys.path if p.endswith("site-packages")]
    boot = ("import site, sys\nfor s in %r: site.addsitedir(s)\n"
            "from policycomm.cli import main\nsys.exit(main(['grade', 'ps1', '--course', %r, '--jobs', '2',"
            " '--no-progress']))" % (sites, str(course)))
    python = "/usr/bin/python3.11" if os.path.exists("/usr/bin/python3.11") else sys.executable
    env = {"HOME": str(course.parent), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "LANG": "C.UTF-8"}
    return subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", python, "-c", boot],
                          env=env, capture_output=True, text=True, timeout=900)


def _blocking_folders(paths) -> list[Path]:
    """Ancestors of ``paths`` that other accounts cannot pass through (o-x)."""
    blocking = set()
    for path in paths:
        for parent in Path(path).resolve().parents:
            if not parent.stat().st_mode & 0o001:
                blocking.add(parent)
    return sorted(blocking)


@pytest.mark.skipif(os.geteuid() != 0, reason="the suite already runs as an ordinary user")
def test_the_same_attacks_fail_when_an_ordinary_account_grades(released_course, attacked, listener):
    import policycomm

    base = Path(tempfile.mkdtemp(prefix="policycomm-user-"))  # outside root's private pytest folder
    # an ordinary account needs to reach the installation (a checkout under a private folder is not)
    blocking = _blocking_folders([*(p for p in sys.path if p.endswith("site-packages")),
                                  Path(policycomm.__file__).parent])
    modes = {folder: folder.stat().st_mode for folder in blocking}
    try:
        for folder, mode in modes.items():
            folder.chmod(mode | 0o001)  # pass through, not read
        course = base / "course"
        shutil.copytree(released_course, course)
        _cohort(course, listener)
        subprocess.run(["chown", "-R", "4242:4242", str(base)], check=True)
        done = _as_ordinary_user(course)
        assert done.returncode == 0, done.stderr[-3000:]
        rows = gradebook_rows(course)
        for student in ATTACKS:
            assert _student_total(rows, student) <= _student_total(rows, "blank"), student
        assert cell_scores(rows) == cell_scores(attacked[2])
        received = _texts_under(course / "autograded")
        assert not any(text in received for text in HIDDEN)
    finally:
        for folder, mode in modes.items():
            folder.chmod(mode)
        shutil.rmtree(base, ignore_errors=True)


def test_two_graders_at_once_give_the_gradebook_of_a_serial_run(released_course, tmp_path, listener):
    courses = []
    for name in ("serial", "first", "second"):
        course = tmp_path / name / "course"
        shutil.copytree(released_course, course)
        _cohort(course, listener)
        courses.append(course)
    grade_cohort(str(courses[0]), ["ps1"], jobs=2, progress=False)
    command = [sys.executable, "-m", "policycomm.cli", "grade", "ps1", "--jobs", "2", "--no-progress", "--course"]
    running = [subprocess.Popen([*command, str(course)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for course in courses[1:]]
    for process in running:
        out, err = process.communicate(timeout=900)
        assert process.returncode == 0, err[-3000:]
    expected = cell_scores(gradebook_rows(courses[0]))
    for course in courses[1:]:
        assert cell_scores(gradebook_rows(course)) == expected


def test_without_bubblewrap_the_grader_refuses_unless_told_unsafe(course):
    submit(course, "control", "ps1", CORRECT)
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # no bwrap on the way
    command = [sys.executable, "-m", "policycomm.cli", "grade", "ps1", "--no-progress", "--course", str(course)]
    refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert refused.returncode == 1
    message = refused.stderr.strip()
    assert "bubblewrap" in message and "--unsafe" in message and "Traceback" not in message
    assert message.count(".") <= 1 and "\n" not in message  # one sentence
    assert not (course / "autograded").exists()
    unsafe = subprocess.run([*command, "--unsafe"], env=env, capture_output=True, text=True, timeout=600)
    assert unsafe.returncode == 0, unsafe.stderr[-2000:]
    assert cell_scores(gradebook_rows(course))[("control", "ps1", "channels", "n_audiences_test")] == 1
