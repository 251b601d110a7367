"""The packaging files agree with each other, and `pip install policycomm` is the library alone."""
import configparser
import os
import re
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _setup_cfg_requirements() -> dict[str, str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    lines = cfg["options"]["install_requires"].split("\n")
    for extra in cfg["options.extras_require"].values():
        lines += extra.split("\n")
    return {_name(line): line.strip().replace(" ", "").lower() for line in lines
            if line.strip() and not line.strip().startswith("#") and _name(line) != "policycomm"}


def _environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found = {}
    for dep in env["dependencies"]:
        for item in dep["pip"] if isinstance(dep, dict) else [dep]:
            if item.startswith("-e") or _name(item) in ("python", "pip"):
                continue
            found[_name(item)] = item.replace(" ", "").lower()
    return found


def test_environment_yml_lists_the_same_dependencies_as_setup_cfg():
    assert _environment_requirements() == _setup_cfg_requirements()


def test_readme_opens_with_the_two_setup_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```(?:bash|sh)?\n(.*?)```", text, flags=re.S)
    assert [c.strip() for c in commands[:2]] == ["make course", "make test"]
    before = text.split("```", 1)[0]
    assert "make" not in before, "nothing but a title and one sentence may stand before the two commands"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_shows_the_scoring_table_of_the_data():
    from policycomm.model.lookup import scoring_table

    assert scoring_table() in (ROOT / "README.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the light install

#: what only the course, grading or a PostgreSQL gradebook need; never in the library's own requirements
HEAVY = {"jupyterlab", "ipywidgets", "nbgrader", "distributed", "tqdm", "psycopg", "psycopg2-binary", "matplotlib",
         "pandas", "openpyxl"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel of the project, built from a copy of its packaging files and package (no build folders here)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "policycomm", source / "policycomm", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                            "--quiet", "-w", str(dist), str(source)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    return next(dist.glob("policycomm-*.whl"))


def _wheel_metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(archive.read(name).decode("utf-8")), archive.namelist()


@pytest.mark.slow
def test_the_base_install_is_the_library_alone(wheel):
    meta, files = _wheel_metadata(wheel)
    requires = meta.get_all("Requires-Dist")
    base = {_name(r) for r in requires if "extra ==" not in r}
    assert base == {"pydantic", "pyyaml", "numpy", "scipy"}
    assert not base & HEAVY
    extras = set(meta.get_all("Provides-Extra"))
    assert {"course", "grading", "postgres", "test"} <= extras
    in_extra = {extra: {_name(r) for r in requires if f'extra == "{extra}"' in r} for extra in extras}
    assert {"jupyterlab", "nbgrader", "ipywidgets"} <= in_extra["course"]
    assert {"nbgrader", "distributed", "tqdm"} <= in_extra["grading"]
    assert {"psycopg", "psycopg2-binary"} <= in_extra["postgres"]
    assert "pytest" in in_extra["test"]
    # the data, the catalogue and the templates travel with the package
    assert any(f.startswith("policycomm/data/") and f.endswith(".yaml") for f in files)
    assert any(f.startswith("policycomm/messages/") and f.endswith(".yaml") for f in files)
    assert any(f.startswith("policycomm/templates/") and f.endswith(".j2") for f in files)
    assert "policycomm/data/rubrics/writing/press-release.yaml" in files  # the writing exercises' rubrics


def _marker_holds(marker: str) -> bool:
    """Whether an environment marker holds here, with no extra requested."""
    from packaging.markers import Marker

    return Marker(marker).evaluate({"extra": ""})


def _closure(names: set[str]) -> list[metadata.Distribution]:
    """The installed distributions that ``names`` need, their own requirements included (no extras)."""
    seen, todo, found = set(), list(names), []
    while todo:
        name = todo.pop().lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        dist = metadata.distribution(name)
        found.append(dist)
        for requirement in dist.requires or []:
            marker = requirement.split(";", 1)[1] if ";" in requirement else ""
            if marker and not _marker_holds(marker):
                continue
            todo.append(_name(requirement))
    return found


@pytest.mark.slow
def test_a_fresh_venv_with_only_the_base_install_recommends(wheel, tmp_path):
    """``pip install policycomm`` in a new venv (offline: its requirements come from this interpreter's files)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    meta, _ = _wheel_metadata(wheel)
    base = {_name(r) for r in meta.get_all("Requires-Dist") if "extra ==" not in r}
    for dist in _closure(base):  # install each requirement's own files, as pip would have
        for file in dist.files or []:
            path = Path(dist.locate_file(file))
            if path.is_file() and "__pycache__" not in file.parts and ".." not in file.parts:
                (site / file).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, site / file)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    installed = subprocess.run([str(python), "-m", "pip", "install", "--no-index", "--quiet", str(wheel)],
                               capture_output=True, text=True, env=env, timeout=600)
    assert installed.returncode == 0, installed.stderr[-2000:]  # pip found every requirement already there
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True, env=env)
    assert check.returncode == 0, check.stdout
    script = ("import importlib.util, policycomm\n"
              "print(policycomm.recommend('adoption', 'journalists', top=1)[0].channel)\n"
              "print(policycomm.optimize_mix is not None)\n"
              "print(sorted(m for m in ('jupyterlab', 'nbgrader', 'psycopg', 'pandas', 'matplotlib')"
              " if importlib.util.find_spec(m)))\n")
    ran = subprocess.run([str(python), "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path,
                         timeout=300)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.split("\n")[:3] == ["press_conference", "True", "[]"]
