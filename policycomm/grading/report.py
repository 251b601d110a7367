"""Class report and per-trainee feedback from an nbgrader gradebook.

``write_report(course, out)`` writes:

- ``index.html``: score distribution, mean per assignment and per topic,
  trainees who need help, grading problems from the journal, and a link to
  the item analysis (``policycomm quiz analyze``) when its output is found;
- ``scores.csv`` and ``scores.xlsx``: one row per trainee, for the institution;
- ``feedback/<student>/<assignment>/<notebook>.html``: each trainee's answers,
  outputs and points. Test cells are shown as released (hidden tests are
  never copied; any output line that repeats a hidden test line is redacted),
  and nothing of the reference solutions is included.

Topics: a grade cell's topic is ``metadata.policycomm.topic`` of that cell in
``source/``; otherwise the part of its ``grade_id`` before ``__`` (so
``channel_choice__top3_test`` belongs to ``channel_choice``); otherwise the
notebook's name.

>>> topic_of("channel_choice__top3_test", {}, "channels")
'channel_choice'
>>> topic_of("q1", {"policycomm": {"topic": "crisis"}}, "channels")
'crisis'
>>> topic_of("q1", {}, "channels")
'channels'
"""
from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass

from .hidden_tests import hidden_lines, without_hidden

#: a trainee needs help below this share of the points, overall or in a topic
HELP_BELOW = 0.5


def topic_of(grade_id: str, cell_metadata: dict, notebook: str) -> str:
    """The topic a grade cell counts towards (see the module docstring)."""
    topic = (cell_metadata.get("policycomm") or {}).get("topic")
    if topic:
        return str(topic)
    if "__" in grade_id:
        return grade_id.split("__", 1)[0]
    return notebook


@dataclass
class CellScore:
    student: str
    assignment: str
    notebook: str
    cell: str
    topic: str
    score: float
    max_score: float


def collect_scores(course_dir: str, db_url: str | None = None) -> list[CellScore]:
    """Every grade of every trainee in the gradebook, with its topic."""
    import nbformat
    from nbgrader.api import Gradebook

    db_url = db_url or f"sqlite:///{os.path.join(course_dir, 'gradebook.db')}"
    metadata = {}
    rows = []
    with Gradebook(db_url) as gradebook:
        for assignment in gradebook.assignments:
            for notebook in assignment.notebooks:
                path = os.path.join(course_dir, "source", assignment.name, f"{notebook.name}.ipynb")
                if os.path.exists(path):
                    for cell in nbformat.read(path, as_version=4).cells:
                        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                        metadata[(assignment.name, notebook.name, grade_id)] = dict(cell.metadata)
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        cell_md = metadata.get((assignment.name, notebook.name, grade.name), {})
                        rows.append(CellScore(submission.student.id, assignment.name, notebook.name, grade.name,
                                              topic_of(grade.name, cell_md, notebook.name),
                                              float(grade.score or 0), float(grade.max_score or 0)))
    return rows


def write_report(course_dir: str, out_dir: str, db_url: str | None = None) -> str:
    """Write the class report, exports and feedback; returns the path of ``index.html``."""
    import pandas as pd

    from .cohort import GradingError, read_journal

    course_dir, out_dir = os.path.abspath(course_dir), os.path.abspath(out_dir)
    if db_url is None and not os.path.exists(os.path.join(course_dir, "gradebook.db")):
        raise GradingError(f"Không có sổ điểm {os.path.join(course_dir, 'gradebook.db')}. "
                           "Hãy chấm bài (policycomm grade) trước, hoặc chỉ rõ --db-url.")
    scores = pd.DataFrame([vars(row) for row in collect_scores(course_dir, db_url)])
    if scores.empty:
        raise GradingError("Sổ điểm chưa có bài nào được chấm. Hãy chạy `policycomm grade` trước.")
    os.makedirs(out_dir, exist_ok=True)
    table = _trainee_table(scores)
    table.to_csv(os.path.join(out_dir, "scores.csv"), index=False, encoding="utf-8-sig")
    table.to_excel(os.path.join(out_dir, "scores.xlsx"), index=False, sheet_name="Điểm")
    _histogram(table["Tỉ lệ (%)"], os.path.join(out_dir, "distribution.png"))
    journal = read_journal(course_dir)
    feedback = write_feedback(course_dir, os.path.join(out_dir, "feedback"), scores)
    index = os.path.join(out_dir, "index.html")
    with open(index, "w", encoding="utf-8") as handle:
        handle.write(_class_page(scores, table, journal, feedback, _item_analysis_link(course_dir, out_dir)))
    return index


