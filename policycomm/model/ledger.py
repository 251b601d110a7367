"""The claims ledger and the 2025 institutions: two knowledge files read by the one YAML loader.

``claims.yaml`` lists every factual statement of the course (a law's number,
date, title or article; a figure; a framework and its author; an attribution),
the places where the course makes it, its source and the source's own words.
``institutions.yaml`` lists the bodies trainees work with since the 2025
reorganisation, and the bodies that no longer exist.

>>> [c.status for c in claims() if c.id == "chi-thi-07-date"]
['secondary-only']
>>> [i.id for i in institutions() if i.level == "commune"]
['phong_van_hoa_xa_hoi']
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from .. import yamlfile
from .knowledge import DATA_DIR, KnowledgeError, knowledge, read_yaml
from .schema import Claim, FormerBody, Institution


def _folder(folder: str | os.PathLike | None) -> Path:
    return Path(folder or os.environ.get("POLICYCOMM_DATA") or DATA_DIR)


def _entries(path: Path, key: str, model, raw=None) -> list:
    entries, problems = yamlfile.validate_list(model, read_yaml(path) if raw is None else raw, key, path)
    known = set(knowledge().sources)
    for entry in entries:
        cited = [entry.source] if isinstance(entry, Claim) else entry.sources
        problems += [yamlfile.Problem(path, None, entry.id, "source", f"unknown source id {ref!r}; "
                                      "add it to sources.yaml") for ref in cited if ref not in known]
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            problems.append(yamlfile.Problem(path, None, entry.id, None, "this id appears twice; ids must be unique"))
        seen.add(entry.id)
    if problems:
        raise KnowledgeError("\n".join(map(str, problems)))
    return entries


def load_claims(folder: str | os.PathLike | None = None) -> list[Claim]:
    """Every entry of ``claims.yaml``, validated (file:line errors as :class:`KnowledgeError`)."""
    return _entries(_folder(folder) / "claims.yaml", "claims", Claim)


@lru_cache(maxsize=4)
def _institutions(folder: str) -> tuple[list[Institution], list[FormerBody]]:
    path = Path(folder) / "institutions.yaml"
    raw = read_yaml(path)
    return _entries(path, "institutions", Institution, raw), _entries(path, "former", FormerBody, raw)


def claims() -> list[Claim]:
    """The claims ledger in use (honours ``POLICYCOMM_DATA``)."""
    return load_claims()


def load_institutions(folder: str | os.PathLike | None = None) -> tuple[list[Institution], list[FormerBody]]:
    """The bodies of ``institutions.yaml`` in ``folder`` (default: the data in use): current ones, former ones."""
    return _institutions(str(_folder(folder)))


def institutions() -> list[Institution]:
    """The bodies trainees work with since the 2025 reorganisation."""
    return _institutions(str(_folder(None)))[0]


def former_bodies() -> list[FormerBody]:
    """Bodies that no longer exist since 2025, with their successors and the course documents they issued."""
    return _institutions(str(_folder(None)))[1]
