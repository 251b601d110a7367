"""The class server as a class, on loopback: each trainee's JupyterLab runs as their own system user, homes are
private, and an assignment goes lecturer → exchange → trainee → exchange → lecturer with nbgrader's own commands.

It creates system users, so it runs as root (as CI does); the users and their homes are removed afterwards.
The hub, and every command run as a trainee, runs where other users reach this test run's Python
(:func:`hubkit.python_reachable`): a real class server has its Python where trainees reach it, but a test
machine's may sit in root's home, and the test changes nothing outside its own temporary folders.
"""
from __future__ import annotations

import json
import os
import pwd
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hubkit import (assignment_action, credentials, lecturer_course, log_in, nbgrader, new_logins, policycomm,
                    remove_users, run_as, start_hub, start_server, stop_hub, wait_for)
from policycomm.hub.server import free_port
from policycomm.trainee.start import START_PAGE

pytestmark = pytest.mark.slow


def server_uids(name: str) -> set[int]:
    """The uids of the processes whose JupyterHub user is ``name`` (the trainee's single-user server)."""
    uids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"JUPYTERHUB_USER={name}".encode() in (entry / "environ").read_bytes().split(b"\0"):
                uids.add(entry.stat().st_uid)
        except OSError:
            continue
    return uids


def test_each_trainee_works_as_their_own_user_and_submits_through_the_exchange(tmp_path, hub_folder):
    if os.geteuid() != 0:
        pytest.fail("the class server test creates system users for its trainees: run it as root (CI does)")
    a, b = new_logins(2)
    hub = hub_folder
    hub.mkdir()
    course = lecturer_course(tmp_path / "course")
    roster = tmp_path / "hoc-vien.csv"
    roster.write_text(f"Mã học viên,Họ tên,Đơn vị,Email\n{a},Nguyễn Thị Hà,UBND xã Tân Lập,\n"
                      f"{b},Trần Văn Bình,UBND phường Hà Đông,\n", encoding="utf-8-sig")
    port = free_port()
    log = tmp_path / "hub.log"
    (grader,) = new_logins(1, "gr")
    server = None
    try:
        enrolled = subprocess.run(policycomm("hub", "roster", roster, "--course", course, "--system-users",
                                             "--hub-db-url", f"sqlite:///{hub}/jupyterhub.sqlite"),
                                  capture_output=True, text=True, timeout=300)
        assert enrolled.returncode == 0, enrolled.stdout + enrolled.stderr
        assert "Đã tạo 2 người dùng hệ thống mới" in enrolled.stdout
        passwords = credentials(enrolled.stdout)
        homes = {name: Path(pwd.getpwnam(name).pw_dir) for name in (a, b)}
        for name, home in homes.items():
            assert home.stat().st_uid == pwd.getpwnam(name).pw_uid
            assert stat.S_IMODE(home.stat().st_mode) == 0o700

        server = start_hub(hub, port, log, grader, course)
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/hub/login", server, log)
        exchange = hub / "exchange"
        assert stat.S_IMODE(exchange.stat().st_mode) == 0o1777
        for step in (["generate_assignment", "m00", "--force"],
                     ["release_assignment", "m00", f"--Exchange.root={exchange}", "--force"]):
            done = subprocess.run(nbgrader(*step), cwd=course, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stdout + done.stderr

        tokens = {}
        for name in (a, b):
            answer, session = log_in(base, name, passwords[name])
            assert answer.status_code == 302, log.read_text()[-4000:]
            tokens[name] = start_server(base, session, name, log)
            assert server_uids(name) == {pwd.getpwnam(name).pw_uid}, log.read_text()[-4000:]
            page = homes[name] / START_PAGE  # written by the trainee's own server, in their home
            assert page.stat().st_uid == pwd.getpwnam(name).pw_uid
            assert "Làm quen" in page.read_text(encoding="utf-8")  # the released module, read from the exchange
            config = json.loads((homes[name] / ".jupyter" / "jupyter_server_config.json").read_text())
            extensions = config["ServerApp"]["jpserver_extensions"]
            assert not extensions["nbgrader.server_extensions.formgrader"]  # the lecturer's tools are off
            assert not extensions["nbgrader.server_extensions.course_list"]
            disabled = json.loads((homes[name] / ".jupyter" / "labconfig" / "page_config.json").read_text())
            assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= {
                plugin for plugin, off in disabled["disabledExtensions"].items() if off}
            assert "policycomm.trainee" in (homes[name] / ".ipython" / "profile_default"
                                            / "ipython_kernel_config.py").read_text()

        peek = run_as(b, sys.executable, "-c", "import os, sys; os.listdir(sys.argv[1])", str(homes[a]))
        assert peek.returncode != 0 and "PermissionError" in peek.stderr  # B cannot read A's home

        fetched = assignment_action(base, a, tokens[a], "fetch", "m00")
        assert fetched["success"] and fetched["value"][0]["status"] == "fetched", fetched
        notebook = homes[a] / "m00" / "bai.ipynb"
        assert notebook.stat().st_uid == pwd.getpwnam(a).pw_uid  # fetched by A's own server
        submitted = assignment_action(base, a, tokens[a], "submit", "m00")
        assert submitted["success"], submitted
        inbound = exchange / "policycomm" / "inbound"
        peek = run_as(b, sys.executable, "-c", "import os, sys; os.listdir(sys.argv[1])", str(inbound))
        assert peek.returncode != 0 and "PermissionError" in peek.stderr  # B cannot list the submissions

        collected = subprocess.run(nbgrader("collect", "m00", f"--Exchange.root={exchange}"), cwd=course,
                                   capture_output=True, text=True, timeout=300)
        assert collected.returncode == 0, collected.stdout + collected.stderr
        assert (course / "submitted" / a / "m00" / "bai.ipynb").is_file()
        assert not (course / "submitted" / b).exists()
    finally:
        try:
            stop_hub(server, hub, grader)  # the hub stops the trainees' servers as it stops
        finally:
            remove_users([a, b])
