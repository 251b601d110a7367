"""Quiz feedback latency in a real browser: from the click on "Kiểm tra" to the feedback on screen.

Runs JupyterLab and headless chromium (the harness of tests/e2e), opens a
notebook with a practice question and an anchor: a plain ipywidgets Button
whose handler sets a Label, the floor of any widget round trip. Clicks both
in turn and times each click in the page (performance.now() from the click
to the DOM change, seen by a MutationObserver). Target: median < 100 ms.

    .venv/bin/python bench/quiz_feedback.py [--clicks 20]

The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat
import numpy as np

REPO = Path(__file__).resolve().parents[1]
QUESTION = "m01-q01"
TARGET_MS = 100.0

ANCHOR_CELL = """\
import ipywidgets as widgets
clicks = 0
anchor_button = widgets.Button(description="Mốc")
anchor_label = widgets.Label("chưa bấm")
anchor_button.add_class("bench-anchor-button"); anchor_label.add_class("bench-anchor-label")
def on_anchor_click(_):
    global clicks
    clicks += 1
    anchor_label.value = f"Đã bấm {clicks} lần"
anchor_button.on_click(on_anchor_click)
widgets.HBox([anchor_button, anchor_label])"""

#: click ``button`` and resolve with the ms until ``target``'s text changes
TIME_CLICK_JS = """([buttonSelector, targetSelector]) => new Promise((resolve, reject) => {
  const button = document.querySelector(buttonSelector), target = document.querySelector(targetSelector);
  if (!button || !target) { reject(new Error(`missing ${buttonSelector} or ${targetSelector}`)); return; }
  const before = target.textContent;
  const observer = new MutationObserver(() => {
    if (target.textContent !== before) { observer.disconnect(); resolve(performance.now() - start); }
  });
  observer.observe(target, {subtree: true, childList: true, characterData: true});
  const start = performance.now();
  button.click();
  setTimeout(() => { observer.disconnect(); reject(new Error('no change within 10 s')); }, 10000);
})"""


def load_harness():
    """The JupyterLab/chromium harness that the end-to-end tests use (tests/e2e/conftest.py)."""
    spec = importlib.util.spec_from_file_location("e2e_harness", REPO / "tests" / "e2e" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_notebook(folder: Path) -> str:
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(ANCHOR_CELL),
        nbformat.v4.new_code_cell(f"from policycomm.quiz import show\nshow({QUESTION!r})"),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(notebook, folder / "bench.ipynb")
    return "bench.ipynb"


def summary(times: list[float]) -> dict:
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(float(np.percentile(times, 95)), 2)}


def measure(clicks: int, warmup: int = 3) -> dict:
    harness = load_harness()
    from policycomm.quiz import load_bank

    options = [choice.text for choice in load_bank()[QUESTION].answers][:2]
    with tempfile.TemporaryDirectory() as temporary:
        root, workdir = Path(temporary) / "root", Path(temporary) / "work"
        root.mkdir(), workdir.mkdir()
        notebook = write_notebook(root)
        with harness.lab_session(root, workdir) as lab:
            lab.open_notebook(notebook)
            lab.run_all_cells()
            practice = lab.page.locator(".policycomm-practice")
            practice.wait_for(timeout=60_000)
            anchor_times, quiz_times = [], []
            for round_number in range(warmup + clicks):
                anchor = lab.page.evaluate(TIME_CLICK_JS, [".bench-anchor-button", ".bench-anchor-label"])
                # alternate the answer so that every click changes the feedback text
                practice.get_by_label(options[round_number % 2], exact=False).check()
                lab.page.wait_for_timeout(150)
                quiz = lab.page.evaluate(TIME_CLICK_JS, [".policycomm-practice button",
                                                         ".policycomm-practice .policycomm-feedback"])
                if round_number >= warmup:
                    anchor_times.append(anchor)
                    quiz_times.append(quiz)
    quiz, anchor = summary(quiz_times), summary(anchor_times)
    return {"benchmark": "quiz_feedback", "clicks": clicks, "question": QUESTION,
            "quiz": quiz, "anchor_button_label": anchor,
            "ratio_median": round(quiz["median_ms"] / anchor["median_ms"], 2),
            "ratio_p95": round(quiz["p95_ms"] / anchor["p95_ms"], 2),
            "target_ms": TARGET_MS, "target_met": quiz["median_ms"] < TARGET_MS}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=20, help="measured clicks of each kind (default 20)")
    args = parser.parse_args(argv)
    result = measure(args.clicks)
    print(f"practice feedback after a click: median {result['quiz']['median_ms']} ms, "
          f"p95 {result['quiz']['p95_ms']} ms (target < {TARGET_MS:g} ms)")
    print(f"anchor (Button -> Label):        median {result['anchor_button_label']['median_ms']} ms, "
          f"p95 {result['anchor_button_label']['p95_ms']} ms")
    print(f"ratio quiz / anchor: median {result['ratio_median']}x, p95 {result['ratio_p95']}x")
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
