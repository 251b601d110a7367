"""The suite never touches the real home folder (see the root conftest.py)."""
import os
import pwd


def test_home_and_jupyter_folders_are_private_to_the_run():
    real_home = pwd.getpwuid(os.getuid()).pw_dir
    assert os.environ["HOME"] != real_home
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        assert os.environ[name].startswith(os.environ["HOME"]), name
        assert not os.environ[name].startswith(real_home + os.sep), name
