"""Keep every test away from the real home folder.

Jupyter, IPython, nbgrader (its exchange cache), matplotlib and pip read and
write under ``$HOME``; the suite points all of them at one private folder made
for the run, so a machine where someone used the course still passes, and the
tests leave nothing behind. pytest-xdist workers inherit it.
"""
import os
import tempfile

if "POLICYCOMM_TEST_HOME" not in os.environ:
    home = tempfile.mkdtemp(prefix="policycomm-test-home-")
    os.environ["POLICYCOMM_TEST_HOME"] = home
    os.environ["HOME"] = home
    for name, sub in (("JUPYTER_CONFIG_DIR", ".jupyter"), ("JUPYTER_DATA_DIR", ".local/share/jupyter"),
                      ("JUPYTER_RUNTIME_DIR", ".local/share/jupyter/runtime"), ("IPYTHONDIR", ".ipython"),
                      ("MPLCONFIGDIR", ".config/matplotlib"), ("XDG_CACHE_HOME", ".cache"),
                      ("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share")):
        os.environ[name] = os.path.join(home, sub)
        os.makedirs(os.environ[name], exist_ok=True)
