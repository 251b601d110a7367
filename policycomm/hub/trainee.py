"""What each trainee's server runs on the class server (``c.Spawner.cmd``), as the trainee, in their home.

It writes the trainee environment of ``policycomm course open``
(:func:`policycomm.assign.course.write_trainee_config`) into the home's own
Jupyter and IPython folders (``~/.jupyter``, ``~/.ipython``): the course id and
the class server's exchange for nbgrader's Fetch and Submit, the lecturer's
tools switched off, Validate in Vietnamese, JupyterLab in Vietnamese, the
kernels loading :mod:`policycomm.trainee`; settings the trainee changed are
kept. Then it writes the start page again (:mod:`policycomm.trainee.start`)
and becomes JupyterHub's single-user JupyterLab.

>>> home = HubTrainee(Path("/home/hv001"), Path("/srv/hub/exchange"))
>>> str(home.config_dir), str(home.settings_dir)
('/home/hv001/.jupyter', '/home/hv001/.jupyter/lab/user-settings')
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

#: the environment variable through which the class server names its exchange
EXCHANGE_VARIABLE = "POLICYCOMM_HUB_EXCHANGE"


@dataclass(frozen=True)
class HubTrainee:
    """A trainee's home on the class server, with the folders that ``write_trainee_config`` fills (those of
    :class:`policycomm.assign.course.CourseRun`), where Jupyter and IPython look for them by default."""

    home: Path
    exchange: Path

    @property
    def config_dir(self) -> Path:
        return self.home / ".jupyter"

    @property
    def ipython_dir(self) -> Path:
        return self.home / ".ipython"

    @property
    def settings_dir(self) -> Path:
        return self.config_dir / "lab" / "user-settings"

    @property
    def cache(self) -> Path:
        return self.home / ".local" / "share" / "jupyter" / "nbgrader_cache"


def main() -> None:
    """Prepare the trainee's home (the working directory), then run ``jupyterhub-singleuser`` in this process."""
    from ..assign.course import write_trainee_config
    from ..trainee import start

    os.umask(0o077)  # the trainee's files are theirs alone
    home = Path.cwd()
    write_trainee_config(HubTrainee(home, Path(os.environ[EXCHANGE_VARIABLE])))
    start.main([str(home)])
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-m", "jupyterhub.singleuser", *sys.argv[1:]])


if __name__ == "__main__":
    main()
