"""Class report, exports and per-trainee feedback from an nbgrader gradebook.

``write_report(course, out)`` writes:

- ``index.html``: score distribution, mastery per assignment, per skill and
  per topic, each trainee's mastery per skill, trainees who need help,
  grading problems from the journal, and a link to the item analysis
  (``policycomm quiz analyze``) when its output is found;
- ``scores.csv`` and ``scores.xlsx``: one row per trainee, for the institution
  (points per assignment, totals, the share of each skill's points);
- ``moodle.csv``: the same points as Moodle's gradebook imports them
  (:func:`moodle_table`);
- ``feedback/<student>/<assignment>/<notebook>.html``: each trainee's answers,
  outputs and points, made by nbgrader's own ``generate_feedback`` as the
  course configures it (:mod:`policycomm.assign.feedback`: no hidden tests,
  no tracebacks, nothing of the reference solutions).

The pages are Jinja2 templates (``policycomm/templates/``) and their sentences
come from the message catalogue (``messages/report.yaml``), so
``set_language("en")`` gives an English report; names and topics are data.

Every trainee of the gradebook has a row. An assignment a trainee never
submitted has no points: its cell is empty in every export ("-" in
``moodle.csv``, Moodle's "no grade"), never 0, while a submitted one that
scored 0 shows 0. Totals, shares, means and the distribution count only the
assignments each trainee submitted; what is missing is counted and listed
apart (the "submitted" columns, and "not submitted" under trainees who need help).

Skills and topics: a grade cell declares what it tests in its metadata in
``source/``, ``"policycomm": {"skill": ..., "topic": ...}``, ids of
``policycomm/data/topics.yaml`` shown by their names (:func:`grade_cells`
reads them, :func:`course_points` adds up the course's points by each). The
report has a by-skill or by-topic table only when some grade cell declares one.

>>> topic_of({"policycomm": {"topic": "crisis"}}), topic_of({}), skill_of({"policycomm": {"skill": "recall"}})
('crisis', None, 'recall')
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from ..messages import message

#: a trainee needs help below this share of the points, overall or in a topic
HELP_BELOW = 0.5


def _declared(cell_metadata: dict, key: str) -> str | None:
    value = (cell_metadata.get("policycomm") or {}).get(key)
    return str(value) if value else None


def topic_of(cell_metadata: dict) -> str | None:
    """The topic a grade cell declares (``metadata.policycomm.topic``), or None."""
    return _declared(cell_metadata, "topic")


def skill_of(cell_metadata: dict) -> str | None:
    """The skill a grade cell declares (``metadata.policycomm.skill``), or None."""
    return _declared(cell_metadata, "skill")


def topic_name(topic_id: str) -> str:
    """A topic's name in the current language; an id that ``topics.yaml`` lacks stays as it is.

    >>> topic_name("crisis"), topic_name("not_a_topic")
    ('Khủng hoảng và cảnh báo', 'not_a_topic')
    """
    from ..messages import get_language
    from ..model.topics import load_topics

    known = load_topics().get(topic_id)
    return known.name.get(get_language()) if known else topic_id


def skill_name(skill_id: str) -> str:
    """A skill's name in the current language; an id that ``topics.yaml`` lacks stays as it is.

    >>> skill_name("judgement"), skill_name("not_a_skill")
    ('Xử lý tình huống', 'not_a_skill')
    """
    from ..messages import get_language
    from ..model.topics import load_skills

    known = load_skills().get(skill_id)
    return known.name.get(get_language()) if known else skill_id


@dataclass
class GradeCell:
    """A grade cell of a notebook in ``source/``: an autograded test cell, a manually graded answer or a task."""

    assignment: str
    notebook: str
    cell: str
    points: float
    skill: str | None
    topic: str | None


def grade_cells(course_dir: str) -> list[GradeCell]:
    """Every grade cell of ``source/<assignment>/<notebook>.ipynb``, in order, with what it declares."""
    import glob

    import nbformat

    cells = []
    for path in sorted(glob.glob(os.path.join(course_dir, "source", "*", "*.ipynb"))):
        assignment, notebook = os.path.basename(os.path.dirname(path)), os.path.basename(path)[:-len(".ipynb")]
        for cell in nbformat.read(path, as_version=4).cells:
            grader = cell.metadata.get("nbgrader", {})
            if grader.get("grade") or grader.get("task"):
                cells.append(GradeCell(assignment, notebook, grader.get("grade_id", ""),
                                       float(grader.get("points") or 0), skill_of(cell.metadata),
                                       topic_of(cell.metadata)))
    return cells


def course_points(course_dir: str) -> dict[str, dict]:
    """The points of the course's grade cells added up per skill and per topic.

    ``{"skill": {skill: points}, "topic": {topic: points}}``; a cell that declares no skill (no topic)
    counts under None, so the points of each add up to the course's total.
    """
    totals: dict[str, dict] = {"skill": {}, "topic": {}}
    for cell in grade_cells(course_dir):
        for key in totals:
            value = getattr(cell, key)
            totals[key][value] = totals[key].get(value, 0.0) + cell.points
    return totals


@dataclass
class CellScore:
    student: str
    assignment: str
    notebook: str
    cell: str
    topic: str | None
    score: float
    max_score: float
    skill: str | None = None


@dataclass
class Trainee:
    """A trainee as the gradebook knows them (the roster fills names and email)."""

    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""

    @property
    def full_name(self) -> str:
        """Family name first, as Vietnamese names are written."""
        return " ".join(part for part in (self.last_name, self.first_name) if part)


@dataclass
class ClassGrades:
    """What the gradebook holds of a class: every trainee, every graded cell, each assignment's maximum."""

    trainees: list[Trainee]
    scores: list[CellScore]
    #: assignment -> its maximum points, for the assignments someone submitted (in name order)
    maxima: dict[str, float] = field(default_factory=dict)

    def frame(self):
        """The cell scores as a pandas DataFrame (columns of :class:`CellScore`)."""
        import pandas as pd

        columns = list(CellScore.__dataclass_fields__)
        return pd.DataFrame([vars(row) for row in self.scores], columns=columns)


