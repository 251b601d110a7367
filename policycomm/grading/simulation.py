"""The check of a crisis simulation played in a form: the decisions saved, replayed and graded.

The answer is what :func:`policycomm.forms.crisis` saves: the list of
decisions taken. The visible check (a trainee can run it) says how many steps
were decided; the hidden one (``graded=True``) replays the decisions the same
way, prints the debrief and returns the points earned, which nbgrader takes
as the cell's partial credit. It needs no widget library, so it runs under
``nbgrader autograde``. Both replay the trainee's own variant of the scenario
(:func:`policycomm.model.variants.trainee_id`: the trainee ``policycomm grade``
names, or the student folder ``nbgrader autograde`` runs in), as the form did.

In the course, the test cell (``points`` = the scenario's total)::

    from policycomm import forms
    from policycomm.grading.simulation import check_crisis_play
    check_crisis_play(forms.answer("m07-cau-8"), scenario="sat_lo_dem")
    ### BEGIN HIDDEN TESTS
    check_crisis_play(forms.answer("m07-cau-8"), scenario="sat_lo_dem", graded=True)
    ### END HIDDEN TESTS

>>> play = [{"step": "canh_bao", "message": "A", "channels": ["commune_radio"], "audience": "elderly_rural",
...          "timing": "now"}]
>>> check_crisis_play(play, scenario="sat_lo_dem")
Anh/chị mới quyết định 1/4 bước: hãy chạy ô mô phỏng ở trên và quyết định tiếp đến hết; các bước đã làm vẫn được tính.
>>> check_crisis_play(None, scenario="sat_lo_dem")
Traceback (most recent call last):
policycomm.grading.checks.CheckFailed: Bạn chưa trả lời câu này: hãy chọn hoặc điền câu trả lời vào khung trả lời ở trên (câu trả lời được lưu ngay), rồi chạy lại ô này.
>>> check_crisis_play(play, scenario="sat_lo_dem", graded=True)  # doctest: +ELLIPSIS
Rút kinh nghiệm: ...
Điểm phần mô phỏng: 3/12.
3.0
"""
from __future__ import annotations

from typing import Any

from ..messages import get_language, message
from .checks import _fail

__all__ = ["check_crisis_play"]


def check_crisis_play(answer: Any, scenario: str, graded: bool = False) -> float | None:
    """Check a saved play of ``scenario``; with ``graded``, print the debrief and return the points.

    A blank answer, or one whose first decision cannot be read, fails
    (:class:`~policycomm.grading.checks.CheckFailed`, 0 points). An unfinished
    play passes with a sentence asking to go on; its decisions still count.
    """
    from ..model.scenario import scenario as load
    from ..model.simulation import debrief, number_text, score
    from ..model.variants import trainee_id

    s = load(scenario, trainee_id())
    if answer is None or answer == []:
        _fail("check_blank")
    result = score(s, answer)
    play = result.play
    if not play.decisions:
        _fail(play.problem.code if play.problem else "check_blank", **(play.problem.fields if play.problem else {}))
    done, total = len(play.decisions), len(s.paths()[0])
    if play.problem is not None:
        print(f"⚠ {play.problem}")
    if not graded:
        print(message("sim_check_received" if play.final.finished else "sim_check_unfinished", done=done, total=total))
        return None
    print(message("sim_debrief_title"))
    print("\n".join(debrief(s, answer, get_language())))
    lang = get_language()
    print(message("sim_points", points=number_text(result.points, lang), max=number_text(result.max_points, lang)))
    return result.points
