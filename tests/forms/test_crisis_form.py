"""The crisis simulation form, kernel side: clicks play decisions, each is saved at once, the form is
rebuilt where it was, and pages without widgets get a static copy (the decisions, then the debrief).

The form works for binh.tran, whose own variant starts at 20:30 in the village Nà Lầu and whose rumour
spreads on Zalo (the reference variant: 21:30, Khe Mạ, Facebook)."""
from __future__ import annotations

import json

import pytest
from crisis_plays import EXERCISE, SCENARIO, WEAK, strong

from policycomm import forms
from policycomm.forms.simulation import crisis
from policycomm.grading.simulation import check_crisis_play
from policycomm.model.variants import TRAINEE_VARIABLE
from policycomm.quiz.responses import ANSWERS_FILE

NOTEBOOK = "bai.ipynb"
TRAINEE = "binh.tran"
STRONG = strong(TRAINEE)


@pytest.fixture(autouse=True)
def trainee(monkeypatch):
    monkeypatch.setenv(TRAINEE_VARIABLE, TRAINEE)


def saved(folder):
    data = json.loads((folder / ANSWERS_FILE).read_text(encoding="utf-8"))
    return data["notebooks"][NOTEBOOK][EXERCISE]["response"]


def play(form, decision):
    form.play(decision["message"], decision["channels"], decision["audience"], decision["timing"])


def test_each_decision_is_saved_at_once_and_the_saved_play_is_graded(tmp_path):
    form = crisis(EXERCISE, scenario=SCENARIO, notebook=NOTEBOOK, folder=tmp_path)
    assert not (tmp_path / ANSWERS_FILE).exists()
    for done, decision in enumerate(STRONG, 1):
        assert form.state.step == decision["step"]
        play(form, decision)
        assert saved(tmp_path) == STRONG[:done]
    assert form.state.finished and form.panel.layout.display == "none"
    assert "Đêm ấy không ai ở thôn Nà Lầu bị thương" in form.end.value and "✔" in form.end.value
    assert check_crisis_play(forms.answer(EXERCISE, notebook=NOTEBOOK, folder=tmp_path), scenario=SCENARIO,
                             graded=True) == 12


def test_a_decision_needs_all_four_parts(tmp_path):
    form = crisis(EXERCISE, scenario=SCENARIO, notebook=NOTEBOOK, folder=tmp_path)
    form.pick_message.value = "A"
    form.pick_audience.value = "affected_groups"
    form.pick_timing.value = "now"
    form.decide_button.click()  # no channel ticked
    assert "hãy chọn đủ bốn phần" in form.problem.value
    assert form.state.step == "canh_bao" and not (tmp_path / ANSWERS_FILE).exists()
    form.pick_channels["door_to_door"].value = True
    form.decide_button.click()
    assert form.problem.value == "" and saved(tmp_path)[0]["channels"] == ["door_to_door"]


def test_the_pickers_show_vietnamese_names_and_save_ids(tmp_path):
    form = crisis(EXERCISE, scenario=SCENARIO, notebook=NOTEBOOK, folder=tmp_path)
    assert form.pick_channels["commune_radio"].description == "Đài truyền thanh cấp xã"
    assert form.pick_channels["door_to_door"].description == "Báo tin tận nhà, loa lưu động"
    assert ("Người cao tuổi ở nông thôn", "elderly_rural") in form.pick_audience.options
    assert ("Ngay bây giờ", "now") in form.pick_timing.options
    assert "Bây giờ là 20:30" in form.now.value and "Nà Lầu" in form.intro.value and "Khe Mạ" not in form.intro.value


def test_built_again_the_form_stands_where_the_trainee_left_off(tmp_path):
    form = crisis(EXERCISE, scenario=SCENARIO, notebook=NOTEBOOK, folder=tmp_path)
    play(form, WEAK[0])
    again = crisis(EXERCISE, scenario=SCENARIO, notebook=NOTEBOOK, folder=tmp_path)
    assert again.state == form.state and again.state.step == "mac_ket"
    assert "Người mắc kẹt" in again.now.value and "Họp báo" in again.history.value
    play(again, WEAK[1])
    assert saved(tmp_path) == WEAK[:2]


def test_a_hand_broken_answer_starts_the_form_blank(tmp_path):
    from policycomm.quiz.responses import record_answer

    record_answer(EXERCISE, [{"step": "ve_nha"}], notebook=NOTEBOOK, folder=tmp_path)
    form = crisis(EXERCISE, scenario=SCENARIO, notebook=NOTEBOOK, folder=tmp_path)
    assert form.state.step == "canh_bao" and form.value is None


def test_without_widgets_the_page_gets_a_static_copy(tmp_path, monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)  # as under nbgrader autograde
    form = crisis(EXERCISE, scenario=SCENARIO, prompt="Mô phỏng", notebook=NOTEBOOK, folder=tmp_path)
    play(form, STRONG[0])
    bundle = form._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert "Các quyết định đã chọn" in bundle["text/html"] and "Đài truyền thanh cấp xã" in bundle["text/plain"]
    for decision in STRONG[1:]:
        play(form, decision)
    page = form._repr_mimebundle_()["text/html"]
    assert "Rút kinh nghiệm" in page and "Điều 60 khoản 3 — S61)" in page and "✗" not in page