def collect_grades(course_dir: str, db_url: str | None = None) -> ClassGrades:
    """Every trainee and every grade of every submission in the gradebook, with its skill and topic."""
    from nbgrader.api import Gradebook

    db_url = db_url or f"sqlite:///{os.path.join(course_dir, 'gradebook.db')}"
    declared = {(c.assignment, c.notebook, c.cell): c for c in grade_cells(course_dir)}
    rows, maxima = [], {}
    with Gradebook(db_url) as gradebook:
        trainees = [Trainee(s.id, s.first_name or "", s.last_name or "", s.email or "")
                    for s in sorted(gradebook.students, key=lambda s: s.id)]
        for assignment in sorted(gradebook.assignments, key=lambda a: a.name):
            if assignment.submissions:
                maxima[assignment.name] = float(assignment.max_score or 0)
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        cell = declared.get((assignment.name, notebook.name, grade.name))
                        rows.append(CellScore(submission.student.id, assignment.name, notebook.name, grade.name,
                                              cell.topic if cell else None, float(grade.score or 0),
                                              float(grade.max_score or 0), cell.skill if cell else None))
    return ClassGrades(trainees, rows, maxima)


@dataclass
class Written:
    """What :func:`write_report` wrote: the page, the Moodle file, and the trainees left out of it (no email)."""

    index: str
    moodle: str
    left_out: list[str]


def write_report(course_dir: str, out_dir: str, db_url: str | None = None) -> Written:
    """Write the class report, exports and feedback."""
    from .cohort import GradingError, course_db_url, load_course_config, read_journal

    course_dir, out_dir = os.path.abspath(course_dir), os.path.abspath(out_dir)
    config = load_course_config(course_dir)
    db_url = db_url or course_db_url(course_dir, config)
    if db_url.startswith("sqlite:///") and not os.path.exists(db_url[len("sqlite:///"):]):
        raise GradingError("rp_no_gradebook", path=db_url[len("sqlite:///"):])
    grades = collect_grades(course_dir, db_url)
    if not grades.scores:
        raise GradingError("rp_nothing_graded")
    os.makedirs(out_dir, exist_ok=True)
    table = trainee_table(grades)
    table.to_csv(os.path.join(out_dir, "scores.csv"), index=False, encoding="utf-8-sig")
    table.to_excel(os.path.join(out_dir, "scores.xlsx"), index=False, sheet_name=message("rp_sheet"))
    moodle, left_out = moodle_table(grades)
    moodle_path = os.path.join(out_dir, MOODLE_FILE)
    moodle.to_csv(moodle_path, index=False, encoding="utf-8", na_rep=MOODLE_NO_GRADE)
    _histogram(table[message("rp_col_percent")].dropna(), os.path.join(out_dir, "distribution.png"))
    journal = read_journal(course_dir)
    feedback = write_feedback(course_dir, os.path.join(out_dir, "feedback"), config, db_url)
    index = os.path.join(out_dir, "index.html")
    with open(index, "w", encoding="utf-8") as handle:
        handle.write(class_page(grades, table, journal, feedback, _item_analysis_link(course_dir, out_dir),
                                left_out))
    return Written(index, moodle_path, left_out)


