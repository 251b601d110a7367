"""The crisis simulation form: a branching scenario played with clicks, saved decision by decision.

At each step the form shows the clock, the three measures, the situation and
four pickers (what to say, on which channels, to whom, when); “Quyết định”
plays the decision with :func:`policycomm.model.simulation.decide`, shows what
happened and the next step, and saves the decisions taken so far to
``policycomm_answers.json``. A decision cannot be taken back. At the end the
form shows how the story ends and the debrief (each choice, ✔ or ✗, with its
sources). The trainee plays their own variant of the scenario (the commune,
the times, the figures, the rumour: :func:`policycomm.model.scenario.scenario`
for :func:`policycomm.model.variants.trainee_id`). Built again (a kernel
restart), the form replays the saved decisions and stands where the trainee left off. The static copy (pages
without widgets) lists the decisions and, once finished, the debrief.

>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> form = crisis("m07-cau-8", scenario="sat_lo_dem", folder=folder)
>>> form.play(message="A", channels=["commune_radio", "door_to_door"], audience="elderly_rural", timing="now")
>>> form.state.step, form.value[0]["channels"]
('tin_don', ['commune_radio', 'door_to_door'])
>>> crisis("m07-cau-8", scenario="sat_lo_dem", folder=folder).state.step   # built again: where it was
'tin_don'
"""
from __future__ import annotations

import html

import ipywidgets as w

from policycomm.messages import get_language, message

from .answers import _WIDE, Form, _entries

__all__ = ["crisis"]

#: lets long option texts wrap inside the radio buttons
_STYLE = ("<style>.policycomm-sim .widget-radio-box label{display:flex;flex-direction:row-reverse;"
          "justify-content:flex-end;align-items:flex-start;gap:6px;"
          "white-space:normal;height:auto;line-height:1.4;margin-bottom:6px}"
          ".policycomm-sim .widget-radio-box label input{flex:none;margin-top:3px}</style>")


def _lines_html(lines: list[str]) -> str:
    return "<br>".join(html.escape(line).replace("  ", "&nbsp;&nbsp;") for line in lines)


