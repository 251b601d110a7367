"""The lecturers' side of the class server, on loopback: formgrader as a JupyterHub service run by the grader's
system user in the course folder, the gradebook in the hub's private PostgreSQL, trainees kept out of both.

It creates system users (a trainee, the grader), so it runs as root (as CI does); they are removed afterwards.
The hub and every command run as another user run where other users reach this test run's Python
(:func:`hubkit.python_reachable`).
"""
from __future__ import annotations

import os
import pwd
import stat
import subprocess
import sys
import time

import pytest

from hubkit import (as_grader, credentials, graded_course, log_in, nbgrader, new_logins, policycomm, processes_in,
                    remove_users, run_as, start_hub, stop_hub, wait_for)
from policycomm.assign.course import COURSE_ID
from policycomm.hub.server import free_port

pytestmark = pytest.mark.slow

#: what a trainee's uid tries on the lecturers' side: list the course, read the gradebook's files, its socket
PEEK = """
import socket, sys
course, data = sys.argv[1:]
for attempt in (lambda: __import__("os").listdir(course), lambda: open(data + "/PG_VERSION").read(),
                lambda: socket.socket(socket.AF_UNIX).connect(data + "/.s.PGSQL.5432")):
    try:
        attempt()
        print("open")
    except PermissionError:
        print("refused")
"""
#: a trainee answers the fetched notebook (what the form would write) with the answer in argv
ANSWER = """
import sys, nbformat
path, answer = sys.argv[1:]
nb = nbformat.read(path, as_version=4)
for cell in nb.cells:
    if cell.metadata.get("nbgrader", {}).get("grade_id") == "answer":
        cell.source = "answer = " + answer
nbformat.write(nb, path)
"""


def service_page(session, url: str, log, timeout: float = 180):
    """GET ``url`` through the hub (its login and the service's OAuth followed), once the service answers."""
    deadline = time.monotonic() + timeout
    while True:
        answer = session.get(url, timeout=60)
        if answer.status_code not in (502, 503) or time.monotonic() > deadline:
            return answer
        time.sleep(1)


