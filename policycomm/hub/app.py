"""The class server's JupyterHub (``python -m policycomm.hub.app -f jupyterhub_config.py``, run by ``policycomm hub
start``): JupyterHub itself, except that it gives the course's Jupyter server (formgrader) time to start.

JupyterHub waits about ten seconds for a service it runs to answer, then stops
itself; JupyterLab with nbgrader takes longer on a busy classroom machine. When
the service's process is still starting, this one keeps waiting, up to
:data:`SERVICE_START` seconds.
"""
from __future__ import annotations

from jupyterhub.app import JupyterHub
from jupyterhub.objects import Server
from jupyterhub.utils import AnyTimeoutError

#: seconds a service of the hub's own may take to answer at start
SERVICE_START = 180


class ClassHub(JupyterHub):
    """JupyterHub, patient with the services it runs."""

    async def start_service(self, service_name, service, ssl_context=None) -> bool:
        if await super().start_service(service_name, service, ssl_context):
            return True
        if not (service.managed and service.url) or await service.spawner.poll() is not None:
            return False  # it exited: JupyterHub said why
        try:
            await Server.from_orm(service.orm.server).wait_up(http=True, timeout=SERVICE_START,
                                                              ssl_context=ssl_context)
        except AnyTimeoutError:
            return False
        self.log.info("Service %s answered after all", service_name)
        return True


if __name__ == "__main__":
    ClassHub.launch_instance()
