"""``policycomm quiz check | export | import``: the lecturer's verbs for the question bank.

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="quiz"); register(parser.add_subparsers())
>>> parser.parse_args(["export", "--format", "gift", "--module", "03"]).module
['03']
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..messages import message

FORMATS = ("moodle-xml", "gift")


def register(subparsers) -> None:
    """Add the bank verbs to ``policycomm quiz``."""
    check = subparsers.add_parser("check", help=message("qcli_check_help"))
    check.add_argument("--bank", default=None, help=message("qcli_help_bank"))
    check.set_defaults(func=run_check)

    export = subparsers.add_parser("export", help=message("qcli_export_help"))
    export.add_argument("--format", choices=FORMATS, default="moodle-xml", help=message("qcli_help_export_format"))
    export.add_argument("--module", action="append", help=message("qcli_help_module"))
    export.add_argument("--bank", default=None, help=message("qcli_help_bank"))
    export.add_argument("-o", "--output", help=message("qcli_help_export_output"))
    export.set_defaults(func=run_export)

    imp = subparsers.add_parser("import", help=message("qcli_import_help"))
    imp.add_argument("file", help=message("qcli_help_import_file"))
    imp.add_argument("--format", choices=FORMATS, help=message("qcli_help_import_format"))
    imp.add_argument("-o", "--output", default="imported", help=message("qcli_help_import_output"))
    imp.add_argument("--force", action="store_true", help=message("qcli_help_force"))
    imp.set_defaults(func=run_import)


def _report(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(message("qcli_nothing_written", count=len(problems)), file=sys.stderr)


def run_check(args) -> int:
    """Validate the bank; print every problem (file:line: question, field: message); 1 if any."""
    from .bank import check_bank

    bank, problems = check_bank(args.bank)
    if problems:
        for problem in problems:
            print(problem)
        print(message("qcli_check_problems", count=len(problems)))
        return 1
    counts = ", ".join(f"{m}: {len(module.questions)}" for m, module in bank.modules.items())
    print(message("qcli_check_ok", questions=len(bank), modules=len(bank.modules), counts=counts,
                  folder=bank.folder))
    return 0


def run_export(args) -> int:
    """Write the bank (or some modules) as Moodle XML or GIFT."""
    from .bank import BankError, load_bank

    try:
        bank = load_bank(args.bank)
    except BankError as exc:
        _report(exc.problems)
        return 1
    wanted = args.module or list(bank.modules)
    unknown = [m for m in wanted if m not in bank.modules]
    if unknown:
        print(message("qcli_unknown_modules", unknown=", ".join(unknown), known=", ".join(bank.modules)),
              file=sys.stderr)
        return 2
    modules = [bank.modules[m] for m in wanted]
    if args.format == "gift":
        from .gift import to_gift as write
    else:
        from .moodle import to_moodle_xml as write
    text = write(modules)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(message("qcli_exported", count=sum(len(m.questions) for m in modules), format=args.format,
                      path=args.output), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def run_import(args) -> int:
    """Read an LMS file into ``NN.yaml`` bank files; never overwrite one without ``--force``."""
    from .bank import BankError, dump_module

    path = Path(args.file)
    if not path.is_file():
        print(message("qcli_file_not_found", path=path), file=sys.stderr)
        return 2
    kind = args.format or ("moodle-xml" if path.suffix.lower() == ".xml" else "gift")
    if kind == "gift":
        from .gift import read_gift as read
    else:
        from .moodle import read_moodle_xml as read
    try:
        modules = read(path)
    except UnicodeDecodeError as exc:
        print(message("qcli_not_utf8", path=path, byte=exc.start), file=sys.stderr)
        return 1
    except BankError as exc:
        _report(exc.problems)
        return 1
    folder = Path(args.output)
    targets = {module.module: folder / f"{module.module}.yaml" for module in modules}
    existing = [str(t) for t in targets.values() if t.exists()]
    if existing and not args.force:
        print(message("qcli_already_exist", files=", ".join(existing)), file=sys.stderr)
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    for module in modules:
        targets[module.module].write_text(dump_module(module), encoding="utf-8")
    total = sum(len(m.questions) for m in modules)
    print(message("qcli_imported", count=total, modules=len(modules), folder=folder), file=sys.stderr)
    return 0
