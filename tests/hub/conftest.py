import os
import shutil
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def hub_folder():
    """A class server's folder every user can pass through (pytest's own tmp folders are root's alone):
    trainees reach its exchange."""
    parent = Path(tempfile.mkdtemp(prefix="policycomm-hub-"))
    os.chmod(parent, 0o755)
    yield parent / "hub"
    shutil.rmtree(parent, ignore_errors=True)
