"""Score a communication plan against a rubric written as data, with partial credit.

A rubric (``policycomm/data/rubrics/<name>.yaml``) fixes the scenario (budget,
audiences, stages) and lists criteria, each with points and either finding
codes of :meth:`policycomm.model.plan.CommunicationPlan.check` (full points when
none is found, or ``per_finding`` points lost for each) or a plan property
(points in proportion to what the plan covers). Points are rounded down to
the rubric's ``step``; a plan without activities earns nothing.

The plan is graded on plain data copied from the trainee's plan, with the
scenario's budget and audiences and the channels' indicative costs, so
neither a changed budget nor an overridden method changes the score.

In the capstone's test cell the plan is the trainee's saved plan form,
``plan = forms.plan_of(forms.answer("m09-ke-hoach"), budget=..., audiences=...)``:
``check_plan(plan, hints="capstone")`` checks its form and gives the rubric's hints on its messages, without
points (the visible check), and ``check_plan(plan, rubric="capstone")`` (hidden) prints the feedback per
criterion and returns the points. nbgrader 0.9's
``utils.determine_grade`` takes a number shown as a test cell's result as
partial credit (0 on an error or any stderr output; a number above the
cell's points stops autograde), so the whole rubric is one graded cell whose
points equal the rubric's total, and the criteria stay data a lecturer edits.

The capstone's scenario (its province, budget and the group hard to reach) varies by trainee: the
rubric is read with the variant of the trainee this kernel works for (:func:`load_rubric`); here the
reference variant (:data:`~policycomm.model.variants.REFERENCE`).

>>> from policycomm.model.plan import CommunicationPlan
>>> from policycomm.model.variants import REFERENCE
>>> plan = CommunicationPlan("Kế hoạch thử")
>>> plan.add("evaluation", "survey", "affected_groups", message="Khảo sát sau 3 tháng", timing="Tháng 9")
>>> result = score_plan(plan, load_rubric("capstone", REFERENCE))
>>> result.points, result.max_points
(3.0, 20.0)
>>> print(result.criteria[2].feedback)
✔ Có hoạt động đánh giá: 2/2 điểm.
>>> print(result.criteria[7].feedback)
◐ Trong ngân sách: 0/2 điểm. Tiêu chí này được tính khi kế hoạch có ít nhất 6 hoạt động (hiện có 1).
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Literal

from ..messages import get_language, message
from ..model.rules import REQUIREMENTS

RUBRIC_DIR = Path(__file__).resolve().parent.parent / "data" / "rubrics"

#: plan properties a criterion may score; each gives the share of what the scenario asks for
PROPERTIES = REQUIREMENTS


class RubricError(ValueError):
    """A rubric file is broken; the message names the file, the line and the field to fix."""


# ---------------------------------------------------------------- the rubric as data

def _models():
    """The pydantic models of a rubric file (pydantic is imported only when a rubric is read)."""
    from pydantic import Field, model_validator

    from ..model.schema import Strict, Text, Varied

    class Scenario(Strict):
        locality: str | None = Field(default=None, description="the (invented) province the scenario is set in")
        budget: float = Field(gt=0, description="million VND")
        audiences: list[str] = Field(min_length=1, description="audience ids the plan must reach")
        stages: list[str] | None = Field(default=None, description="stage ids the plan must cover")

    class Criterion(Strict):
        id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
        points: float = Field(gt=0)
        title: Text
        advice: Text = Field(description="what to do when the criterion is not met in full")
        findings: list[str] = Field(default_factory=list, description="finding codes of CommunicationPlan.check()")
        per_finding: float | None = Field(default=None, gt=0, description="points lost per finding; default all")
        property: Literal[PROPERTIES] | None = None  # type: ignore[valid-type]
        min_activities: int = Field(default=1, ge=1, description="fewer activities earn nothing here")

        @model_validator(mode="after")
        def _one_kind(self):
            if bool(self.findings) == (self.property is not None):
                raise ValueError("give either 'findings' (a list of finding codes) or 'property', not both or neither")
            return self

    class StageMessage(Strict):
        need: Text = Field(description="what a message at this stage says (shown when it does not)")
        any: list[str] = Field(min_length=1, description="phrases, one of which a fitting message contains")

    class Messages(Strict):
        min_words: int = Field(default=3, ge=1, description="a shorter message is a placeholder")
        stages: dict[str, StageMessage] = Field(default_factory=dict, description="stage id -> what its messages say")
        placeholders: list[str] = Field(default_factory=list, description="texts that are not messages")
        scenario_text: str = Field(default="", description="the scenario the trainee reads: a copy is no message")
        min_share: float = Field(default=0.5, gt=0, le=1)
        cap: float = Field(default=0.25, ge=0, le=1)

    class Header(Varied):
        id: str
        title: Text
        module: str | None = Field(default=None, description="the course module (seeds the trainees' variants)")
        step: float = Field(default=0.5, gt=0, description="points are rounded down to a multiple of this")
        scenario: Scenario
        messages: Messages | None = None

    return Scenario, Criterion, Header


@dataclass(frozen=True)
class Rubric:
    """A validated rubric: where it was read from, its scenario and its criteria."""

    path: Path
    id: str
    title: object
    step: float
    scenario: object
    criteria: tuple
    messages: object = None  # what counts as a message of an activity (the capstone's `messages`)
    variant: dict = field(default_factory=dict, hash=False, compare=False)  # {parameter: value} that filled it

    @property
    def max_points(self) -> float:
        return float(sum(c.points for c in self.criteria))


def rubric_path(name: str | os.PathLike, folder: Path = RUBRIC_DIR) -> Path:
    """The file of a rubric given by name (``"capstone"``, looked up in ``folder``) or path.

    >>> rubric_path("capstone").name
    'capstone.yaml'
    """
    text = str(name)
    if text.endswith((".yaml", ".yml")) or os.sep in text:
        return Path(text)
    return folder / f"{text}.yaml"


def load_rubric(name: str | os.PathLike = "capstone", trainee: str | None = None) -> Rubric:
    """Read and validate a rubric, filled with ``trainee``'s variant of its scenario (its ``variants``,
    :mod:`policycomm.model.variants`; by default the trainee this kernel works for,
    :func:`~policycomm.model.variants.trainee_id`); a broken one raises :class:`RubricError` naming file,
    line and field."""
    path = rubric_path(name)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise RubricError(f"{path}: rubric file not found; rubrics live in {RUBRIC_DIR}") from None
    raw, parameters = read_rubric_file(path, stamp)
    return _load(path, stamp, trainee_choice(parameters, str(raw.get("module") or ""), path.stem, trainee))


@lru_cache(maxsize=64)
def read_rubric_file(path: Path, _stamp: int) -> tuple[dict, dict]:
    """A rubric file as data and the parameters of its ``variants`` ({name: values}); every placeholder is
    checked, none filled yet. A file that cannot be read, or a wrong placeholder, raises :class:`RubricError`."""
    from ..model.variants import undefined
    from ..yamlfile import LINE_KEY, YamlFileError, read_yaml, strip_lines

    try:
        raw = read_yaml(path)
    except YamlFileError as exc:
        raise RubricError(str(exc)) from None
    if not isinstance(raw, dict):
        raise RubricError(f"{path}: a rubric is a mapping with 'id', 'title', 'scenario' and 'criteria'")
    parameters = raw.get("variants") if isinstance(raw.get("variants"), dict) else {}
    parameters = {k: v for k, v in strip_lines(parameters).items() if isinstance(v, list) and v}
    where = f"{path}:{raw.get(LINE_KEY, 1)}: field"
    problems = [f"{where} {p}" for key, value in raw.items() if key != "variants"
                for p in undefined(strip_lines(value), parameters, key)]
    if problems:
        raise RubricError("\n".join(problems))
    return raw, parameters


def trainee_choice(parameters: dict, assignment: str, exercise: str, trainee: str | None = None) -> tuple[int, ...]:
    """The index of ``trainee``'s value of each parameter (by default the trainee this kernel works for)."""
    from ..model.variants import pick, trainee_id

    trainee = trainee_id() if trainee is None else trainee
    return tuple(pick(len(values), assignment, trainee, exercise, name) for name, values in parameters.items())


