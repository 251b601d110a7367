"""Load and check the question bank: one YAML file per module in ``quizzes/``.

A bank file looks like::

    module: "03"
    title: Công chúng và môi trường truyền thông
    questions:
      - id: m03-q01
        type: single
        text: ...
        answers:
          - {id: a, text: ..., fraction: 100, feedback: ...}

Each question takes its ``module`` from the file header. :func:`check_bank`
returns every problem at once, each naming file:line, the question id and the
field; :func:`load_bank` raises :class:`BankError` with all of them.

>>> bank = load_bank()
>>> bank["m01-q01"].module, bank.module("01").title
('01', 'Truyền thông chính sách là gì')
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from .types.base import CHOICE_IDS  # noqa: F401  (re-exported: option ids of choice questions)
from policycomm.yamlfile import LoadError, Problem as _Problem, YamlFileError, describe, line_at, read_yaml, strip_lines

_REPOSITORY_BANK = Path(__file__).resolve().parents[2] / "quizzes"


def default_folder() -> Path:
    """``$POLICYCOMM_QUIZZES``, else the repository's ``quizzes/``, else ``./quizzes``."""
    if os.environ.get("POLICYCOMM_QUIZZES"):
        return Path(os.environ["POLICYCOMM_QUIZZES"])
    return _REPOSITORY_BANK if _REPOSITORY_BANK.is_dir() else Path("quizzes")


class BankError(LoadError):
    """The bank has problems; ``problems`` lists them, the message shows them all."""


def Problem(path: Path, line: int | None, entry: str | None, field: str | None, message: str) -> _Problem:
    """One thing to fix in a bank file (an entry of a bank file is a question)."""
    return _Problem(path, line, entry, field, message, kind="question")


@dataclass(frozen=True)
class Bank:
    """The whole bank: modules by id, questions by id (in file order)."""

    modules: dict  # module id -> schema.Module
    questions: dict  # question id -> question
    folder: Path

    def __getitem__(self, question_id: str):
        try:
            return self.questions[question_id]
        except KeyError:
            raise KeyError(f"no question {question_id!r} in the bank at {self.folder}") from None

    def __iter__(self):
        return iter(self.questions.values())

    def __len__(self) -> int:
        return len(self.questions)

    def module(self, module_id: str):
        try:
            return self.modules[module_id]
        except KeyError:
            raise KeyError(f"no module {module_id!r}; modules: {', '.join(self.modules)}") from None

    def by_module(self) -> dict[str, list]:
        """Module id -> its questions."""
        return {module_id: list(module.questions) for module_id, module in self.modules.items()}


def _read(path: Path, problems: list[Problem]) -> Any:
    try:
        return read_yaml(path)
    except YamlFileError as exc:
        problems.append(Problem(path, exc.line, None, None, exc.message))
    return None


def _validation_problems(path: Path, raw: Any, exc, entry_of) -> list[_Problem]:
    """Problems from a pydantic ValidationError; ``entry_of(loc)`` gives (entry name, loc inside the entry)."""
    problems = []
    for err in exc.errors():
        entry, loc = entry_of(list(err["loc"]))
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            from .types import registered

            names = ", ".join(qtype.name for qtype in registered())
            loc, message = loc or ["type"], f"'type' must be one of {names}"
        else:
            message = describe(err)
        problems.append(Problem(path, line_at(raw, loc), entry, ".".join(map(str, loc)) or None, message))
    return problems


def _parse_file(path: Path) -> tuple[Any, list, list[Problem]]:
    """Validate one bank file question by question.

    Returns (schema.Module holding the questions that are valid, or None; the raw YAML mapping of each of
    those questions, in the same order; every problem found), so one broken question hides no other problem.
    """
    from pydantic import ValidationError

    from .schema import Module, question_adapter

    problems: list[Problem] = []
    raw = _read(path, problems)
    if problems:
        return None, [], problems
    if not isinstance(raw, dict) or not isinstance(raw.get("questions"), list):
        return None, [], [Problem(path, 1, None, None,
                                  "expected top-level keys 'module:', 'title:' and 'questions:' (a list of questions)")]
    try:
        header = Module.model_validate({"module": strip_lines(raw.get("module")), "title": strip_lines(raw.get("title"))})
    except ValidationError as exc:
        return None, [], _validation_problems(path, raw, exc, lambda loc: (None, loc))
    valid, items = [], []
    for index, item in enumerate(raw["questions"]):
        name = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else f"#{index + 1}"
        if not isinstance(item, dict):
            problems.append(Problem(path, line_at(raw, ["questions"]), name, None, "a question must be a mapping of fields"))
            continue
        data = {"module": header.module, **strip_lines(item)}

        def entry_of(loc: list, name=name, kind=data.get("type")) -> tuple[str, list]:
            if loc and loc[0] == kind:
                del loc[0]  # pydantic puts the union tag in the path; the file has no such level
            return name, list(loc)

        try:
            question = question_adapter().validate_python(data)
        except ValidationError as exc:
            problems += _validation_problems(path, item, exc, entry_of)
            continue
        if question.module != header.module:
            problems.append(Problem(path, line_at(item, ["module"]), question.id, "module",
                                    f"is {question.module!r} but the file is module {header.module!r}"))
        problems += [Problem(path, line_at(item, loc), question.id, ".".join(map(str, loc)), message)
                     for loc, message in question_problems(question)]
        valid.append(question)
        items.append(item)
    return header.model_copy(update={"questions": valid}), items, problems


