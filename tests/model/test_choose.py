"""recommend() and assess_choice(): deterministic, explained, monotone."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policycomm
from policycomm.model.knowledge import knowledge

KB = knowledge()
STAGES = list(KB.stages)
AUDIENCES = list(KB.audiences)
CHANNELS = list(KB.channels)
OBJECTIVES = list(KB.objectives)

stage_ids = st.sampled_from(STAGES)
audience_ids = st.sampled_from(AUDIENCES)


@settings(max_examples=60, deadline=None)
@given(stage_ids, audience_ids, st.one_of(st.none(), st.sampled_from(OBJECTIVES)))
def test_every_score_is_the_sum_of_its_reasons(stage, audience, objective):
    for rec in policycomm.recommend(stage, audience, objective=objective, top=None):
        assert rec.reasons, rec
        assert rec.score == pytest.approx(sum(r.contribution for r in rec.reasons), abs=1e-9)
        assert rec.score <= 1.0
        for reason in rec.reasons:
            assert reason.contribution == pytest.approx(reason.weight * reason.value, abs=1e-4)
            assert reason.text.vi and reason.text.en and reason.text.vi != reason.text.en
            assert reason.weight == KB.scoring.weight("recommend", reason.rule)


@settings(max_examples=30, deadline=None)
@given(stage_ids, audience_ids)
def test_recommendations_are_deterministic_and_ranked(stage, audience):
    first = policycomm.recommend(stage, audience, top=None)
    again = policycomm.recommend(stage, audience, top=None)
    assert [(r.channel, r.score) for r in first] == [(r.channel, r.score) for r in again]
    scores = [r.score for r in first]
    assert scores == sorted(scores, reverse=True)
    assert len(first) == len(CHANNELS)


def test_the_stage_fit_reason_quotes_the_data_row():
    rec = policycomm.recommend("adoption", "journalists", top=1)[0]
    assert rec.channel == "press_conference"
    fit_reason = next(r for r in rec.reasons if r.rule == "stage_fit")
    assert KB.fit("adoption", "press_conference").reason.vi in fit_reason.text.vi


def test_budget_leaves_out_channels_that_cost_more():
    recs = policycomm.recommend("adoption", "general_public", budget=5, top=None)
    assert recs and all(KB.channel(r.channel).unit_cost <= 5 for r in recs)
    assert "television" not in {r.channel for r in recs}


def test_constraints_of_the_audience_show_up_as_penalties():
    rec = next(r for r in policycomm.recommend("implementation", "ethnic_mountain", top=None)
               if r.channel == "zalo_oa")
    rules = {r.rule for r in rec.reasons}
    assert {"internet_gap", "literacy_gap", "language_gap"} <= rules


def test_unknown_ids_are_named():
    with pytest.raises(KeyError, match="Không có giai đoạn “implement”. Có phải bạn muốn viết “implementation”?"):
        policycomm.recommend("implement", "youth")
    with pytest.raises(KeyError, match="Không có mục tiêu “nope”"):
        policycomm.recommend("implementation", "youth", objective="nope")


@settings(max_examples=150, deadline=None)
@given(stage_ids, audience_ids, st.lists(st.sampled_from(CHANNELS), max_size=5, unique=True), st.data())
def test_adding_a_fitting_channel_never_lowers_the_score(stage, audience, chosen, data):
    fitting = [c for c in CHANNELS if (KB.fit(stage, c) and KB.fit(stage, c).fit >= KB.scoring.thresholds["fit_poor"])]
    extra = data.draw(st.sampled_from(fitting))
    before = policycomm.assess_choice(stage, audience, chosen).score
    after = policycomm.assess_choice(stage, audience, chosen + [extra]).score
    assert after >= before
    assert 0.0 <= before <= 1.0 and 0.0 <= after <= 1.0


def test_feedback_names_what_is_missing():
    weak = policycomm.assess_choice("drafting", "elderly_rural", ["agency_portal"])
    codes = {f.code for f in weak.findings}
    assert {"a_no_two_way", "a_no_offline"} <= codes
    message = next(f for f in weak.findings if f.code == "a_no_two_way").message
    assert "hai chiều" in message.vi and "two-way" in message.en
    good = policycomm.assess_choice("drafting", "elderly_rural", ["talk_show", "press", "consultation_conference"])
    assert good.score > weak.score
    assert not {"a_no_two_way", "a_no_offline"} & {f.code for f in good.findings}


def test_ethnic_audience_without_ethnic_language_channel_is_flagged():
    result = policycomm.assess_choice("implementation", "ethnic_mountain", ["commune_radio"])
    assert "a_no_language" in {f.code for f in result.findings}
    better = policycomm.assess_choice("implementation", "ethnic_mountain", ["commune_radio", "ethnic_radio"])
    assert "a_no_language" not in {f.code for f in better.findings}
    assert better.score > result.score


def test_empty_choice_scores_zero_with_a_message():
    result = policycomm.assess_choice("adoption", "youth", [])
    assert result.score == 0 and result.findings[0].code == "a_empty"


def test_messages_follow_the_language_setting():
    finding = policycomm.assess_choice("drafting", "youth", []).findings[0]
    try:
        policycomm.set_language("en")
        assert str(finding) == "No channel chosen."
    finally:
        policycomm.set_language("vi")
    assert str(finding) == "Chưa chọn kênh nào."
