"""optimize_mix(): within budget, and equal to brute force on small cases."""
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policycomm
from policycomm.model.knowledge import knowledge
from policycomm.model.optimize import mix_value

KB = knowledge()


def brute_force(weights, budget, stage, pool):
    best = 0.0
    for k in range(len(pool) + 1):
        for combo in itertools.combinations(pool, k):
            if sum(KB.channel(c).unit_cost for c in combo) <= budget:
                best = max(best, mix_value(stage, weights, list(combo))[0])
    return best


@settings(max_examples=40, deadline=None)
@given(
    stage=st.sampled_from([s for s in KB.stages]),
    audiences=st.lists(st.sampled_from(list(KB.audiences)), min_size=1, max_size=3, unique=True),
    pool=st.lists(st.sampled_from(list(KB.channels)), min_size=1, max_size=8, unique=True),
    budget=st.floats(min_value=0, max_value=120, allow_nan=False),
)
def test_equals_brute_force_and_respects_budget(stage, audiences, pool, budget):
    mix = policycomm.optimize_mix(audiences, budget, stage, channels=pool)
    assert mix.cost <= budget + 1e-9
    assert set(mix.channels) <= set(pool)
    weights = {a: KB.audience(a).weight for a in audiences}
    assert mix.value == pytest.approx(mix_value(stage, weights, mix.channels)[0], abs=1e-6)
    assert mix.value == pytest.approx(brute_force(weights, budget, stage, pool), abs=1e-6)
    assert all(0 <= v <= 1 for v in mix.coverage.values())


def test_more_budget_never_means_less_reach():
    curve = policycomm.budget_curve(["elderly_rural", "youth", "ethnic_mountain"], "implementation",
                                    [0, 5, 10, 20, 40, 80])
    values = [r.value for r in curve]
    assert values == sorted(values) and values[0] == 0 and values[-1] > values[1]


def test_weights_steer_the_mix():
    youth_first = policycomm.optimize_mix({"youth": 10, "elderly_rural": 0.1}, 15, "implementation")
    elderly_first = policycomm.optimize_mix({"youth": 0.1, "elderly_rural": 10}, 15, "implementation")
    assert youth_first.coverage["youth"] > elderly_first.coverage["youth"]
    assert elderly_first.coverage["elderly_rural"] > youth_first.coverage["elderly_rural"]


@pytest.mark.parametrize("budget", [-1, "50", True])
def test_bad_budget_is_refused(budget):
    with pytest.raises(ValueError, match="budget"):
        policycomm.optimize_mix(["youth"], budget, "implementation")
