"""The rubric engine: policycomm.grading.rubric with policycomm/data/rubrics/capstone.yaml.

The capstone's scenario varies by trainee (its ``variants``); these tests grade as ``lan.do``, whose variant
has a budget of 150 million VND and the ethnic-minority people of the mountains as the group hard to reach.
"""
from __future__ import annotations

import re

import pytest

from policycomm.grading.checks import CheckFailed
from policycomm.grading.rubric import RubricError, check_plan, load_rubric, score_plan
from policycomm.model.plan import CommunicationPlan
from policycomm.model.variants import TRAINEE_VARIABLE

#: the trainee these tests grade, and their variant of the capstone's scenario
TRAINEE = "lan.do"
AUDIENCES = ["affected_groups", "ethnic_mountain", "implementing_officials", "journalists"]

#: the strong plan of the capstone's solution: 15 activities, 145 million VND
STRONG = [
    ("agenda", "social_listening", "affected_groups"), ("agenda", "village_meeting", "ethnic_mountain"),
    ("formulation", "consultation_conference", "affected_groups"), ("formulation", "agency_portal", "journalists"),
    ("drafting", "written_comments", "implementing_officials"), ("drafting", "consultation_conference", "ethnic_mountain"),
    ("drafting", "facebook_page", "affected_groups"), ("adoption", "press_conference", "journalists"),
    ("adoption", "press_release", "journalists"), ("implementation", "commune_radio", "elderly_rural"),
    ("implementation", "ethnic_radio", "ethnic_mountain"), ("implementation", "oral_propaganda", "ethnic_mountain"),
    ("implementation", "village_meeting", "elderly_rural"), ("implementation", "zalo_oa", "affected_groups"),
    ("evaluation", "survey", "affected_groups"),
]


#: a message that says what each stage needs (capstone.yaml, messages.stages)
STAGE_MESSAGES = {"agenda": "Lắng nghe khó khăn của", "formulation": "Xin ý kiến về các phương án với",
                  "drafting": "Mời góp ý dự thảo:", "adoption": "Nghị quyết đã thông qua, báo cho",
                  "implementation": "Hướng dẫn đăng ký hỗ trợ cho", "evaluation": "Khảo sát kết quả với"}


@pytest.fixture(autouse=True)
def trainee(monkeypatch):
    """The trainee the kernel grades, as ``policycomm grade`` names it."""
    monkeypatch.setenv(TRAINEE_VARIABLE, TRAINEE)


def plan_of(rows, message: str = "{opening} nhóm {audience}", **options) -> CommunicationPlan:
    """A plan of ``rows``; by default each activity's message fits its stage and names its audience."""
    plan = CommunicationPlan("Kế hoạch thử", **options)
    for stage, channel, audience in rows:
        text = message.format(opening=STAGE_MESSAGES[stage], audience=audience)
        plan.add(stage, channel, audience, message=text, timing="Tháng 6")
    return plan


def points(result) -> dict[str, float]:
    return {c.id: c.points for c in result.criteria}


def test_the_capstone_rubric_is_worth_20_points_in_9_criteria():
    rubric = load_rubric("capstone")
    assert rubric.max_points == 20
    assert len(rubric.criteria) == 9
    assert (rubric.scenario.budget, rubric.scenario.audiences, rubric.scenario.locality) == (150, AUDIENCES, "Bình Nguyên")


def test_a_strong_plan_gets_every_point():
    result = score_plan(plan_of(STRONG))
    assert result.points == result.max_points == 20
    assert all(c.feedback.startswith("✔") for c in result.criteria)


def test_an_empty_plan_gets_nothing_even_on_criteria_it_does_not_break():
    result = score_plan(CommunicationPlan("Trống"))
    assert result.points == 0
    assert "chưa có hoạt động nào" in result.feedback()


