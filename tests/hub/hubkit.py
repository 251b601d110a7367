"""Helpers of the class-server tests and of ``bench/hub_load.py``: the policycomm command, where other users reach
this Python, waiting for the hub, its login form, system users, a lecturer's course, a trainee's server and its
nbgrader endpoints."""
from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import policycomm as package


def policycomm(*args):
    return [sys.executable, "-m", "policycomm.cli", *map(str, args)]


def closed_folder(path: str) -> str | None:
    """The outermost folder on the way to ``path`` that other users cannot pass through, if any."""
    for folder in reversed(Path(path).parents):
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            return str(folder)
    return None


def python_reachable(command: list[str]) -> list[str]:
    """``command`` in a private mount namespace where other users reach this test run's Python.

    A real class server has its Python where trainees reach it (the README's class-server section), and
    ``policycomm hub start`` rightly refuses one they cannot. A test run's Python may sit in root's home
    (pyenv's /root/.pyenv, /root of mode 0700). Rather than open the machine's folders, the command runs
    where each such closed folder is an empty tmpfs of mode 0711 that holds, read-only and at their own
    paths, only the Python installation, the virtual environment and the project's source. Every process
    the command starts (the proxy, the trainees' servers as their own users) shares that view; it and its
    mounts end with the last of them, and nothing changes outside. The command as is when nothing is closed,
    or when not run as root (who alone can mount; the start then says what is closed).
    """
    wanted = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(
        sys.executable)), Path(package.__file__).resolve().parents[1])}
    wanted = sorted(p for p in wanted if not any(p.startswith(other + os.sep) for other in wanted))
    kept = {path: closed_folder(path) for path in wanted}
    kept = {path: folder for path, folder in kept.items() if folder}
    if not kept or os.geteuid() != 0:
        return list(command)
    script = ["set -e", "keep=$(mktemp -d)", "mask=$(umask)", "umask 022"]
    for number, path in enumerate(kept):
        script += [f'mkdir "$keep/{number}"', f'mount --bind -o ro {shlex.quote(path)} "$keep/{number}"']
    for folder in sorted(set(kept.values())):
        script.append(f"mount -t tmpfs -o mode=0711 policycomm-test {shlex.quote(folder)}")
    for number, path in enumerate(kept):
        script += [f"mkdir -p {shlex.quote(path)}", f'mount --move "$keep/{number}" {shlex.quote(path)}',
                   f'rmdir "$keep/{number}"']
    script += ['rmdir "$keep"', 'umask "$mask"', 'exec "$@"']
    return [shutil.which("unshare"), "--mount", "--propagation", "private", "/bin/sh", "-c", "\n".join(script),
            "sh", *map(str, command)]


def wait_for(url: str, server: subprocess.Popen, log) -> None:
    import requests

    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()[-3000:]
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(1)
    pytest.fail(f"the class server did not answer at {url}:\n{log.read_text()[-3000:]}")


def start_hub(hub: Path, port: int, log: Path, grader: str, course: Path, *options) -> subprocess.Popen:
    """``policycomm hub start`` in the background on 127.0.0.1:``port``, where other users reach this Python, with
    the grader's system user ``grader`` (created by the start; :func:`stop_hub` removes it) and ``course`` as the
    lecturers' course; its output goes to ``log``."""
    with open(log, "w") as out:
        return subprocess.Popen(python_reachable(policycomm("hub", "start", "--folder", hub, "--port", port,
                                                            "--ip", "127.0.0.1", "--grader", grader, "--course",
                                                            course, *options)),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def stop_hub(server: subprocess.Popen | None, hub: Path, grader: str) -> bool:
    """Stop the hub (JupyterHub stops the trainees' servers and its services as it stops), then the private
    gradebook if it outlived it (by the pid it wrote), and remove the grader's system user. Whether the gradebook
    outlived the hub."""
    postmaster = hub / "gradebook" / "postmaster.pid"
    try:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=120)
        if not postmaster.exists():
            return False
        os.kill(int(postmaster.read_text().split()[0]), signal.SIGQUIT)
        return True
    except (ProcessLookupError, ValueError):
        return True
    finally:
        remove_users([grader])