class _Crisis(Form):
    """A scenario played step by step; the answer is the list of decisions taken (None before the first)."""

    def __init__(self, exercise_id, scenario_id, prompt=None, notebook=None, folder=None):
        from policycomm.model import simulation
        from policycomm.model.scenario import scenario
        from policycomm.model.variants import trainee_id

        self.scenario = scenario(scenario_id, trainee_id())
        self.state = simulation.start(self.scenario)
        self.events: list = []
        lang = get_language()
        self.intro = w.HTML(f"{_STYLE}<b>{html.escape(self.scenario.title.get(lang))}</b>"
                            f"<p>{html.escape(self.scenario.intro.get(lang))}</p>")
        self.history = w.HTML("")
        self.now = w.HTML("")
        self.pickers = w.VBox()
        self.decide_button = w.Button(description=message("sim_decide"), button_style="primary", icon="check")
        self.decide_button.on_click(lambda _: self.decide())
        self.problem = w.HTML("")
        self.end = w.HTML("")
        self.panel = w.VBox([self.now, self.pickers, w.HBox([self.decide_button, self.problem])])
        super().__init__(exercise_id, w.VBox([self.intro, self.history, self.panel, self.end], layout=_WIDE),
                         prompt, notebook, folder)
        self.add_class("policycomm-sim")
        self._draw()

    def watch(self, widget) -> None:
        """Nothing to watch: the form saves when a decision is taken, not while the pickers change."""

    # ------------------------------------------------------------ playing

    def _draw(self) -> None:
        """Show the log of decisions, then the current step's pickers, or the end and the debrief."""
        from policycomm.model.simulation import clock_text, debrief, ending

        lang = get_language()
        self.history.value = self._log_html()
        if self.state.finished:
            self.panel.layout.display = "none"
            self.end.value = (f"<p><b>{html.escape(message('sim_the_end'))}</b> "
                              f"{html.escape(str(ending(self.scenario, self.state)))}</p>"
                              f"<p><b>{html.escape(message('sim_debrief_title'))}</b></p>"
                              f"<div>{_lines_html(debrief(self.scenario, list(self.state.decisions), lang))}</div>")
            return
        step = self.scenario.step(self.state.step)
        self.now.value = (f"<h4>{html.escape(step.title.get(lang))}</h4>"
                          f"<p><b>{html.escape(message('sim_clock', time=clock_text(self.state.clock)))}</b> · "
                          f"{html.escape(self._measures())}</p><p>{html.escape(step.situation.get(lang))}</p>")
        self.pick_message = w.RadioButtons(options=[(m.text.get(lang), k) for k, m in step.messages.items()],
                                           value=None, layout=_WIDE)
        channel_names = dict(_entries("channel", list(step.channels)))
        self.pick_channels = {c: w.Checkbox(description=channel_names[c], value=False, indent=False)
                              for c in step.channels}
        self.pick_audience = w.RadioButtons(
            options=[(name, key) for key, name in _entries("audience", list(step.audiences))], value=None, layout=_WIDE)
        self.pick_timing = w.RadioButtons(options=[(self.scenario.timings[t].name.get(lang), t) for t in step.timings],
                                          value=None, layout=_WIDE)
        label = lambda code: w.HTML(f"<b>{html.escape(message(code))}</b>")  # noqa: E731
        grid = w.GridBox(list(self.pick_channels.values()),
                         layout=w.Layout(grid_template_columns="repeat(2, 1fr)", width="100%"))
        self.pickers.children = [label("sim_pick_message"), self.pick_message, label("sim_pick_channels"), grid,
                                 label("sim_pick_audience"), self.pick_audience,
                                 label("sim_pick_timing"), self.pick_timing]
        self.problem.value = ""

    def _measures(self) -> str:
        from policycomm.model.scenario import MEASURES

        return message("sim_measures", **{m: f"{getattr(self.state, m):.0f}" for m in MEASURES})

    def _log_html(self) -> str:
        from policycomm.model.simulation import decision_lines

        lang = get_language()
        parts = []
        for decision, happened in zip(self.state.decisions, self.events):
            step = self.scenario.step(decision["step"])
            parts.append(f"<div style='border-left:3px solid #ccc;padding-left:8px;margin:6px 0'>"
                         f"<b>{html.escape(step.title.get(lang))}</b><br>"
                         f"{_lines_html(decision_lines(self.scenario, decision, lang))}<br>"
                         f"<i>{html.escape(message('sim_what_happened'))}</i><br>"
                         f"{_lines_html(['• ' + str(e) for e in happened])}</div>")
        return "".join(parts)

    def chosen(self) -> dict | None:
        """The decision on screen, or None while a part is missing."""
        channels = [c for c, box in self.pick_channels.items() if box.value]
        if None in (self.pick_message.value, self.pick_audience.value, self.pick_timing.value) or not channels:
            return None
        return {"step": self.state.step, "message": self.pick_message.value, "channels": channels,
                "audience": self.pick_audience.value, "timing": self.pick_timing.value}

    def decide(self) -> None:
        """Take the decision on screen (what “Quyết định” does): play it, save, show the next step."""
        from policycomm.model.simulation import decide

        decision = self.chosen()
        if decision is None:
            self.problem.value = f"<span style='color:#b00'>{html.escape(message('sim_incomplete'))}</span>"
            return
        self.state, happened = decide(self.scenario, self.state, decision)
        self.events.append(happened)
        self._draw()
        self.save()

    def play(self, message: str, channels: list[str], audience: str, timing: str) -> None:
        """Pick as a trainee clicks, then press “Quyết định” (for tests and demonstrations)."""
        self.pick_message.value = message
        for channel in channels:
            self.pick_channels[channel].value = True
        self.pick_audience.value, self.pick_timing.value = audience, timing
        self.decide_button.click()

    # ------------------------------------------------------------ the answer

    def get(self):
        return list(self.state.decisions) or None

    def set(self, response):
        from policycomm.model.simulation import replay

        play = replay(self.scenario, response)
        if not play.decisions:
            raise ValueError("no decision of the saved play fits the scenario")
        self.state, self.events = play.final, list(play.events)
        if hasattr(self, "pickers"):
            self._draw()

    def describe(self, value):
        from policycomm.model.simulation import debrief, decision_lines, ending, replay

        lang = get_language()
        play = replay(self.scenario, value)
        if not play.final.finished:
            lines = [message("sim_decisions_title")]
            for decision in play.decisions:
                lines.append(self.scenario.step(decision["step"]).title.get(lang))
                lines += [f"  {line}" for line in decision_lines(self.scenario, decision, lang)]
            return f"<div>{_lines_html(lines)}</div>"
        return (f"<div><p>{html.escape(str(ending(self.scenario, play.final)))}</p>"
                f"<p><b>{html.escape(message('sim_debrief_title'))}</b></p>"
                f"{_lines_html(debrief(self.scenario, list(play.decisions), lang))}</div>")


def crisis(exercise_id: str, scenario: str, prompt: str | None = None, notebook=None, folder=None) -> Form:
    """Play the crisis ``scenario`` (an id of ``crisis_scenarios.yaml``); saves the list of decisions taken.

    The test cell grades it with :func:`policycomm.grading.simulation.check_crisis_play`.
    """
    return _Crisis(exercise_id, scenario, prompt, notebook, folder)
