"""A self-contained HTML report of an item analysis, for the lecturer.

The page is the Jinja2 template ``policycomm/templates/item_analysis.html.j2``
(auto-escaping on); its sentences come from the message catalogue
(``messages/report.yaml`` for the page, ``messages/analysis.yaml`` for the
findings), so ``set_language("en")`` gives an English page. Plots are drawn
with matplotlib (no display needed) and embedded as base64 PNG, so the one
file can be mailed or opened offline; the page declares UTF-8.

>>> from policycomm.quiz.analysis import analyze_matrix
>>> page = render_report(analyze_matrix([[1, 0], [1, 1], [0, 0]], [1, 1]), title="Thử nghiệm")
>>> page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page and "Thử nghiệm" in page
True
"""
from __future__ import annotations

import base64
import io
from pathlib import Path

from ..messages import get_language, message
from .analysis import ItemAnalysis, Thresholds


def _png(figure) -> str:
    """A matplotlib figure as base64 PNG."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def facility_discrimination_plot(result: ItemAnalysis, limits: Thresholds = Thresholds()) -> str:
    """Scatter of facility (x) against discrimination D (y), flagged items in red with their names; base64 PNG."""
    from matplotlib.figure import Figure

    items = result.items
    flagged = items["flags"].map(len) > 0
    figure = Figure(figsize=(7, 4.5))
    axes = figure.add_subplot()
    axes.axvspan(0, limits.too_hard, color="#fde0dc", zorder=0)
    axes.axvspan(limits.too_easy, 1, color="#fde0dc", zorder=0)
    axes.axhline(limits.low_discrimination, color="#999", linestyle="--", linewidth=1)
    axes.axhline(0, color="#c62828", linewidth=1)
    axes.scatter(items.loc[~flagged, "facility"], items.loc[~flagged, "discrimination"], color="#1565c0",
                 label=message("iar_plot_ok"))
    axes.scatter(items.loc[flagged, "facility"], items.loc[flagged, "discrimination"], color="#c62828",
                 marker="s", label=message("iar_plot_flagged"))
    for name, row in items[flagged].iterrows():
        if row["discrimination"] == row["discrimination"]:  # not NaN
            axes.annotate(str(name), (row["facility"], row["discrimination"]), fontsize=8,
                          xytext=(4, 4), textcoords="offset points")
    axes.set_xlim(0, 1)
    axes.set_xlabel(message("iar_plot_x"))
    axes.set_ylabel(message("iar_plot_y"))
    axes.legend(loc="lower right")
    return _png(figure)


def score_histogram(result: ItemAnalysis) -> str:
    """Histogram of the trainees' total scores; base64 PNG."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.5))
    axes = figure.add_subplot()
    totals = result.test["totals"]
    bins = min(30, max(5, int(result.test["max_total"]) + 1))
    axes.hist(totals, bins=bins, range=(0, max(result.test["max_total"], 1)), color="#1565c0", edgecolor="white")
    axes.set_xlabel(message("iar_hist_x", max=result.test["max_total"]))
    axes.set_ylabel(message("iar_hist_y"))
    return _png(figure)


def _summary(test: dict) -> list[tuple[str, str]]:
    from ..templates import number

    return [
        (message("iar_trainees"), f"{test['trainees']}"),
        (message("iar_items"), f"{test['items']}"),
        (message("iar_mean"), f"{number(test['mean_total'])} / {test['max_total']:g}"),
        (message("iar_sd"), number(test["sd_total"])),
        (message("iar_reliability", method=test["reliability_method"]), number(test["reliability"])),
        (message("iar_sem"), number(test["sem"])),
    ]


def _rows(frame) -> list[dict]:
    """The rows of an item table as dicts, with the item's name."""
    return [{"name": str(name), **row} for name, row in zip(frame.index, frame.to_dict("records"))]


def render_report(result: ItemAnalysis, title: str | None = None, limits: Thresholds = Thresholds()) -> str:
    """The whole report as one HTML string (UTF-8, no external files), in the current language."""
    from ..templates import render

    explanation = f"explanation_{get_language()}"
    flagged = _rows(result.flagged().sort_values("discrimination", na_position="last"))
    for row in flagged:  # most suspicious (lowest discrimination) first, one line per flag
        row["explanation"] = row[explanation].splitlines()
    distractors = result.distractors
    if not distractors.empty:
        distractors = distractors[distractors["item"].isin(result.flagged().index)]
    plots = None
    if len(result.items) and result.test["trainees"]:
        plots = {"scatter": facility_discrimination_plot(result, limits), "histogram": score_histogram(result)}
    return render("item_analysis.html.j2", title=title or message("iar_title"),
                  notes=[str(note) for note in result.notes], summary=_summary(result.test),
                  test_flags=result.test[explanation], flagged=flagged,
                  distractors=distractors.to_dict("records"), plots=plots, items=_rows(result.items))


def write_report(result: ItemAnalysis, path, title: str | None = None, limits: Thresholds = Thresholds()) -> Path:
    """Write :func:`render_report` to ``path`` as UTF-8 and return the path."""
    path = Path(path)
    path.write_text(render_report(result, title, limits), encoding="utf-8")
    return path
