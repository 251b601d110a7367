"""Spend a small budget for the widest useful reach: an exact channel mix.

The model: a channel ``c`` used at ``stage`` reaches a share
``reach[c, a] × fit[stage, c]`` of audience ``a`` (reach that does not suit
the stage is worth nothing). Channels overlap, so reaches do not simply add
up: the coverage of audience ``a`` is ``saturate(Σ_c reach)``, where
``saturate`` is ``1 − e^(−s)`` drawn as straight pieces between
``s = 0, 0.25, …, 4`` (concave: each extra channel adds less). The mix
maximises the weighted coverage ``Σ_a weight_a × coverage_a`` within the
budget, solved exactly as a mixed-integer linear programme (scipy's
``milp``, HiGHS): a concave piecewise-linear objective is a set of linear
constraints, one per piece.

>>> mix = optimize_mix(["elderly_rural", "youth"], budget=20, stage="implementation")
>>> mix.cost <= 20
True
>>> sorted(mix.coverage)
['elderly_rural', 'youth']
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .knowledge import knowledge

#: breakpoints of the saturation curve 1 − e^(−s); flat after the last one
SATURATION_STEP, SATURATION_END = 0.25, 4.0


def _breakpoints():
    import numpy as np

    s = np.arange(0.0, SATURATION_END + SATURATION_STEP / 2, SATURATION_STEP)
    return s, 1 - np.exp(-s)


def saturate(total_reach: float) -> float:
    """Coverage of an audience from the summed reach of several channels.

    >>> saturate(0.0), round(saturate(1.0), 3), round(saturate(10.0), 3)
    (0.0, 0.632, 0.982)
    """
    import numpy as np

    s, f = _breakpoints()
    return float(np.interp(total_reach, s, f))


@dataclass(frozen=True)
class MixResult:
    """The best channel mix: chosen channels, cost, weighted value and coverage per audience."""

    stage: str
    budget: float
    channels: list[str]
    cost: float
    value: float
    max_value: float
    coverage: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def effective_reach(stage: str, channel: str, audience: str) -> float:
    """Share of ``audience`` that ``channel`` usefully reaches at ``stage``: reach × stage fit."""
    kb = knowledge()
    fit = kb.fit(stage, channel)
    return kb.channel(channel).reach.get(audience, 0.0) * (fit.fit if fit else 0.0)


def mix_value(stage: str, weights: dict[str, float], channels: list[str]) -> tuple[float, dict[str, float]]:
    """The objective of a given mix: weighted saturated coverage, and the coverage per audience."""
    coverage = {a: saturate(sum(effective_reach(stage, c, a) for c in channels)) for a in weights}
    return sum(weights[a] * coverage[a] for a in weights), coverage


def _weights(audiences) -> dict[str, float]:
    kb = knowledge()
    if isinstance(audiences, str):
        audiences = [audiences]
    if isinstance(audiences, dict):
        weights = {kb.audience(a).id: float(w) for a, w in audiences.items()}
    else:
        weights = {kb.audience(a).id: kb.audience(a).weight for a in audiences}
    if not weights or any(w < 0 for w in weights.values()):
        raise ValueError("audiences must name at least one audience, with non-negative weights")
    return weights


def optimize_mix(audiences, budget: float, stage: str, channels: list[str] | None = None) -> MixResult:
    """The channel mix that maximises weighted reach of ``audiences`` within ``budget`` at ``stage``.

    ``audiences``: a list of audience ids (weights from the data) or a dict id -> weight.
    ``budget``: million VND. ``channels``: candidates (default: every channel).
    """
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    kb = knowledge()
    kb.stage(stage)
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or budget < 0:
        raise ValueError(f"budget must be a non-negative number of million VND, not {budget!r}")
    weights = _weights(audiences)
    names = list(weights)
    pool = [kb.channel(c).id for c in (channels if channels is not None else kb.channels)]
    pool = [c for c in dict.fromkeys(pool)
            if kb.channel(c).unit_cost <= budget and any(effective_reach(stage, c, a) > 0 for a in names)]
    if not pool:
        value, coverage = mix_value(stage, weights, [])
        return MixResult(stage, float(budget), [], 0.0, value, sum(weights.values()), coverage)
    n, m = len(pool), len(names)
    reach = np.array([[effective_reach(stage, c, a) for a in names] for c in pool])  # n × m
    cost = np.array([kb.channel(c).unit_cost for c in pool])
    objective = np.concatenate([np.zeros(n), -np.array([weights[a] for a in names])])
    budget_row = np.concatenate([cost, np.zeros(m)])[None, :]
    # one row per audience and piece k of the curve: y_a - slope_k Σ_c reach[c, a] x_c <= intercept_k
    s, f = _breakpoints()
    slopes = np.r_[np.diff(f) / np.diff(s), 0.0]
    intercepts = np.r_[f[:-1] - slopes[:-1] * s[:-1], f[-1]]
    rows = [np.hstack([-k * reach.T, np.eye(m)]) for k in slopes]
    constraints = LinearConstraint(np.vstack([budget_row, *rows]), -np.inf,
                                   np.concatenate([[budget], np.repeat(intercepts, m)]))
    result = milp(objective, constraints=constraints, integrality=np.r_[np.ones(n), np.zeros(m)],
                  bounds=Bounds(0, 1))
    if not result.success:
        raise RuntimeError(f"the solver found no mix: {result.message}")
    chosen = [c for c, x in zip(pool, result.x[:n]) if x > 0.5]
    value, coverage = mix_value(stage, weights, chosen)
    chosen.sort(key=lambda c: (-sum(weights[a] * effective_reach(stage, c, a) for a in names), c))
    total = round(float(sum(kb.channel(c).unit_cost for c in chosen)), 6)
    return MixResult(stage, float(budget), chosen, total, round(value, 6), sum(weights.values()),
                     {a: round(v, 6) for a, v in coverage.items()})


def budget_curve(audiences, stage: str, budgets, channels: list[str] | None = None) -> list[MixResult]:
    """The best mix for each budget: the trade-off between money and reach.

    >>> [round(r.value, 2) for r in budget_curve(["youth"], "implementation", [0, 5])]
    [0.0, 0.45]
    """
    return [optimize_mix(audiences, b, stage, channels) for b in budgets]
