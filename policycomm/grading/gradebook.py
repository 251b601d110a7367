"""Read an nbgrader gradebook (read-only) as long-format responses for item analysis.

Only this module of the quiz's item analysis needs nbgrader: its ORM classes
say which tables and columns hold grades. The table has one row per trainee
and grade cell: ``trainee``, ``item`` (``assignment/notebook/cell``),
``score``, ``max_score``, ``timestamp``; see
:func:`policycomm.quiz.analysis.analyze`.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

COLUMNS = ["trainee", "assignment", "notebook", "cell", "score", "max_score", "timestamp"]


def gradebook_responses(db_url: str, assignment: str | None = None) -> pd.DataFrame:
    """Grade cells of submitted assignments as long-format responses.

    The score is nbgrader's final score (manual if given, else automatic, plus
    extra credit), the maximum is the cell's ``max_score``, the timestamp is
    the submission's. Only submitted assignments appear; ``assignment`` keeps
    one. A missing SQLite file is an error (nothing is created). Problems
    raise :class:`policycomm.quiz.analysis.ResponsesError`.
    """
    from nbgrader.api import Assignment, Grade, GradeCell, Notebook, Student, SubmittedAssignment, SubmittedNotebook
    from sqlalchemy import create_engine, inspect, make_url, select
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from policycomm.quiz.analysis import ResponsesError, _problem

    if db_url.startswith("sqlite:///") and not Path(db_url[len("sqlite:///"):]).is_file():
        raise ResponsesError([_problem(db_url, "ia_problem_not_found")])
    try:
        url = make_url(db_url)
    except ArgumentError:
        raise ResponsesError([_problem(db_url, "ia_problem_url")]) from None
    if url.drivername == "postgresql" and importlib.util.find_spec("psycopg") is None:
        url = url.set(drivername="postgresql+psycopg2")  # SQLAlchemy 2.1 defaults to psycopg 3; we ship psycopg2
    query = (select(Student.id.label("trainee"), Assignment.name.label("assignment"),
                    Notebook.name.label("notebook"), GradeCell.name.label("cell"), Grade.score.label("score"),
                    GradeCell.max_score.label("max_score"), SubmittedAssignment.timestamp.label("timestamp"))
             .join(GradeCell, Grade.cell_id == GradeCell.id)
             .join(Notebook, GradeCell.notebook_id == Notebook.id)
             .join(Assignment, Notebook.assignment_id == Assignment.id)
             .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
             .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
             .join(Student, SubmittedAssignment.student_id == Student.id)
             .order_by(Assignment.name, Notebook.name, GradeCell.name, Student.id))
    if assignment is not None:
        query = query.where(Assignment.name == assignment)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            for table in ("grade", "grade_cells", "submitted_notebook"):
                if table not in tables:
                    raise ResponsesError([_problem(db_url, "ia_problem_gradebook", table=table)])
            rows = pd.DataFrame(connection.execute(query).mappings().all(), columns=COLUMNS)
    except SQLAlchemyError as exc:
        raise ResponsesError([_problem(db_url, "ia_problem_database", detail=str(exc.orig or exc))]) from None
    finally:
        engine.dispose()
    rows["item"] = rows["assignment"] + "/" + rows["notebook"] + "/" + rows["cell"]
    return rows[["trainee", "item", "score", "max_score", "timestamp"]].astype({"score": float, "max_score": float})
