"""End to end: a trainee ticks a channel and fills a plan row in chromium; the answers file holds ids.

A tiny notebook with two answer forms runs in a real JupyterLab; the test
clicks as a trainee would, reads ``policycomm_answers.json`` beside the
notebook, then runs the notebook again (as after a kernel restart) and finds
the answers restored on screen.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "bai.ipynb"
ANSWERS = "policycomm_answers.json"


def wait_for_answers(path: Path, expected: dict, timeout: float = 30) -> None:
    """Poll the answers file until it holds ``expected`` (exercise id -> response)."""
    deadline, content = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
            if {q: e["response"] for q, e in content["notebooks"][NOTEBOOK].items()} == expected:
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{path} never held {expected}; last content: {content}")


def test_a_picker_and_a_plan_row_are_saved_as_ids_and_restored(tmp_path, jupyter_lab, lab_page, artifacts_dir):
    folder = tmp_path / "bai"
    folder.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('from policycomm import forms\nforms.channels("m02-cau-4")'),
        nbformat.v4.new_code_cell('forms.plan("m09-ke-hoach", budget=50)')])
    nbformat.write(notebook, folder / NOTEBOOK)

    lab = lab_page(jupyter_lab(tmp_path))
    lab.open_notebook(f"bai/{NOTEBOOK}")
    lab.run_all_cells()
    assert lab.cell_errors() == []
    page = lab.page
    picker, plan = page.locator(".policycomm-form").nth(0), page.locator(".policycomm-form").nth(1)
    plan.wait_for(timeout=60_000)

    picker.get_by_label("Đài truyền thanh cấp xã").check()
    picker.get_by_label("Họp thôn, tổ dân phố").check()
    plan.locator("select").nth(0).select_option(label="Tổ chức thực thi")
    plan.locator("select").nth(1).select_option(label="Người cao tuổi ở nông thôn")
    plan.get_by_label("Đài truyền thanh cấp xã").check()
    plan.locator("textarea").first.fill("Từ 01/7, nộp hồ sơ tại xã.")
    plan.get_by_role("button", name="Thêm hoạt động").click()
    plan.locator("select").nth(3).wait_for(timeout=20_000)  # the new row's two drop-downs
    picker.get_by_text("Đã lưu câu trả lời").wait_for(timeout=20_000)
    plan.get_by_text("Đã lưu câu trả lời").wait_for(timeout=20_000)
    blank_row = {"stage": None, "audience": None, "channels": [], "message": "", "timing": "", "cost": None}
    wait_for_answers(folder / ANSWERS, {
        "m02-cau-4": ["commune_radio", "village_meeting"],
        "m09-ke-hoach": [{"stage": "implementation", "audience": "elderly_rural", "channels": ["commune_radio"],
                          "message": "Từ 01/7, nộp hồ sơ tại xã.", "timing": "", "cost": None}, blank_row]})
    lab.screenshot(artifacts_dir / "1-forms-answered.png")

    # Run everything again, as after a kernel restart: the forms show the saved answers.
    lab.run_all_cells()
    assert lab.cell_errors() == []
    picker, plan = page.locator(".policycomm-form").nth(0), page.locator(".policycomm-form").nth(1)
    picker.get_by_text("Đã khôi phục").wait_for(timeout=60_000)
    assert picker.get_by_label("Đài truyền thanh cấp xã").is_checked()
    assert not picker.get_by_label("Truyền hình").is_checked()
    assert plan.locator("select").count() == 4
    assert plan.locator("textarea").first.input_value() == "Từ 01/7, nộp hồ sơ tại xã."
    lab.screenshot(artifacts_dir / "2-forms-restored.png")
