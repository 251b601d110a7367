"""Crisis scenarios as data: ``policycomm/data/crisis_scenarios.yaml``, validated and cross-checked.

A scenario is a graph of steps (decision points). Each step offers message
options, channels (ids of ``channels.yaml``), audiences (ids of
``audiences.yaml``) and timings, says what each choice does to the three
measures of the simulation (``warned``, ``trust``, ``rumour``: modelling
assumptions, A1) and lists the criteria that grade a decision, each backed by
claims of the ledger whose source sentence is quoted. :mod:`.simulation`
plays it.

Loading checks what pydantic cannot: ids that exist, claims that are not
assumptions, steps that exist, no loop, and the same number of steps and
total of points on every path; each problem names the file, the line, the scenario and the field.

Each trainee plays their own variant: a scenario's ``variants`` lists its
parameters (the commune, the village, the times, the figures, where the rumour
spreads …), its texts and fields name them as placeholders, and
:func:`scenario` fills them with the values :mod:`policycomm.model.variants`
draws for a trainee (seeded by the scenario's ``module`` and id). Every value
of every parameter is checked when the file loads.

>>> s = scenario("sat_lo_dem")
>>> s.first_step, len(s.paths()), s.max_points()
('canh_bao', 4, 12.0)
>>> [len(p) for p in s.paths()]
[4, 4, 4, 4]
>>> s.title.vi, scenario("sat_lo_dem", "binh.tran").title.vi
('Sạt lở trong đêm ở thôn Khe Mạ', 'Sạt lở trong đêm ở thôn Nà Lầu')
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from .. import yamlfile
from .knowledge import DATA_DIR, KnowledgeError, knowledge, read_yaml
from .schema import Strict, Text, Varied
from .variants import REFERENCE

__all__ = ["Scenario", "Step", "Criterion", "load_scenarios", "scenario", "values_of", "clock_minutes",
           "SCENARIO_FILE", "MEASURES"]

SCENARIO_FILE = "crisis_scenarios.yaml"
#: the measures of a simulation's state, each 0..100
MEASURES = ("warned", "trust", "rumour")
Measure = Literal["warned", "trust", "rumour"]
Effects = dict[Measure, float]
_ID = r"^[a-z][a-z0-9_]*$"
_TIME = r"^([01]\d|2[0-3]):[0-5]\d$"


def clock_minutes(text: str) -> int:
    """Minutes after midnight of a clock time ``"HH:MM"``.

    >>> clock_minutes("21:30")
    1290
    """
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


class Option(Strict):
    """What one choice does: ``effects`` added to the measures, ``scale`` multiplying the channels' effects."""

    effects: Effects = Field(default_factory=dict)
    scale: Effects = Field(default_factory=dict)
    says: Text | None = Field(None, description="what happens, told to the trainee after the decision")


class Message(Option):
    text: Text


class ChannelUse(Option):
    minutes: int = Field(ge=0, description="time the channel takes to reach people (A1)")


class Timing(Strict):
    """When to act: after ``wait`` minutes, or at the next ``until`` clock time."""

    name: Text
    wait: int | None = Field(None, ge=0)
    until: str | None = Field(None, pattern=_TIME)

    @model_validator(mode="after")
    def _one_way(self) -> "Timing":
        if (self.wait is None) == (self.until is None):
            raise ValueError("a timing gives either 'wait' (minutes) or 'until' (HH:MM)")
        return self

    def start(self, now: int) -> int:
        """The clock (minutes from the scenario's first midnight) at which acting starts."""
        if self.wait is not None:
            return now + self.wait
        target = clock_minutes(self.until)
        return now + (target - now) % 1440


class Condition(Strict):
    measure: Measure
    at_least: float | None = None
    below: float | None = None

    def holds(self, state) -> bool:
        value = getattr(state, self.measure)
        return (self.at_least is None or value >= self.at_least) and (self.below is None or value < self.below)


class Branch(Strict):
    when: Condition | None = None
    step: str = Field(pattern=_ID)


