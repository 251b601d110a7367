"""The domain rules live in policycomm.model.rules, and the recommender, the plan check and the rubric agree."""
import pytest

from policycomm import CommunicationPlan, assess_choice
from policycomm.grading.rubric import _property
from policycomm.model import rules
from policycomm.model.knowledge import knowledge

KB = knowledge()
CYCLE = [s.id for s in KB.stages.values() if not s.overlay]
ONE_WAY = "press"
ONLINE_ONE_WAY = "short_video"


def one_activity_plan(stage: str, audience: str, channel: str) -> CommunicationPlan:
    plan = CommunicationPlan("Một hoạt động", audiences=[audience], stages=[stage])
    plan.add(stage, channel, audience, message="Thông điệp", timing="Tháng 6")
    return plan


def test_the_channels_of_the_check_are_what_the_test_assumes():
    assert not KB.channel(ONE_WAY).two_way
    assert not KB.channel(ONLINE_ONE_WAY).two_way and KB.channel(ONLINE_ONE_WAY).needs_internet
    assert not KB.channel(ONLINE_ONE_WAY).ethnic_language


@pytest.mark.parametrize("stage", [s.id for s in KB.stages.values()])
@pytest.mark.parametrize("audience", list(KB.audiences))
def test_assess_choice_and_the_plan_check_agree_on_every_stage_and_audience(stage, audience):
    assessed = {f.code for f in assess_choice(stage, audience, [ONLINE_ONE_WAY]).findings}
    checked = {f.code for f in one_activity_plan(stage, audience, ONLINE_ONE_WAY).check()}
    assert ("a_no_two_way" in assessed) == ("no_two_way_consultation" in checked) \
        == rules.needs_dialogue(KB.stage(stage))
    assert ("a_no_offline" in assessed) == ("offline_not_reached" in checked) \
        == rules.needs_offline(KB.audience(audience))
    assert ("a_no_language" in assessed) == ("no_ethnic_language" in checked) \
        == rules.needs_ethnic_language(KB.audience(audience))


@pytest.mark.parametrize("stage", CYCLE)
def test_the_rubric_scores_dialogue_where_the_plan_check_asks_for_it(stage):
    plan = one_activity_plan(stage, "affected_groups", ONE_WAY)
    share, missing = _property("two_way_consultation", plan)
    flagged = "no_two_way_consultation" in {f.code for f in plan.check()}
    assert flagged == (share == 0.0) == (missing == [KB.stage(stage).name.vi])


def test_dialogue_is_needed_where_people_comment_on_a_policy_or_ask_how_to_comply():
    assert [s for s in CYCLE if rules.needs_dialogue(KB.stage(s))] == ["formulation", "drafting", "implementation"]
    # at agenda-setting and evaluation, listening and measuring: one-way monitoring is among the best channels
    assert not KB.channel("social_listening").two_way
    for stage in ("agenda", "evaluation"):
        assert KB.fit(stage, "social_listening").fit >= KB.scoring.thresholds["fit_good"]
        assert "a_no_two_way" not in {f.code for f in assess_choice(stage, "general_public", ["social_listening"]).findings}


def test_plan_gaps_share_counts_what_is_covered():
    gap = rules.Gap(["a", "b", "c"], ["c"])
    assert gap.share == pytest.approx(2 / 3)
    assert rules.Gap([], []).share == 1.0