def processes_in(folder: Path) -> dict[int, tuple[int, dict[str, str]]]:
    """The processes whose working folder is ``folder``: pid -> (uid, environment)."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.readlink(entry / "cwd") == str(folder):
                variables = (entry / "environ").read_bytes().decode(errors="replace").split("\0")
                found[int(entry.name)] = (entry.stat().st_uid, dict(v.split("=", 1) for v in variables if "=" in v))
        except OSError:
            continue
    return found


def log_in(base: str, username: str, password: str):
    """POST the hub's login form as a browser does; the response (not followed) and the session."""
    import requests

    session = requests.Session()
    session.get(f"{base}/hub/login", timeout=30)
    answer = session.post(f"{base}/hub/login", allow_redirects=False, timeout=30,
                          data={"username": username, "password": password, "_xsrf": session.cookies["_xsrf"]})
    return answer, session


def new_logins(count: int, prefix: str = "hv") -> list[str]:
    """Login names no system user has yet (the roster creates them as system users; ``gr``: the hub's grader)."""
    names = []
    while len(names) < count:
        name = f"{prefix}{secrets.randbelow(10 ** 6):06d}"
        try:
            pwd.getpwnam(name)
        except KeyError:
            names.append(name)
    return names


def remove_users(names: list[str]) -> None:
    """Delete the system users (and homes) a test created."""
    for name in names:
        subprocess.run(["userdel", "--force", "--remove", name], capture_output=True)


def run_as(name: str, *command: str, cwd=None) -> subprocess.CompletedProcess:
    """Run ``command`` as the system user ``name`` (their uid and group only), in their home, where the hub runs
    the trainees' servers."""
    user = pwd.getpwnam(name)
    env = {"HOME": user.pw_dir, "USER": name, "LOGNAME": name, "PATH": os.environ["PATH"], "LANG": "C.UTF-8",
           "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    as_user = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--", *command]
    return subprocess.run(python_reachable(as_user), env=env, cwd=cwd or user.pw_dir, capture_output=True,
                          text=True, timeout=600)


