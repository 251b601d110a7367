"""``policycomm hub roster`` (the class's trainees into the gradebook and onto the class server) and
``policycomm hub start`` (the class server).

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="policycomm")
>>> register(parser.add_subparsers(dest="action"))
>>> args = parser.parse_args(["roster", "hoc-vien.csv", "--course", "khoa"])
>>> args.roster, args.course, args.hub_db_url, args.system_users
('hoc-vien.csv', 'khoa', None, False)
"""
from __future__ import annotations

import os
import subprocess
import sys

from ..assign.course import DEFAULT_COURSE
from ..messages import CodedError, message
from .grading import GRADER


def register(subparsers) -> None:
    """Add ``roster`` to ``policycomm hub``."""
    roster = subparsers.add_parser("roster", help=message("roster_help"), description=message("roster_description"))
    roster.add_argument("roster", metavar="FILE", help=message("roster_help_file"))
    roster.add_argument("--course", default=".", help=message("grade_help_course"))
    roster.add_argument("--db-url", help=message("grade_help_db_url"))
    roster.add_argument("--hub-db-url", help=message("roster_help_hub_db_url"))
    roster.add_argument("--system-users", action="store_true", help=message("roster_help_system_users"))
    roster.set_defaults(func=run_roster)

    start = subparsers.add_parser("start", help=message("hub_start_help"), description=message("hub_start_description"))
    start.add_argument("--folder", default="hub", help=message("hub_help_folder"))
    start.add_argument("--port", type=int, default=8000, help=message("hub_help_port"))
    start.add_argument("--ip", default="0.0.0.0", help=message("hub_help_ip"))
    start.add_argument("--lecturer", action="append", default=[], metavar="LOGIN", help=message("hub_help_lecturer"))
    start.add_argument("--course", default=str(DEFAULT_COURSE), help=message("hub_help_course"))
    start.add_argument("--db-url", help=message("hub_help_db_url"))
    start.add_argument("--grader", default=GRADER, metavar="USER", help=message("hub_help_grader"))
    start.set_defaults(func=run_start)


def run_roster(args) -> int:
    """Handler of ``policycomm hub roster``: 0 when every row was good, 1 when some were left out."""
    from sqlalchemy.exc import SQLAlchemyError

    from ..grading.cohort import GradingError, config_value, course_db_url, load_course_config
    from .roster import RosterError, add_hub_accounts, add_students, add_system_users, read_roster

    course = os.path.abspath(args.course)
    try:
        people, problems = read_roster(args.roster)
        config = load_course_config(course)
    except (RosterError, GradingError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    db_url = args.db_url or course_db_url(course, config)
    try:
        added, warnings = add_students(people, db_url, config_value(config, "CourseDirectory", "course_id", ""))
    except SQLAlchemyError:
        print(message("roster_no_gradebook", db=db_url), file=sys.stderr)
        return 1
    for problem in sorted(problems + warnings, key=lambda p: p.line):
        print(problem.text())
    print(message("roster_summary", added=len(added), known=len(people) - len(added), bad=len(problems)))
    if not args.hub_db_url:
        print(message("roster_no_hub"))
        return 1 if problems else 0
    try:
        passwords = add_hub_accounts(people, args.hub_db_url)
    except SQLAlchemyError:
        print(message("roster_no_hub_db", db=args.hub_db_url), file=sys.stderr)
        return 1
    if passwords:
        print(message("roster_credentials_title", count=len(passwords)))
        for person in people:
            if person.username in passwords:
                print(message("roster_credentials", id=person.code, name=person.name, unit=person.unit or "-",
                              username=person.username, password=passwords[person.username]))
    if not args.system_users:
        print(message("roster_no_system_users"))
        return 1 if problems else 0
    if os.geteuid() != 0:
        print(message("roster_system_users_need_root"), file=sys.stderr)
        return 1
    try:
        created = add_system_users(people)
    except subprocess.CalledProcessError as exc:
        print(message("roster_useradd_failed", username=exc.cmd[-1], detail=exc.stderr.decode().strip()),
              file=sys.stderr)
        return 1
    print(message("roster_system_users", count=len(created)))
    return 1 if problems else 0


def run_start(args) -> int:
    """Handler of ``policycomm hub start``: 1 when the server cannot start (otherwise JupyterHub runs here)."""
    from .server import CONFIG_FILE, start

    print(message("hub_starting", config=os.path.join(os.path.abspath(args.folder), CONFIG_FILE)), flush=True)
    try:
        start(args.folder, args.port, args.ip, args.lecturer, args.course, args.grader, args.db_url)
    except CodedError as exc:  # the server's, the gradebook's, the lecturers' side: each says what to do
        print(str(exc), file=sys.stderr)
        return 1
    return 0
