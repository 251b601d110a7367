"""Lists and look-ups of the knowledge base, as plain validated objects.

>>> [a.id for a in audiences()][:2]
['general_public', 'affected_groups']
>>> channel("commune_radio").two_way
False
"""
from __future__ import annotations

from .knowledge import knowledge, lookup
from .schema import Audience, Channel, Objective, Source, Stage


def stages(include_overlay: bool = True) -> list[Stage]:
    """The stages of the policy cycle in order, then the crisis overlay."""
    return [s for s in knowledge().stages.values() if include_overlay or not s.overlay]


def channels() -> list[Channel]:
    """All channels and forms of communication."""
    return list(knowledge().channels.values())


def audiences() -> list[Audience]:
    """All audience segments."""
    return list(knowledge().audiences.values())


def objectives() -> list[Objective]:
    """All communication objectives."""
    return list(knowledge().objectives.values())


def sources() -> list[Source]:
    """All sources that the knowledge cites."""
    return list(knowledge().sources.values())


def stage(stage_id: str) -> Stage:
    """One stage by id; ``KeyError`` lists the known ids."""
    return knowledge().stage(stage_id)


def channel(channel_id: str) -> Channel:
    """One channel by id."""
    return knowledge().channel(channel_id)


def audience(audience_id: str) -> Audience:
    """One audience by id."""
    return knowledge().audience(audience_id)


def objective(objective_id: str) -> Objective:
    """One objective by id."""
    return knowledge().objective(objective_id)


def source(source_id: str) -> Source:
    """One source by id."""
    return lookup(knowledge().sources, source_id, "source")


def scoring_table() -> str:
    """The scoring model of ``scoring.yaml`` as a Markdown table (the README shows it).

    >>> scoring_table().splitlines()[0]
    '| used by | term | weight | what it measures |'
    """
    scoring = knowledge().scoring
    rows = ["| used by | term | weight | what it measures |", "|---|---|---|---|"]
    for table in ("recommend", "assess"):
        for rule in getattr(scoring, table):
            rows.append(f"| `{table}` | `{rule.id}` | {rule.weight:+.2f} | {rule.description.en} |")
    thresholds = ", ".join(f"`{k}` = {v:g}" for k, v in scoring.thresholds.items())
    return "\n".join(rows) + f"\n\nThresholds: {thresholds}."
