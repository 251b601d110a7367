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


# ---------------------------------------------------------------- disaster warnings (the crisis overlay)
# A flood, a reservoir release, a landslide or a storm is warned about under the
# crisis overlay. The press conference and the press release inform the press;
# they must never rank as a warning above the commune radio or door-to-door.

PRESS_FORMS = ["press_conference", "press_release"]
WARNINGS = ["commune_radio", "door_to_door"]
#: audiences that are mostly offline, as their definitions say
OFFLINE_HEAVY = [a for a in AUDIENCES if KB.audiences[a].often_offline]


def test_offline_heavy_audiences_include_elderly_rural_and_ethnic_mountain():
    assert {"elderly_rural", "ethnic_mountain"} <= set(OFFLINE_HEAVY)


@pytest.mark.parametrize("audience", [a for a in AUDIENCES if a != "journalists"])
def test_no_press_form_ranks_above_the_first_hour_warnings(audience):
    order = [r.channel for r in policycomm.recommend("crisis", audience, top=None)]
    assert max(order.index(c) for c in WARNINGS) < min(order.index(c) for c in PRESS_FORMS), order


@pytest.mark.parametrize("audience", OFFLINE_HEAVY)
def test_for_offline_people_the_warnings_lead_the_ranking(audience):
    top = [r.channel for r in policycomm.recommend("crisis", audience, top=2)]
    assert top[0] in WARNINGS and set(top) & set(WARNINGS)
    assert not set(PRESS_FORMS) & {r.channel for r in policycomm.recommend("crisis", audience, top=5)}


@pytest.mark.parametrize("audience", OFFLINE_HEAVY + ["general_public"])
@pytest.mark.parametrize("press_form", PRESS_FORMS)
@pytest.mark.parametrize("direct", ["door_to_door", "village_meeting"])
def test_commune_radio_with_door_to_door_beats_commune_radio_with_the_press(audience, press_form, direct):
    with_press = policycomm.assess_choice("crisis", audience, ["commune_radio", press_form]).score
    with_direct = policycomm.assess_choice("crisis", audience, ["commune_radio", direct]).score
    assert with_direct > with_press


def test_commune_radio_announces_an_adopted_policy_to_elderly_rural_people():
    order = [r.channel for r in policycomm.recommend("adoption", "elderly_rural", top=None)]
    assert order.index("commune_radio") < min(order.index(c) for c in ["press_conference", "press_release",
                                                                       "facebook_page"])
    assert KB.fit("adoption", "commune_radio").fit >= KB.scoring.thresholds["fit_good"]
