"""The ``policycomm`` command: one verb per lecturer task.

Each command module defines ``register(subparsers)``, which adds its verbs
with ``set_defaults(func=...)``; ``func(args)`` returns the exit code.
Modules are imported only to build the parser, so they must import heavy
libraries inside their functions.

>>> build_parser().prog
'policycomm'
"""
from __future__ import annotations

import argparse
import importlib
import sys

#: group verb (None: top-level verbs) -> modules that register its sub-verbs
COMMAND_MODULES: dict[str | None, list[str]] = {
    "course": ["policycomm.assign.commands"],
    "quiz": ["policycomm.quiz.commands", "policycomm.quiz.analysis_commands"],
    None: ["policycomm.grading.commands", "policycomm.handbook.commands"],
}
GROUP_HELP = {
    "course": "prepare, release and open the course",
    "quiz": "check, export and analyse the question bank",
}


def _register(module_name: str, subparsers) -> None:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            return  # that part of the tool is not installed in this version
        raise
    module.register(subparsers)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policycomm", description="Policy communication course tools.")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    for group, modules in COMMAND_MODULES.items():
        if group is None:
            target = verbs
        else:
            sub = verbs.add_parser(group, help=GROUP_HELP[group])
            target = sub.add_subparsers(dest="action", metavar="ACTION")
            sub.set_defaults(func=lambda args, p=sub: p.print_help() or 2)
        for module_name in modules:
            _register(module_name, target)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
