"""One IPython hook (policycomm.grading.checks.install_notebook_handler) shows every slip as one kind sentence."""
from __future__ import annotations

import pytest

from policycomm.messages import TraineeInputError, set_language

CELLS = {
    "check": ('check_choice("E")', "✗ “E” không phải là một lựa chọn", "✗ “E” is not an option"),
    "plan": ('CommunicationPlan("x").add("implementation", "comune_radio", "youth")',
             "✗ Hoạt động 1: không có kênh “comune_radio”. Có phải bạn muốn viết “commune_radio”?",
             "✗ Activity 1: there is no channel “comune_radio”. Did you mean “commune_radio”?"),
    "lookup": ('recommend("implemention", "youth")', "✗ Không có giai đoạn “implemention”",
               "✗ There is no stage “implemention”"),
    "radio": ("reading_speed(120, 0)", "✗ Số giây đọc phải là một số dương", "✗ The reading time must be"),
    "name": ("check_choice(cau_9)", "✗ Chưa có “cau_9”", "✗ There is no “cau_9” yet"),
    "syntax": ('cau_1 = ["a", "b"', "✗ Phần lệnh của ô này đã bị sửa", "✗ The code of this cell was changed"),
}


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_cell("from policycomm.grading.checks import check_choice, install_notebook_handler\n"
                   "from policycomm.grading.rubric import install_plan_errors\n"
                   "from policycomm.model.plan import CommunicationPlan\n"
                   "from policycomm.model.choose import recommend\n"
                   "from policycomm.model.radio import reading_speed\n"
                   "install_notebook_handler()\ninstall_plan_errors()")
    yield shell
    InteractiveShell.clear_instance()
    set_language("vi")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("slip", list(CELLS))
def test_every_slip_is_one_sentence_in_the_language_of_the_moment(shell, capsys, lang, slip):
    capsys.readouterr()
    set_language(lang)
    cell, vi, en = CELLS[slip]
    result = shell.run_cell(cell)
    out = capsys.readouterr()
    shown = out.out + out.err
    assert not result.success  # nbgrader still sees the failure
    assert (vi if lang == "vi" else en) in shown
    assert (en if lang == "vi" else vi) not in shown
    assert "Traceback" not in shown and len(shown.strip().splitlines()) == 1, shown


def test_the_plan_hook_is_the_one_hook_and_keeps_every_kind_of_slip(shell):
    from policycomm.grading.checks import CheckFailed

    handled = shell.custom_exceptions
    assert TraineeInputError in handled and CheckFailed in handled
    assert NameError in handled and SyntaxError in handled
