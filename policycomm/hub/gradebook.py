"""The class's nbgrader gradebook on the class server: a private PostgreSQL, or an existing one (``--db-url``).

The private one is a PostgreSQL 15 cluster (Debian's ``postgresql-15``:
``make hub-deps``) in ``<hub folder>/gradebook``, created once by ``policycomm
hub start`` as the grader's system user and run by JupyterHub as one of its
services (started and stopped with the hub, started again if it stops). It
listens on no network, only on a Unix socket inside its own folder (mode 0700,
the grader's), and lets in only the grader and root, each by their system
identity (``peer``), as the database user of the grader.

>>> private_url("/srv/hub/gradebook", "policycomm-grader")
'postgresql+psycopg2://policycomm-grader@/gradebook?host=/srv/hub/gradebook'
"""
from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

from ..messages import CodedError

#: Debian's PostgreSQL 15 programs
PG_BIN = Path("/usr/lib/postgresql/15/bin")
#: the database of the gradebook inside the private cluster
DATABASE = "gradebook"
#: who may connect: the grader, and root (``policycomm hub roster`` run with sudo), as the grader's database user
HBA = ("# Written by `policycomm hub start`: only the Unix socket, only the system users of pg_ident.conf.\n"
       "local all all peer map=class\n")


class GradebookError(CodedError):
    """The gradebook cannot be used; the message says what to do."""


def private_url(data_dir: str, grader: str) -> str:
    """The SQLAlchemy URL of the private gradebook: its socket is in its own folder."""
    return f"postgresql+psycopg2://{grader}@/{DATABASE}?host={data_dir}"


def service(data_dir: str, grader: str) -> dict:
    """The JupyterHub service that runs the private PostgreSQL as the grader (no network, no web address)."""
    return {"name": DATABASE, "user": grader, "cwd": data_dir,
            "command": [str(PG_BIN / "postgres"), "-D", data_dir, "-k", data_dir, "-c", "listen_addresses="]}


def _as_grader(grader: str, data_dir: str, *command: str, stdin: str | None = None, check: bool = True) -> None:
    subprocess.run(["runuser", "-u", grader, "--", *command], input=stdin, cwd=data_dir, check=check,
                   capture_output=True, text=True, timeout=300)


def prepare(data_dir: str, grader: str) -> None:
    """Before the hub starts its gradebook: create the private cluster the first time, or stop the server an
    earlier hub left running (killed before it could stop it), so that this hub's service runs the only one."""
    if not (Path(data_dir) / "PG_VERSION").exists():
        create(data_dir, grader)
    elif (Path(data_dir) / "postmaster.pid").exists():
        _as_grader(grader, data_dir, str(PG_BIN / "pg_ctl"), "stop", "--mode=fast", "-D", data_dir, check=False)


def create(data_dir: str, grader: str) -> None:
    """Create the private cluster and its database, as the grader."""
    data = Path(data_dir)
    if not (PG_BIN / "initdb").exists():
        raise GradebookError("hub_no_postgres")
    user = pwd.getpwnam(grader)
    data.mkdir(mode=0o700, exist_ok=True)
    os.chown(data, user.pw_uid, user.pw_gid)
    try:
        _as_grader(grader, data_dir, str(PG_BIN / "initdb"), "--auth-local=peer", "--auth-host=reject",
                   "--encoding=UTF8", "--locale=C.UTF-8", "-D", data_dir)
        (data / "pg_hba.conf").write_text(HBA, encoding="utf-8")  # files initdb made, the grader's: kept theirs
        with open(data / "pg_ident.conf", "a", encoding="utf-8") as ident:
            ident.write(f"class root {grader}\nclass {grader} {grader}\n")
        _as_grader(grader, data_dir, str(PG_BIN / "postgres"), "--single", "-D", data_dir, "postgres",
                   stdin=f"CREATE DATABASE {DATABASE}\n")
    except subprocess.CalledProcessError as exc:
        raise GradebookError("hub_initdb_failed", path=data_dir, detail=exc.stderr.strip()[-500:]) from None


def check(db_url: str) -> None:
    """Raise :class:`GradebookError` when the database at ``db_url`` does not answer."""
    import sqlalchemy

    try:
        engine = sqlalchemy.create_engine(db_url)
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("SELECT 1"))
        engine.dispose()
    except Exception:  # a bad address, no server, refused: all the same for the lecturer
        raise GradebookError("hub_no_gradebook", db=db_url) from None
