"""The domain rules that the recommender, the plan check and the capstone rubric share.

Each rule is asked here and nowhere else: what a stage needs (dialogue), what
an audience needs (a channel without internet, an ethnic language), which
channels meet those needs, which channels suit a stage, and what a complete
plan covers. The rules read what channels, stages and audiences *are*
(two-way, needs the internet, often offline, listed for a stage); they never
read the modelling assumptions (A1: reach shares, internet-use shares, fit
strengths, costs), so no graded judgement depends on those.

Dialogue is needed where people must be able to question and comment on a
policy that affects them: consultation on the proposal and the draft
(formulation, drafting: "tương tác hai chiều", S11; Law 2025 Art. 3(3)) and
guidance during implementation, where people ask how to comply. At
agenda-setting and evaluation the need is to listen and to measure, which
monitoring and surveys do without dialogue. The stages declare it in
``stages.yaml`` (``needs_two_way``).

>>> from .knowledge import knowledge
>>> kb = knowledge()
>>> [s.id for s in kb.stages.values() if needs_dialogue(s)]
['formulation', 'drafting', 'implementation']
>>> needs_offline(kb.audience("elderly_rural")), gives_dialogue(kb.channel("commune_radio"))
(True, False)
"""
from __future__ import annotations

from dataclasses import dataclass

from .knowledge import knowledge
from .schema import Audience, Channel, Stage

#: the stage a plan must always have: without it nobody learns whether the communication worked
EVALUATION_STAGE = "evaluation"


def needs_dialogue(stage: Stage) -> bool:
    """Communication at ``stage`` must let people answer back (a two-way channel)."""
    return stage.needs_two_way


def needs_wide_reach(stage: Stage) -> bool:
    """Communication at ``stage`` should reach most of its audience (not so for evaluation, which samples)."""
    return stage.id != EVALUATION_STAGE


def suits_stage(stage_id: str, channel_id: str) -> bool:
    """``channel_id`` is listed for ``stage_id`` in the stage × channel table (stage_channels.yaml).

    Each listed pair gives its reason and sources; the strength of the fit is a
    modelling assumption (A1) and does not decide this rule.

    >>> suits_stage("drafting", "consultation_conference"), suits_stage("drafting", "short_video")
    (True, False)
    """
    return knowledge().fit(stage_id, channel_id) is not None


def gives_dialogue(channel: Channel) -> bool:
    """People can answer back through ``channel``."""
    return channel.two_way


def needs_offline(audience: Audience) -> bool:
    """``audience`` is often offline (its definition says so), so it needs a channel that works without the internet."""
    return audience.often_offline


def works_offline(channel: Channel) -> bool:
    """``channel`` reaches people without the internet."""
    return not channel.needs_internet


def needs_ethnic_language(audience: Audience) -> bool:
    """``audience`` needs a channel in an ethnic-minority language."""
    return audience.needs_ethnic_language


def speaks_ethnic_language(channel: Channel) -> bool:
    """``channel`` can carry an ethnic-minority language."""
    return channel.ethnic_language


@dataclass(frozen=True)
class Gap:
    """What a plan should cover for one requirement (``wanted``) and what it does not (``missing``), by id."""

    wanted: list[str]
    missing: list[str]

    @property
    def share(self) -> float:
        """The share of ``wanted`` that is covered (1.0 when nothing is wanted)."""
        return 1.0 if not self.wanted else (len(self.wanted) - len(self.missing)) / len(self.wanted)


#: what a complete plan covers; the capstone rubric scores these by name
REQUIREMENTS = ("stages_covered", "two_way_consultation", "audiences_reached", "offline_reached", "ethnic_language")


def plan_gaps(activities, stages, audiences) -> dict[str, Gap]:
    """What ``activities`` (each with ``stage``, ``channel``, ``audience`` ids) leave out of a complete plan.

    ``stages`` and ``audiences`` are the ids the plan must cover. A stage that
    needs dialogue is missing from ``two_way_consultation`` until one of its
    activities uses a two-way channel; an audience that is often offline is
    missing from ``offline_reached`` until an activity reaches it without the
    internet; likewise for ethnic languages.

    >>> from types import SimpleNamespace as A
    >>> gaps = plan_gaps([A(stage="drafting", channel="press", audience="ethnic_mountain")],
    ...                  ["drafting", "evaluation"], ["ethnic_mountain"])
    >>> gaps["stages_covered"].missing, gaps["two_way_consultation"].missing, gaps["ethnic_language"].missing
    (['evaluation'], ['drafting'], ['ethnic_mountain'])
    """
    kb = knowledge()

    def gap(wanted, covered) -> Gap:
        wanted = list(wanted)
        return Gap(wanted, [i for i in wanted if i not in covered])

    def reached(keep) -> set:
        return {a.audience for a in activities if keep(kb.channel(a.channel))}

    return {
        "stages_covered": gap(stages, {a.stage for a in activities}),
        "two_way_consultation": gap([s for s in stages if needs_dialogue(kb.stage(s))],
                                    {a.stage for a in activities if gives_dialogue(kb.channel(a.channel))}),
        "audiences_reached": gap(audiences, {a.audience for a in activities}),
        "offline_reached": gap([a for a in audiences if needs_offline(kb.audience(a))], reached(works_offline)),
        "ethnic_language": gap([a for a in audiences if needs_ethnic_language(kb.audience(a))],
                               reached(speaks_ethnic_language)),
    }
