"""The lecturers' side of the class server: the course folder, the grader's system user, formgrader, the gradebook.

As nbgrader's documentation sets up JupyterHub: the course folder
(``<hub folder>/course``, copied once from ``--course``, then the lecturers';
mode 0750) belongs to a system user of its own, the grader
(``policycomm-grader``), which ``policycomm hub start`` creates. JupyterHub runs
as that user, in that folder, a Jupyter server with nbgrader's formgrader and
policycomm (a service named after the course id: ``/services/policycomm/``),
and, without ``--db-url``, the private PostgreSQL of the gradebook
(:mod:`policycomm.hub.gradebook`). The lecturers are the group
``formgrade-policycomm``, whose role reaches that service
(``access:services!service=policycomm``); trainees have no such role. The
course's ``nbgrader_config.py`` loads ``hub_config.py``, which the start writes
each time: the hub's exchange and the gradebook's address.

>>> grading = Grading("/srv/hub")
>>> grading.course_dir, grading.url
('/srv/hub/course', 'postgresql+psycopg2://policycomm-grader@/gradebook?host=/srv/hub/gradebook')
>>> [role["scopes"] for role in grading.roles()]
[['access:services!service=policycomm']]
"""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from dataclasses import dataclass

from ..assign.course import COURSE_ID
from ..messages import CodedError
from . import gradebook

GRADER = "policycomm-grader"
COURSE = "course"
GRADEBOOK = "gradebook"
#: the class server's settings of the course, written by each start (the course's config loads it)
HUB_CONFIG = "hub_config.py"
#: the group of the lecturers, as nbgrader's documentation names it
GROUP = f"formgrade-{COURSE_ID}"
#: what the copy of a course leaves behind: the work of another place (its gradebook, releases, submissions)
NOT_COPIED = shutil.ignore_patterns("gradebook.db", "release", "submitted", "autograded", "feedback",
                                    ".ipynb_checkpoints", "__pycache__", HUB_CONFIG)
#: the lines the copy of the course's ``nbgrader_config.py`` ends with
LOAD_HUB_CONFIG = (f"\n# On the class server: its exchange and gradebook, which `policycomm hub start` writes into\n"
                   f"# {HUB_CONFIG} beside this file each time it starts (from the hub's jupyterhub_config.py).\n"
                   f"import os  # noqa: E402\n\n"
                   f"load_subconfig({HUB_CONFIG!r}, path=os.path.dirname(os.path.abspath(__file__)))  # noqa: F821\n")


class GradingError(CodedError):
    """The lecturers' side cannot be prepared; the message says what to do."""