def filled(raw: dict, parameters: dict, choice: tuple[int, ...]) -> tuple[dict, dict]:
    """(``raw`` with its placeholders filled, {parameter: value}) for the values at the indices ``choice``."""
    from ..model.variants import fill_all

    values = {name: options[n] for (name, options), n in zip(parameters.items(), choice)}
    return {key: value if key == "variants" else fill_all(value, values) for key, value in raw.items()}, values


@lru_cache(maxsize=64)
def _load(path: Path, stamp: int, choice: tuple[int, ...]) -> Rubric:
    from ..messages import catalogue
    from ..model.knowledge import knowledge
    from ..yamlfile import LINE_KEY, validate, validate_list

    raw, values = filled(*read_rubric_file(path, stamp), choice)
    Scenario, Criterion, Header = _models()
    top = {k: v for k, v in raw.items() if k != "criteria"}
    header, problems = validate(Header, top, path)
    if problems:
        raise RubricError("\n".join(map(str, problems)))
    criteria, problems = validate_list(Criterion, raw, "criteria", path)
    if problems:
        raise RubricError("\n".join(map(str, problems)))

    kb, problems = knowledge(), []
    for field, ids, table in (("scenario.audiences", header.scenario.audiences, kb.audiences),
                              ("scenario.stages", header.scenario.stages or [], kb.stages),
                              ("messages.stages", list(header.messages.stages) if header.messages else [], kb.stages)):
        for unknown in [i for i in ids if i not in table]:
            line = (raw["scenario"] or {}).get(LINE_KEY, "?")
            problems.append(f"{path}:{line}: field '{field}': unknown id {unknown!r}; known: {', '.join(table)}")
    seen = set()
    for item, criterion in zip(raw["criteria"], criteria):
        line = item.get(LINE_KEY, "?")
        if criterion.id in seen:
            problems.append(f"{path}:{line}: entry {criterion.id!r}, field 'id': appears twice; ids must be unique")
        seen.add(criterion.id)
        for code in criterion.findings:
            if code not in catalogue():
                problems.append(f"{path}:{line}: entry {criterion.id!r}, field 'findings': unknown finding code "
                                f"{code!r}; use the codes of CommunicationPlan.check() (see policycomm/messages/model.yaml)")
    if not criteria:
        problems.append(f"{path}:{raw.get(LINE_KEY, '?')}: field 'criteria': a rubric needs at least one criterion")
    if problems:
        raise RubricError("\n".join(problems))
    return Rubric(path, header.id, header.title, header.step, header.scenario, tuple(criteria), header.messages,
                  values)


