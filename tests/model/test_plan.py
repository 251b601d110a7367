"""CommunicationPlan.check(): each finding appears when, and only when, it should."""
import pytest

from policycomm import CommunicationPlan
from policycomm.model.plan import PlanError


def good_plan() -> CommunicationPlan:
    plan = CommunicationPlan("Hỗ trợ học phí", budget=200, audiences=["elderly_rural", "ethnic_mountain", "youth"])
    rows = [
        ("agenda", "social_listening", "youth"),
        ("formulation", "consultation_conference", "elderly_rural"),
        ("drafting", "talk_show", "youth"),
        ("adoption", "press_conference", "youth"),
        ("implementation", "commune_radio", "elderly_rural"),
        ("implementation", "ethnic_radio", "ethnic_mountain"),
        ("implementation", "short_video", "youth"),
        ("implementation", "hotline", "elderly_rural"),
        ("evaluation", "survey", "elderly_rural"),
    ]
    for stage, channel, audience in rows:
        plan.add(stage, channel, audience, message="Từ 01/9, học sinh được miễn học phí.", timing="Quý 3")
    return plan


def codes(plan):
    return {f.code for f in plan.check()}


def test_a_sound_plan_has_no_errors_or_warnings():
    findings = good_plan().check()
    assert [f for f in findings if f.severity in ("error", "warning")] == []


@pytest.mark.parametrize("drop_stage, expected", [
    ("evaluation", "no_evaluation"),
    ("agenda", "stage_not_covered"),
])
def test_missing_stages_are_found(drop_stage, expected):
    plan = good_plan()
    plan.activities = [a for a in plan.activities if a.stage != drop_stage]
    assert expected in codes(plan)


def test_consultation_without_two_way_channel_is_an_error():
    plan = good_plan()
    plan.activities = [a for a in plan.activities if a.stage != "formulation"]
    plan.add("formulation", "agency_portal", "elderly_rural", "Dự thảo", "Tháng 1")
    findings = [f for f in plan.check() if f.code == "no_two_way_consultation"]
    assert findings and findings[0].severity == "error"


def test_budget_exceeded():
    plan = good_plan()
    plan.budget = plan.total_cost() - 1
    assert "budget_exceeded" in codes(plan)
    plan.budget = plan.total_cost()
    assert "budget_exceeded" not in codes(plan)


def test_offline_audience_reached_only_online_is_flagged():
    plan = CommunicationPlan("X", audiences=["elderly_rural"], stages=["implementation"])
    plan.add("implementation", "zalo_oa", "elderly_rural", "m", "t")
    assert "offline_not_reached" in codes(plan)
    plan.add("implementation", "commune_radio", "elderly_rural", "m", "t")
    assert "offline_not_reached" not in codes(plan)


def test_ethnic_language_needed():
    plan = CommunicationPlan("X", audiences=["ethnic_mountain"], stages=["implementation"])
    plan.add("implementation", "commune_radio", "ethnic_mountain", "m", "t")
    assert "no_ethnic_language" in codes(plan)
    plan.add("implementation", "oral_propaganda", "ethnic_mountain", "m", "t")
    assert "no_ethnic_language" not in codes(plan)


def test_unsuited_channel_message_and_timing():
    plan = CommunicationPlan("X", stages=["adoption"])
    plan.add("adoption", "survey", "general_public")
    assert codes(plan) == {"channel_unsuited", "message_missing", "timing_missing"}


def test_empty_plan_and_errors_first():
    assert codes(CommunicationPlan("X")) == {"no_activities"}
    findings = CommunicationPlan("X", budget=1, stages=["adoption"], activities=[
        {"stage": "adoption", "channel": "television", "audience": "youth"}]).check()
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=["error", "warning", "info", "ok"].index)


def test_a_typo_gets_a_suggestion_in_both_languages():
    plan = CommunicationPlan("X")
    with pytest.raises(PlanError, match="commune_radio") as err:
        plan.add("implementation", "comune_radio", "youth")
    assert "Có phải bạn muốn viết" in err.value.bilingual.vi and "Did you mean" in err.value.bilingual.en
    assert err.value.code == "plan_unknown_id" and err.value.fields["value"] == "comune_radio"
    with pytest.raises(PlanError, match="chi phí"):
        plan.add("implementation", "commune_radio", "youth", cost=-3)
    assert plan.activities == []


def test_costs_default_to_the_channel_and_can_be_set():
    plan = CommunicationPlan("X")
    plan.add("implementation", "commune_radio", "youth")
    plan.add("implementation", "commune_radio", "youth", cost=7.5)
    assert plan.total_cost() == 2 + 7.5
    frame = plan.to_frame()
    assert list(frame["cost"]) == [2, 7.5]
