"""Class report and per-trainee feedback from an nbgrader gradebook.

``write_report(course, out)`` writes:

- ``index.html``: score distribution, mean per assignment and per topic,
  trainees who need help, grading problems from the journal, and a link to
  the item analysis (``policycomm quiz analyze``) when its output is found;
- ``scores.csv`` and ``scores.xlsx``: one row per trainee, for the institution;
- ``feedback/<student>/<assignment>/<notebook>.html``: each trainee's answers,
  outputs and points, made by nbgrader's own ``generate_feedback`` as the
  course configures it (:mod:`policycomm.assign.feedback`: no hidden tests,
  no tracebacks, nothing of the reference solutions).

The pages are Jinja2 templates (``policycomm/templates/``) and their sentences
come from the message catalogue (``messages/report.yaml``), so
``set_language("en")`` gives an English report; names and topics are data.

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

import os
import re
from dataclasses import dataclass

from ..messages import message

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

    from .cohort import GradingError, load_course_config, read_journal

    course_dir, out_dir = os.path.abspath(course_dir), os.path.abspath(out_dir)
    if db_url is None and not os.path.exists(os.path.join(course_dir, "gradebook.db")):
        raise GradingError("rp_no_gradebook", path=os.path.join(course_dir, "gradebook.db"))
    scores = pd.DataFrame([vars(row) for row in collect_scores(course_dir, db_url)])
    if scores.empty:
        raise GradingError("rp_nothing_graded")
    os.makedirs(out_dir, exist_ok=True)
    table = _trainee_table(scores)
    table.to_csv(os.path.join(out_dir, "scores.csv"), index=False, encoding="utf-8-sig")
    table.to_excel(os.path.join(out_dir, "scores.xlsx"), index=False, sheet_name=message("rp_sheet"))
    _histogram(table[message("rp_col_percent")], os.path.join(out_dir, "distribution.png"))
    journal = read_journal(course_dir)
    feedback = write_feedback(course_dir, os.path.join(out_dir, "feedback"), load_course_config(course_dir), db_url)
    index = os.path.join(out_dir, "index.html")
    with open(index, "w", encoding="utf-8") as handle:
        handle.write(class_page(scores, table, journal, feedback, _item_analysis_link(course_dir, out_dir)))
    return index


def _trainee_table(scores):
    """One row per trainee: points per assignment, total, percentage."""
    per_assignment = scores.pivot_table(index="student", columns="assignment", values="score", aggfunc="sum",
                                        fill_value=0.0)
    maximum = scores.groupby("assignment")[["max_score", "student"]].apply(
        lambda g: g["max_score"].sum() / g["student"].nunique())
    total, most, percent = message("rp_col_total"), message("rp_col_max"), message("rp_col_percent")
    table = per_assignment.copy()
    table[total] = per_assignment.sum(axis=1)
    table[most] = float(maximum.sum())
    table[percent] = (100 * table[total] / table[most]).round(1)
    table = table.reset_index().rename(columns={"student": message("rp_trainee")})
    table.columns.name = None
    return table


def _histogram(percentages, path: str) -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 3))
    axes = figure.add_subplot()
    axes.hist(percentages, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001], color="#2b6cb0",
              edgecolor="white")
    axes.set_xlabel(message("rp_hist_x"))
    axes.set_ylabel(message("rp_hist_y"))
    figure.tight_layout()
    figure.savefig(path, dpi=100)


def _item_analysis_link(course_dir: str, out_dir: str) -> str | None:
    """Relative link to an item-analysis page next to the report or in the course, if one exists."""
    for folder in (out_dir, course_dir, os.path.join(course_dir, "reports")):
        if os.path.isdir(folder):
            for name in sorted(os.listdir(folder)):
                if re.search(r"item[-_]?analys", name, re.I) and name.endswith((".html", ".htm")):
                    return os.path.relpath(os.path.join(folder, name), out_dir)
    return None


def _shares(scores, by: str) -> list[tuple]:
    """(name, points of the class, maximum, share or None) per value of ``by``."""
    sums = scores.groupby(by)[["score", "max_score"]].sum()
    return [(str(name), r.score, r.max_score, r.score / r.max_score if r.max_score > 0 else None)
            for name, r in sums.iterrows()]


def class_page(scores, table, journal: dict, feedback: dict, item_link: str | None) -> str:
    """The class report page (``index.html``) in the current language."""
    from ..templates import render
    from .cohort import Problem

    trainee, percent = message("rp_trainee"), message("rp_col_percent")
    by_student_topic = scores.groupby(["student", "topic"])[["score", "max_score"]].sum()
    weak = by_student_topic[by_student_topic["score"] < HELP_BELOW * by_student_topic["max_score"]]
    weak_students = set(weak.index.get_level_values(0))
    need_help = []
    for _, row in table.sort_values(percent).iterrows():
        student = row[trainee]
        problems = sorted({p["code"] for (_, s), entry in journal.items() if s == student
                           for p in entry.get("problems", [])})
        if row[percent] < 100 * HELP_BELOW or problems:
            need_help.append({"student": student, "share": row[percent], "problems": problems,
                              "topics": sorted(weak.loc[student].index) if student in weak_students else []})
    problems = [(s, a, Problem(**p).text()) for (a, s), entry in sorted(journal.items())
                for p in entry.get("problems", [])]
    return render("class_report.html.j2", trainees=table.shape[0], mean=table[percent].mean(),
                  help_below=100 * HELP_BELOW, by_assignment=_shares(scores, "assignment"),
                  by_topic=_shares(scores, "topic"), need_help=need_help, problems=problems,
                  item_link=item_link, feedback=feedback)


# --------------------------------------------------------------------------- feedback


def write_feedback(course_dir: str, out_dir: str, config, db_url: str | None = None) -> dict:
    """Every trainee's feedback pages, by nbgrader's generate_feedback; returns student -> [(label, link)].

    Links are relative to the parent of ``out_dir`` (the report's folder).
    """
    from ..assign.feedback import generate_feedback

    links: dict[str, list] = {}
    for page in generate_feedback(course_dir, config, out_dir, db_url):
        student, assignment, name = os.path.relpath(page, out_dir).split(os.sep)[-3:]
        links.setdefault(student, []).append(
            (f"{assignment}/{name[:-len('.html')]}", os.path.relpath(page, os.path.dirname(out_dir))))
    return links