@dataclass(frozen=True)
class Grading:
    """The lecturers' side of the class server whose folder is ``folder``."""

    folder: str
    grader: str = GRADER
    db_url: str | None = None  # an existing gradebook; None for the private PostgreSQL

    @property
    def course_dir(self) -> str:
        return os.path.join(self.folder, COURSE)

    @property
    def data_dir(self) -> str:
        return os.path.join(self.folder, GRADEBOOK)

    @property
    def url(self) -> str:
        """The gradebook's SQLAlchemy URL."""
        return self.db_url or gradebook.private_url(self.data_dir, self.grader)

    def services(self, port: int) -> list[dict]:
        """JupyterHub's services: the course's Jupyter server with formgrader on ``port``, and the private
        PostgreSQL when there is no ``db_url``."""
        bin_dir = os.path.dirname(sys.executable)  # `policycomm grade` and `nbgrader` in the server's terminals
        formgrader = {"name": COURSE_ID, "url": f"http://127.0.0.1:{port}", "user": self.grader,
                      "cwd": self.course_dir, "command": [sys.executable, "-m", "jupyterhub.singleuser"],
                      "oauth_no_confirm": True,  # the lecturers' own tool, part of the hub
                      "environment": {"JUPYTERHUB_DEFAULT_URL": "/lab",
                                      "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', os.defpath)}"}}
        return [formgrader] + ([] if self.db_url else [gradebook.service(self.data_dir, self.grader)])

    def roles(self) -> list[dict]:
        """The role of the lecturers' group: access to the course's service (nothing else of it)."""
        return [{"name": GROUP, "groups": [GROUP], "scopes": [f"access:services!service={COURSE_ID}"]}]

    def configure(self, c, lecturers, port: int) -> None:
        """Add the services, the lecturers' group and its role to JupyterHub's configuration ``c``."""
        c.JupyterHub.services = [*c.JupyterHub.get("services", []), *self.services(port)]
        c.JupyterHub.load_groups = {**c.JupyterHub.get("load_groups", {}), GROUP: {"users": sorted(lecturers)}}
        c.JupyterHub.load_roles = [*c.JupyterHub.get("load_roles", []), *self.roles()]
        # for `policycomm hub start` to read back (:meth:`of`); JupyterHub ignores a section it has no class for
        c.ClassGrading.folder, c.ClassGrading.grader, c.ClassGrading.db_url = self.folder, self.grader, self.db_url

    @classmethod
    def of(cls, config) -> Grading:
        """The lecturers' side that :meth:`configure` put into a loaded configuration."""
        section = config.ClassGrading
        return cls(section.folder, section.grader, section.db_url)

    def prepare(self, source: str) -> None:
        """Before JupyterHub starts (as root): the grader's user, the course folder (copied from ``source`` the
        first time), the hub's settings of the course, and the private gradebook (:func:`gradebook.prepare`)."""
        if self.db_url:
            gradebook.check(self.db_url)
        if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != self.grader:
            raise GradingError("hub_need_root", grader=self.grader)
        user = self.grader_user()
        if not os.path.exists(self.course_dir):
            self.copy_course(source, user)
        self.write_hub_config(user)
        self.check_course_id()
        if not self.db_url:
            gradebook.prepare(self.data_dir, self.grader)

    def grader_user(self) -> pwd.struct_passwd:
        """The grader's system user, created (with a home of mode 0700) when missing."""
        try:
            return pwd.getpwnam(self.grader)
        except KeyError:
            pass
        try:
            subprocess.run(["useradd", "--system", "--create-home", "--user-group", "--shell", "/bin/bash",
                            self.grader], check=True, capture_output=True, text=True)
        except subprocess.CalledProcessError as exc:
            raise GradingError("roster_useradd_failed", username=self.grader, detail=exc.stderr.strip()) from None
        user = pwd.getpwnam(self.grader)
        os.chmod(user.pw_dir, 0o700)
        return user

    def copy_course(self, source: str, user: pwd.struct_passwd) -> None:
        """Copy the course into the hub's folder, the grader's alone (with their group), loading the hub's
        settings at the end of its ``nbgrader_config.py``."""
        shutil.copytree(source, self.course_dir, ignore=NOT_COPIED)
        with open(os.path.join(self.course_dir, "nbgrader_config.py"), "a", encoding="utf-8") as config:
            config.write(LOAD_HUB_CONFIG)
        for root, folders, files in os.walk(self.course_dir):
            for name in [root, *(os.path.join(root, entry) for entry in folders + files)]:
                os.chown(name, user.pw_uid, user.pw_gid)
        os.chmod(self.course_dir, 0o750)

    def check_course_id(self) -> None:
        """Raise :class:`GradingError` when the course is not the one the trainees' servers fetch from."""
        from ..grading.cohort import config_value, load_course_config

        course_id = config_value(load_course_config(self.course_dir), "CourseDirectory", "course_id", "")
        if course_id != COURSE_ID:
            raise GradingError("hub_other_course", course=self.course_dir, id=course_id, expected=COURSE_ID)

    def write_hub_config(self, user: pwd.struct_passwd) -> None:
        """Write the hub's settings of the course: the exchange and the gradebook (mode 0640: the grader's)."""
        from .server import EXCHANGE

        path = os.path.join(self.course_dir, HUB_CONFIG)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("# Written by `policycomm hub start` each time it starts, from jupyterhub_config.py: edit "
                         "that file.\nc = get_config()  # noqa: F821\n"
                         f"c.Exchange.root = {os.path.join(self.folder, EXCHANGE)!r}\n"
                         f"c.CourseDirectory.db_url = {self.url!r}\n")
        os.chown(path, user.pw_uid, user.pw_gid)
        os.chmod(path, 0o640)