# ---------------------------------------------------------------- the trainee's plan as plain data

def _fail(code: str, **fields):
    from .checks import CheckFailed, install_notebook_handler

    install_notebook_handler()
    raise CheckFailed(code, **fields)


def install_plan_errors() -> bool:
    """In IPython, show a wrong id in ``plan.add(...)`` as one kind sentence, like the checks' failures.

    The course's one notebook hook, :func:`policycomm.grading.checks.install_notebook_handler`;
    does nothing outside IPython (returns ``False``).

    >>> install_plan_errors()
    False
    """
    from .checks import install_notebook_handler

    return install_notebook_handler()


def _plain_plan(plan, scenario):
    """A fresh plan with the scenario's budget, audiences and stages and the trainee's activities as plain data."""
    from ..model.plan import Activity, CommunicationPlan, PlanError

    if plan is None or plan is Ellipsis:
        _fail("check_blank")
    if type(plan) is not CommunicationPlan:
        _fail("rubric_not_a_plan")
    fresh = CommunicationPlan("bài làm", budget=scenario.budget, audiences=list(scenario.audiences),
                              stages=list(scenario.stages) if scenario.stages else None)
    for index, activity in enumerate(list(plan.activities), 1):
        if type(activity) is not Activity:
            _fail("rubric_activity_not_added", index=index)
        fields = [activity.stage, activity.channel, activity.audience, activity.message, activity.timing]
        if any(type(value) is not str for value in fields):
            _fail("rubric_activity_not_text", index=index)
        try:
            fresh.add(*fields)  # the channel's indicative cost, whatever cost the trainee wrote
        except PlanError as exc:
            _fail(exc.code, **exc.fields)
    return fresh


# ---------------------------------------------------------------- plan properties

def _property(name: str, plan) -> tuple[float, list[str]]:
    """(share of what the scenario asks for that the plan does, names of what is missing).

    The rules are those of the plan's own check (:func:`policycomm.model.rules.plan_gaps`).
    """
    from ..model.knowledge import knowledge
    from ..model.rules import plan_gaps

    kb = knowledge()
    gap = plan_gaps(plan.activities, plan.stages, plan.audiences)[name]
    table = kb.stages if name in ("stages_covered", "two_way_consultation") else kb.audiences
    return gap.share, [table[i].name.get(get_language()) for i in gap.missing]