def question_problems(question) -> list[tuple[list, str]]:
    """What Moodle or GIFT would reject in one valid-shaped question: [(path in the entry, message)].

    >>> from policycomm.quiz.schema import question_adapter
    >>> q = question_adapter().validate_python({"id": "m01-q02", "module": "01", "type": "single",
    ...     "text": "?", "feedback": "…", "difficulty": "easy", "sources": ["S1"], "answers": [
    ...     {"id": "a", "text": "A", "fraction": 66.67, "feedback": "…"},
    ...     {"id": "b", "text": "B", "fraction": 0, "feedback": "…"}]})
    >>> for loc, message in question_problems(q): print(loc, message.split(":")[0])
    ['answers', 0, 'fraction'] 66.67 is not a fraction Moodle accepts
    ['answers'] a single-choice question needs exactly one answer with fraction 100 (found 0)
    """
    from .types import question_type

    return question_type(question).problems(question)


def _cross_check(modules: list[tuple[Path, list, Any]], problems: list[Problem]) -> None:
    """Duplicate ids and modules across files, and source ids unknown to sources.yaml."""
    from policycomm.model.knowledge import knowledge

    known_sources = set(knowledge().sources)
    seen_questions: dict[str, Path] = {}
    seen_modules: dict[str, Path] = {}
    for path, items, module in modules:
        if module.module in seen_modules:
            problems.append(Problem(path, 1, None, "module",
                                    f"module {module.module!r} is also defined in {seen_modules[module.module]}"))
        seen_modules.setdefault(module.module, path)
        for index, question in enumerate(module.questions):
            item = items[index]
            if question.id in seen_questions:
                problems.append(Problem(path, line_at(item, ["id"]), question.id, "id",
                                        f"id is already used in {seen_questions[question.id]}; ids must be unique"))
            seen_questions.setdefault(question.id, path)
            if not question.id.startswith(f"m{module.module}-"):
                problems.append(Problem(path, line_at(item, ["id"]), question.id, "id",
                                        f"ids in module {module.module} start with 'm{module.module}-'"))
            for position, source in enumerate(question.sources):
                if source not in known_sources:
                    problems.append(Problem(path, line_at(item, ["sources"]), question.id, f"sources.{position}",
                                            f"unknown source id {source!r}; add it to policycomm/data/sources.yaml "
                                            "or cite one that is there"))


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("."))


def check_bank(folder: str | os.PathLike | None = None) -> tuple[Any, list[Problem]]:
    """Validate every ``*.yaml`` file in ``folder``; return (Bank or None, every problem found)."""
    folder = Path(folder or os.environ.get("POLICYCOMM_QUIZZES") or default_folder())
    if not folder.is_dir():
        return None, [Problem(folder, None, None, None, "folder not found; give the folder holding the bank files")]
    files = _files(folder)
    if not files:
        return None, [Problem(folder, None, None, None, "no *.yaml bank files in this folder")]
    problems: list[Problem] = []
    parsed = []
    for path in files:
        module, items, found = _parse_file(path)
        problems += found
        if module is not None:
            parsed.append((path, items, module))
    _cross_check(parsed, problems)
    if problems:
        return None, problems
    modules = {module.module: module for _, _, module in sorted(parsed, key=lambda item: item[2].module)}
    questions = {q.id: q for module in modules.values() for q in module.questions}
    return Bank(modules, questions, folder), []


def load_module_file(path: str | os.PathLike):
    """Load one bank file as a :class:`~policycomm.quiz.schema.Module`; raise :class:`BankError` on any problem."""
    path = Path(path)
    module, _, problems = _parse_file(path)
    if problems:
        raise BankError(problems)
    return module


def load_bank(folder: str | os.PathLike | None = None) -> Bank:
    """Load every bank file in ``folder`` (default ``quizzes/`` or ``$POLICYCOMM_QUIZZES``)."""
    bank, problems = check_bank(folder)
    if problems:
        raise BankError(problems)
    return bank


# --- Records: plain dicts in the shape of a bank file, shared by the YAML writer and the LMS importers ---

