"""Which channels suit a stage and an audience, and how good a given choice is.

Both functions apply the transparent scoring model of ``data/scoring.yaml``:
every score is the sum of weighted terms, and every term comes back as a
reason in Vietnamese and English.

>>> best = recommend("implementation", "ethnic_mountain", top=3)
>>> [r.channel for r in best]
['oral_propaganda', 'village_meeting', 'ethnic_radio']
>>> round(sum(reason.contribution for reason in best[0].reasons), 4) == best[0].score
True
>>> weak = assess_choice("drafting", "general_public", ["press_release"])
>>> better = assess_choice("drafting", "general_public", ["press_release", "talk_show"])
>>> weak.score < better.score
True
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from ..messages import Bilingual, Finding
from . import rules
from .knowledge import Knowledge, knowledge
from .schema import Audience, Channel, Stage


@dataclass(frozen=True)
class Reason:
    """One term of a score: the rule, its weight, the value it took and the explanation."""

    rule: str
    weight: float
    value: float
    contribution: float
    text: Bilingual


@dataclass(frozen=True)
class Recommendation:
    """A ranked channel: its score (the sum of its reasons' contributions, at most 1) and the reasons."""

    channel: str
    name: Bilingual
    score: float
    cost: float
    reasons: list[Reason] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Assessment:
    """How good a choice of channels is: a score in [0, 1], its parts, and findings."""

    score: float
    components: dict[str, float]
    findings: list[Finding]

    def to_dict(self) -> dict:
        return asdict(self)


def _names(kb: Knowledge, ids) -> tuple[str, str]:
    """Comma-separated names of channels/objectives, in (vi, en)."""
    items = [kb.channels.get(i) or kb.objectives[i] for i in ids]
    return ", ".join(x.name.vi for x in items), ", ".join(x.name.en for x in items)


def _terms(kb: Knowledge, stage: Stage, audience: Audience, channel: Channel, objective: str | None) -> list[tuple]:
    """(rule, value, message code, fields) for each scoring term of one channel."""
    fit = kb.fit(stage.id, channel.id)
    stage_name = (stage.name.vi, stage.name.en)
    aud = (audience.name.vi, audience.name.en)
    terms = []
    if fit:
        terms.append(("stage_fit", fit.fit, "r_stage_fit",
                      dict(stage=stage_name, fit=fit.fit, reason=(fit.reason.vi, fit.reason.en))))
    else:
        terms.append(("stage_fit", 0.0, "r_no_stage_fit", dict(stage=stage_name)))
    reach = channel.reach.get(audience.id, 0.0)
    terms.append(("audience_reach", reach, "r_reach", dict(reach=reach, audience=aud)))
    wanted = [objective] if objective else stage.objectives
    served = [o for o in wanted if o in channel.objectives]
    if served:
        terms.append(("objective_match", len(served) / len(wanted), "r_objective",
                      dict(objectives=_names(kb, served))))
    elif objective:
        terms.append(("objective_match", 0.0, "r_no_objective", dict(objective=_names(kb, [objective]))))
    if rules.needs_dialogue(stage) and rules.gives_dialogue(channel):
        terms.append(("two_way", 1.0, "r_two_way", {}))
    if channel.needs_internet and audience.internet_access < 1:
        offline = 1 - audience.internet_access
        terms.append(("internet_gap", offline, "r_internet_gap", dict(offline=offline, audience=aud)))
    if channel.needs_literacy and audience.low_literacy:
        terms.append(("literacy_gap", 1.0, "r_literacy_gap", dict(audience=aud)))
    if rules.needs_ethnic_language(audience) and not rules.speaks_ethnic_language(channel):
        terms.append(("language_gap", 1.0, "r_language_gap", dict(audience=aud)))
    return terms


def score_channel(stage: str, audience: str, channel: str, objective: str | None = None) -> Recommendation:
    """Score one channel for a stage and audience, with every reason."""
    kb = knowledge()
    st, au, ch = kb.stage(stage), kb.audience(audience), kb.channel(channel)
    if objective is not None:
        kb.objective(objective)
    reasons = []
    for rule, value, code, fields in _terms(kb, st, au, ch, objective):
        weight = kb.scoring.weight("recommend", rule)
        reasons.append(Reason(rule, weight, value, round(weight * value, 4), Bilingual.of(code, **fields)))
    total = round(sum(r.contribution for r in reasons), 4)
    return Recommendation(ch.id, Bilingual("channel", ch.name.vi, ch.name.en), total, ch.unit_cost, reasons)


def recommend(stage: str, audience: str, objective: str | None = None,
              budget: float | None = None, top: int | None = 5) -> list[Recommendation]:
    """Rank the channels for ``stage`` and ``audience``, best first.

    ``objective`` narrows the objective term to one objective id; ``budget``
    (million VND) leaves out channels that cost more; ``top=None`` returns all.
    A recommendation's score is the sum of its reasons' contributions.
    """
    kb = knowledge()
    ranked = [score_channel(stage, audience, c, objective) for c in kb.channels
              if budget is None or kb.channels[c].unit_cost <= budget]
    ranked.sort(key=lambda r: (-r.score, r.cost, r.channel))
    return ranked if top is None else ranked[:top]


def _suggest(kb: Knowledge, ranked: list[Recommendation], keep, n: int = 2) -> tuple[str, str]:
    picks = [r.channel for r in ranked if keep(kb.channels[r.channel])][:n]
    return _names(kb, picks)


def assess_choice(stage: str, audience: str, channels: list[str]) -> Assessment:
    """Score a choice of channels for ``stage`` and ``audience`` in [0, 1], with feedback.

    Every term is non-decreasing when a channel is added, except the penalty for
    a channel that does not suit the stage: adding a fitting channel never
    lowers the score.
    """
    kb = knowledge()
    st, au = kb.stage(stage), kb.audience(audience)
    chosen = [kb.channel(c) for c in dict.fromkeys(channels)]
    th = kb.scoring.thresholds
    stage_name, aud = (st.name.vi, st.name.en), (au.name.vi, au.name.en)
    if not chosen:
        return Assessment(0.0, {}, [Finding("error", "a_empty", Bilingual.of("a_empty"))])
    fits = {c.id: (kb.fit(st.id, c.id).fit if kb.fit(st.id, c.id) else 0.0) for c in chosen}
    reach = {c.id: c.reach.get(au.id, 0.0) for c in chosen}

    def capped_best(keep) -> float:
        return min(1.0, max((reach[c.id] for c in chosen if keep(c)), default=0.0) / th["reach_useful"])

    components = {
        "best_fit": max(fits.values()),
        "coverage": 1 - math.prod(1 - r for r in reach.values()),
        "two_way": 1.0 if not rules.needs_dialogue(st) or any(map(rules.gives_dialogue, chosen)) else 0.0,
        "offline_reach": capped_best(rules.works_offline) if rules.needs_offline(au) else 1.0,
        "language": capped_best(rules.speaks_ethnic_language) if rules.needs_ethnic_language(au) else 1.0,
        "poor_fit": float(sum(f < th["fit_poor"] for f in fits.values())),
    }
    raw = sum(kb.scoring.weight("assess", k) * v for k, v in components.items())
    score = round(min(1.0, max(0.0, raw)), 4)

    ranked = recommend(st.id, au.id, top=None)
    findings = []
    for c in chosen:
        name = (c.name.vi, c.name.en)
        if fits[c.id] >= th["fit_good"]:
            findings.append(Finding("ok", "a_good_fit", Bilingual.of("a_good_fit", channel=name)))
        elif fits[c.id] < th["fit_poor"]:
            findings.append(Finding("warning", "a_poor_fit", Bilingual.of("a_poor_fit", channel=name, stage=stage_name)))
    if components["best_fit"] < th["fit_good"]:
        findings.append(Finding("error", "a_no_good_fit", Bilingual.of(
            "a_no_good_fit", stage=stage_name, suggest=_suggest(kb, ranked, lambda c: True))))
    if components["two_way"] < 1:
        findings.append(Finding("error", "a_no_two_way", Bilingual.of(
            "a_no_two_way", stage=stage_name, suggest=_suggest(kb, ranked, rules.gives_dialogue))))
    if components["offline_reach"] < 1:
        findings.append(Finding("warning", "a_no_offline", Bilingual.of(
            "a_no_offline", audience=aud, suggest=_suggest(kb, ranked, rules.works_offline))))
    if components["language"] < 1:
        findings.append(Finding("warning", "a_no_language", Bilingual.of(
            "a_no_language", audience=aud, suggest=_suggest(kb, ranked, rules.speaks_ethnic_language))))
    if components["coverage"] < th["reach_useful"] and rules.needs_wide_reach(st):
        findings.append(Finding("warning", "a_low_coverage", Bilingual.of(
            "a_low_coverage", coverage=components["coverage"], audience=aud)))
    return Assessment(score, components, findings)
