"""``policycomm course release`` and ``policycomm course open``.

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="course")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["open", "--no-browser", "--port", "8899"])
>>> args.port, args.no_browser
(8899, True)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..messages import message


def _run_from(args):
    from .course import CourseRun

    return CourseRun(Path(args.course).resolve(), Path(args.run_dir).resolve())


def _add_paths(parser) -> None:
    from .course import DEFAULT_COURSE, DEFAULT_RUN_DIR

    parser.add_argument("--course", default=os.environ.get("POLICYCOMM_COURSE", str(DEFAULT_COURSE)),
                        help=message("help_course_dir"))
    parser.add_argument("--run-dir", default=os.environ.get("POLICYCOMM_RUN_DIR", str(DEFAULT_RUN_DIR)),
                        help=message("help_run_dir"))


def register(subparsers) -> None:
    """Add the ``release`` and ``open`` verbs."""
    release = subparsers.add_parser("release", help=message("help_release"))
    _add_paths(release)
    release.add_argument("assignments", nargs="*", help=message("help_release_assignments"))
    release.set_defaults(func=release_command)

    open_ = subparsers.add_parser("open", help=message("help_open"))
    _add_paths(open_)
    open_.add_argument("--no-browser", action="store_true", help=message("help_no_browser"))
    open_.add_argument("--port", type=int, default=None, help=message("help_port"))
    open_.set_defaults(func=open_command)


def release_command(args) -> int:
    from .course import CourseError, release

    try:
        release(_run_from(args), args.assignments or None)
    except CourseError as exc:
        print(message("course_command_failed", verb="release", error=exc), file=sys.stderr)
        return 1
    return 0


def open_command(args) -> int:
    from .course import CourseError, lab_command, prepare

    run = _run_from(args)
    try:
        prepare(run)
    except CourseError as exc:
        print(message("course_command_failed", verb="open", error=exc), file=sys.stderr)
        return 1
    command = lab_command(run, port=args.port, open_browser=not args.no_browser)
    print(message("course_opening", home=run.home), flush=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(run.home)
    os.execve(command[0], command, run.environment())  # the server replaces this process
