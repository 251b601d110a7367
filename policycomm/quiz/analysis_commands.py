"""``policycomm quiz analyze``: item analysis of a quiz or an nbgrader gradebook.

    policycomm quiz analyze --responses responses.csv [--html report.html] [--csv items.csv]
    policycomm quiz analyze --gradebook sqlite:///course/gradebook.db [--assignment ps1]
    policycomm quiz analyze --answers course/submitted

Prints one line per item with its flags, then what to do about the flagged
ones. Heavy libraries load only when the command runs.
"""
from __future__ import annotations

import sys

from ..messages import message


def register(subparsers) -> None:
    """Add the ``analyze`` verb."""
    parser = subparsers.add_parser("analyze", help=message("qcli_analyze_help"),
                                   description=message("qcli_analyze_description"))
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--responses", metavar="FILE.csv", help=message("qcli_help_responses"))
    source.add_argument("--gradebook", metavar="DB_URL", help=message("qcli_help_gradebook"))
    source.add_argument("--answers", metavar="FOLDER", help=message("qcli_help_answers"))
    parser.add_argument("--assignment", metavar="NAME", help=message("qcli_help_assignment"))
    parser.add_argument("--html", metavar="REPORT.html", help=message("qcli_help_html"))
    parser.add_argument("--csv", metavar="ITEMS.csv", help=message("qcli_help_csv"))
    parser.add_argument("--easy", type=float, default=0.90, metavar="P", help=message("qcli_help_easy"))
    parser.set_defaults(func=analyze_command)


def analyze_command(args) -> int:
    """Run the analysis; 0 on success, 2 when the input cannot be read (the message says why)."""
    import pandas as pd

    from ..messages import get_language
    from .analysis import (ResponsesError, Thresholds, analyze, choice_options, read_answer_files, read_gradebook,
                           read_responses_csv)
    from .bank import BankError
    from .report_html import write_report

    limits = Thresholds(too_easy=args.easy)
    explanation = f"explanation_{get_language()}"
    options = None
    try:
        if args.responses:
            responses = read_responses_csv(args.responses)
        elif args.gradebook:
            responses = read_gradebook(args.gradebook, args.assignment)
        else:
            from .bank import load_bank

            bank = load_bank()  # the quiz's questions and keys: answers files hold only responses
            responses, options = read_answer_files(args.answers, bank), choice_options(bank)
    except (ResponsesError, BankError) as error:
        print(error, file=sys.stderr)
        return 2
    result = analyze(responses, limits, options)

    for note in result.notes:
        print(note)
    if result.items.empty:
        return 0
    test = result.test
    print(message("qcli_analyze_summary", trainees=test["trainees"], items=test["items"],
                  method=test["reliability_method"], reliability=test["reliability"], sem=test["sem"]))
    table = result.items[["n", "facility", "discrimination", "item_rest_r", "efficiency"]].copy()
    table["flags"] = result.items["flags"].map(lambda codes: ", ".join(c.removeprefix("ia_") for c in codes))
    with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_colwidth", 80):
        print(table.to_string(float_format=lambda x: f"{x:.2f}"))
    if test[explanation]:
        print(test[explanation])
    for name, row in result.flagged().iterrows():
        print(f"\n{name}:")
        for line in row[explanation].splitlines():
            print(f"  - {line}")

    target = None
    try:
        if args.csv:
            target = args.csv
            out = result.items.assign(flags=result.items["flags"].map(" ".join))
            out.to_csv(args.csv, encoding="utf-8-sig")
            print(message("qcli_wrote_items_csv", path=args.csv))
        if args.html:
            target = args.html
            write_report(result, args.html, limits=limits)
            print(message("qcli_wrote_report", path=args.html))
    except OSError as error:  # pandas names no file and no reason when the folder is missing
        print(message("qcli_cannot_write", path=error.filename or target, reason=error.strerror or error),
              file=sys.stderr)
        return 2
    return 0
