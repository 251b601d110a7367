"""`import policycomm` loads no heavy library (every graded notebook pays for it)."""
import subprocess
import sys

HEAVY = ["pydantic", "yaml", "numpy", "scipy", "pandas", "matplotlib", "ipywidgets", "IPython", "nbgrader", "nbformat"]


def test_import_policycomm_loads_no_heavy_module():
    code = f"import sys, policycomm; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_names_resolve():
    import policycomm

    for name in policycomm.__all__:
        assert getattr(policycomm, name) is not None, name