#: Tags that carry bank fields an LMS has no place for (Moodle tags and GIFT `[tag:...]` keep them).
META_TAGS = ("difficulty:", "source:", "points:", "unit:", "accents:", "shuffle:")


def lms_tags(question, *, with_points: bool = False, with_unit: bool = False, with_shuffle: bool = False) -> list[str]:
    """The question's tags plus metadata tags (difficulty, sources, …) for an LMS that has no such fields.

    >>> from policycomm.quiz.schema import question_adapter
    >>> q = question_adapter().validate_python({"id": "m01-q01", "module": "01", "type": "truefalse",
    ...     "text": "?", "correct": True, "feedback_true": "Đúng.", "feedback_false": "Sai.",
    ...     "feedback": "Vì…", "difficulty": "easy", "sources": ["S1", "S2"], "tags": ["phap-ly"]})
    >>> lms_tags(q)
    ['phap-ly', 'difficulty:easy', 'source:S1', 'source:S2']
    """
    tags = [*question.tags, f"difficulty:{question.difficulty}", *(f"source:{s}" for s in question.sources)]
    if with_points and question.points != 1:
        tags.append(f"points:{question.points:g}")
    if with_unit and getattr(question, "unit", None):
        tags.append(f"unit:{question.unit}")
    if with_shuffle and getattr(question, "shuffle", True) is False:
        tags.append("shuffle:no")
    if getattr(question, "accents_insensitive", False):
        tags.append("accents:insensitive")
    return tags


def apply_lms_tags(record: dict, tags: list[str]) -> dict:
    """Move metadata tags back into the fields of ``record`` (inverse of :func:`lms_tags`)."""
    plain, sources = [], []
    for tag in tags:
        key, _, value = tag.partition(":")
        if f"{key}:" not in META_TAGS or not value:
            plain.append(tag)
        elif key == "difficulty":
            record["difficulty"] = value
        elif key == "source":
            sources.append(value)
        elif key == "points":
            record["points"] = float(value)
        elif key == "unit":
            record["unit"] = value
        elif key == "accents":
            record["accents_insensitive"] = value == "insensitive"
        elif key == "shuffle":
            record["shuffle"] = value != "no"
    if plain:
        record["tags"] = plain
    if sources:
        record["sources"] = sources
    return record


_FIELD_ORDER = ("id", "type", "title", "text", "answers", "correct", "feedback_true", "feedback_false", "pairs",
                "distractors", "accents_insensitive", "unit", "shuffle", "feedback", "tags", "difficulty", "points",
                "sources")


def question_record(question) -> dict:
    """A question as a plain dict in bank-file order, without defaults and without ``module`` (the file has it).

    Fields the order does not know (a type added later) come last.
    """
    data = question.model_dump(exclude_defaults=True)
    data.pop("module", None)
    data["type"], data["difficulty"], data["sources"] = question.type, question.difficulty, list(question.sources)
    order = [key for key in _FIELD_ORDER if key in data] + [key for key in data if key not in _FIELD_ORDER]
    return {key: _plain_numbers(data[key]) for key in order}


def _plain_numbers(value: Any) -> Any:
    """Whole floats as ints (``fraction: 100`` rather than ``100.0``), recursively."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_numbers(v) for v in value]
    return value


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings as ``|`` blocks, so question texts stay readable."""


_BlockDumper.add_representer(
    str, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def dump_module(module) -> str:
    """A bank file (YAML text) for ``module``; :func:`load_module_file` reads it back unchanged."""
    header = {"module": module.module, "title": module.title,
              "questions": [question_record(q) for q in module.questions]}
    return yaml.dump(header, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=100)


def build_module(module_id: str, title: str, records: list[dict], origin: str | os.PathLike):
    """Validate records read from an LMS file into a Module; raise :class:`BankError` naming ``origin`` and the question."""
    from pydantic import ValidationError

    from .schema import Module, question_adapter

    origin = Path(origin)
    try:
        header = Module.model_validate({"module": module_id, "title": title})
    except ValidationError as exc:
        raise BankError(_validation_problems(origin, None, exc, lambda loc: (None, loc))) from None
    questions, problems = [], []
    for index, record in enumerate(records):
        name = str(record.get("id") or f"#{index + 1}")

        def entry_of(loc: list, name=name, kind=record.get("type")) -> tuple[str, list]:
            return name, loc[1:] if loc and loc[0] == kind else loc

        try:
            question = question_adapter().validate_python({**record, "module": module_id})
        except ValidationError as exc:
            problems += _validation_problems(origin, None, exc, entry_of)
            continue
        problems += [Problem(origin, None, question.id, ".".join(map(str, loc)), message)
                     for loc, message in question_problems(question)]
        questions.append(question)
    if problems:
        raise BankError(problems)
    return header.model_copy(update={"questions": questions})
