"""``policycomm quiz analyze``: item analysis of a quiz or an nbgrader gradebook.

    policycomm quiz analyze --responses responses.csv [--html report.html] [--csv items.csv]
    policycomm quiz analyze --gradebook sqlite:///course/gradebook.db [--assignment ps1]
    policycomm quiz analyze --answers course/submitted

Prints one line per item with its flags, then what to do about the flagged
ones. Heavy libraries load only when the command runs.
"""
from __future__ import annotations

import sys


def register(subparsers) -> None:
    """Add the ``analyze`` verb."""
    parser = subparsers.add_parser("analyze", help="item analysis: which questions work, which are broken",
                                   description="Item analysis of a quiz or an nbgrader gradebook: "
                                               "which questions work, which are broken.")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--responses", metavar="FILE.csv",
                        help="long-format CSV: trainee, item, score, max_score[, choice, attempt, timestamp]")
    source.add_argument("--gradebook", metavar="DB_URL", help="nbgrader gradebook, e.g. sqlite:///gradebook.db")
    source.add_argument("--answers", metavar="FOLDER",
                        help="quiz answers files collected by nbgrader, e.g. course/submitted (with option choices)")
    parser.add_argument("--assignment", metavar="NAME", help="with --gradebook: analyse only this assignment")
    parser.add_argument("--html", metavar="REPORT.html", help="write an HTML report with plots")
    parser.add_argument("--csv", metavar="ITEMS.csv", help="write the per-item statistics as CSV")
    parser.add_argument("--easy", type=float, default=0.90, metavar="P",
                        help="facility above which an item is too easy (default 0.90; some use 0.80)")
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
    print(f"{test['trainees']} học viên, {test['items']} câu; {test['reliability_method']} = "
          f"{test['reliability']:.2f}; SEM = {test['sem']:.2f}")
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

    try:
        if args.csv:
            out = result.items.assign(flags=result.items["flags"].map(" ".join))
            out.to_csv(args.csv, encoding="utf-8-sig")
            print(f"Đã ghi bảng thống kê: {args.csv}")
        if args.html:
            write_report(result, args.html, limits=limits)
            print(f"Đã ghi báo cáo: {args.html}")
    except OSError as error:
        print(f"Không ghi được {error.filename}: {error.strerror}. Kiểm tra thư mục có tồn tại và có quyền ghi.",
              file=sys.stderr)
        return 2
    return 0
