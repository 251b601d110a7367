"""Helpers of the class-server tests: the policycomm command, waiting for the hub, its login form, system users."""
from __future__ import annotations

import pwd
import secrets
import subprocess
import sys
import time

import pytest


def policycomm(*args):
    return [sys.executable, "-m", "policycomm.cli", *map(str, args)]


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


def log_in(base: str, username: str, password: str):
    """POST the hub's login form as a browser does; the response (not followed) and the session."""
    import requests

    session = requests.Session()
    session.get(f"{base}/hub/login", timeout=30)
    answer = session.post(f"{base}/hub/login", allow_redirects=False, timeout=30,
                          data={"username": username, "password": password, "_xsrf": session.cookies["_xsrf"]})
    return answer, session


def new_logins(count: int) -> list[str]:
    """Login names no system user has yet (the roster creates them as system users)."""
    names = []
    while len(names) < count:
        name = f"hv{secrets.randbelow(10 ** 6):06d}"
        try:
            pwd.getpwnam(name)
        except KeyError:
            names.append(name)
    return names


def remove_users(names: list[str]) -> None:
    """Delete the system users (and homes) a test created."""
    for name in names:
        subprocess.run(["userdel", "--force", "--remove", name], capture_output=True)


def credentials(roster_output: str) -> dict[str, str]:
    """Login name -> first-login password, as ``policycomm hub roster`` prints them for the lecturer."""
    return {line.split("tên đăng nhập: ")[1].split("\t")[0]: line.split("mật khẩu: ")[1].strip()
            for line in roster_output.splitlines() if "mật khẩu: " in line}