# ---------------------------------------------------------------- scoring

@dataclass(frozen=True)
class CriterionScore:
    """Points earned on one criterion, and the feedback line (in the language of the moment)."""

    id: str
    title: str
    points: float
    max_points: float
    feedback: str


@dataclass(frozen=True)
class PlanScore:
    """The score of a plan: total points, maximum, one :class:`CriterionScore` per criterion."""

    rubric: str
    points: float
    max_points: float
    criteria: tuple

    def feedback(self) -> str:
        """The feedback a trainee reads: one line per criterion, then the total."""
        lines = [c.feedback for c in self.criteria]
        return "\n".join(lines + [message("rubric_total", points=self.points, max_points=self.max_points)])


def _round_down(value: float, step: float) -> float:
    return round(math.floor(value / step + 1e-9) * step, 6)


def _listing(items: list[str], limit: int = 5) -> str:
    shown = "; ".join(items[:limit])
    return shown + (message("rubric_and_more", count=len(items) - limit) if len(items) > limit else "")


def _score_criterion(criterion, plan, findings, step: float) -> CriterionScore:
    lang = get_language()
    title = criterion.title.get(lang)
    advice = criterion.advice.get(lang)
    if len(plan.activities) < criterion.min_activities:
        earned, advice = 0.0, ""
        detail = message("rubric_too_few_activities", count=criterion.min_activities, have=len(plan.activities))
    elif criterion.property is not None:
        share, missing = _property(criterion.property, plan)
        earned = _round_down(criterion.points * share, step)
        detail = message("rubric_still_missing", items=_listing(missing)) if missing else ""
    else:
        found = [f for f in findings if f.code in criterion.findings]
        lost = criterion.points if criterion.per_finding is None else criterion.per_finding * len(found)
        earned = criterion.points if not found else _round_down(max(0.0, criterion.points - lost), step)
        detail = _listing([str(f).rstrip(".") for f in found]) + "." if found else ""
    mark = "✔" if earned == criterion.points else "◐"
    text = message("rubric_criterion", mark=mark, title=title, earned=earned, points=criterion.points)
    if earned < criterion.points:
        text = " ".join(part for part in (text, detail, advice) if part)
    return CriterionScore(criterion.id, title, earned, float(criterion.points), text)


def score_plan(plan, rubric: str | os.PathLike | Rubric = "capstone") -> PlanScore:
    """Score ``plan`` (a :class:`~policycomm.model.plan.CommunicationPlan`) against ``rubric``.

    A missing or malformed plan raises :class:`~policycomm.grading.checks.CheckFailed`
    with a Vietnamese sentence saying what to do.
    """
    rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    fresh = _plain_plan(plan, rubric.scenario)
    if not fresh.activities:
        empty = message("rubric_no_activities")
        lang = get_language()
        scores = tuple(CriterionScore(c.id, c.title.get(lang), 0.0, float(c.points), message(
            "rubric_criterion", mark="◐", title=c.title.get(lang), earned=0, points=c.points))
            for c in rubric.criteria)
        scores = (CriterionScore("no_activities", empty, 0.0, 0.0, empty),) + scores
        return PlanScore(rubric.id, 0.0, rubric.max_points, scores)
    findings = fresh.check()
    scores = tuple(_score_criterion(c, fresh, findings, rubric.step) for c in rubric.criteria)
    points = round(sum(s.points for s in scores), 6)
    if rubric.messages is not None:
        real, units, cap = _message_cap(fresh, rubric)
        if cap is not None:
            note = message("rubric_placeholder_messages", real=real, count=units, cap=cap)
            scores = (CriterionScore("placeholder_messages", note, 0.0, 0.0, note),) + scores
            points = min(points, cap)
        scores += tuple(CriterionScore("message_stage", note, 0.0, 0.0, note)
                        for note in _stage_notes(fresh, rubric.messages))
    return PlanScore(rubric.id, points, rubric.max_points, scores)


def _message_cap(plan, rubric: Rubric) -> tuple[int, int, float | None]:
    """(activities with a real message, activities, the points the plan is capped at or None) under ``rubric``."""
    real, units = _real_messages(plan, rubric.messages)
    capped = real < rubric.messages.min_share * units
    return real, units, _round_down(rubric.messages.cap * rubric.max_points, rubric.step) if capped else None