def test_a_mediocre_plan_gets_partial_credit_per_criterion():
    rows = [r for r in STRONG if r[0] not in ("agenda", "evaluation") and r[2] != "ethnic_mountain"]
    result = score_plan(plan_of(rows + [("implementation", "television", "affected_groups")]))
    assert points(result) == {
        "stages_covered": 2.0,  # 4 of 6 stages
        "two_way_consultation": 3.0,
        "evaluation": 0.0,
        "audiences_reached": 1.5,  # 3 of 4 audiences
        "offline_reached": 0.0,  # the ethnic-minority people, the only group mostly offline, are not reached
        "ethnic_language": 0.0,
        "channel_fit": 2.0,
        "within_budget": 0.0,  # television: 207 million
        "messages_and_timings": 2.0,
    }
    assert result.points == 10.5
    feedback = {c.id: c.feedback for c in result.criteria}
    assert "vượt ngân sách 150 triệu đồng" in feedback["within_budget"]
    assert "Đồng bào dân tộc thiểu số vùng núi" in feedback["ethnic_language"]


@pytest.mark.parametrize("message", ["x", "Thông điệp", "Đăng tin", "Nội dung thông điệp", "..."])
def test_a_plan_of_placeholder_messages_gets_at_most_a_quarter(message):
    """15 activities, 12 of them distinct by stage and audience (two channels for one audience and stage count once)."""
    result = score_plan(plan_of(STRONG, message=message))
    assert result.points == 5 and result.max_points == 20
    assert result.criteria[0].id == "placeholder_messages"
    assert "Chỉ 0 trong 12 hoạt động có thông điệp thật" in result.feedback()
    assert sum(c.points for c in result.criteria) == 20  # every criterion met: the cap alone takes the points


def test_a_message_that_misses_what_its_stage_needs_gets_a_hint_but_keeps_the_points():
    plan = plan_of(STRONG)
    plan.add("implementation", "zalo_oa", "youth", message="Phóng sự về chính sách di dời", timing="Quý IV")
    result = score_plan(plan)
    hints = [c.feedback for c in result.criteria if c.id == "message_stage"]
    assert hints == ["⚠ Hãy viết lại thông điệp “Phóng sự về chính sách di dời” (giai đoạn Tổ chức thực thi) cho hợp "
                     "với giai đoạn này, tức là nói về: người dân cần làm gì, ở đâu, đến khi nào (đăng ký, hồ sơ, "
                     "thủ tục)."]
    assert result.points == 20 and hints[0] in result.feedback()


def hints_shown(plan, capsys) -> list[str]:
    """The self-check hints the capstone's visible check prints for ``plan`` (the lines under their heading)."""
    assert check_plan(plan, hints="capstone") is None
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("✔ Đã nhận câu trả lời")
    heading = "Gợi ý tự kiểm tra (chưa phải điểm):"
    return [line.strip().removeprefix("• ") for line in lines[lines.index(heading) + 1:]] if heading in lines else []


def one_kind_sentence(text: str) -> bool:
    """One Vietnamese sentence that says what to do: one full stop, at the end (quoted text aside), with "hãy"."""
    unquoted = re.sub(r"“[^”]*”", "“”", text)
    return unquoted.endswith(".") and unquoted.count(".") == 1 and "hãy" in unquoted.lower() and \
        not re.search(r"[a-z]+_[a-z]+|\b(message|stage|plan|points)\b", unquoted)


@pytest.mark.parametrize("placeholder", ["Thông điệp", "x", "Tuyên truyền chính sách"])
def test_the_visible_check_warns_of_placeholder_messages_in_kind_sentences_without_the_key(placeholder, capsys):
    """The trainee learns before grading what the rubric's message rules will say: each hint one sentence."""
    hints = hints_shown(plan_of(STRONG, message=placeholder), capsys)
    assert hints[0].startswith("⚠ Chỉ ") and "tối đa 5/20 điểm" in hints[0]
    assert len(hints) >= 2 and all(one_kind_sentence(hint) for hint in hints), hints
    assert "Hãy viết lại thông điệp “" in hints[1] and "(giai đoạn Hoạch định chủ trương, xác định vấn đề)" in hints[1]
    shown = " ".join(hints)
    for right in STAGE_MESSAGES.values():  # the messages that would fit are not given away
        assert right not in shown
    rubric = load_rubric("capstone")
    assert not [cue for stage in rubric.messages.stages.values() for cue in stage.any if f"“{cue}”" in shown]