def as_grader(grader: str, course, *command) -> subprocess.CompletedProcess:
    """Run ``command`` in the course folder as the hub's grader (what a lecturer runs in formgrader's terminal);
    it must succeed."""
    done = subprocess.run(python_reachable(["runuser", "-u", grader, "--", *map(str, command)]), cwd=course,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def credentials(roster_output: str) -> dict[str, str]:
    """Login name -> first-login password, as ``policycomm hub roster`` prints them for the lecturer."""
    return {line.split("tên đăng nhập: ")[1].split("\t")[0]: line.split("mật khẩu: ")[1].strip()
            for line in roster_output.splitlines() if "mật khẩu: " in line}


def nbgrader(*args: str) -> list[str]:
    return [sys.executable, "-m", "nbgrader", *args]


def lecturer_course(folder: Path) -> Path:
    """A one-assignment nbgrader course of the course id the class server's trainees use."""
    from policycomm.assign.course import COURSE_ID

    (folder / "source" / "m00").mkdir(parents=True)
    (folder / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\n")
    nb = new_notebook(cells=[new_markdown_cell("# Bài 00. Làm quen"), new_code_cell("print('Xin chào')")])
    nbformat.write(nb, folder / "source" / "m00" / "bai.ipynb")
    return folder


def graded_course(folder: Path) -> Path:
    """A one-assignment nbgrader course of the class server's course id whose one answer (``answer = 42``) is
    worth one autograded point."""
    from policycomm.assign.course import COURSE_ID

    def cell(source: str, **nbgrader):
        return new_code_cell(source, metadata={"nbgrader": {"schema_version": 3, "locked": False, "solution": False,
                                                            "grade": False, **nbgrader}})

    (folder / "source" / "m00").mkdir(parents=True)
    (folder / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\n")
    nb = new_notebook(cells=[new_markdown_cell("# Bài 00. Làm quen"),
                             cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION", solution=True,
                                  grade_id="answer"),
                             cell("assert answer == 42", grade=True, locked=True, points=1, grade_id="check")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "source" / "m00" / "bai.ipynb")
    return folder


def xsrf(session) -> str:
    return session.cookies.get("_xsrf", path="/hub/") or session.cookies.get("_xsrf")


def start_server(base: str, session, name: str, log, timeout: float = 240) -> str:
    """Start the trainee's server through the hub's REST API with their login cookie, wait (up to ``timeout``
    seconds) until it is ready; a token of theirs for the server's own REST API."""
    answer = session.post(f"{base}/hub/api/users/{name}/server", headers={"X-XSRFToken": xsrf(session)}, timeout=60)
    assert answer.status_code in (201, 202), answer.text
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        server = session.get(f"{base}/hub/api/users/{name}", timeout=30).json()["servers"].get("", {})
        if server.get("ready"):
            break
        time.sleep(0.5)
    else:
        raise TimeoutError(f"the server of {name} did not start:\n{log.read_text()[-4000:]}")
    answer = session.post(f"{base}/hub/api/users/{name}/tokens", headers={"X-XSRFToken": xsrf(session)},
                          json={"note": "nbgrader", "expires_in": 3600}, timeout=60)
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


def assignment_action(base: str, name: str, token: str, action: str, assignment: str) -> dict:
    """POST to the nbgrader endpoint ``/assignments/<action>`` of the trainee's server (what JupyterLab's
    Assignments panel calls), authenticated with the trainee's token."""
    import requests

    from policycomm.assign.course import COURSE_ID

    answer = requests.post(f"{base}/user/{name}/assignments/{action}", headers={"Authorization": f"token {token}"},
                           data={"course_id": COURSE_ID, "assignment_id": assignment}, timeout=300)
    assert answer.status_code == 200, answer.text
    return answer.json()


def enrol(hub: Path, course: Path, roster: Path, people: dict[str, str]) -> dict[str, str]:
    """``policycomm hub roster --system-users`` for ``people`` (login -> name), as the lecturer runs it with sudo:
    gradebook, hub accounts and system users; login -> first-login password."""
    roster.write_text("Mã học viên,Họ tên,Đơn vị,Email\n" + "".join(
        f"{login},{name},UBND xã Tân Lập,\n" for login, name in people.items()), encoding="utf-8-sig")
    enrolled = subprocess.run(policycomm("hub", "roster", roster, "--course", course, "--system-users",
                                         "--hub-db-url", f"sqlite:///{hub}/jupyterhub.sqlite"),
                              capture_output=True, text=True, timeout=300)
    assert enrolled.returncode == 0, enrolled.stdout + enrolled.stderr
    return credentials(enrolled.stdout)


@contextlib.contextmanager
def class_server(hub: Path, log: Path, course: Path, grader: str, lecturers: list[str] = (), settings: str = ""):
    """``policycomm hub start`` (:func:`start_hub`) on a free loopback port with ``hub`` as its folder, ``course``
    as the lecturers' course and ``grader`` as its grader; ``settings`` follow the configure() line of its
    ``jupyterhub_config.py``, as a lecturer would add them. Yields the hub's URL once its login page answers;
    the hub (with the trainees' servers and its gradebook) stops on exit and the grader's user goes."""
    from policycomm.hub.server import CONFIG_FILE, config_text, free_port

    port = free_port()
    hub.mkdir(exist_ok=True)
    (hub / CONFIG_FILE).write_text(config_text(port, list(lecturers), "127.0.0.1", grader) + settings,
                                   encoding="utf-8")
    server = start_hub(hub, port, log, grader, course)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/hub/login", server, log)
        yield base
    finally:
        stop_hub(server, hub, grader)