class Criterion(Strict):
    """One graded part of a decision: every condition given must hold; backed by ``claims``."""

    id: str = Field(pattern=_ID)
    points: float = Field(gt=0)
    message: list[str] | None = None
    channels_all: list[str] | None = None
    channels_any: list[str] | None = None
    audience: list[str] | None = None
    timing: list[str] | None = None
    claims: list[str] = Field(min_length=1)
    right: Text
    wrong: Text

    @model_validator(mode="after")
    def _has_a_condition(self) -> "Criterion":
        if not any((self.message, self.channels_all, self.channels_any, self.audience, self.timing)):
            raise ValueError("a criterion needs at least one of message, channels_all, channels_any, audience, timing")
        return self

    def met(self, decision: dict) -> bool:
        """True when ``decision`` (a valid one, see :mod:`.simulation`) meets every condition."""
        chosen = set(decision["channels"])
        return ((self.message is None or decision["message"] in self.message)
                and (self.channels_all is None or set(self.channels_all) <= chosen)
                and (self.channels_any is None or bool(chosen & set(self.channels_any)))
                and (self.audience is None or decision["audience"] in self.audience)
                and (self.timing is None or decision["timing"] in self.timing))


class Step(Strict):
    """One decision point."""

    id: str = Field(pattern=_ID)
    title: Text
    situation: Text
    at: str | None = Field(None, pattern=_TIME, description="the step starts at this time (or later)")
    deadline: str | None = Field(None, pattern=_TIME, description="channels done later than this have no effect")
    enter: Effects = Field(default_factory=dict, description="effects when the step starts")
    messages: dict[str, Message] = Field(min_length=2)
    channels: dict[str, ChannelUse] = Field(min_length=1)
    audiences: dict[str, Option] = Field(min_length=1)
    timings: list[str] = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)
    next: list[Branch] = Field(default_factory=list)

    @property
    def max_points(self) -> float:
        return sum(c.points for c in self.criteria)


class Ending(Strict):
    when: Condition | None = None
    text: Text


class Scenario(Varied):
    id: str = Field(pattern=_ID)
    module: str = Field("", description="the course module that plays it (seeds the trainees' variants)")
    title: Text
    intro: Text
    start: str = Field(pattern=_TIME)
    start_state: dict[Measure, float]
    rumour_per_hour: float = Field(ge=0)
    sources: list[str] = Field(min_length=1)
    timings: dict[str, Timing] = Field(min_length=1)
    endings: list[Ending] = Field(min_length=1)
    steps: list[Step] = Field(min_length=1)

    @property
    def first_step(self) -> str:
        return self.steps[0].id

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def clock_at(self, text: str) -> int:
        """A clock time of the story as minutes from the first midnight: the first such time from the start."""
        start = clock_minutes(self.start)
        return start + (clock_minutes(text) - start) % 1440

    def paths(self) -> list[list[str]]:
        """Every sequence of step ids a play can go through (the graph has no loop)."""
        def walk(step_id: str, seen: tuple) -> list[list[str]]:
            step = self.step(step_id)
            targets = list(dict.fromkeys(b.step for b in step.next))
            if not targets:
                return [[*seen, step_id]]
            return [path for target in targets for path in walk(target, (*seen, step_id))]
        return walk(self.first_step, ())

    def max_points(self) -> float:
        """The points of a perfect play (the same on every path)."""
        return sum(self.step(s).max_points for s in self.paths()[0])


def _inherit(raw_steps: list) -> list:
    """Steps with ``like: <id>`` completed by the fields of that step (line markers kept for errors)."""
    by_id = {s.get("id"): s for s in raw_steps if isinstance(s, dict)}
    done = []
    for raw in raw_steps:
        if isinstance(raw, dict) and "like" in raw:
            base = by_id.get(raw["like"])
            if isinstance(base, dict) and "like" not in base:
                raw = {**{k: v for k, v in base.items() if k != yamlfile.KEY_LINES}, **raw}
                raw[yamlfile.KEY_LINES] = {**base.get(yamlfile.KEY_LINES, {}), **raw.get(yamlfile.KEY_LINES, {})}
            raw = {k: v for k, v in raw.items() if k != "like"}
        done.append(raw)
    return done


