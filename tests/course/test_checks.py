"""The feedback checks: kind messages, strict answers, Vietnamese spellings, notebook display."""
from __future__ import annotations

import unicodedata

import pytest
from traitlets.config.loader import PyFileConfigLoader

from course_cases import ASSIGNMENTS, COURSE
from policycomm.grading import checks
from policycomm.grading.checks import CheckFailed


def failure(check, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as caught:
        check(*args, **kwargs)
    assert isinstance(caught.value, AssertionError)
    return str(caught.value)


@pytest.mark.parametrize("blank", [..., None, "", "   ", [], ()])
@pytest.mark.parametrize("check", [checks.check_choice, checks.check_text, checks.check_channels,
                                   checks.check_number, checks.check_ranking, checks.check_plan_row])
def test_a_blank_answer_gets_the_same_kind_message_from_every_check(check, blank):
    args = (blank, "ABC") if check is checks.check_ranking else (blank,)
    assert failure(check, *args) == checks.BLANK


@pytest.mark.parametrize("spelling", [
    "Gửi thông cáo đến toà soạn",                                    # new-style tone placement
    unicodedata.normalize("NFD", "Gửi thông cáo đến tòa soạn"),      # macOS / Windows keyboard
    "  GỬI   THÔNG CÁO ĐẾN TÒA SOẠN. ",                              # capitals, spaces, full stop
])
def test_text_answers_match_across_unicode_forms_tone_placement_and_case(spelling, capsys):
    checks.check_text(spelling, accepted=["gửi thông cáo đến tòa soạn"])
    assert "✔" in capsys.readouterr().out


def test_accents_count_unless_the_question_says_otherwise():
    assert failure(checks.check_text, "gui thong cao", accepted=["gửi thông cáo"]).startswith("Chưa đúng")
    checks.check_text("gui thong cao", accepted=["gửi thông cáo"], accents=False)


def test_a_mistyped_id_gets_the_closest_id_suggested():
    assert "“oral_propaganda”" in failure(checks.check_channels, ["oral_propoganda"])
    assert "“implementation”" in failure(checks.check_id, "implementaton", kind="stage")
    assert "bảng mã" in failure(checks.check_channels, ["xyz"])


class AlwaysEqualStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0

    def strip(self):
        return self

    def upper(self):
        return self


@pytest.mark.parametrize("cheat", [AlwaysEqualStr("A"), AlwaysEqual(), [AlwaysEqualStr("sms")], True, 1.0])
def test_objects_that_claim_to_equal_anything_are_refused(cheat):
    for check, kwargs in ((checks.check_choice, {"expected": "B"}),
                          (checks.check_channels, {"expected": ["commune_radio"]}),
                          (checks.check_text, {"accepted": ["B"]})):
        with pytest.raises(CheckFailed):
            check(cheat, **kwargs)


def test_numbers_must_be_numbers_and_bools_are_not_numbers():
    assert "chỉ con số" in failure(checks.check_number, "15", expected=15)
    failure(checks.check_number, True, expected=1)
    checks.check_number(15.0, expected=15)


def test_the_hint_is_shown_only_when_the_graded_answer_is_wrong(capsys):
    message = failure(checks.check_choice, "A", expected="B", hint="Gợi ý: đọc lại mục 1.")
    assert message.endswith("Gợi ý: đọc lại mục 1.") and "B" not in message.replace("Gợi ý", "")
    checks.check_choice("B", expected="B", hint="Gợi ý: đọc lại mục 1.")
    assert "Gợi ý" not in capsys.readouterr().out


def test_plan_row_is_graded_with_the_channel_model():
    row = {"stage": "implementation", "audience": "ethnic_mountain", "channels": ["press_release"],
           "message": "Từ 01/7, ...", "timing": "tháng 6"}
    checks.check_plan_row(row)  # right form
    assert failure(checks.check_plan_row, row, min_fit=0.6).startswith("Các kênh đã chọn chưa hợp")
    good = dict(row, channels=["ethnic_radio", "oral_propaganda", "commune_radio"])
    checks.check_plan_row(good, stage="implementation", min_fit=0.6)


def test_in_ipython_a_failure_shows_one_kind_line_and_still_counts_as_an_error(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        shell.run_cell("from policycomm.grading.checks import check_choice")
        result = shell.run_cell('check_choice("E")')
        out = capsys.readouterr()
        assert isinstance(result.error_in_exec, CheckFailed)
        assert "✗ “E” không phải là một lựa chọn" in out.out + out.err
        assert "Traceback" not in out.out + out.err

        result = shell.run_cell("check_choice(cau_9)")
        out = capsys.readouterr()
        assert isinstance(result.error_in_exec, NameError)
        assert "Chưa có “cau_9”" in out.out + out.err and "Traceback" not in out.out + out.err
    finally:
        InteractiveShell.clear_instance()


def test_the_course_config_keeps_every_trainees_answers_file():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()
    excluded = config.Autograde.exclude_overwriting
    assert set(ASSIGNMENTS) <= set(excluded)
    assert all(files == ["policycomm_answers.json"] for files in excluded.values())
    assert config.CourseDirectory.course_id == "policycomm"
    stub = config.ClearSolutions.code_stub["python"]
    assert stub.startswith("#") and "\n" not in stub, "a form's cell keeps only a comment where its key was"


def test_a_library_slip_is_shown_as_one_kind_sentence():
    from policycomm.grading.checks import _kind_text
    from policycomm.messages import TraineeInputError
    from policycomm.model.plan import PlanError
    from policycomm.model.radio import reading_speed

    with pytest.raises(TraineeInputError) as err:
        reading_speed(120, 0)
    assert _kind_text(err.type, err.value) == f"✗ {err.value}"
    assert issubclass(PlanError, TraineeInputError) and issubclass(TraineeInputError, ValueError)
