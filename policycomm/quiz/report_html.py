"""A self-contained HTML report of an item analysis, for the lecturer.

Plots are drawn with matplotlib (Agg, no display needed) and embedded as
base64 PNG, so the one file can be mailed or opened offline. Text is in
Vietnamese; the page declares UTF-8.

>>> from policycomm.quiz.analysis import analyze_matrix
>>> page = render_report(analyze_matrix([[1, 0], [1, 1], [0, 0]], [1, 1]), title="Thử nghiệm")
>>> page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page and "Thử nghiệm" in page
True
"""
from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path

from .analysis import ItemAnalysis, Thresholds

STYLE = """
body { font-family: "Noto Sans", "Segoe UI", Arial, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
h1, h2 { color: #134; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; vertical-align: top; }
th { background: #eef3f7; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { background: #fff8e1; padding: 0.5em 1em; border-left: 4px solid #f0b400; }
img { max-width: 100%; }
"""


def _png(figure) -> str:
    """A matplotlib figure as an <img> tag with the PNG inline."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="" src="data:image/png;base64,{encoded}">'


def facility_discrimination_plot(result: ItemAnalysis, limits: Thresholds = Thresholds()) -> str:
    """Scatter of facility (x) against discrimination D (y); flagged items in red with their names."""
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
                 label="Đạt")
    axes.scatter(items.loc[flagged, "facility"], items.loc[flagged, "discrimination"], color="#c62828",
                 marker="s", label="Cần xem lại")
    for name, row in items[flagged].iterrows():
        if row["discrimination"] == row["discrimination"]:  # not NaN
            axes.annotate(str(name), (row["facility"], row["discrimination"]), fontsize=8,
                          xytext=(4, 4), textcoords="offset points")
    axes.set_xlim(0, 1)
    axes.set_xlabel("Độ khó p (tỉ lệ điểm đạt được)")
    axes.set_ylabel("Độ phân biệt D (nhóm 27% trên − dưới)")
    axes.legend(loc="lower right")
    return _png(figure)


def score_histogram(result: ItemAnalysis) -> str:
    """Histogram of the trainees' total scores."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 3.5))
    axes = figure.add_subplot()
    totals = result.test["totals"]
    bins = min(30, max(5, int(result.test["max_total"]) + 1))
    axes.hist(totals, bins=bins, range=(0, max(result.test["max_total"], 1)), color="#1565c0", edgecolor="white")
    axes.set_xlabel(f"Tổng điểm (tối đa {result.test['max_total']:g})")
    axes.set_ylabel("Số học viên")
    return _png(figure)


def _number(value, pattern: str = "{:.2f}") -> str:
    return "—" if value != value else pattern.format(value)  # NaN -> dash