def _cross_check(item: Scenario, raw: dict, path: Path) -> list[yamlfile.Problem]:
    from .ledger import claims

    kb = knowledge()
    ledger = {c.id: c for c in claims()}
    problems = []

    def problem(loc: list, field: str, text: str) -> None:
        problems.append(yamlfile.Problem(path, yamlfile.line_at(raw, loc), item.id, field, text, "scenario"))

    step_ids = [s.id for s in item.steps]
    for ref in item.sources:
        if ref not in kb.sources:
            problem(["sources"], "sources", f"unknown source id {ref!r}; add it to sources.yaml")
    for i, step in enumerate(item.steps):
        at = ["steps", i]
        if step_ids.count(step.id) > 1:
            problem([*at, "id"], f"steps.{step.id}", "this step id appears twice; ids must be unique")
        for channel in step.channels:
            if channel not in kb.channels:
                problem([*at, "channels", channel], f"steps.{step.id}.channels", f"unknown channel {channel!r}")
        for audience in step.audiences:
            if audience not in kb.audiences:
                problem([*at, "audiences", audience], f"steps.{step.id}.audiences", f"unknown audience {audience!r}")
        for timing in step.timings:
            if timing not in item.timings:
                problem([*at, "timings"], f"steps.{step.id}.timings", f"unknown timing {timing!r}; "
                        f"use one of {sorted(item.timings)}")
        for branch in step.next:
            if branch.step not in step_ids:
                problem([*at, "next"], f"steps.{step.id}.next", f"unknown step {branch.step!r}")
        offered = {"message": step.messages, "channels_all": step.channels, "channels_any": step.channels,
                   "audience": step.audiences, "timing": step.timings}
        for j, criterion in enumerate(step.criteria):
            where = [*at, "criteria", j]
            field = f"steps.{step.id}.criteria.{criterion.id}"
            for kind, ids in offered.items():
                for ref in getattr(criterion, kind) or ():
                    if ref not in ids:
                        problem([*where, kind], f"{field}.{kind}", f"{ref!r} is not offered at this step")
            for ref in criterion.claims:
                claim = ledger.get(ref)
                if claim is None:
                    problem([*where, "claims"], f"{field}.claims", f"unknown claim {ref!r}; add it to claims.yaml")
                elif claim.status not in ("confirmed", "secondary-only"):
                    problem([*where, "claims"], f"{field}.claims", f"claim {ref!r} is {claim.status!r}: only a "
                            "claim quoting its source (confirmed or secondary-only) may decide what is graded")
    if problems:
        return problems
    try:
        paths = item.paths()
    except RecursionError:
        return [yamlfile.Problem(path, yamlfile.line_at(raw, ["steps"]), item.id, "steps",
                                 "the steps' 'next' rules go round in a loop; every play must end", "scenario")]
    totals = {tuple(p): sum(item.step(s).max_points for s in p) for p in paths}
    if len(set(totals.values())) > 1 or len({len(p) for p in paths}) > 1:
        listed = "; ".join(f"{' > '.join(p)}: {t:g}" for p, t in totals.items())
        problem(["steps"], "steps", f"the paths differ in steps or points ({listed}); every play must have "
                "as many decisions and points")
    return problems


def _raw_scenarios(path: Path) -> tuple[dict, list[yamlfile.Problem]]:
    """The raw scenarios of the file (``like`` steps completed), and the placeholders that name no parameter."""
    from .variants import undefined

    raw = read_yaml(path)
    if not (isinstance(raw, dict) and isinstance(raw.get("scenarios"), list)):
        return raw, []
    items, problems = [], []
    for s in raw["scenarios"]:
        if isinstance(s, dict) and isinstance(s.get("steps"), list):
            s = {**s, "steps": _inherit(s["steps"])}
        if isinstance(s, dict):
            parameters = _parameters(s)
            problems += [yamlfile.Problem(path, yamlfile.line_at(s, [key]), s.get("id"), key, text, "scenario")
                         for key, value in s.items() if key != "variants"
                         for text in undefined(yamlfile.strip_lines(value), parameters, key)]
        items.append(s)
    return {**raw, "scenarios": items}, problems


def _parameters(raw_item: dict) -> dict:
    """{parameter: values} of a raw scenario's ``variants`` (those that are lists)."""
    found = raw_item.get("variants") if isinstance(raw_item.get("variants"), dict) else {}
    return {k: v for k, v in yamlfile.strip_lines(found).items() if isinstance(v, list) and v}


def _filled(raw_item, choice: dict) -> dict:
    """A raw scenario with its placeholders filled by the values at the indices ``choice`` ({parameter: index})."""
    from .variants import fill_all

    if not isinstance(raw_item, dict):
        return raw_item
    parameters = _parameters(raw_item)
    values = {name: options[choice.get(name, 0) % len(options)] for name, options in parameters.items()}
    return {key: value if key == "variants" else fill_all(value, values) for key, value in raw_item.items()}


