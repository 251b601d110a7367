"""The ``policycomm`` command: one verb per lecturer task.

Each command module defines ``register(subparsers)``, which adds its verbs
with ``set_defaults(func=...)``; ``func(args)`` returns the exit code.
Modules are imported only to build the parser, so they must import heavy
libraries inside their functions. Help and messages are in Vietnamese unless
``--lang en`` (or ``POLICYCOMM_LANG=en``) asks for English.

>>> build_parser().prog
'policycomm'
"""
from __future__ import annotations

import argparse
import importlib
import sys

from .messages import LANGUAGES, message, set_language

#: group verb (None: top-level verbs) -> modules that register its sub-verbs
COMMAND_MODULES: dict[str | None, list[str]] = {
    "course": ["policycomm.assign.commands"],
    "quiz": ["policycomm.quiz.commands", "policycomm.quiz.analysis_commands"],
    "hub": ["policycomm.hub.commands"],
    None: ["policycomm.grading.commands", "policycomm.handbook.commands"],
}
#: group verb -> message code of its help
GROUP_HELP = {"course": "cli_help_course", "quiz": "cli_help_quiz", "hub": "cli_help_hub"}


def _register(module_name: str, subparsers) -> None:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            return  # that part of the tool is not installed in this version
        raise
    module.register(subparsers)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policycomm", description=message("cli_description"))
    parser.add_argument("--lang", choices=LANGUAGES, help=message("cli_help_lang"))
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    for group, modules in COMMAND_MODULES.items():
        if group is None:
            target = verbs
        else:
            sub = verbs.add_parser(group, help=message(GROUP_HELP[group]))
            target = sub.add_subparsers(dest="action", metavar="ACTION")
            sub.set_defaults(func=lambda args, p=sub: p.print_help() or 2)
        for module_name in modules:
            _register(module_name, target)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; ``--lang`` is read first, so that help and messages use it."""
    first = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    first.add_argument("--lang", choices=LANGUAGES)
    lang = first.parse_known_args(argv)[0].lang
    if lang:
        set_language(lang)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
