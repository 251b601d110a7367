"""Fixtures shared by the test folders."""
import json
import re
import shutil
from pathlib import Path

import pytest


def _widget_state(widget) -> str:
    """The serialised state of ``widget`` and everything inside it: what the browser and the notebook receive."""
    states, stack = [], [widget]
    while stack:
        current = stack.pop()
        states.append(json.dumps(current.get_state(), ensure_ascii=False, default=str))
        stack.extend(getattr(current, "children", ()))
        if hasattr(current, "layout"):
            states.append(json.dumps(current.layout.get_state(), default=str))
    return "\n".join(states)


@pytest.fixture
def widget_state():
    """``widget_state(widget)``: the state a widget tree sends to the browser, as one string to search."""
    return _widget_state


@pytest.fixture
def artifacts_dir(request) -> Path:
    """``test-artifacts/<test name>/`` at the repository root (git-ignored), emptied first."""
    folder = Path(__file__).resolve().parents[1] / "test-artifacts" / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
