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

from ..messages import message


def register(subparsers) -> None:
    """Add ``grade`` and ``report`` to the ``policycomm`` command."""
    grade = subparsers.add_parser("grade", help=message("grade_help"), description=message("grade_description"))
    grade.add_argument("assignments", nargs="*", metavar="ASSIGNMENT", help=message("grade_help_assignments"))
    grade.add_argument("--all", action="store_true", help=message("grade_help_all"))
    grade.add_argument("--course", default=".", help=message("grade_help_course"))
    grade.add_argument("--db-url", help=message("grade_help_db_url"))
    grade.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help=message("grade_help_jobs"))
    grade.add_argument("--timeout-cell", type=float, help=message("grade_help_timeout_cell"))
    grade.add_argument("--timeout-notebook", type=float, default=600.0, help=message("grade_help_timeout_notebook"))
    grade.add_argument("--memory-mb", type=int, default=2048, help=message("grade_help_memory"))
    grade.add_argument("--resume", action="store_true", help=message("grade_help_resume"))
    grade.add_argument("--no-progress", action="store_true", help=message("grade_help_no_progress"))
    grade.add_argument("--scheduler", metavar="ADDRESS", help=message("grade_help_scheduler"))
    grade.add_argument("--unsafe", action="store_true", help=message("grade_help_unsafe"))
    grade.set_defaults(func=run_grade)

    report = subparsers.add_parser("report", help=message("report_help"), description=message("report_description"))
    report.add_argument("--course", default=".", help=message("grade_help_course"))
    report.add_argument("--db-url", help=message("grade_help_db_url"))
    report.add_argument("-o", "--output", required=True, help=message("report_help_output"))
    report.set_defaults(func=run_report)


def run_grade(args) -> int:
    """Handler of ``policycomm grade``."""
    import logging

    from .cohort import GradingError, config_value, grade_cohort, load_course_config
    from .sandbox import Limits

    if not args.assignments and not args.all:
        print(message("grade_which"), file=sys.stderr)
        return 2
    if args.jobs < 1:
        print(message("grade_bad_jobs"), file=sys.stderr)
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
    print(message("grade_summary", graded=summary.graded, skipped=summary.skipped, failed=summary.failed,
                  seconds=summary.wall_s))
    return 0


def run_report(args) -> int:
    """Handler of ``policycomm report``."""
    from .cohort import GradingError
    from .report import write_report

    try:
        written = write_report(args.course, args.output, db_url=args.db_url)
    except GradingError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(message("report_written", index=written.index))
    print(message("rp_moodle_howto", path=written.moodle))
    if written.left_out:
        print(message("rp_moodle_left_out", students=", ".join(written.left_out)))
    return 0
