"""The trainee's Jupyter server extension: nbgrader's Validate, answered by :class:`TraineeValidator`.

It serves the two addresses of nbgrader's ``validate_assignment`` server
extension (``/assignments/validate`` and ``/nbgrader_version``, which the Validate
button calls) with nbgrader's own handlers, except that the notebook is checked
by :class:`policycomm.trainee.validate.TraineeValidator`: same verdicts, the
cells named by their question and the errors in Vietnamese. The trainee's
server configuration (written by ``policycomm course open``) switches nbgrader's
``validate_assignment`` off and this on::

    {"ServerApp": {"jpserver_extensions": {
        "nbgrader.server_extensions.validate_assignment": false,
        "policycomm.trainee.server": true}}}

>>> [path for path, _ in HANDLERS]
['/assignments/validate', '/nbgrader_version']
"""
from __future__ import annotations

from pathlib import Path

from nbgrader.server_extensions.validate_assignment.handlers import NbGraderVersionHandler, ValidateAssignmentHandler
from tornado import web


class TraineeValidateHandler(ValidateAssignmentHandler):
    """nbgrader's handler (its configuration, its replies) with the trainee's Validator; a notebook that
    cannot be validated gets one Vietnamese sentence, not nbgrader's traceback."""

    def validate_notebook(self, path):
        from ..messages import message
        from .validate import TraineeValidator

        root = Path(self.root_dir).resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            raise web.HTTPError(403, "Access denied: path outside allowed directory")
        try:
            result = TraineeValidator(config=self.load_config()).validate(str(target))
        except Exception:  # a notebook nbgrader cannot read or run: say so, log the details
            self.log.exception("policycomm.trainee.server: validating %s failed", path)
            return {"success": False, "value": message("validate_failed_detail")}
        return {"success": True, "value": result}


HANDLERS = [("/assignments/validate", TraineeValidateHandler), ("/nbgrader_version", NbGraderVersionHandler)]


def _jupyter_server_extension_points():
    return [{"module": "policycomm.trainee.server"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from jupyter_server.utils import url_path_join

    web_app = serverapp.web_app
    web_app.settings["root_dir"] = serverapp.root_dir  # what nbgrader's handler reads
    base_url = web_app.settings["base_url"]
    web_app.add_handlers(".*$", [(url_path_join(base_url, path), handler) for path, handler in HANDLERS])
    serverapp.log.info("policycomm.trainee.server: Validate answers with policycomm.trainee.validate")
