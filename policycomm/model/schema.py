"""Pydantic schema of the knowledge files in ``policycomm/data``.

Every text a person reads exists in Vietnamese and English (:class:`Text`);
every claim names source ids that resolve in ``sources.yaml``.

>>> Text(vi="Báo chí", en="Press").get("en")
'Press'
"""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Language = Literal["vi", "en"]
Level = float  # 0.0 (none) .. 1.0 (full); see Field constraints where used


class Strict(BaseModel):
    """Base: unknown fields are errors, so typos in data files are caught."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Varied(Strict):
    """Base of a rubric with a ``variants:`` section: each parameter of its scenario with the values a trainee's
    variant is drawn from (:mod:`policycomm.model.variants`)."""

    variants: dict[str, list[str] | list[dict[str, str]]] = Field(
        default_factory=dict, description="the scenario's parameters, each with its values (model/variants.py)")

    @model_validator(mode="after")
    def _variants(self):
        from .variants import parameter_problems

        if problems := parameter_problems(self.variants):
            raise ValueError(problems[0])
        return self


class Text(Strict):
    """A text in both languages."""

    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: Language = "vi") -> str:
        return self.vi if lang == "vi" else self.en


class Source(Strict):
    """A source that claims cite by id (S1, S25, …; A1 for a modelling assumption)."""

    id: str = Field(pattern=r"^[SA]\d+$")
    title: str = Field(min_length=1)
    where: str = Field(min_length=1, description="publisher or site")
    date: str | None = None
    kind: Literal["law", "official", "press", "international", "research", "assumption"]
    note: str | None = None


class Sourced(Strict):
    sources: list[str] = Field(min_length=1)


class Objective(Sourced):
    """A communication objective (listen, consult, announce, …) shared by stages and channels."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    description: Text


class Stage(Sourced):
    """A stage of the policy cycle, or the crisis overlay (``overlay: true``)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    order: int = Field(ge=0)
    name: Text
    summary: Text
    objectives: list[str] = Field(min_length=1, description="objective ids")
    needs_two_way: bool = Field(description="communication at this stage must let people answer back")
    overlay: bool = False


class Audience(Sourced):
    """An audience segment and what limits the channels that reach it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    description: Text
    internet_access: float = Field(ge=0, le=1, description="share of the segment that uses the internet")
    often_offline: bool = Field(default=False, description="the segment, as its description defines it, mostly goes "
                                "without the internet; the rules ask this, never internet_access (A1)")
    low_literacy: bool = False
    needs_ethnic_language: bool = False
    weight: float = Field(default=1.0, gt=0, description="default importance in optimize_mix")


class Channel(Sourced):
    """A channel or form of communication, with the attributes that matter for choosing it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    description: Text
    group: Literal["press", "broadcast", "grassroots", "digital", "direct", "official", "listening", "print"]
    two_way: bool
    speed: int = Field(ge=1, le=3, description="1 slow (weeks), 2 days, 3 within hours")
    depth: int = Field(ge=1, le=3, description="1 a headline, 2 a story, 3 a full explanation")
    cost_level: int = Field(ge=1, le=5)
    unit_cost: float = Field(gt=0, description="indicative cost of one campaign use, million VND")
    needs_internet: bool
    needs_literacy: bool
    ethnic_language: bool = Field(description="can carry ethnic-minority languages")
    objectives: list[str] = Field(min_length=1, description="objective ids the channel serves")
    reach: dict[str, float] = Field(description="audience id -> share of that audience reached (0..1)")

    @field_validator("reach")
    @classmethod
    def _reach_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in value.items() if not 0 <= v <= 1}
        if bad:
            raise ValueError(f"reach values must be between 0 and 1, got {bad}")
        return value


class StageFit(Sourced):
    """How well a channel suits a stage, and why: one row of the stage × channel model."""

    stage: str
    channel: str
    fit: float = Field(ge=0, le=1)
    reason: Text
    first_hour: bool = Field(False, description="crisis rows: a means the disaster laws name for bringing a "
                                                "warning to people in the first hour (source in the row)")


class ScoringRule(Strict):
    """One weighted term of the scoring model (see ``scoring.yaml``)."""

    id: str
    weight: float
    description: Text


class Scoring(Strict):
    """The transparent scoring model: weights and thresholds, documented in one table."""

    recommend: list[ScoringRule]
    assess: list[ScoringRule]
    thresholds: dict[str, float]

    def weight(self, table: Literal["recommend", "assess"], rule_id: str) -> float:
        for rule in getattr(self, table):
            if rule.id == rule_id:
                return rule.weight
        raise KeyError(f"scoring.yaml has no rule {rule_id!r} in {table!r}")


class Place(Strict):
    """Where a claim is made: a notebook cell, a bank question, or a data entry (``file.yaml#id``)."""

    notebook: str | None = None
    cell: str | None = None
    question: str | None = None
    data: str | None = Field(default=None, pattern=r"^[a-z_]+(?:/[a-z_-]+)*\.yaml#\S+$")

    @model_validator(mode="after")
    def _one_kind(self) -> "Place":
        kinds = [bool(self.notebook and self.cell), bool(self.question), bool(self.data)]
        if sum(kinds) != 1 or bool(self.notebook) != bool(self.cell):
            raise ValueError("a place is either {notebook, cell}, or {question}, or {data}")
        return self


ClaimStatus = Literal["confirmed", "secondary-only", "could-not-confirm", "assumption"]


class Claim(Strict):
    """One factual statement of the course, where it is made, and what its source says (``claims.yaml``).

    >>> Claim(id="x", claim=Text(vi="a", en="a"), places=[Place(question="m01-q01")], source="A1",
    ...       checked="2026-12-01", status="assumption").status
    'assumption'
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    claim: Text
    places: list[Place] = Field(min_length=1)
    source: str = Field(pattern=r"^[SA]\d+$")
    quote: str = ""
    checked: date = Field(description="when the quote was copied from the source")
    status: ClaimStatus
    note: str | None = None

    @model_validator(mode="after")
    def _quote_and_status_agree(self) -> "Claim":
        if (self.source == "A1") != (self.status == "assumption"):
            raise ValueError("status 'assumption' goes with source A1, and only with it")
        if self.status in ("confirmed", "secondary-only") and not self.quote.strip():
            raise ValueError(f"a '{self.status}' claim needs the exact sentence of its source in 'quote'")
        return self


class Institution(Sourced):
    """A body trainees work with since the 2025 reorganisation (``institutions.yaml``)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    level: Literal["central", "province", "commune", "party"]
    since: str = Field(description="date from which the body has this role, YYYY-MM-DD")
    role: Text
    took_over_from: Text | None = None


class FormerBody(Sourced):
    """A body that no longer exists, and what happened to documents it issued (``institutions.yaml``)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    until: str
    successor: Text
    documents: list[str] = Field(default_factory=list, description="documents in the course that it issued")


class Topic(Strict):
    """A topic that questions of several modules test (``topics.yaml``); grade cells name it in their metadata."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    description: Text
    modules: list[str] = Field(min_length=1, description="folders of course/source/ whose modules teach it")


class Skill(Strict):
    """The kind of thinking a grade cell rewards (``skills:`` in ``topics.yaml``); grade cells name it in metadata."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    description: Text