def test_the_visible_check_of_a_good_plan_gives_no_hint_and_its_score_is_the_graders(capsys):
    assert hints_shown(plan_of(STRONG), capsys) == []
    assert score_plan(plan_of(STRONG)).points == 20


def test_messages_copied_from_the_scenario_get_at_most_a_quarter():
    scenario = load_rubric("capstone").messages.scenario_text
    sentences = [s.strip() + "." for s in scenario.split(".") if s.strip()]
    plan = CommunicationPlan("Kế hoạch thử")
    for index, (stage, channel, audience) in enumerate(STRONG):
        plan.add(stage, channel, audience, message=sentences[index % len(sentences)], timing="Tháng 6")
    assert score_plan(plan).points == 5


def test_one_message_copied_to_every_activity_gets_at_most_a_quarter():
    result = score_plan(plan_of(STRONG, message="Hộ gia đình vùng sạt lở được hỗ trợ di dời, hãy đăng ký tại xã"))
    assert result.points == 5 and "Chỉ 1 trong 12 hoạt động" in result.feedback()


def test_half_the_activities_with_real_messages_is_enough_and_channels_of_one_row_are_one_activity():
    plan = CommunicationPlan("Kế hoạch thử")
    for index, (stage, channel, audience) in enumerate(STRONG):
        text = f"Thông điệp riêng số {index} cho nhóm {audience}" if index % 2 == 0 else "x"
        plan.add(stage, channel, audience, message=text, timing="Tháng 6")
    assert score_plan(plan).points == 20  # 8 of 15 activities


def test_the_channels_of_one_row_are_one_activity_for_the_message_rule():
    from policycomm.forms.reading import plan_of as rows_to_plan
    from policycomm.grading.rubric import _real_messages

    row = {"stage": "implementation", "audience": "elderly_rural", "channels": ["commune_radio", "village_meeting"],
           "message": "Hộ vùng sạt lở đăng ký hỗ trợ di dời tại xã", "timing": "Quý IV", "cost": None}
    plan = rows_to_plan([row, {**row, "audience": "ethnic_mountain"}])
    assert len(plan.activities) == 4
    assert _real_messages(plan, load_rubric("capstone").messages) == (1, 2)  # the second row repeats the first


def test_missing_messages_and_unsuited_channels_cost_half_a_point_each():
    plan = plan_of(STRONG)
    plan.add("evaluation", "press", "journalists")  # unsuited, no message, no timing
    result = points(score_plan(plan))
    assert (result["channel_fit"], result["messages_and_timings"]) == (1.5, 1.0)


def test_the_scenario_budget_and_indicative_costs_count_not_the_trainees():
    plan = plan_of(STRONG, budget=10_000, audiences=["youth"])
    plan.add("implementation", "television", "affected_groups", message="Phóng sự", timing="Quý IV", cost=0)
    result = points(score_plan(plan))
    assert result["within_budget"] == 0


def test_a_plan_that_hides_its_findings_is_refused():
    class Quiet(CommunicationPlan):
        def check(self):
            return []

    quiet = Quiet("Kế hoạch")
    quiet.add("agenda", "survey", "affected_groups", message="Khảo sát", timing="Quý I")
    with pytest.raises(CheckFailed, match="CommunicationPlan"):
        score_plan(quiet)


@pytest.mark.parametrize("answer", [..., None, ["survey"], "kế hoạch"])
def test_a_blank_or_wrong_answer_is_a_kind_check_failure(answer):
    with pytest.raises(CheckFailed) as failure:
        score_plan(answer)
    assert failure.value.message.endswith(".")
    assert "Traceback" not in failure.value.message


