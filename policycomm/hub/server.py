"""``policycomm hub start``: JupyterHub for a class, configured in one file of the hub's folder.

The folder holds ``jupyterhub_config.py`` (written once, then the lecturer's to
edit), JupyterHub's database (``jupyterhub.sqlite``, where ``policycomm hub
roster --hub-db-url`` puts the trainees' accounts) and the cookie secret that
JupyterHub generates, both readable by root only, and nbgrader's exchange
(``exchange/``, mode 1777: every trainee writes into it, as nbgrader's exchange
needs, and the sticky bit keeps each one from removing another's files).
Logins are NativeAuthenticator accounts that the roster created and
authorised; nobody can sign up. Each trainee's JupyterLab
runs as the system user of the same name (``policycomm hub roster
--system-users``), in their home, with the trainee environment
(:mod:`policycomm.hub.trainee`). The proxy is configurable-http-proxy from npm
(``make hub-deps``).

The lecturers' side (the course folder, formgrader, the gradebook) is
:mod:`policycomm.hub.grading`.

>>> print(config_text(8000, ["gv01"]).splitlines()[-1])
configure(c, port=8000, ip='0.0.0.0', lecturers=['gv01'], grader='policycomm-grader', db_url=None)
"""
from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path
from urllib.parse import quote

from ..assign.course import COURSE_ID, DEFAULT_COURSE
from ..messages import CodedError
from ..trainee.start import START_PAGE
from .grading import GRADER, Grading
from .trainee import EXCHANGE_VARIABLE

CONFIG_FILE = "jupyterhub_config.py"
DATABASE = "jupyterhub.sqlite"
EXCHANGE = "exchange"


class HubError(CodedError):
    """The class server cannot start; the message says what to do."""


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_port(ip: str, port: int) -> None:
    """Raise :class:`HubError` when ``port`` is taken on ``ip``."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError:
            raise HubError("hub_port_in_use", port=port) from None


def check_reachable(path: str) -> None:
    """Raise :class:`HubError` when other users cannot reach ``path`` (a folder on its way is closed to them)."""
    import stat

    for folder in [path, *Path(path).parents]:
        if not os.stat(folder).st_mode & stat.S_IXOTH:
            raise HubError("hub_private_folder", folder=folder, path=path)


def configure(c, port: int, ip: str = "0.0.0.0", lecturers: list[str] = (), grader: str = GRADER,
              db_url: str | None = None) -> None:
    """Set JupyterHub's configuration ``c`` for a class (called from the folder's ``jupyterhub_config.py``)."""
    from . import pages  # Jinja2 comes with JupyterHub

    folder = os.getcwd()
    c.JupyterHub.bind_url = f"http://{ip}:{port}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{free_port()}"  # the hub's own API, for the proxy only
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{free_port()}"
    c.JupyterHub.db_url = f"sqlite:///{os.path.join(folder, DATABASE)}"
    c.JupyterHub.cookie_secret_file = os.path.join(folder, "jupyterhub_cookie_secret")
    c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
    c.NativeAuthenticator.enable_signup = False  # accounts come from `policycomm hub roster`
    c.Authenticator.allow_all = True  # NativeAuthenticator lets in only authorised accounts with their password
    c.Authenticator.admin_users = set(lecturers)
    c.JupyterHub.spawner_class = "localprocess"  # each trainee's server as the system user of the same name
    c.Spawner.cmd = [sys.executable, "-m", "policycomm.hub.trainee"]
    c.Spawner.environment = {EXCHANGE_VARIABLE: os.path.join(folder, EXCHANGE)}
    c.Spawner.default_url = f"/lab/tree/{quote(START_PAGE)}"
    c.Spawner.start_timeout = c.Spawner.http_timeout = 120  # a busy classroom machine starts servers slowly
    c.JupyterHub.template_paths = [str(pages.TEMPLATES)]  # the hub's pages in Vietnamese
    c.JupyterHub.jinja_environment_options = {"extensions": [f"{pages.__name__}.VietnamesePages"]}
    Grading(folder, grader, db_url).configure(c, lecturers, free_port())


def config_text(port: int, lecturers: list[str], ip: str = "0.0.0.0", grader: str = GRADER,
                db_url: str | None = None) -> str:
    """The documented ``jupyterhub_config.py`` of a class server."""
    return ("# The class server of the policycomm course (JupyterHub), written by `policycomm hub start`.\n"
            "# port: where trainees open the course, http://<this machine>:<port>; ip: 0.0.0.0 listens on every\n"
            "# network, 127.0.0.1 on this machine only; lecturers: login names with the hub's admin page and\n"
            f"# formgrader, http://<this machine>:<port>/services/{COURSE_ID}/formgrader, and JupyterLab with a\n"
            f"# terminal at /services/{COURSE_ID}/, in the course folder course/ here (copied once by the first\n"
            "# start, then the lecturers'), run as the system user `grader`, who owns that folder; from a shell:\n"
            "# `sudo runuser -u <grader> -- policycomm grade m00 --course course`.\n"
            "# db_url: the gradebook, an existing PostgreSQL (SQLAlchemy URL); None runs a private one in\n"
            "# gradebook/ here, which only the grader (and root) reach. This file is root's alone (the address may\n"
            "# hold a password).\n"
            "# Accounts: `sudo policycomm hub roster FILE --course course --hub-db-url\n"
            "# sqlite:///<this folder>/jupyterhub.sqlite --system-users` (each trainee's JupyterLab runs as the\n"
            "# system user of the same name).\n"
            "# Any JupyterHub setting may follow the configure() line, e.g. c.Spawner.mem_limit = '1G'.\n"
            "c = get_config()  # noqa: F821\n"
            "from policycomm.hub.server import configure  # noqa: E402\n\n"
            f"configure(c, port={port}, ip={ip!r}, lecturers={sorted(lecturers)!r}, grader={grader!r}, "
            f"db_url={db_url!r})\n")


def load_config(folder: str):
    """The folder's JupyterHub configuration, as JupyterHub will read it (from inside the folder)."""
    from traitlets.config.loader import PyFileConfigLoader

    here = os.getcwd()
    os.chdir(folder)
    try:
        return PyFileConfigLoader(CONFIG_FILE, path=folder).load_config()
    finally:
        os.chdir(here)