def trainee_table(grades: ClassGrades):
    """One row per trainee: points per assignment (empty where not submitted), then totals over what was
    submitted, then the share (%) of each declared skill's points earned in what was submitted.

    >>> grades = ClassGrades([Trainee("an"), Trainee("binh")],
    ...                      [CellScore("an", "ps1", "n", "q1", None, 0.0, 4.0)], {"ps1": 4.0, "ps2": 6.0})
    >>> trainee_table(grades).to_dict("records")[1]["ps1"]
    nan
    """
    import pandas as pd

    scores = grades.frame()
    students = [t.id for t in grades.trainees]
    students += sorted(set(scores["student"]) - set(students))
    names = {t.id: t.full_name for t in grades.trainees}
    points = scores.pivot_table(index="student", columns="assignment", values="score", aggfunc="sum")
    points = points.reindex(index=students, columns=list(grades.maxima))
    maxima = pd.Series(grades.maxima, dtype=float)
    submitted = points.notna()
    total, most, percent = message("rp_col_total"), message("rp_col_max"), message("rp_col_percent")
    table = points.copy()
    table[message("rp_col_submitted")] = submitted.sum(axis=1)
    table[total] = points.sum(axis=1, min_count=1)
    table[most] = submitted.mul(maxima, axis=1).sum(axis=1).where(submitted.any(axis=1))
    table[percent] = (100 * table[total] / table[most].where(table[most] > 0)).round(1)
    columns = skill_columns(scores)
    if columns:
        sums = scores.dropna(subset=["skill"]).groupby(["student", "skill"])[["score", "max_score"]].sum()
        shares = (100 * sums["score"] / sums["max_score"].where(sums["max_score"] > 0)).round(1).unstack("skill")
        for skill_id, column in columns.items():
            table[column] = shares[skill_id].reindex(students)
    table.insert(0, message("rp_col_name"), [names.get(student, "") for student in students])
    table = table.rename_axis(message("rp_trainee")).reset_index()
    table.columns.name = None
    return table


#: the Moodle file's name in the report folder, and Moodle's mark for "no grade" (blank would
#: become a grade in a new grade item: Moodle's grade/import/csv skips only "-" there)
MOODLE_FILE = "moodle.csv"
MOODLE_NO_GRADE = "-"


def moodle_table(grades: ClassGrades):
    """``(table, left_out)``: the CSV that Moodle's gradebook imports (Grades > Import > CSV file), and the
    ids of the trainees without an email, who cannot be matched in Moodle and are left out.

    Columns: last name, first name, ID number (the trainee's id), email address, then one column per
    assignment with its points (missing where not submitted). In Moodle the lecturer picks encoding UTF-8,
    separator comma, then "Identify user by": Map from the email column, Map to "Email address"
    (useremail); each assignment column maps to its grade item, or to "new grade item".

    >>> table, left_out = moodle_table(ClassGrades([Trainee("an", "Thị Hà", "Nguyễn", "ha@x.vn"), Trainee("binh")],
    ...                                            [CellScore("an", "ps1", "n", "q1", None, 3.0, 4.0)], {"ps1": 4.0}))
    >>> table.to_dict("records"), left_out
    ([{'Họ': 'Nguyễn', 'Tên': 'Thị Hà', 'Mã số': 'an', 'Địa chỉ email': 'ha@x.vn', 'ps1': 3.0}], ['binh'])
    """
    import pandas as pd

    scores = grades.frame()
    points = scores.pivot_table(index="student", columns="assignment", values="score", aggfunc="sum")
    with_email = [t for t in grades.trainees if t.email.strip()]
    left_out = [t.id for t in grades.trainees if not t.email.strip()]
    people = pd.DataFrame({message("rp_moodle_last_name"): [t.last_name for t in with_email],
                           message("rp_moodle_first_name"): [t.first_name for t in with_email],
                           message("rp_moodle_id_number"): [t.id for t in with_email],
                           message("rp_moodle_email"): [t.email.strip() for t in with_email]})
    marks = points.reindex(index=[t.id for t in with_email], columns=list(grades.maxima)).round(2)
    table = pd.concat([people, marks.reset_index(drop=True)], axis=1)
    table.columns.name = None
    return table, left_out


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