def _trainee_table(scores):
    """One row per trainee: points per assignment, total, percentage."""
    per_assignment = scores.pivot_table(index="student", columns="assignment", values="score", aggfunc="sum",
                                        fill_value=0.0)
    maximum = scores.groupby("assignment")[["max_score", "student"]].apply(
        lambda g: g["max_score"].sum() / g["student"].nunique())
    table = per_assignment.copy()
    table["Tổng điểm"] = per_assignment.sum(axis=1)
    table["Điểm tối đa"] = float(maximum.sum())
    table["Tỉ lệ (%)"] = (100 * table["Tổng điểm"] / table["Điểm tối đa"]).round(1)
    table = table.reset_index().rename(columns={"student": "Học viên"})
    table.columns.name = None
    return table


def _histogram(percentages, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 3))
    axes.hist(percentages, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001], color="#2b6cb0",
              edgecolor="white")
    axes.set_xlabel("Tỉ lệ điểm (%)")
    axes.set_ylabel("Số học viên")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _item_analysis_link(course_dir: str, out_dir: str) -> str | None:
    """Relative link to an item-analysis page next to the report or in the course, if one exists."""
    for folder in (out_dir, course_dir, os.path.join(course_dir, "reports")):
        if os.path.isdir(folder):
            for name in sorted(os.listdir(folder)):
                if re.search(r"item[-_]?analys", name, re.I) and name.endswith((".html", ".htm")):
                    return os.path.relpath(os.path.join(folder, name), out_dir)
    return None


def _class_page(scores, table, journal, feedback: dict, item_link: str | None) -> str:
    esc = html.escape
    mastery = (scores.groupby("topic")[["score", "max_score"]].sum()
               .assign(share=lambda d: d["score"] / d["max_score"].where(d["max_score"] > 0)))
    per_assignment = (scores.groupby("assignment")[["score", "max_score"]].sum()
                      .assign(share=lambda d: d["score"] / d["max_score"].where(d["max_score"] > 0)))
    by_student_topic = scores.groupby(["student", "topic"])[["score", "max_score"]].sum()
    weak_topics = by_student_topic[by_student_topic["score"] < HELP_BELOW * by_student_topic["max_score"]]
    help_rows = []
    for _, row in table.sort_values("Tỉ lệ (%)").iterrows():
        student = row["Học viên"]
        topics = sorted(weak_topics.loc[student].index) if student in weak_topics.index.get_level_values(0) else []
        problems = [p["code"] for (a, s), e in journal.items() if s == student for p in e.get("problems", [])]
        if row["Tỉ lệ (%)"] < 100 * HELP_BELOW or problems:
            help_rows.append(f"<tr><td>{esc(student)}</td><td>{row['Tỉ lệ (%)']:.1f}%</td>"
                             f"<td>{esc(', '.join(topics)) or '—'}</td>"
                             f"<td>{esc(', '.join(sorted(set(problems)))) or '—'}</td></tr>")
    problem_rows = [f"<tr><td>{esc(s)}</td><td>{esc(a)}</td><td>{esc(_problem_text(p))}</td></tr>"
                    for (a, s), entry in sorted(journal.items()) for p in entry.get("problems", [])]
    feedback_rows = [f"<li>{esc(student)}: " + ", ".join(
        f'<a href="{esc(link)}">{esc(label)}</a>' for label, link in links) + "</li>"
        for student, links in sorted(feedback.items())]
    item = (f'<p><a href="{esc(item_link)}">Phân tích câu hỏi (item analysis)</a></p>' if item_link else
            "<p>Chưa có phân tích câu hỏi. Chạy <code>policycomm quiz analyze --gradebook …</code> "
            "rồi đặt trang HTML kết quả vào thư mục báo cáo này.</p>")

    def share_table(frame, label):
        rows = "".join(f"<tr><td>{esc(str(name))}</td><td>{r['score']:.1f} / {r['max_score']:.1f}</td>"
                       f"<td>{100 * (r['share'] if r['share'] == r['share'] else 0):.0f}%</td></tr>"
                       for name, r in frame.iterrows())
        return f"<table><tr><th>{label}</th><th>Điểm của cả lớp</th><th>Mức thành thạo</th></tr>{rows}</table>"

    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Báo cáo lớp học</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.2em .6em;text-align:left}}</style></head><body>