def _summary(test: dict) -> str:
    rows = [
        ("Số học viên", f"{test['trainees']}"),
        ("Số câu hỏi", f"{test['items']}"),
        ("Điểm trung bình", f"{_number(test['mean_total'])} / {test['max_total']:g}"),
        ("Độ lệch chuẩn", _number(test["sd_total"])),
        (f"Độ tin cậy ({test['reliability_method']})", _number(test["reliability"])),
        ("Sai số chuẩn của phép đo", _number(test["sem"])),
    ]
    body = "".join(f"<tr><th>{escape(k)}</th><td class='num'>{escape(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _flagged_table(result: ItemAnalysis) -> str:
    """The flagged items, most suspicious (lowest discrimination) first, one line per flag."""
    flagged = result.flagged().sort_values("discrimination", na_position="last")
    if flagged.empty:
        return "<p>Không có câu hỏi nào cần xem lại.</p>"
    head = "<tr><th>Câu hỏi</th><th>p</th><th>D</th><th>r</th><th>Cần làm gì</th></tr>"
    rows = "".join(
        f"<tr><td>{escape(str(name))}</td><td class='num'>{_number(row.facility)}</td>"
        f"<td class='num'>{_number(row.discrimination)}</td><td class='num'>{_number(row.item_rest_r)}</td>"
        f"<td><ul>{''.join(f'<li>{escape(line)}</li>' for line in row.explanation_vi.splitlines())}</ul></td></tr>"
        for name, row in zip(flagged.index, flagged.itertuples()))
    return f"<table>{head}{rows}</table>"


def _distractor_table(result: ItemAnalysis) -> str:
    """Options of the flagged choice items: who chose them and how they correlate with the rest score."""
    table = result.distractors
    if table.empty:
        return ""
    table = table[table["item"].isin(result.flagged().index)]
    if table.empty:
        return ""
    head = ("<tr><th>Câu hỏi</th><th>Phương án</th><th>Số người chọn</th><th>Tỉ lệ</th>"
            "<th>Điểm trung bình</th><th>Tương quan điểm-nhị phân</th></tr>")
    rows = "".join(
        f"<tr><td>{escape(str(row.item))}</td><td>{escape(str(row.option))}{' ✔' if row.is_key else ''}</td>"
        f"<td class='num'>{row.count}</td><td class='num'>{_number(row.share, '{:.0%}')}</td>"
        f"<td class='num'>{_number(row.credit)}</td><td class='num'>{_number(row.point_biserial)}</td></tr>"
        for row in table.itertuples())
    return (f"<h2>Các phương án của câu cần xem lại</h2><p>✔: phương án được điểm tối đa. Một phương án nhiễu tốt "
            f"được một số người chọn và có tương quan âm.</p><table>{head}{rows}</table>")


def _all_items_table(result: ItemAnalysis) -> str:
    head = ("<tr><th>Câu hỏi</th><th>Số trả lời</th><th>p</th><th>D</th><th>r (phần còn lại)</th>"
            "<th>Hiệu suất</th><th>α nếu bỏ câu</th></tr>")
    rows = "".join(
        f"<tr><td>{escape(str(name))}</td><td class='num'>{row.n}</td><td class='num'>{_number(row.facility)}</td>"
        f"<td class='num'>{_number(row.discrimination)}</td><td class='num'>{_number(row.item_rest_r)}</td>"
        f"<td class='num'>{_number(row.efficiency, '{:.0%}')}</td>"
        f"<td class='num'>{_number(row.alpha_if_deleted)}</td></tr>"
        for name, row in zip(result.items.index, result.items.itertuples()))
    return f"<table>{head}{rows}</table>"


def render_report(result: ItemAnalysis, title: str = "Phân tích câu hỏi", limits: Thresholds = Thresholds()) -> str:
    """The whole report as one HTML string (UTF-8, no external files)."""
    notes = "".join(f"<p class='note'>{escape(note.vi)}</p>" for note in result.notes)
    test_flags = (f"<p class='note'>{escape(result.test['explanation_vi'])}</p>"
                  if result.test["explanation_vi"] else "")
    plots = ""
    if len(result.items) and result.test["trainees"]:
        plots = (f"<h2>Độ khó và độ phân biệt</h2>{facility_discrimination_plot(result, limits)}"
                 f"<h2>Phân bố tổng điểm</h2>{score_histogram(result)}")
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n{notes}\n<h2>Tổng quan bài kiểm tra</h2>{_summary(result.test)}{test_flags}\n"
        f"<h2>Câu hỏi cần xem lại</h2>{_flagged_table(result)}\n{_distractor_table(result)}\n{plots}\n"
        f"<h2>Tất cả câu hỏi</h2>{_all_items_table(result)}\n"
        "<p>p: tỉ lệ điểm đạt được; D: chênh lệch giữa nhóm 27% điểm cao và 27% điểm thấp; "
        "r: tương quan của câu với tổng điểm các câu còn lại; hiệu suất: theo định nghĩa của Moodle.</p>\n"
        "</body>\n</html>\n")


def write_report(result: ItemAnalysis, path, title: str = "Phân tích câu hỏi",
                 limits: Thresholds = Thresholds()) -> Path:
    """Write :func:`render_report` to ``path`` as UTF-8 and return the path."""
    path = Path(path)
    path.write_text(render_report(result, title, limits), encoding="utf-8")
    return path
