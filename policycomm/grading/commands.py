"""Top-level verbs ``policycomm grade`` and ``policycomm report``.

Heavy modules (nbgrader, pandas) load inside the handlers.

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="policycomm")
>>> register(parser.add_subparsers(dest="verb"))
>>> args = parser.parse_args(["grade", "ps1", "--jobs", "3"])
>>> args.assignments, args.jobs, args.resume
(['ps1'], 3, False)
"""
from __future__ import annotations

import os
import sys


def register(subparsers) -> None:
    """Add ``grade`` and ``report`` to the ``policycomm`` command."""
    grade = subparsers.add_parser(
        "grade", help="autograde a whole cohort (nbgrader-compatible, parallel, isolated)",
        description="Chấm tự động mọi bài nộp trong submitted/ như `nbgrader autograde`, song song và cô lập.")
    grade.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help="assignment(s) to grade")
    grade.add_argument("--all", action="store_true", help="grade every assignment that has submissions")
    grade.add_argument("--course", default=".", help="nbgrader course directory (default: current)")
    grade.add_argument("--db-url", help="gradebook SQLAlchemy URL (default: the course's gradebook.db)")
    grade.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="parallel workers")
    grade.add_argument("--timeout-cell", type=float, help="seconds per cell (default: c.Execute.timeout)")
    grade.add_argument("--timeout-notebook", type=float, default=600.0, help="seconds per notebook")
    grade.add_argument("--memory-mb", type=int, default=2048, help="memory limit per notebook (MB)")
    grade.add_argument("--resume", action="store_true", help="skip submissions already graded by a stopped run")
    grade.add_argument("--no-progress", action="store_true", help="no progress bar")
    grade.add_argument("--scheduler", metavar="ADDRESS",
                       help="grade on a Dask cluster (e.g. tcp://host:8786); the gradebook stays here")
    grade.add_argument("--unsafe", action="store_true",
                       help="run trainee code WITHOUT the bubblewrap sandbox (only where the host forbids it)")
    grade.set_defaults(func=run_grade)

    report = subparsers.add_parser(
        "report", help="class report (HTML, CSV, XLSX) and per-trainee feedback without hidden tests",
        description="Báo cáo lớp học và phản hồi cho từng học viên (không lộ bài kiểm tra ẩn, không lộ đáp án).")
    report.add_argument("--course", default=".", help="nbgrader course directory (default: current)")
    report.add_argument("--db-url", help="gradebook SQLAlchemy URL (default: the course's gradebook.db)")
    report.add_argument("-o", "--output", required=True, help="folder to write the report into")
    report.set_defaults(func=run_report)


def run_grade(args) -> int:
    """Handler of ``policycomm grade``."""
    import logging

    from .cohort import GradingError, config_value, grade_cohort, load_course_config
    from .sandbox import Limits

    if not args.assignments and not args.all:
        print("Hãy chỉ rõ bài cần chấm (ví dụ: policycomm grade ps1) hoặc dùng --all để chấm mọi bài.",
              file=sys.stderr)
        return 2
    if args.jobs < 1:
        print("--jobs phải là số nguyên dương.", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    # OverwriteCells warns for every test cell, since released test cells lack their hidden part
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    timeout_cell = args.timeout_cell
    if timeout_cell is None:
        config = load_course_config(os.path.abspath(args.course))
        timeout_cell = float(config_value(config, "Execute", "timeout", 30) or 30)
    limits = Limits(timeout_cell=timeout_cell, timeout_notebook=args.timeout_notebook, memory_mb=args.memory_mb)
    try:
        summary = grade_cohort(args.course, None if args.all else args.assignments, db_url=args.db_url,
                               jobs=args.jobs, limits=limits, resume=args.resume,
                               progress=not args.no_progress, unsafe=args.unsafe, scheduler=args.scheduler)
    except GradingError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    for result in summary.results:
        for problem in result.problems:
            print(f"{result.student}/{result.assignment}: {problem.text()}")
    print(f"Đã chấm {summary.graded} bài, bỏ qua {summary.skipped} bài đã chấm, "
          f"{summary.failed} bài có vấn đề; {summary.wall_s:.1f} giây.")
    return 0


def run_report(args) -> int:
    """Handler of ``policycomm report``."""
    from .cohort import GradingError
    from .report import write_report

    try:
        index = write_report(args.course, args.output, db_url=args.db_url)
    except GradingError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Đã viết báo cáo: {index}")
    return 0
