"""``policycomm quiz check | export | import``: the lecturer's verbs for the question bank.

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="quiz"); register(parser.add_subparsers())
>>> parser.parse_args(["export", "--format", "gift", "--module", "03"]).module
['03']
"""
from __future__ import annotations

import sys
from pathlib import Path

FORMATS = ("moodle-xml", "gift")


def register(subparsers) -> None:
    """Add the bank verbs to ``policycomm quiz``."""
    check = subparsers.add_parser("check", help="validate every bank file and report every problem")
    check.add_argument("--bank", default=None, help="folder of bank files (default: quizzes/)")
    check.set_defaults(func=run_check)

    export = subparsers.add_parser("export", help="write the bank as Moodle XML or GIFT")
    export.add_argument("--format", choices=FORMATS, default="moodle-xml")
    export.add_argument("--module", action="append", help="only this module (repeatable), e.g. 03")
    export.add_argument("--bank", default=None, help="folder of bank files (default: quizzes/)")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.set_defaults(func=run_export)

    imp = subparsers.add_parser("import", help="read a Moodle XML or GIFT file back into bank YAML files")
    imp.add_argument("file", help="a .xml (Moodle XML) or .txt/.gift (GIFT) file")
    imp.add_argument("--format", choices=FORMATS, help="default: from the file name (.xml is Moodle XML)")
    imp.add_argument("-o", "--output", default="imported", help="folder for the NN.yaml files (default: imported/)")
    imp.add_argument("--force", action="store_true", help="replace bank files that already exist there")
    imp.set_defaults(func=run_import)


def _report(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} problem(s) found; nothing was written.", file=sys.stderr)


def run_check(args) -> int:
    """Validate the bank; print every problem (file:line: question, field: message); 1 if any."""
    from .bank import check_bank

    bank, problems = check_bank(args.bank)
    if problems:
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s) in the question bank.")
        return 1
    counts = ", ".join(f"{m}: {len(module.questions)}" for m, module in bank.modules.items())
    print(f"OK: {len(bank)} questions in {len(bank.modules)} modules ({counts}) at {bank.folder}.")
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
        print(f"unknown module(s) {unknown}; the bank has {', '.join(bank.modules)}", file=sys.stderr)
        return 2
    modules = [bank.modules[m] for m in wanted]
    if args.format == "gift":
        from .gift import to_gift as write
    else:
        from .moodle import to_moodle_xml as write
    text = write(modules)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Wrote {sum(len(m.questions) for m in modules)} questions ({args.format}) to {args.output}.",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def run_import(args) -> int:
    """Read an LMS file into ``NN.yaml`` bank files; never overwrite one without ``--force``."""
    from .bank import BankError, dump_module

    path = Path(args.file)
    if not path.is_file():
        print(f"{path}: file not found", file=sys.stderr)
        return 2
    kind = args.format or ("moodle-xml" if path.suffix.lower() == ".xml" else "gift")
    if kind == "gift":
        from .gift import read_gift as read
    else:
        from .moodle import read_moodle_xml as read
    try:
        modules = read(path)
    except UnicodeDecodeError as exc:
        print(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8", file=sys.stderr)
        return 1
    except BankError as exc:
        _report(exc.problems)
        return 1
    folder = Path(args.output)
    targets = {module.module: folder / f"{module.module}.yaml" for module in modules}
    existing = [str(t) for t in targets.values() if t.exists()]
    if existing and not args.force:
        print(f"{', '.join(existing)} already exist(s); choose another --output folder or add --force",
              file=sys.stderr)
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    for module in modules:
        targets[module.module].write_text(dump_module(module), encoding="utf-8")
    total = sum(len(m.questions) for m in modules)
    print(f"Imported {total} questions in {len(modules)} module(s) into {folder}/.", file=sys.stderr)
    return 0