def message_hints(plan, rubric: str | os.PathLike | Rubric = "capstone") -> list[str]:
    """What ``rubric``'s message rules say of ``plan``, as hints without points: one kind sentence each.

    Too few real messages (the cap of the score, said as a warning) and messages that do not say what their
    stage needs; nothing for a plan whose messages are all right, or for a rubric without message rules.
    """
    rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    if rubric.messages is None or not plan.activities:
        return []
    real, units, cap = _message_cap(plan, rubric)
    hints = [message("rubric_placeholder_hint", real=real, count=units, cap=cap, max_points=rubric.max_points)
             ] if cap is not None else []
    return hints + _stage_notes(plan, rubric.messages)


def _stage_notes(plan, rules, limit: int = 5) -> list[str]:
    """Feedback (no points) on the messages that do not say what their stage needs (``messages.stages``)."""
    from ..model.knowledge import knowledge
    from .writing import _cue_pattern

    lang, stages, notes, seen = get_language(), knowledge().stages, [], set()
    for activity in plan.activities:
        rule, text = rules.stages.get(activity.stage), (activity.message or "").strip()
        if rule is None or not text or (activity.stage, text) in seen:
            continue
        seen.add((activity.stage, text))
        if not _cue_pattern(rule.any).on(True).search(_normalized(text)):
            notes.append(message("rubric_message_stage", message=text, stage=stages[activity.stage].name.get(lang),
                                 need=rule.need.get(lang)))
    return notes[:limit]


def _normalized(text: str) -> str:
    from ..text import normalize_vi

    return normalize_vi(text)


def _real_messages(plan, rules) -> tuple[int, int]:
    """(how many of the plan's activities have a real message, how many activities) for the capstone's cap.

    An activity here is one stage, audience and message (a row of the plan form with several channels is
    one); its message is real when it has at least ``min_words`` words, is none of the ``placeholders``,
    is not the message of an earlier activity, and is not copied from the scenario (as in a writing
    exercise: :mod:`policycomm.grading.writing`).
    """
    from .writing import _copied, _key, _source

    scenario = _source(rules.scenario_text)
    placeholders = {_key(text) for text in rules.placeholders}
    units = list(dict.fromkeys((a.stage, a.audience, _key(a.message or "")) for a in plan.activities))
    seen, real = set(), 0
    for _, _, words in units:
        if len(words) >= rules.min_words and words not in placeholders and words not in seen \
                and not _copied(words, scenario):
            real += 1
        seen.add(words)
    return real, len(units)


def check_plan(plan, rubric: str | os.PathLike | None = None, hints: str | os.PathLike | None = None):
    """The capstone's check: the form of a plan, or (with ``rubric``) its score.

    Without ``rubric``: the plan must be a ``CommunicationPlan`` with at least one
    activity; prints what the plan's own check finds and, with ``hints`` (a rubric),
    what that rubric says of its messages (:func:`message_hints`), to help improve it.
    With ``rubric``: prints the feedback per criterion and returns the points.

    >>> from policycomm.model.plan import CommunicationPlan
    >>> check_plan(CommunicationPlan("Kế hoạch trống"))
    Traceback (most recent call last):
    policycomm.grading.checks.CheckFailed: Bạn chưa trả lời câu này: hãy chọn hoặc điền câu trả lời vào khung trả lời ở trên (câu trả lời được lưu ngay), rồi chạy lại ô này.
    """
    if rubric is not None:
        result = score_plan(plan, rubric)
        print(result.feedback())
        return result.points
    from ..model.plan import CommunicationPlan

    if isinstance(plan, CommunicationPlan) and not plan.activities:
        _fail("check_blank")
    own = SimpleNamespace(budget=getattr(plan, "budget", None), audiences=getattr(plan, "audiences", None) or [],
                          stages=getattr(plan, "stages", None))
    fresh = _plain_plan(plan, own)
    print(message("check_ok_form"))
    print(message("rubric_form_summary", count=len(fresh.activities), cost=fresh.total_cost()))
    notes = [str(f) for f in fresh.check() if f.severity != "ok"]
    notes += message_hints(fresh, hints) if hints is not None else []
    if notes:
        print(message("rubric_self_check"))
        for note in notes:
            print(f"  • {note}")
