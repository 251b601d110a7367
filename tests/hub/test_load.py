"""The load test of the class server (``bench/hub_load.py``), short: five trainees log in, start their servers,
fetch and submit, two at a time. It creates system users, so it runs as root (as CI does); they are removed
afterwards. No timing is asserted: only that everyone succeeds and that the report has its figures."""
from __future__ import annotations

import importlib.util
import io
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def bench():
    path = Path(__file__).resolve().parents[2] / "bench" / "hub_load.py"
    spec = importlib.util.spec_from_file_location("hub_load", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_five_trainees_log_in_start_fetch_and_submit_within_the_budget():
    if os.geteuid() != 0:
        pytest.fail("the load test creates system users for its trainees: run it as root (CI does)")
    out = io.StringIO()
    figures = bench().run(trainees=5, budget=600, concurrency=2, out=out)
    report = out.getvalue()
    assert figures["succeeded"] == 5 and figures["failed"] == 0 and figures["overrun"] == 0, report
    for step in ("login", "server start", "fetch", "submit"):
        assert any(line.startswith(step) and " p50 " in line and " p95 " in line for line in report.splitlines()), report
    assert "ratio" in figures and figures["servers_at_peak"] >= 1 and figures["hub_rss_mib"] > 0, report
