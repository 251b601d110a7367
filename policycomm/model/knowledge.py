"""Load and validate the knowledge files (stages, channels, audiences, sources).

The files live in ``policycomm/data`` (or a folder given by the
``POLICYCOMM_DATA`` environment variable, so a lecturer can edit a copy).
A broken file raises :class:`KnowledgeError` naming the file, the line, the
entry and the field, and what was expected.

>>> kb = load()
>>> kb.stage("implementation").name.en
'Implementation'
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .. import yamlfile
from ..messages import TraineeInputError, message
from ..yamlfile import line_at, strip_lines

from .schema import Audience, Channel, Objective, Scoring, Source, Stage, StageFit

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class KnowledgeError(ValueError):
    """A knowledge file is broken; the message says where and what to fix."""


def read_yaml(path: Path) -> Any:
    """Read a knowledge file with its line markers (see :mod:`policycomm.yamlfile`)."""
    try:
        return yamlfile.read_yaml(path)
    except yamlfile.YamlFileError as exc:
        raise KnowledgeError(str(exc)) from None


def validate_entries(path: Path, key: str, model: type[BaseModel], raw: Any) -> list:
    """Validate ``raw[key]`` (a list of entries) against ``model``; collect every error."""
    entries, problems = yamlfile.validate_list(model, raw, key, path)
    if problems:
        raise KnowledgeError("\n".join(map(str, problems)))
    return entries


@dataclass(frozen=True)
class Knowledge:
    """All knowledge files, validated and cross-checked."""

    sources: dict[str, Source]
    objectives: dict[str, Objective]
    stages: dict[str, Stage]
    audiences: dict[str, Audience]
    channels: dict[str, Channel]
    fits: dict[tuple[str, str], StageFit]
    scoring: Scoring
    folder: Path = field(default=DATA_DIR)

    def stage(self, stage_id: str) -> Stage:
        return lookup(self.stages, stage_id, "stage")

    def channel(self, channel_id: str) -> Channel:
        return lookup(self.channels, channel_id, "channel")

    def audience(self, audience_id: str) -> Audience:
        return lookup(self.audiences, audience_id, "audience")

    def objective(self, objective_id: str) -> Objective:
        return lookup(self.objectives, objective_id, "objective")

    def fit(self, stage_id: str, channel_id: str) -> StageFit | None:
        return self.fits.get((stage_id, channel_id))


class UnknownIdError(TraineeInputError, KeyError):
    """An id that the knowledge base does not have; the message suggests a close one and lists the known ids."""


def did_you_mean(value: str, known) -> tuple[str, str] | str:
    """The " Did you mean …?" hint for a mistyped id, in (vi, en), or "" when nothing is close."""
    close = difflib.get_close_matches(str(value), list(known), n=1)
    return (message("plan_did_you_mean", "vi", close=close[0]),
            message("plan_did_you_mean", "en", close=close[0])) if close else ""


def kind_name(kind: str) -> tuple[str, str]:
    """The name of a kind of id ("stage", "channel", "audience", "objective") in (vi, en)."""
    return message(f"kind_{kind}", "vi"), message(f"kind_{kind}", "en")


def lookup(table: dict, key: str, kind: str):
    """``table[key]``; an unknown ``key`` raises :class:`UnknownIdError` (a ``KeyError``) for a ``kind`` of id.

    >>> lookup({"press": 1}, "pres", "channel")
    Traceback (most recent call last):
    policycomm.model.knowledge.UnknownIdError: Không có kênh “pres”. Có phải bạn muốn viết “press”? Các mã dùng được: press.
    """
    try:
        return table[key]
    except (KeyError, TypeError):
        raise UnknownIdError("unknown_id", kind=kind_name(kind), value=key, hint=did_you_mean(key, table),
                             known=", ".join(sorted(table))) from None


def _by_id(path: Path, key: str, entries: list) -> dict:
    table: dict = {}
    for entry in entries:
        if entry.id in table:
            raise KnowledgeError(f"{path}: {key} id {entry.id!r} appears twice; ids must be unique")
        table[entry.id] = entry
    return table


def _cross_check(kb: Knowledge) -> None:
    problems = []

    def need(ids, table, what, owner):
        for ref in ids:
            if ref not in table:
                problems.append(f"{owner}: unknown {what} {ref!r}")

    folder = kb.folder
    for table, fname in ((kb.objectives, "objectives.yaml"), (kb.stages, "stages.yaml"),
                         (kb.audiences, "audiences.yaml"), (kb.channels, "channels.yaml")):
        for entry in table.values():
            need(entry.sources, kb.sources, "source id", f"{folder / fname}: entry {entry.id!r}")
    for stage in kb.stages.values():
        need(stage.objectives, kb.objectives, "objective id", f"{folder / 'stages.yaml'}: stage {stage.id!r}")
    for channel in kb.channels.values():
        owner = f"{folder / 'channels.yaml'}: channel {channel.id!r}"
        need(channel.objectives, kb.objectives, "objective id", owner)
        need(channel.reach, kb.audiences, "audience id in reach", owner)
    for (stage_id, channel_id), fit in kb.fits.items():
        owner = f"{folder / 'stage_channels.yaml'}: row {stage_id}/{channel_id}"
        need([stage_id], kb.stages, "stage", owner)
        need([channel_id], kb.channels, "channel", owner)
        need(fit.sources, kb.sources, "source id", owner)
    if problems:
        raise KnowledgeError("\n".join(problems))


def load(folder: str | os.PathLike | None = None) -> Knowledge:
    """Load and validate every knowledge file in ``folder`` (default: the packaged data)."""
    folder = Path(folder or os.environ.get("POLICYCOMM_DATA") or DATA_DIR)

    def entries(fname: str, key: str, model: type[BaseModel]) -> list:
        path = folder / fname
        return validate_entries(path, key, model, read_yaml(path))

    sources = _by_id(folder / "sources.yaml", "source", entries("sources.yaml", "sources", Source))
    objectives = _by_id(folder / "objectives.yaml", "objective", entries("objectives.yaml", "objectives", Objective))
    stages = dict(sorted(_by_id(folder / "stages.yaml", "stage", entries("stages.yaml", "stages", Stage)).items(),
                         key=lambda item: item[1].order))
    audiences = _by_id(folder / "audiences.yaml", "audience", entries("audiences.yaml", "audiences", Audience))
    channels = _by_id(folder / "channels.yaml", "channel", entries("channels.yaml", "channels", Channel))
    fits: dict[tuple[str, str], StageFit] = {}
    for row in entries("stage_channels.yaml", "fits", StageFit):
        if (row.stage, row.channel) in fits:
            raise KnowledgeError(f"{folder / 'stage_channels.yaml'}: row {row.stage}/{row.channel} appears twice")
        fits[(row.stage, row.channel)] = row
    scoring_path = folder / "scoring.yaml"
    scoring, problems = yamlfile.validate(Scoring, read_yaml(scoring_path), scoring_path)
    if problems:
        raise KnowledgeError("\n".join(map(str, problems)))
    kb = Knowledge(sources, objectives, stages, audiences, channels, fits, scoring, folder)
    _cross_check(kb)
    return kb


@lru_cache(maxsize=4)
def _cached(folder: str) -> Knowledge:
    return load(folder)


def knowledge() -> Knowledge:
    """The knowledge base in use (cached; honours ``POLICYCOMM_DATA``)."""
    return _cached(str(os.environ.get("POLICYCOMM_DATA") or DATA_DIR))