def _shares(scores, by: str, label=str, order=None) -> list[tuple]:
    """(label of the value, points of the class, maximum, share or None) per value of ``by`` (in ``order``)."""
    sums = scores.groupby(by)[["score", "max_score"]].sum()
    if order is not None:
        sums = sums.reindex(order)
    return [(label(name), r.score, r.max_score, r.score / r.max_score if r.max_score > 0 else None)
            for name, r in sums.iterrows()]


def skill_columns(scores) -> dict[str, str]:
    """skill id -> its column in the trainee table, for the skills the grades declare, in ``topics.yaml``'s order."""
    from ..model.topics import load_skills

    present = set(scores["skill"].dropna())
    ordered = [s for s in load_skills() if s in present] + sorted(present - set(load_skills()))
    return {s: message("rp_col_skill", skill=skill_name(s)) for s in ordered}


def class_page(grades: ClassGrades, table, journal: dict, feedback: dict, item_link: str | None,
               left_out: list[str] = ()) -> str:
    """The class report page (``index.html``) in the current language."""
    from ..templates import render
    from .cohort import Problem

    scores = grades.frame()
    trainee, percent = message("rp_trainee"), message("rp_col_percent")
    by_student_topic = scores.dropna(subset=["topic"]).groupby(["student", "topic"])[["score", "max_score"]].sum()
    weak = by_student_topic[by_student_topic["score"] < HELP_BELOW * by_student_topic["max_score"]]
    weak_students = set(weak.index.get_level_values(0))
    need_help = []
    for _, row in table.sort_values(percent, na_position="first").iterrows():
        student = row[trainee]
        problems = sorted({p["code"] for (_, s), entry in journal.items() if s == student
                           for p in entry.get("problems", [])})
        missing = [a for a in grades.maxima if row[a] != row[a]]
        if row[percent] < 100 * HELP_BELOW or problems or missing:
            need_help.append({"student": student, "name": row[message("rp_col_name")], "share": row[percent],
                              "missing": missing, "problems": problems,
                              "topics": sorted(topic_name(t) for t in weak.loc[student].index)
                              if student in weak_students else []})
    problems = [(s, a, Problem(**p).text()) for (a, s), entry in sorted(journal.items())
                for p in entry.get("problems", [])]
    submitted = scores.groupby("assignment")["student"].nunique()
    by_assignment = [(name, int(submitted.get(name, 0)), *rest)
                     for name, *rest in _shares(scores, "assignment")]
    columns = skill_columns(scores)
    by_skill = _shares(scores.dropna(subset=["skill"]), "skill", skill_name, order=list(columns))
    skill_rows = [(row[trainee], row[message("rp_col_name")], [row[c] for c in columns.values()])
                  for _, row in table.iterrows()]
    return render("class_report.html.j2", trainees=table.shape[0],
                  submitted=int((table[message("rp_col_submitted")] > 0).sum()), mean=table[percent].mean(),
                  help_below=100 * HELP_BELOW, by_assignment=by_assignment, by_skill=by_skill,
                  skill_names=[skill_name(s) for s in columns], skill_rows=skill_rows,
                  by_topic=_shares(scores.dropna(subset=["topic"]), "topic", topic_name), need_help=need_help,
                  problems=problems, item_link=item_link, feedback=feedback, moodle_file=MOODLE_FILE,
                  left_out=list(left_out))


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
