"""Communication plans and their checks.

A plan is a list of activities (stage, channel, audience, message, timing,
cost). :meth:`CommunicationPlan.check` returns findings with a severity, a
code and a message in Vietnamese and English.

>>> plan = CommunicationPlan("Chính sách hỗ trợ nhà ở", budget=2, audiences=["elderly_rural"])
>>> plan.add("implementation", "zalo_oa", "elderly_rural", message="Đăng ký trước 30/6", timing="Tháng 5")
>>> sorted({f.code for f in plan.check()})[:3]
['budget_exceeded', 'no_evaluation', 'offline_not_reached']
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..messages import Bilingual, Finding, TraineeInputError
from . import rules
from .knowledge import did_you_mean, kind_name, knowledge

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2, "ok": 3}


class PlanError(TraineeInputError):
    """An activity names a stage, channel or audience that does not exist, or a bad cost."""


@dataclass
class Activity:
    """One activity of a plan. ``cost`` defaults to the channel's indicative unit cost (million VND)."""

    stage: str
    channel: str
    audience: str
    message: str = ""
    timing: str = ""
    cost: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _known(table: dict, value: str, kind: str, index: int) -> str:
    if value in table:
        return value
    if not index:  # the plan's own audiences and stages
        raise PlanError("unknown_id", kind=kind_name(kind), value=value, hint=did_you_mean(value, table),
                        known=", ".join(table))
    raise PlanError("plan_unknown_id", index=index, kind=kind_name(kind), value=value,
                    hint=did_you_mean(value, table), known=", ".join(table))


@dataclass
class CommunicationPlan:
    """A communication plan: a name, a budget (million VND), target audiences and activities.

    ``stages`` are the stages the plan must cover (default: the six stages of
    the cycle, not the crisis overlay); a missing evaluation stage is an error.
    """

    name: str
    budget: float | None = None
    audiences: list[str] = field(default_factory=list)
    stages: list[str] | None = None
    activities: list[Activity] = field(default_factory=list)

    def __post_init__(self) -> None:
        kb = knowledge()
        for aud in self.audiences:
            _known(kb.audiences, aud, "audience", 0)
        if self.stages is None:
            self.stages = [s.id for s in kb.stages.values() if not s.overlay]
        for st in self.stages:
            _known(kb.stages, st, "stage", 0)
        activities, self.activities = list(self.activities), []
        for act in activities:
            self.add(**(act.to_dict() if isinstance(act, Activity) else dict(act)))

    def add(self, stage: str, channel: str, audience: str, message: str = "",
            timing: str = "", cost: float | None = None) -> None:
        """Add an activity; unknown ids raise :class:`PlanError` with a suggestion."""
        kb = knowledge()
        index = len(self.activities) + 1
        _known(kb.stages, stage, "stage", index)
        _known(kb.channels, channel, "channel", index)
        _known(kb.audiences, audience, "audience", index)
        if cost is not None and (not isinstance(cost, (int, float)) or isinstance(cost, bool) or cost < 0):
            raise PlanError("plan_bad_cost", index=index, cost=cost)
        self.activities.append(Activity(stage, channel, audience, str(message or ""), str(timing or ""), cost))

    def cost_of(self, activity: Activity) -> float:
        return knowledge().channel(activity.channel).unit_cost if activity.cost is None else float(activity.cost)

    def total_cost(self) -> float:
        """Total cost in million VND."""
        return round(sum(self.cost_of(a) for a in self.activities), 6)

    def table(self) -> list[dict]:
        """The activities as plain rows, with their cost filled in."""
        return [{**a.to_dict(), "cost": self.cost_of(a)} for a in self.activities]

    def to_frame(self):
        """The activities as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.table(), columns=["stage", "channel", "audience", "message", "timing", "cost"])

    def check(self) -> list[Finding]:
        """Check the plan; findings sorted by severity (errors first)."""
        kb = knowledge()
        acts = self.activities
        findings: list[Finding] = []

        def add(severity: str, code: str, **fields) -> None:
            findings.append(Finding(severity, code, Bilingual.of(code, **fields)))

        def names(obj) -> tuple[str, str]:
            return obj.name.vi, obj.name.en

        if not acts:
            add("error", "no_activities")
            return findings
        audiences = list(dict.fromkeys(self.audiences + [a.audience for a in acts]))
        gaps = rules.plan_gaps(acts, self.stages, audiences)
        for st_id in self.stages:
            st = kb.stage(st_id)
            if st_id in gaps["stages_covered"].missing:
                if st_id == rules.EVALUATION_STAGE:
                    add("error", "no_evaluation")
                else:
                    add("warning", "stage_not_covered", stage=names(st))
            elif st_id in gaps["two_way_consultation"].missing:
                add("error", "no_two_way_consultation", stage=names(st))
        if self.budget is not None and self.total_cost() > self.budget:
            add("error", "budget_exceeded", total=self.total_cost(), budget=float(self.budget))
        for aud_id in audiences:
            aud = kb.audience(aud_id)
            if aud_id in gaps["audiences_reached"].missing:
                add("warning", "audience_missing", audience=names(aud))
                continue
            if aud_id in gaps["offline_reached"].missing:
                add("warning", "offline_not_reached", audience=names(aud))
            if aud_id in gaps["ethnic_language"].missing:
                add("warning", "no_ethnic_language", audience=names(aud))
        for index, act in enumerate(acts, 1):
            if not rules.suits_stage(act.stage, act.channel):
                add("warning", "channel_unsuited", index=index, channel=names(kb.channel(act.channel)),
                    stage=names(kb.stage(act.stage)))
            if not act.message.strip():
                add("info", "message_missing", index=index)
            if not act.timing.strip():
                add("info", "timing_missing", index=index)
        findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
        return findings
