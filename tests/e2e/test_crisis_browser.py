"""End to end: a trainee plays the crisis simulation in chromium with clicks only; each decision is saved.

A tiny notebook shows the simulation form in a real JupyterLab. The test plays
the medium play of ``tests/crisis_plays.py`` by clicking the texts a trainee
reads (``answering.py``), finds the decisions in ``policycomm_answers.json``,
the story's ending and the debrief on screen, then runs the cell again (as after
a kernel restart) and finds the finished play restored.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pytest
from answering import FormSpec, answer
from crisis_plays import EXERCISE, MEDIUM, SCENARIO

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "mo_phong.ipynb"


def saved_play(path: Path, timeout: float = 30):
    deadline, content = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            content = json.loads(path.read_text(encoding="utf-8"))["notebooks"][NOTEBOOK][EXERCISE]["response"]
            if len(content) == len(MEDIUM):
                return content
        except (OSError, ValueError, KeyError, TypeError):
            pass
        time.sleep(0.2)
    return content


def test_the_simulation_is_played_with_clicks_saved_and_restored(tmp_path, jupyter_lab, lab_page, artifacts_dir):
    folder = tmp_path / "mo_phong"
    folder.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f'from policycomm import forms\nforms.crisis("{EXERCISE}", scenario="{SCENARIO}", prompt="Mô phỏng")')]),
        folder / NOTEBOOK)

    lab = lab_page(jupyter_lab(tmp_path))
    lab.open_notebook(f"mo_phong/{NOTEBOOK}")
    lab.run_all_cells()
    assert lab.cell_errors() == []
    form = lab.page.locator(f".policycomm-form-{EXERCISE}")
    form.wait_for(timeout=60_000)
    lab.screenshot(artifacts_dir / "1-first-step.png")

    # a click on "Quyết định" with a part missing: one kind sentence, nothing saved
    form.get_by_role("button", name="Quyết định").click()
    form.get_by_text("hãy chọn đủ bốn phần").wait_for(timeout=20_000)
    assert not (folder / "policycomm_answers.json").exists()

    answer(lab.page, FormSpec(EXERCISE, "crisis", {}, False, MEDIUM, SCENARIO), timeout=60_000)
    assert saved_play(folder / "policycomm_answers.json") == MEDIUM
    form.get_by_text("Tình huống kết thúc.").wait_for(timeout=20_000)
    assert "Nhiều hộ dưới chân đồi không nhận được cảnh báo kịp thời" in form.inner_text()
    debrief = form.inner_text()
    assert "Rút kinh nghiệm" in debrief and "Điều 60 khoản 3 — S61)" in debrief and "✗" in debrief and "✔" in debrief
    lab.screenshot(artifacts_dir / "2-debrief.png")

    lab.run_all_cells()  # as after a kernel restart: the finished play comes back
    assert lab.cell_errors() == []
    form.get_by_text("Đã khôi phục").wait_for(timeout=60_000)
    assert "Tình huống kết thúc." in form.inner_text() and form.get_by_role("button", name="Quyết định").count() in (0, 1)
    assert not form.get_by_role("button", name="Quyết định").is_visible()
    lab.screenshot(artifacts_dir / "3-restored.png")
