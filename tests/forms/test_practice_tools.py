"""Practice tools: plain Vietnamese results (never a repr, an English word or a traceback), English on request."""
from __future__ import annotations

import re

import pytest

from policycomm import forms
from policycomm.messages import get_language, set_language
from policycomm.model import lookup

VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.I)
#: what must never reach a trainee in Vietnamese mode
FORBIDDEN = ["Error", "Traceback", "score=", "Assessment(", "Finding(", "Recommendation(", "MixResult(", "None",
             "Bilingual", "{", "Exception"]
IDS = [entry.id for listing in (lookup.channels(), lookup.stages(), lookup.audiences()) for entry in listing]

GOOD_MESSAGE = ("Từ ngày 01/7/2025, học sinh được miễn học phí để gia đình bớt gánh nặng. "
                "Hãy liên hệ nhà trường để biết thêm.")
WEAK_MESSAGE = "Theo NĐ mới, TTHC được đơn giản hoá."


def recommend(tool):
    tool.stage.value, tool.audience.value = "implementation", "ethnic_mountain"


def assess(tool):
    tool.stage.value, tool.audience.value = "drafting", "general_public"
    tool.pick["press_release"].value = True


def assess_good(tool):
    tool.stage.value, tool.audience.value = "implementation", "elderly_rural"
    tool.pick["commune_radio"].value = True


def weak_message(tool):
    tool.box.value = WEAK_MESSAGE


def good_message(tool):
    tool.box.value = GOOD_MESSAGE


def long_item(tool):
    tool.box.value = " ".join(["chữ"] * 400)


def budget(tool):
    tool.stage.value = "implementation"
    tool.pick["elderly_rural"].value = tool.pick["youth"].value = True
    tool.budget.value = "20"


CASES = {
    "recommend": (forms.recommend_tool, recommend),
    "assess": (forms.assess_tool, assess),
    "assess_good": (forms.assess_tool, assess_good),
    "message_weak": (forms.message_tool, weak_message),
    "message_good": (forms.message_tool, good_message),
    "airtime": (forms.airtime_tool, long_item),
    "budget": (forms.budget_tool, budget),
}


@pytest.fixture
def language():
    before = get_language()
    yield set_language
    set_language(before)


def run(case: str) -> str:
    build, act = CASES[case]
    tool = build()
    act(tool)
    tool.button.click()
    outputs = tool.output.outputs
    assert outputs and all(o["output_type"] == "stream" and o["name"] == "stdout" for o in outputs)
    return tool.text()


@pytest.mark.parametrize("case", CASES)
def test_results_are_plain_vietnamese(case, language):
    language("vi")
    shown = run(case)
    assert shown.strip() and VIETNAMESE_LETTERS.search(shown)
    for word in FORBIDDEN:
        assert word not in shown, (word, shown)
    for entry_id in IDS:
        assert not re.search(rf"\b{entry_id}\b", shown), (entry_id, shown)


@pytest.mark.parametrize("case", CASES)
def test_results_are_english_in_english_mode(case, language):
    language("en")
    shown = run(case)
    outside_quotes = re.sub(r"“[^”]*”", "", shown)
    assert shown.strip() and not VIETNAMESE_LETTERS.search(outside_quotes), shown


def test_assessment_marks_each_finding_and_starts_with_the_score(language):
    language("vi")
    lines = run("assess").splitlines()
    assert re.fullmatch(r"Điểm của lựa chọn: 0(,\d+)? trên thang 1\.", lines[0])
    assert lines[1:] and all(line[0] in "✔⚠✗" for line in lines[1:])
    assert any(line.startswith("✗") for line in lines[1:])  # a drafting stage with no dialogue channel
    assert run("assess_good").splitlines()[1].startswith("✔")


def test_recommendations_name_channels_with_reasons(language):
    language("vi")
    lines = run("recommend").splitlines()
    assert lines[0].startswith("1. ") and "điểm" in lines[0]
    assert any(line.strip().startswith("•") for line in lines)


@pytest.mark.parametrize("build, act, expected", [
    (forms.assess_tool, lambda t: None, "Hãy chọn giai đoạn và đối tượng"),
    (forms.recommend_tool, lambda t: setattr(t.stage, "value", "agenda"), "Hãy chọn giai đoạn và đối tượng"),
    (forms.message_tool, lambda t: None, "Hãy viết thông điệp"),
    (forms.airtime_tool, lambda t: (setattr(t.box, "value", "Tin"), setattr(t.slot, "value", "-3")),
     "Ô “Khung phát (giây)” cần một số dương"),
    (forms.budget_tool, lambda t: None, "Hãy chọn giai đoạn và ít nhất một đối tượng"),
    (forms.budget_tool, lambda t: (budget(t), setattr(t.budget, "value", "nhiều")),
     "Ô “Ngân sách (triệu đồng)” cần một số dương"),
])
def test_a_slip_shows_one_kind_sentence(build, act, expected, language):
    language("vi")
    tool = build()
    act(tool)
    tool.button.click()
    assert tool.text().startswith(expected) and len(tool.text().splitlines()) == 1


def test_a_failure_inside_the_model_shows_one_kind_sentence_not_a_traceback(language, monkeypatch):
    language("vi")
    import policycomm.model.optimize as optimize

    def broken(*args, **kwargs):
        raise RuntimeError("the solver found no mix: infeasible")

    monkeypatch.setattr(optimize, "optimize_mix", broken)
    tool = forms.budget_tool()
    budget(tool)
    tool.button.click()
    assert tool.text().startswith("Chưa tính được kết quả.") and "solver" not in tool.text()


def test_a_tiny_budget_says_so(language):
    language("vi")
    tool = forms.budget_tool()
    budget(tool)
    tool.budget.value = "0,01"
    tool.button.click()
    assert "Hãy thử ngân sách lớn hơn" in tool.text()


def test_a_second_click_replaces_the_result(language):
    language("vi")
    tool = forms.message_tool()
    weak_message(tool)
    tool.button.click()
    tool.box.value = GOOD_MESSAGE
    tool.button.click()
    assert len(tool.output.outputs) == 1 and tool.text().startswith("✔")
