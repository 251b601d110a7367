"""The packaging files agree with each other."""
import configparser
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _setup_cfg_requirements() -> dict[str, str]:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    lines = cfg["options"]["install_requires"].split("\n") + cfg["options.extras_require"]["test"].split("\n")
    return {_name(line): line.strip().replace(" ", "").lower() for line in lines if line.strip()}


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