<h1>Báo cáo lớp học</h1>
<p>{table.shape[0]} học viên; điểm trung bình {table['Tỉ lệ (%)'].mean():.1f}%.
Bảng điểm: <a href="scores.csv">CSV</a>, <a href="scores.xlsx">Excel</a>.</p>
<h2>Phân bố điểm</h2><img src="distribution.png" alt="Phân bố tỉ lệ điểm của học viên">
<h2>Theo bài</h2>{share_table(per_assignment, "Bài")}
<h2>Theo chủ đề</h2>{share_table(mastery, "Chủ đề")}
<h2>Học viên cần hỗ trợ</h2>
<p>Dưới {100 * HELP_BELOW:.0f}% tổng điểm, hoặc bài nộp có vấn đề khi chấm.</p>
<table><tr><th>Học viên</th><th>Tỉ lệ điểm</th><th>Chủ đề còn yếu</th><th>Vấn đề khi chấm</th></tr>
{''.join(help_rows) or '<tr><td colspan="4">Không có.</td></tr>'}</table>
<h2>Vấn đề khi chấm</h2>
<table><tr><th>Học viên</th><th>Bài</th><th>Chi tiết</th></tr>
{''.join(problem_rows) or '<tr><td colspan="3">Không có.</td></tr>'}</table>
<h2>Phân tích câu hỏi</h2>{item}
<h2>Phản hồi cho từng học viên</h2><ul>{''.join(feedback_rows)}</ul>
</body></html>
"""


def _problem_text(entry: dict) -> str:
    from .cohort import Problem

    return Problem(**entry).text()


# --------------------------------------------------------------------------- feedback


def write_feedback(course_dir: str, out_dir: str, scores) -> dict:
    """Feedback pages per trainee and notebook; returns student -> [(label, relative link)]."""
    import nbformat

    links: dict[str, list] = {}
    points = {(r.student, r.assignment, r.notebook, r.cell): (r.score, r.max_score)
              for r in scores.itertuples()}
    for (student, assignment, notebook), _ in scores.groupby(["student", "assignment", "notebook"]):
        path = os.path.join(course_dir, "autograded", student, assignment, f"{notebook}.ipynb")
        if not os.path.exists(path):
            continue
        graded = nbformat.read(path, as_version=4)
        released = _released_cells(course_dir, assignment, notebook)
        hidden = _hidden_lines(course_dir, assignment, notebook)
        page = _feedback_page(student, assignment, notebook, graded, released, hidden, points)
        target = os.path.join(out_dir, student, assignment, f"{notebook}.html")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(page)
        links.setdefault(student, []).append(
            (f"{assignment}/{notebook}", os.path.relpath(target, os.path.dirname(out_dir))))
    return links


def _released_cells(course_dir: str, assignment: str, notebook: str) -> dict:
    """grade_id -> source as released to trainees (hidden tests removed)."""
    import nbformat

    path = os.path.join(course_dir, "release", assignment, f"{notebook}.ipynb")
    if not os.path.exists(path):
        return {}
    cells = nbformat.read(path, as_version=4).cells
    return {c.metadata.get("nbgrader", {}).get("grade_id"): without_hidden(c.source) for c in cells}


def _hidden_lines(course_dir: str, assignment: str, notebook: str) -> set[str]:
    """The non-trivial lines of the hidden tests in ``source/`` (to redact them from outputs)."""
    import nbformat

    path = os.path.join(course_dir, "source", assignment, f"{notebook}.ipynb")
    if not os.path.exists(path):
        return set()
    lines = set()
    for cell in nbformat.read(path, as_version=4).cells:
        lines.update(line.strip() for line in hidden_lines(cell.source) if len(line.strip()) >= 8)
    return lines


def redact(text: str, hidden: set[str]) -> str:
    """Replace every line that repeats a hidden test line.

    >>> redact("ok\\nassert x == 9\\n", {"assert x == 9"})
    'ok\\n[đã ẩn]\\n'
    """
    return "".join("[đã ẩn]\n" if any(h in line for h in hidden) else line
                   for line in text.splitlines(keepends=True))


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _feedback_page(student, assignment, notebook, graded, released, hidden, points) -> str:
    esc = html.escape
    parts = []
    total = maximum = 0.0
    for cell in graded.cells:
        nbg = cell.metadata.get("nbgrader", {})
        grade_id = nbg.get("grade_id")
        is_test = bool(nbg.get("grade")) and not nbg.get("solution")
        score = points.get((student, assignment, notebook, grade_id)) if nbg.get("grade") else None
        if score:
            total, maximum = total + score[0], maximum + score[1]
        if cell.cell_type == "markdown":
            source = released.get(grade_id, cell.source) if nbg.get("locked") else cell.source
            parts.append(f'<div class="md"><pre>{esc(redact(source, hidden))}</pre></div>')
        elif cell.cell_type == "code":
            if is_test:
                source = released.get(grade_id, "# (bài kiểm tra)")
            else:
                source = cell.source
            parts.append(f"<pre class=code>{esc(redact(without_hidden(source), hidden))}</pre>")
            parts.append(_outputs_html(cell, is_test, hidden))
        if score:
            verdict = "Đạt" if score[0] >= score[1] else ("Đạt một phần" if score[0] > 0 else "Chưa đạt")
            parts.append(f'<p class="score">{verdict}: {score[0]:g} / {score[1]:g} điểm</p>')
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Phản hồi {esc(assignment)}/{esc(notebook)}</title>
<style>body{{font-family:sans-serif;max-width:50em;margin:2em auto}}pre{{white-space:pre-wrap}}
.code{{background:#f4f4f4;padding:.5em}}.out{{border-left:3px solid #ccc;padding-left:.5em}}
.score{{font-weight:bold}}</style></head><body>
<h1>Phản hồi: {esc(assignment)} / {esc(notebook)}</h1>
<p>Học viên: {esc(student)}. Điểm tự động: {total:g} / {maximum:g}.
Với những câu chưa đạt, hãy đọc lại phần hướng dẫn phía trên câu hỏi rồi thử lại trong sổ tay của mình.</p>
{''.join(parts)}
</body></html>
"""


def _outputs_html(cell, is_test: bool, hidden: set[str]) -> str:
    esc = html.escape
    parts = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            parts.append(f"<pre>{esc(redact(output.get('text', ''), hidden))}</pre>")
        elif kind in ("execute_result", "display_data"):
            text = output.get("data", {}).get("text/plain", "")
            parts.append(f"<pre>{esc(redact(text, hidden))}</pre>")
        elif kind == "error":
            if is_test:  # the traceback of a test cell would show its hidden lines: name and message only
                message = redact(f"{output.get('ename', '')}: {output.get('evalue', '')}", hidden)
                parts.append(f"<pre>{esc(message)}</pre>")
            else:
                text = _ANSI.sub("", "\n".join(output.get("traceback", [])))
                parts.append(f"<pre>{esc(redact(text, hidden))}</pre>")
    return f'<div class="out">{"".join(parts)}</div>' if parts else ""
