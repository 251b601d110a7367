"""`policycomm hub start`: a real JupyterHub and configurable-http-proxy on loopback, logins from the roster.

The hub runs where other users reach this test run's Python (:func:`hubkit.python_reachable`): a real class
server has its Python where trainees reach it, and the start rightly refuses one they cannot, but a test
machine's may sit in root's home, and the test changes nothing outside its own temporary folders.
"""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from hubkit import (credentials, lecturer_course, log_in, new_logins, policycomm, python_reachable, start_hub, stop_hub,
                    wait_for)
from policycomm.hub.server import free_port

pytestmark = pytest.mark.slow


def test_a_trainee_from_the_roster_logs_in_and_a_taken_port_is_named(tmp_path, hub_folder):
    hub = hub_folder
    hub.mkdir()
    roster = tmp_path / "hoc-vien.csv"
    roster.write_bytes("\ufeffMã học viên,Họ tên,Đơn vị,Email\r\nHV001,Nguyễn Thị Hà,UBND xã Tân Lập,\r\n".encode())
    (tmp_path / "course").mkdir()
    enrolled = subprocess.run(policycomm("hub", "roster", roster, "--course", tmp_path / "course",
                                         "--hub-db-url", f"sqlite:///{hub}/jupyterhub.sqlite"),
                              capture_output=True, text=True, timeout=300)
    password = credentials(enrolled.stdout)["hv001"]
    assert "--system-users" in enrolled.stdout  # no system user without the lecturer asking for them

    port = free_port()
    log = tmp_path / "hub.log"
    (grader,) = new_logins(1, "gr")
    server = start_hub(hub, port, log, grader, lecturer_course(tmp_path / "lecturer"), "--lecturer", "gv01")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/hub/login", server, log)
        answer, session = log_in(base, "hv001", password)
        assert answer.status_code == 302 and "jupyterhub-hub-login" in session.cookies, log.read_text()[-4000:]
        import requests

        trainee_admin = requests.get(f"{base}/hub/admin", cookies=session.cookies, allow_redirects=False, timeout=30)
        assert trainee_admin.status_code == 403  # a trainee is no admin
        lecturer = log.read_text().split("tên đăng nhập gv01, mật khẩu ")[1].split(" ")[0]
        answer, session = log_in(base, "gv01", lecturer)
        assert answer.status_code == 302
        admin_page = requests.get(f"{base}/hub/admin", cookies=session.cookies, allow_redirects=False, timeout=30)
        assert admin_page.status_code == 200  # the lecturer is the hub's admin
        answer, session = log_in(base, "hv001", "khong-dung")
        assert answer.status_code != 302 and "jupyterhub-hub-login" not in session.cookies
        answer, session = log_in(base, "nguoi-la", password)  # nobody can sign up or log in unlisted
        assert answer.status_code != 302 and "jupyterhub-hub-login" not in session.cookies

        again = subprocess.run(python_reachable(policycomm("hub", "start", "--folder", hub)), capture_output=True,
                               text=True, timeout=300)
        assert again.returncode == 1
        assert f"Cổng {port} đang được chương trình khác dùng" in again.stderr and "Traceback" not in again.stderr
    finally:
        stop_hub(server, hub, grader)
    assert "configure(c, port=" in (hub / "jupyterhub_config.py").read_text()
    for secret in ("jupyterhub.sqlite", "jupyterhub_cookie_secret", "jupyterhub_config.py"):
        assert stat.S_IMODE((hub / secret).stat().st_mode) == 0o600, secret


def test_without_the_proxy_the_lecturer_is_told_to_install_it(tmp_path):
    done = subprocess.run(policycomm("hub", "start", "--folder", tmp_path / "hub", "--port", free_port()),
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PATH": os.path.dirname(sys.executable) + ":/nonexistent"})
    assert done.returncode == 1 and "make hub-deps" in done.stderr


def test_a_hub_folder_trainees_cannot_reach_is_named(tmp_path):
    closed = tmp_path / "rieng"
    closed.mkdir(mode=0o700)
    closed.chmod(0o700)
    done = subprocess.run(policycomm("hub", "start", "--folder", closed / "hub", "--port", free_port()),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"Học viên không vào được {closed / 'hub' / 'exchange'} vì thư mục {closed} đóng" in done.stderr
