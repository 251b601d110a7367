"""Tests of policycomm.model.crisis: frameworks as data, the holding-statement check, phase order."""
import unicodedata

import pytest

from policycomm.model import lookup as api
from policycomm.model.crisis import (CERC_PHASES, CERC_PRINCIPLES, RESIST_STEPS, SPOKESPERSON_FORMS,
                                     check_holding_statement, first_hour_channels, phase_order_findings)
from policycomm.model.knowledge import knowledge

GOOD = ("UBND xã Tân Lập thông tin: sáng nay có sự cố sạt lở đất tại thôn 3, đang xác minh thiệt hại. "
        "Chúng tôi chia sẻ với các gia đình bị ảnh hưởng. Bà con không đi qua đoạn đường này. "
        "Mọi thắc mắc xin gọi đường dây nóng 0200 3456 789. Chúng tôi sẽ cập nhật lúc 15 giờ hôm nay.")


def test_framework_sizes_and_sources_exist():
    assert [len(CERC_PRINCIPLES), len(CERC_PHASES), len(RESIST_STEPS), len(SPOKESPERSON_FORMS)] == [6, 5, 6, 5]
    known = {s.id for s in api.sources()}
    for term in CERC_PRINCIPLES + CERC_PHASES + RESIST_STEPS + SPOKESPERSON_FORMS:
        assert term.source in known


def test_resist_steps_in_order():
    assert [s.en for s in RESIST_STEPS] == ["Recognise", "Early warning", "Situational insight",
                                           "Impact analysis", "Strategic communication", "Tracking effectiveness"]


def test_good_statement_has_no_problem():
    assert all(f.severity == "ok" for f in check_holding_statement(GOOD))


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_accent_form_and_case_do_not_matter(form):
    text = unicodedata.normalize(form, GOOD.upper())
    assert all(f.severity == "ok" for f in check_holding_statement(text))


@pytest.mark.parametrize("removed, code", [
    ("UBND xã Tân Lập thông tin: ", "hs_missing_who"),
    ("Chúng tôi chia sẻ với các gia đình bị ảnh hưởng. ", "hs_missing_empathy"),
    ("Chúng tôi sẽ cập nhật lúc 15 giờ hôm nay.", "hs_missing_next_update"),
])
def test_each_missing_part_is_named(removed, code):
    findings = check_holding_statement(GOOD.replace(removed, ""))
    assert [f.code for f in findings if f.severity != "ok"] == [code]


def test_speculation_is_an_error_and_message_says_what_to_do():
    findings = check_holding_statement(GOOD + " Có lẽ là do nhà thầu làm ẩu.")
    errors = [f for f in findings if f.severity == "error"]
    assert [f.code for f in errors] == ["hs_speculation"]
    assert "chỉ nói điều đã xác minh" in errors[0].message.vi


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_statement(text):
    assert [f.code for f in check_holding_statement(text)] == ["hs_empty"]


def test_phase_order():
    ordered = [(p.vi, p.id) for p in CERC_PHASES]
    assert phase_order_findings(ordered) == []
    swapped = ordered[:]
    swapped[1], swapped[3] = swapped[3], swapped[1]
    assert len(phase_order_findings(swapped)) == 3


def test_speculation_names_the_sentence_as_written():
    findings = check_holding_statement(GOOD + " Nhiều khả năng là do nhà thầu. Hẹn gặp lại.")
    errors = [f for f in findings if f.severity == "error"]
    assert len(errors) == 1 and "“Nhiều khả năng là do nhà thầu.”" in errors[0].message.vi


# ---------------------------------------------------------------- disaster warnings

#: Luật Phòng, chống thiên tai (S60), Quyết định 18/2021 (S61), Nghị định 66/2021 (S62)
DISASTER_LAWS = {"S60", "S61", "S62"}


def test_the_first_hour_warning_means_are_those_the_disaster_laws_name():
    assert set(first_hour_channels()) == {"commune_radio", "door_to_door", "sms", "television", "provincial_radio",
                                          "oral_propaganda", "village_meeting"}
    assert first_hour_channels()[:2] == ["commune_radio", "door_to_door"]
    for channel in first_hour_channels():
        assert DISASTER_LAWS & set(knowledge().fit("crisis", channel).sources), channel


@pytest.mark.parametrize("channel", ["press_conference", "press_release", "press", "facebook_page", "zalo_oa"])
def test_press_forms_and_online_pages_are_no_first_hour_warning(channel):
    assert channel not in first_hour_channels()


def test_first_hour_marks_only_crisis_rows():
    assert {f.stage for f in knowledge().fits.values() if f.first_hour} == {"crisis"}


def test_press_forms_in_a_crisis_cite_the_current_spokesperson_decree():
    for channel in ("press_conference", "press_release"):
        row = knowledge().fit("crisis", channel)
        assert "S70" in row.sources and "S25" not in row.sources
        assert "244/2026" in row.reason.vi