def test_a_lecturer_grades_in_formgrader_into_postgresql_and_trainees_are_kept_out(tmp_path, hub_folder):
    if os.geteuid() != 0:
        pytest.fail("the lecturers' side test creates system users: run it as root (CI does)")
    (trainee,), (grader,), (lecturer,) = new_logins(1), new_logins(1, "gr"), new_logins(1, "gv")
    hub, port, log = hub_folder, free_port(), tmp_path / "hub.log"
    hub.mkdir()
    base = f"http://127.0.0.1:{port}"
    course, data = hub / "course", hub / "gradebook"
    server = None
    try:
        server = start_hub(hub, port, log, grader, graded_course(tmp_path / "source"), "--lecturer", lecturer)
        wait_for(f"{base}/hub/login", server, log)
        owner = pwd.getpwnam(grader)
        assert course.stat().st_uid == owner.pw_uid and stat.S_IMODE(course.stat().st_mode) == 0o750
        assert data.stat().st_uid == owner.pw_uid and stat.S_IMODE(data.stat().st_mode) == 0o700
        assert "postgresql+psycopg2://" in (course / "hub_config.py").read_text()
        services = {folder: list(processes_in(folder).values()) for folder in (course, data)}
        assert services[course] and services[data], log.read_text()[-4000:]  # formgrader, PostgreSQL
        assert {uid for folder in services.values() for uid, _ in folder} == {owner.pw_uid}  # both the grader's
        assert {env["JUPYTERHUB_SERVICE_NAME"] for _, env in services[course]} == {COURSE_ID}
        assert all(env["PATH"].startswith(os.path.dirname(sys.executable)) for _, env in services[course])

        roster = tmp_path / "hoc-vien.csv"
        roster.write_text(f"Mã học viên,Họ tên,Đơn vị,Email\n{trainee},Nguyễn Thị Hà,UBND xã Tân Lập,\n",
                          encoding="utf-8")
        enrolled = subprocess.run(policycomm("hub", "roster", roster, "--course", course, "--system-users",
                                             "--hub-db-url", f"sqlite:///{hub}/jupyterhub.sqlite"),
                                  capture_output=True, text=True, timeout=300)
        assert enrolled.returncode == 0, enrolled.stdout + enrolled.stderr  # root reaches the gradebook too
        peek = run_as(trainee, sys.executable, "-c", PEEK, str(course), str(data))
        assert peek.stdout.split() == ["refused"] * 3, peek.stdout + peek.stderr

        import requests

        formgrader = f"{base}/services/{COURSE_ID}/formgrader"
        answer, session = log_in(base, trainee, credentials(enrolled.stdout)[trainee])
        assert answer.status_code == 302
        refused = service_page(session, formgrader, log)
        assert refused.status_code == 403, refused.url  # the hub refuses the trainee the service's login
        password = log.read_text().split(f"tên đăng nhập {lecturer}, mật khẩu ")[1].split(" ")[0]
        answer, lecturer_session = log_in(base, lecturer, password)
        assert answer.status_code == 302
        page = service_page(lecturer_session, formgrader, log)
        assert page.status_code == 200 and "formgrader" in page.text.lower(), log.read_text()[-4000:]
        assert page.url.startswith(formgrader)

        as_grader(grader, course, *nbgrader("generate_assignment", "m00"))
        as_grader(grader, course, *nbgrader("release_assignment", "m00"))
        home = pwd.getpwnam(trainee).pw_dir
        exchange = [f"--Exchange.root={hub / 'exchange'}", f"--course={COURSE_ID}"]
        fetched = run_as(trainee, *nbgrader("fetch_assignment", "m00", *exchange))
        assert fetched.returncode == 0, fetched.stderr[-3000:]
        for value in ("1", "42"):  # a wrong answer submitted, then the right one
            run_as(trainee, sys.executable, "-c", ANSWER, f"{home}/m00/bai.ipynb", value)
            submitted = run_as(trainee, *nbgrader("submit", "m00", *exchange))
            assert submitted.returncode == 0, submitted.stderr[-3000:]
        inbound = os.listdir(hub / "exchange" / COURSE_ID / "inbound")
        assert len(inbound) == 2 and all(name.startswith(f"{trainee}+m00+") for name in inbound)  # both kept

        as_grader(grader, course, *nbgrader("collect", "m00"))
        graded = as_grader(grader, course, *policycomm("grade", "m00", "--course", course, "--no-progress"))
        assert "Traceback" not in graded.stdout + graded.stderr
        scores = requests.get(f"{formgrader}/api/submissions/m00", cookies=lecturer_session.cookies, timeout=60)
        assert scores.status_code == 200, scores.text
        (row,) = [row for row in scores.json() if row["student"] == trainee]
        assert (row["score"], row["max_score"], row["autograded"]) == (1.0, 1.0, True), row  # the later one
        refused = requests.get(f"{formgrader}/api/submissions/m00", cookies=session.cookies, allow_redirects=False,
                               timeout=60)
        assert refused.status_code in (302, 403) and trainee not in refused.text
        as_grader(grader, course, *policycomm("report", "--course", course, "--output", course / "bao-cao"))
        assert trainee in (course / "bao-cao" / "scores.csv").read_text(encoding="utf-8-sig")  # from PostgreSQL
    finally:
        try:
            outlived = stop_hub(server, hub, grader)
        finally:
            remove_users([trainee])
    assert not outlived  # the hub stopped its gradebook as it stopped


def test_an_unreachable_gradebook_is_named_and_nothing_is_written(tmp_path):
    hub = tmp_path / "hub"
    url = f"postgresql+psycopg2://giangvien@127.0.0.1:{free_port()}/sodiem"
    done = subprocess.run(policycomm("hub", "start", "--folder", hub, "--port", free_port(), "--db-url", url),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"Không kết nối được sổ điểm {url}; hãy kiểm tra máy chủ PostgreSQL" in done.stderr
    assert not hub.exists()
