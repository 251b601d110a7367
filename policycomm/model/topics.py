"""The course's topics (``topics.yaml``): what a question tests, across modules.

A grade cell names its topic in its metadata (``{"policycomm": {"topic": "crisis"}}``);
the class report adds up the points of each topic under its name.

>>> topic("crisis").name.en
'Crises and warnings'
>>> len(topics()) >= 8
True
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .. import yamlfile
from .knowledge import DATA_DIR, KnowledgeError, lookup, read_yaml
from .schema import Topic


@lru_cache(maxsize=4)
def _topics(folder: str) -> dict[str, Topic]:
    path = Path(folder) / "topics.yaml"
    entries, problems = yamlfile.validate_list(Topic, read_yaml(path), "topics", path)
    table: dict[str, Topic] = {}
    for entry in entries:
        if entry.id in table:
            problems.append(yamlfile.Problem(path, None, entry.id, None, "this id appears twice; ids must be unique"))
        table[entry.id] = entry
    if problems:
        raise KnowledgeError("\n".join(map(str, problems)))
    return table


def load_topics(folder: str | os.PathLike | None = None) -> dict[str, Topic]:
    """id -> topic, from ``topics.yaml`` in ``folder`` (default: the data in use, honouring ``POLICYCOMM_DATA``)."""
    return _topics(str(Path(folder or os.environ.get("POLICYCOMM_DATA") or DATA_DIR)))


def topics() -> list[Topic]:
    """Every topic, in the file's order."""
    return list(load_topics().values())


def topic(topic_id: str) -> Topic:
    """One topic by id; an unknown id raises a ``KeyError`` that lists the known ones."""
    return lookup(load_topics(), topic_id, "topic")
