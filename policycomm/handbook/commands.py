"""Top-level verb ``policycomm handbook``: write the handbook as PDF and HTML.

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="policycomm")
>>> register(parser.add_subparsers(dest="verb"))
>>> parser.parse_args(["handbook", "-o", "build"]).output
'build'
"""
from __future__ import annotations

import sys


def register(subparsers) -> None:
    """Add ``handbook`` to the ``policycomm`` command."""
    from ..messages import message

    handbook = subparsers.add_parser("handbook", help=message("help_handbook"),
                                     description=message("help_handbook_description"))
    handbook.add_argument("-o", "--output", required=True, help=message("help_handbook_output"))
    handbook.set_defaults(func=run_handbook)


def run_handbook(args) -> int:
    """Handler of ``policycomm handbook``."""
    from ..messages import message

    try:
        import weasyprint  # noqa: F401
    except ImportError:
        print(message("hb_needs_weasyprint"), file=sys.stderr)
        return 1
    from .build import HandbookError, build

    try:
        pdf, html, pages = build(args.output)
    except HandbookError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(message("hb_written", pdf=pdf, html=html, pages=pages))
    return 0
