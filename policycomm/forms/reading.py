"""Reading saved answers in test cells: plain data, and a plan made from saved plan rows.

This module needs no widget library, so a grading environment without
ipywidgets reads answers too.

>>> import tempfile
>>> from policycomm.quiz.responses import record_answer
>>> folder = tempfile.mkdtemp()
>>> record_answer("m05-cau-3", 12.5, folder=folder)
>>> answer("m05-cau-3", folder=folder)
12.5
"""
from __future__ import annotations

import os
from typing import Any

from policycomm.quiz import responses

__all__ = ["answer", "plan_of", "well_formed_rows", "PLAN_COLUMNS"]

#: the fields of one plan row, in the order the plan form shows them
PLAN_COLUMNS = ("stage", "audience", "channels", "message", "timing", "cost")


def answer(exercise_id: str, notebook: str | None = None, folder: str | os.PathLike | None = None) -> Any:
    """The saved answer to ``exercise_id`` as plain data (str, float, list of ids, list of plan rows), or None.

    None when nothing is saved or the answers file is missing or broken (never
    an exception), so the checks' "not answered yet" message applies.

    >>> answer("m00-nothing", folder=__import__("tempfile").mkdtemp()) is None
    True
    """
    return responses.read_recorded(exercise_id, notebook, folder).response


def well_formed_rows(rows) -> bool:
    """True when ``rows`` is a list of plan rows the plan form can show (dicts, channels a list, cost a number).

    An answers file edited by hand into another shape is restored blank by the
    form and read as no answer by :func:`plan_of`.

    >>> well_formed_rows([{"stage": "agenda", "channels": ["survey"], "cost": None}]), well_formed_rows([["survey"]])
    (True, False)
    """
    def well_formed(row) -> bool:
        cost = row.get("cost") if isinstance(row, dict) else None
        return (isinstance(row, dict) and isinstance(row.get("channels") or [], list)
                and (cost is None or type(cost) in (int, float)))

    return isinstance(rows, list) and all(map(well_formed, rows))


def plan_of(rows, name: str = "Kế hoạch", budget: float | None = None, audiences=(), stages=None):
    """A :class:`~policycomm.model.plan.CommunicationPlan` from saved plan rows: one activity per chosen channel.

    Activities take the channels' indicative costs (as the capstone rubric
    does); ``None`` or a malformed answer gives None, which the checks and
    :func:`policycomm.grading.rubric.score_plan` treat as "not answered".
    The plan is what the form shows: a row without a known stage and audience
    is left out (an unfinished row, or an id edited into the file by hand),
    and a channel id the form does not offer is not ticked.

    >>> rows = [{"stage": "evaluation", "audience": "affected_groups", "channels": ["survey"],
    ...          "message": "Khảo sát sau 3 tháng", "timing": "Tháng 9", "cost": None}]
    >>> from policycomm.grading.rubric import load_rubric, score_plan
    >>> score_plan(plan_of(rows), load_rubric("capstone", trainee="")).points
    3.0
    >>> plan_of(None) is None
    True
    >>> len(plan_of([{**rows[0], "channels": ["survey", "surway"]}, {**rows[0], "audience": "dan"}]).activities)
    1
    """
    from policycomm.model.knowledge import knowledge
    from policycomm.model.plan import CommunicationPlan

    if not well_formed_rows(rows):
        return None
    kb = knowledge()
    known = lambda value, table: isinstance(value, str) and value in table  # noqa: E731
    result = CommunicationPlan(name, budget=budget, audiences=list(audiences), stages=stages)
    for row in rows:
        if not (known(row.get("stage"), kb.stages) and known(row.get("audience"), kb.audiences)):
            continue
        for channel in row.get("channels") or ():
            if known(channel, kb.channels):
                result.add(row["stage"], channel, row["audience"], str(row.get("message") or ""),
                           str(row.get("timing") or ""))
    return result
