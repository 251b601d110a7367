"""The crisis simulation: a pure, deterministic engine (state + decision -> new state + events).

A *decision* is plain data, as the form saves it::

    {"step": "canh_bao", "message": "A", "channels": ["commune_radio", "door_to_door"],
     "audience": "affected_groups", "timing": "now"}

:func:`decide` checks it against the current step, moves the clock (the wait,
then the time the slowest channel takes), grows the rumour with the time
passed, applies the choices' effects (a channel that finishes after the
step's deadline has none) and goes to the next step by the scenario's rules.
:func:`replay` plays saved decisions again from the start and stops at the
first one that does not fit, so a play replays the same way in a notebook and
under ``nbgrader autograde``. :func:`score` grades the decisions of a replay
against each step's criteria; :func:`debrief` explains each criterion with its
sources. The measures are modelling assumptions (A1): they tell the story and
choose branches, never the grade.

>>> from policycomm.model.scenario import scenario
>>> s = scenario("sat_lo_dem")
>>> state = start(s)
>>> state.step, clock_text(state.clock)
('canh_bao', '21:30')
>>> state, events = decide(s, state, {"step": "canh_bao", "message": "A", "channels": ["commune_radio", "door_to_door"],
...                                   "audience": "affected_groups", "timing": "now"})
>>> state.step, clock_text(state.clock), state.warned
('tin_don', '23:20', 100.0)
>>> score(s, [d for d in state.decisions]).points
4.0
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..messages import Bilingual, CodedError, message
from .scenario import MEASURES, Criterion, Scenario, Step

__all__ = ["State", "Play", "Score", "InvalidDecision", "start", "decide", "replay", "score", "debrief",
           "clock_text", "decision_lines", "ending", "number_text"]


class InvalidDecision(CodedError):
    """A decision that does not fit the current step (a hand-edited answer, a play of another version)."""


@dataclass(frozen=True)
class State:
    """Where a play stands: the current step (None once it has ended), the clock, the measures, the decisions."""

    step: str | None
    clock: int  # minutes from the scenario's first midnight
    warned: float
    trust: float
    rumour: float
    decisions: tuple = ()

    @property
    def finished(self) -> bool:
        return self.step is None


def clock_text(minutes: int) -> str:
    """A clock time, with the day when it is not the first one.

    >>> clock_text(1290), clock_text(1890)
    ('21:30', '07:30 ngày thứ 2')
    """
    day, rest = divmod(minutes, 1440)
    text = f"{rest // 60:02d}:{rest % 60:02d}"
    return text if day == 0 else message("sim_clock_day", time=text, day=day + 1)


def number_text(value: float, lang: str = "vi") -> str:
    """A number of points as ``lang`` writes it.

    >>> number_text(3.5), number_text(3.5, "en"), number_text(12.0)
    ('3,5', '3.5', '12')
    """
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "vi" else text


def _clamp(value: float) -> float:
    return float(min(100.0, max(0.0, round(value, 6))))


def _moved(s: Scenario, state: State, to: int) -> State:
    """``state`` with the clock moved on to ``to``; a rumour that has started grows meanwhile."""
    hours = max(0, to - state.clock) / 60
    rumour = _clamp(state.rumour + s.rumour_per_hour * hours) if state.rumour > 0 else state.rumour
    return replace(state, clock=max(state.clock, to), rumour=rumour)


def _added(state: State, effects: dict, factor: dict | None = None) -> State:
    factor = factor or {}
    return replace(state, **{m: _clamp(getattr(state, m) + v * factor.get(m, 1.0)) for m, v in effects.items()})


def _entered(s: Scenario, state: State, step_id: str | None) -> State:
    """``state`` at the start of step ``step_id`` (its time, its effects), or at the end of the play."""
    state = replace(state, step=step_id)
    if step_id is None:
        return state
    step = s.step(step_id)
    if step.at:
        state = _moved(s, state, s.clock_at(step.at))
    return _added(state, step.enter)


def start(s: Scenario) -> State:
    """The state before the first decision."""
    state = State(None, s.clock_at(s.start), *(float(s.start_state.get(m, 0)) for m in MEASURES))
    return _entered(s, state, s.first_step)


def _checked(s: Scenario, step: Step, decision: Any) -> dict:
    """``decision`` as plain data if it fits ``step``; else :class:`InvalidDecision`."""
    if not isinstance(decision, dict) or decision.get("step") != step.id:
        raise InvalidDecision("sim_bad_decision", step=(step.title.vi, step.title.en))
    channels = decision.get("channels")
    if not (isinstance(channels, list) and channels and all(isinstance(c, str) for c in channels)):
        raise InvalidDecision("sim_bad_decision", step=(step.title.vi, step.title.en))
    clean = {"step": step.id, "message": decision.get("message"), "channels": list(dict.fromkeys(channels)),
             "audience": decision.get("audience"), "timing": decision.get("timing")}
    if not (clean["message"] in step.messages and set(clean["channels"]) <= set(step.channels)
            and clean["audience"] in step.audiences and clean["timing"] in step.timings):
        raise InvalidDecision("sim_bad_decision", step=(step.title.vi, step.title.en))
    return clean


def decide(s: Scenario, state: State, decision: dict) -> tuple[State, list[Bilingual]]:
    """The state after ``decision`` at the current step, and what happened (sentences, in both languages)."""
    if state.finished:
        raise InvalidDecision("sim_finished")
    step = s.step(state.step)
    decision = _checked(s, step, decision)
    message_, audience = step.messages[decision["message"]], step.audiences[decision["audience"]]
    acting = s.timings[decision["timing"]].start(state.clock)
    uses = {c: step.channels[c] for c in decision["channels"]}
    done = acting + max(u.minutes for u in uses.values())
    before = state
    state = _moved(s, state, done)
    scale = {m: message_.scale.get(m, 1.0) * audience.scale.get(m, 1.0) for m in MEASURES}
    deadline = s.clock_at(step.deadline) if step.deadline else None
    events = [Bilingual.of("sim_acted", time=clock_text(acting))]
    for channel, use in uses.items():
        if deadline is not None and acting + use.minutes > deadline:
            events.append(Bilingual.of("sim_too_late", channel=_name(channel), time=clock_text(acting + use.minutes),
                                       deadline=clock_text(deadline)))
            continue
        state = _added(state, use.effects, scale)
        if use.says:
            events.append(Bilingual(f"sim_says_{channel}", use.says.vi, use.says.en))
    state = _added(_added(state, message_.effects), audience.effects)
    events += [Bilingual.of(f"sim_{m}_{'up' if getattr(state, m) > getattr(before, m) else 'down'}",
                            before=f"{getattr(before, m):.0f}", after=f"{getattr(state, m):.0f}")
               for m in MEASURES if round(getattr(state, m)) != round(getattr(before, m))]
    state = replace(state, decisions=(*state.decisions, decision))
    following = next((b.step for b in step.next if b.when is None or b.when.holds(state)), None)
    return _entered(s, state, following), events


def _name(channel_id: str) -> tuple[str, str]:
    from .lookup import channel

    name = channel(channel_id).name
    return name.vi, name.en


@dataclass(frozen=True)
class Play:
    """A replay: the states after each accepted decision (the first is the start), their events, and the
    problem that stopped the replay early (None when every decision fitted)."""

    states: list[State]
    events: list[list[Bilingual]]
    problem: InvalidDecision | None = None

    @property
    def final(self) -> State:
        return self.states[-1]

    @property
    def decisions(self) -> tuple:
        return self.final.decisions


def replay(s: Scenario, decisions: Any) -> Play:
    """Play ``decisions`` (a saved answer: a list of decisions, or None) from the start.

    >>> from policycomm.model.scenario import scenario
    >>> play = replay(scenario("sat_lo_dem"), [{"step": "canh_bao", "message": "Z"}])
    >>> len(play.decisions), play.problem.code
    (0, 'sim_bad_decision')
    """
    states, events = [start(s)], []
    if decisions is None:
        return Play(states, events)
    if not isinstance(decisions, list):
        return Play(states, events, InvalidDecision("sim_bad_answer"))
    for decision in decisions:
        try:
            state, happened = decide(s, states[-1], decision)
        except InvalidDecision as problem:
            return Play(states, events, problem)
        states.append(state)
        events.append(happened)
    return Play(states, events)


@dataclass(frozen=True)
class Score:
    """Points of a play, criterion by criterion: ``marks`` lists (step, decision, criterion, met)."""

    points: float
    max_points: float
    marks: list[tuple[Step, dict, Criterion, bool]] = field(default_factory=list)
    play: Play | None = None


def score(s: Scenario, decisions: Any) -> Score:
    """Grade saved ``decisions``: the points of every criterion met at the steps the replay reached.

    >>> from policycomm.model.scenario import scenario
    >>> score(scenario("sat_lo_dem"), None).points
    0.0
    """
    play = replay(s, decisions)
    marks = [(s.step(d["step"]), d, c, c.met(d)) for d in play.decisions for c in s.step(d["step"]).criteria]
    return Score(float(sum(c.points for _, _, c, ok in marks if ok)), s.max_points(), marks, play)


def ending(s: Scenario, state: State) -> Bilingual:
    """How the story ends for ``state``: the first ending whose condition holds."""
    found = next(e for e in s.endings if e.when is None or e.when.holds(state))
    return Bilingual("sim_ending", found.text.vi, found.text.en)


def decision_lines(s: Scenario, decision: dict, lang: str = "vi") -> list[str]:
    """A decision in words: the message, the channels, the audience and the timing, by their names."""
    from .lookup import audience, channel

    step = s.step(decision["step"])
    return [message("sim_chose_message", lang, text=step.messages[decision["message"]].text.get(lang)),
            message("sim_chose_channels", lang,
                    channels=", ".join(channel(c).name.get(lang) for c in decision["channels"])),
            message("sim_chose_audience", lang, audience=audience(decision["audience"]).name.get(lang)),
            message("sim_chose_timing", lang, timing=s.timings[decision["timing"]].name.get(lang))]


def _cited(claim, lang: str) -> str:
    """A claim as the debrief cites it: the article its text opens with (``Luật …, Điều 25 khoản 2 điểm c:``)
    and its source id, or the source id alone."""
    article, colon, _ = claim.claim.get(lang).partition(":")
    return f"{article} — {claim.source}" if colon and len(article) <= 80 else claim.source


def debrief(s: Scenario, decisions: Any, lang: str = "vi") -> list[str]:
    """Lines explaining every decision: what was chosen, then ✔/✗ for each criterion with its sources.

    >>> from policycomm.model.scenario import scenario
    >>> lines = debrief(scenario("sat_lo_dem"), [{"step": "canh_bao", "message": "C", "channels": ["press_conference"],
    ...                                          "audience": "journalists", "timing": "in_60"}])
    >>> print(lines[0]); print(lines[5])  # doctest: +ELLIPSIS
    Bước 1. Cảnh báo trong đêm (21:30) — 0/4 điểm
    ✗ Anh/chị chưa dùng loa truyền thanh xã, ... (Nguồn: Quyết định 18/2021/QĐ-TTg, Điều 60 khoản 3 — S61)
    """
    from .ledger import claims

    ledger = {c.id: c for c in claims()}
    result = score(s, decisions)
    lines: list[str] = []
    for decision, before in zip(result.play.decisions, result.play.states):
        step = s.step(decision["step"])
        marks = [(c, ok) for st, d, c, ok in result.marks if d is decision]
        earned = sum(c.points for c, ok in marks if ok)
        lines.append(message("sim_debrief_step", lang, title=step.title.get(lang), time=clock_text(before.clock),
                             points=number_text(earned, lang), max=number_text(step.max_points, lang)))
        lines += [f"  {line}" for line in decision_lines(s, decision, lang)]
        for criterion, ok in marks:
            sources = "; ".join(dict.fromkeys(_cited(ledger[c], lang) for c in criterion.claims))
            text = (criterion.right if ok else criterion.wrong).get(lang)
            lines.append(message("sim_debrief_line", lang, mark="✔" if ok else "✗", text=text, sources=sources))
    return lines
