"""What a question tests (``topics.yaml``): its skill (the kind of thinking) and its topic (what it is about).

A grade cell names both in its metadata (``{"policycomm": {"skill": "judgement", "topic": "crisis"}}``);
the class report adds up the points of each skill and each topic under its name.

>>> topic("crisis").name.en
'Crises and warnings'
>>> [s.id for s in skills()]
['recall', 'choice', 'judgement', 'writing']
>>> skill("writing").name.vi
'Viết'
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .. import yamlfile
from .knowledge import DATA_DIR, KnowledgeError, lookup, read_yaml
from .schema import Skill, Topic

#: the lists of ``topics.yaml`` and the schema of their entries
KINDS = {"topics": Topic, "skills": Skill}


@lru_cache(maxsize=8)
def _table(folder: str, key: str) -> dict:
    path = Path(folder) / "topics.yaml"
    entries, problems = yamlfile.validate_list(KINDS[key], read_yaml(path), key, path)
    table: dict = {}
    for entry in entries:
        if entry.id in table:
            problems.append(yamlfile.Problem(path, None, entry.id, None, "this id appears twice; ids must be unique"))
        table[entry.id] = entry
    if problems:
        raise KnowledgeError("\n".join(map(str, problems)))
    return table


def _folder(folder: str | os.PathLike | None) -> str:
    return str(Path(folder or os.environ.get("POLICYCOMM_DATA") or DATA_DIR))


def load_topics(folder: str | os.PathLike | None = None) -> dict[str, Topic]:
    """id -> topic, from ``topics.yaml`` in ``folder`` (default: the data in use, honouring ``POLICYCOMM_DATA``)."""
    return _table(_folder(folder), "topics")


def load_skills(folder: str | os.PathLike | None = None) -> dict[str, Skill]:
    """id -> skill, from the ``skills:`` list of ``topics.yaml``, in the file's order."""
    return _table(_folder(folder), "skills")


def topics() -> list[Topic]:
    """Every topic, in the file's order."""
    return list(load_topics().values())


def topic(topic_id: str) -> Topic:
    """One topic by id; an unknown id raises a ``KeyError`` that lists the known ones."""
    return lookup(load_topics(), topic_id, "topic")


def skills() -> list[Skill]:
    """Every skill, in the file's order."""
    return list(load_skills().values())


def skill(skill_id: str) -> Skill:
    """One skill by id; an unknown id raises a ``KeyError`` that lists the known ones."""
    return lookup(load_skills(), skill_id, "skill")