def test_the_visible_check_reads_the_form_and_gives_hints_not_points(capsys):
    assert check_plan(plan_of(STRONG[:3])) is None
    shown = capsys.readouterr().out
    assert "Kế hoạch có 3 hoạt động" in shown and "Gợi ý tự kiểm tra" in shown
    with pytest.raises(CheckFailed, match="Bạn chưa trả lời"):
        check_plan(CommunicationPlan("Trống"))


def test_the_graded_check_prints_feedback_and_returns_the_points(capsys):
    assert check_plan(plan_of(STRONG), rubric="capstone") == 20.0
    assert "Tổng: 20/20 điểm." in capsys.readouterr().out


# ---------------------------------------------------------------- broken rubrics

GOOD = """\
id: test
title: {vi: "Thử", en: "Test"}
scenario:
  budget: 50
  audiences: [youth]
criteria:
  - id: evaluation
    points: 2
    title: {vi: "Có đánh giá", en: "Evaluation"}
    advice: {vi: "Thêm đánh giá.", en: "Add evaluation."}
    findings: [no_evaluation]
"""


def write(tmp_path, text):
    path = tmp_path / "rubric.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_rubric_file_of_ones_own_is_used(tmp_path):
    rubric = load_rubric(write(tmp_path, GOOD))
    plan = plan_of([("evaluation", "survey", "youth")])
    assert score_plan(plan, rubric).points == 2


@pytest.mark.parametrize("old, new, message", [
    ("points: 2", "points: -1", r"rubric.yaml:8: entry 'evaluation', field 'points': Input should be greater than 0"),
    ("findings: [no_evaluation]", "findings: [no_evaluaton]",
     r"rubric.yaml:7: entry 'evaluation', field 'findings': unknown finding code 'no_evaluaton'"),
    ("findings: [no_evaluation]", "property: stages_covered\n    findings: [no_evaluation]",
     r"rubric.yaml:7: entry 'evaluation', field '\(entry\)'.*either 'findings'"),
    ("budget: 50", "budget: lots", r"rubric.yaml:4: field 'scenario.budget'"),
    ("audiences: [youth]", "audiences: [yuoth]", r"rubric.yaml:4: field 'scenario.audiences': unknown id 'yuoth'"),
    ("    advice:", "    advise:", r"rubric.yaml:10: entry 'evaluation', field 'advise': Extra inputs"),
    ("criteria:\n", "criteria:\n" + GOOD.split("criteria:\n")[1], r"rubric.yaml:12: entry 'evaluation', field 'id': appears twice"),
    ("audiences: [youth]", "audiences: [youth", r"rubric.yaml:\d+: not valid YAML"),
])
def test_a_broken_rubric_names_file_line_and_field(tmp_path, old, new, message):
    with pytest.raises(RubricError, match=message):
        load_rubric(write(tmp_path, GOOD.replace(old, new, 1)))


def test_a_missing_rubric_says_where_rubrics_live():
    with pytest.raises(RubricError, match="rubric file not found; rubrics live in"):
        load_rubric("khong_co")


def test_the_visible_check_tells_a_list_from_a_blank_answer():
    with pytest.raises(CheckFailed, match="CommunicationPlan"):
        check_plan(["survey", "commune_radio"])
    with pytest.raises(CheckFailed, match="Bạn chưa trả lời"):
        check_plan(...)


def test_a_wrong_id_in_a_notebook_is_one_vietnamese_sentence(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    from policycomm.model.plan import PlanError

    shell = InteractiveShell.instance()
    try:
        shell.run_cell("from policycomm.grading.rubric import install_plan_errors\n"
                       "from policycomm.model.plan import CommunicationPlan\ninstall_plan_errors()")
        result = shell.run_cell('CommunicationPlan("x").add("implementation", "comune_radio", "youth")')
        out = capsys.readouterr()
        shown = out.out + out.err
        assert isinstance(result.error_in_exec, PlanError)
        assert "✗ Hoạt động 1: không có kênh “comune_radio”. Có phải bạn muốn viết “commune_radio”?" in shown
        assert "Traceback" not in shown and "Activity 1" not in shown
    finally:
        InteractiveShell.clear_instance()
