"""Forms for notebooks: trainees answer by clicking, picking and writing, never by typing code.

Answer forms (one function per kind, each saving at once to
``policycomm_answers.json`` and restoring what was saved): :func:`single`,
:func:`multiple`, :func:`ordering`, :func:`stage`, :func:`audience`,
:func:`channels`, :func:`number`, :func:`text`, :func:`writing` and
:func:`plan`. Test cells read an answer with :func:`answer` and grade it with
:mod:`policycomm.grading.checks` (a plan: :func:`plan_of`, then
:func:`policycomm.grading.rubric.score_plan`).

In a source notebook the author writes each form's right answer with
:func:`key` in the hidden tests of the cell that grades it (removed from the release);
:func:`answer_key` reads those keys back for tests (:mod:`.keys`).

Practice tools (nothing saved, nothing graded): :func:`recommend_tool`,
:func:`assess_tool`, :func:`message_tool`, :func:`airtime_tool`,
:func:`budget_tool`.

In a notebook, the answer cell::

    from policycomm import forms
    forms.channels("m02-cau-4", prompt="Chọn các kênh phù hợp")

and the test cell::

    from policycomm import forms
    from policycomm.grading.checks import check_channels
    check_channels(forms.answer("m02-cau-4"))
    ### BEGIN HIDDEN TESTS
    check_channels(forms.answer("m02-cau-4"), required=["commune_radio"])
    ### END HIDDEN TESTS

A plan (modules 05, 08, 09): the answer cell ``forms.plan("m09-ke-hoach",
budget=50, audiences=["elderly_rural", "youth"])`` and the hidden test::

    from policycomm.grading.rubric import check_plan
    check_plan(forms.plan_of(forms.answer("m09-ke-hoach")), rubric="capstone")

>>> import tempfile
>>> from policycomm.grading.checks import check_channels
>>> folder = tempfile.mkdtemp()
>>> check_channels(answer("m02-cau-4", folder=folder))
Traceback (most recent call last):
policycomm.grading.checks.CheckFailed: Bạn chưa trả lời câu này: hãy chọn hoặc điền câu trả lời vào khung trả lời ở trên (câu trả lời được lưu ngay), rồi chạy lại ô này.
>>> form = channels("m02-cau-4", folder=folder)
>>> form.pick["commune_radio"].value = form.pick["village_meeting"].value = True
>>> check_channels(answer("m02-cau-4", folder=folder), required=["commune_radio"])
✔ Chính xác!
"""
from __future__ import annotations

from .._lazy import lazy_exports

#: public name -> module that defines it; ``answer`` and ``plan_of`` load no widget library
_LAZY = {
    **{name: "answers" for name in ("Form", "single", "multiple", "ordering", "stage", "audience", "channels",
                                    "number", "text", "writing", "plan")},
    **{name: "reading" for name in ("answer", "plan_of", "PLAN_COLUMNS")},
    **{name: "keys" for name in ("key", "answer_key", "write_answers")},
    **{name: "tools" for name in ("recommend_tool", "assess_tool", "message_tool", "airtime_tool", "budget_tool")},
    "crisis": "simulation",
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