def _validated(raw: dict, path: Path, choose) -> tuple[list[Scenario], list[yamlfile.Problem]]:
    """The scenarios of ``raw`` filled with the variant ``choose(raw scenario)`` gives, and their problems."""
    if not (isinstance(raw, dict) and isinstance(raw.get("scenarios"), list)):
        return yamlfile.validate_list(Scenario, raw, "scenarios", path, kind="scenario")
    filled = {**raw, "scenarios": [_filled(s, choose(s)) for s in raw["scenarios"]]}
    entries, problems = yamlfile.validate_list(Scenario, filled, "scenarios", path, kind="scenario")
    for item in entries:
        raw_item = next(s for s in filled["scenarios"] if isinstance(s, dict) and s.get("id") == item.id)
        problems += _cross_check(item, raw_item, path)
    return entries, problems


def load_scenarios(folder: str | os.PathLike | None = None) -> dict[str, Scenario]:
    """Every scenario of ``crisis_scenarios.yaml`` in ``folder`` (default: the data in use), by id, in its
    reference variant (the first value of every parameter); every value of every parameter is checked.

    A broken file raises :class:`~policycomm.model.knowledge.KnowledgeError` listing every problem.
    """
    path = Path(folder or os.environ.get("POLICYCOMM_DATA") or DATA_DIR) / SCENARIO_FILE
    raw, problems = _raw_scenarios(path)
    if problems:
        raise KnowledgeError("\n".join(map(str, problems)))
    entries, problems = _validated(raw, path, lambda s: {})
    if not problems and isinstance(raw, dict) and isinstance(raw.get("scenarios"), list):
        most = max((len(v) for s in raw["scenarios"] if isinstance(s, dict) for v in _parameters(s).values()),
                   default=1)
        for index in range(1, most):  # the other values: the index-th value of every parameter
            problems += [p for p in _validated(raw, path, lambda s: dict.fromkeys(_parameters(s), index))[1]
                         if p not in problems]
    if len({s.id for s in entries}) < len(entries):
        problems.append(yamlfile.Problem(path, None, None, None, "two scenarios have the same id"))
    if problems:
        raise KnowledgeError("\n".join(map(str, problems)))
    return {s.id: s for s in entries}


@lru_cache(maxsize=4)
def _cached(folder: str) -> tuple[dict[str, Scenario], dict]:
    """(the scenarios in their reference variant, the raw file) of the data in ``folder``."""
    return load_scenarios(folder), _raw_scenarios(Path(folder) / SCENARIO_FILE)[0]


@lru_cache(maxsize=64)
def _variant(folder: str, scenario_id: str, choice: tuple[tuple[str, int], ...]) -> Scenario:
    _, raw = _cached(folder)
    raw_item = next(s for s in raw["scenarios"] if isinstance(s, dict) and s.get("id") == scenario_id)
    entries, problems = _validated({**raw, "scenarios": [raw_item]}, Path(folder) / SCENARIO_FILE,
                                   lambda s: dict(choice))
    if problems:  # every value was checked at loading: only a file edited since can get here
        raise KnowledgeError("\n".join(map(str, problems)))
    return entries[0]


def values_of(s: Scenario, trainee: str = REFERENCE) -> dict:
    """{parameter: value} of ``trainee``'s variant of ``s`` (:func:`policycomm.model.variants.variant`)."""
    from .variants import variant

    return variant(s.variants, s.module, trainee, s.id)


def scenario(scenario_id: str, trainee: str = REFERENCE) -> Scenario:
    """The scenario ``scenario_id`` of the data in use (cached; honours ``POLICYCOMM_DATA``), filled with
    ``trainee``'s variant (by default the reference variant; a form or a grading cell passes
    :func:`policycomm.model.variants.trainee_id`)."""
    from .knowledge import lookup
    from .variants import pick

    folder = str(os.environ.get("POLICYCOMM_DATA") or DATA_DIR)
    reference = lookup(_cached(folder)[0], scenario_id, "scenario")
    if trainee == REFERENCE or not reference.variants:
        return reference
    choice = tuple((name, pick(len(values), reference.module, trainee, reference.id, name))
                   for name, values in reference.variants.items())
    return _variant(folder, scenario_id, choice)