def lecturer_accounts(config) -> dict[str, str]:
    """Create the NativeAuthenticator accounts the lecturers lack; login name -> generated password."""
    from .roster import Person, add_hub_accounts

    lecturers = [Person(0, name, name) for name in sorted(config.Authenticator.admin_users)]
    return add_hub_accounts(lecturers, config.JupyterHub.db_url) if lecturers else {}


def write_config(folder: str, text: str) -> None:
    """Write the folder's configuration the first time (later it is the lecturer's); root's alone either way."""
    path = os.path.join(folder, CONFIG_FILE)
    if not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    os.chmod(path, 0o600)


def start(folder: str, port: int, ip: str, lecturers: list[str], course: str = str(DEFAULT_COURSE),
          grader: str = GRADER, db_url: str | None = None) -> None:
    """Write the folder's configuration if it has none, check what JupyterHub needs, prepare the lecturers'
    side, print the passwords of new lecturer accounts, and become JupyterHub (this process is replaced; it
    does not return). The options are those the configuration is written with the first time."""
    from urllib.parse import urlsplit

    from ..messages import message
    from . import gradebook

    folder = os.path.abspath(folder)
    if db_url:
        gradebook.check(db_url)  # before anything is written
    os.makedirs(folder, exist_ok=True)
    write_config(folder, config_text(port, lecturers, ip, grader, db_url))
    if shutil.which("configurable-http-proxy") is None:
        raise HubError("hub_no_proxy")
    exchange = os.path.join(folder, EXCHANGE)
    os.makedirs(exchange, exist_ok=True)
    os.chmod(exchange, 0o1777)
    for needed in (exchange, os.path.realpath(sys.executable)):
        check_reachable(needed)
    config = load_config(folder)
    url = urlsplit(config.JupyterHub.bind_url)
    check_port(url.hostname or "0.0.0.0", url.port or 8000)
    grading = Grading.of(config)
    grading.prepare(os.path.abspath(course))
    os.umask(0o077)  # the database (password hashes) and the secrets are root's alone
    if os.path.exists(os.path.join(folder, DATABASE)):
        os.chmod(os.path.join(folder, DATABASE), 0o600)
    for username, password in lecturer_accounts(config).items():
        print(message("hub_lecturer_account", username=username, password=password))
    print(message("hub_formgrader", url=f"{config.JupyterHub.bind_url}/services/{COURSE_ID}/formgrader",
                  course=grading.course_dir))
    os.chdir(folder)
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-m", "policycomm.hub.app", "-f", CONFIG_FILE])  # JupyterHub
