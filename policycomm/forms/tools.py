"""Practice tools: pick or write, click "Xem kết quả", read the result in plain Vietnamese.

Each tool is a box of inputs, a button and an ``Output`` widget (``tool.output``)
that receives text lines only: names from the knowledge base, scores written
the Vietnamese way, and the reasons of the model's findings marked ✔ (good),
⚠ (to improve) or ✗ (a problem). A slip (a number that is not one, nothing
chosen) shows one kind sentence; nothing is saved and nothing is graded.

>>> tool = assess_tool()
>>> tool.stage.value, tool.audience.value = "implementation", "elderly_rural"
>>> tool.pick["commune_radio"].value = True
>>> tool.button.click()
>>> print(tool.text())  # doctest: +ELLIPSIS
Điểm của lựa chọn: 0,... trên thang 1.
✔ ...
"""
from __future__ import annotations

import html

import ipywidgets as w

from policycomm.messages import CodedError, Finding, get_language, message

from .answers import _dropdown, _entries, parse_number, with_static_copy

__all__ = ["recommend_tool", "assess_tool", "message_tool", "airtime_tool", "budget_tool", "Tool", "MARKS"]

#: the mark in front of a finding, by severity
MARKS = {"ok": "✔", "info": "⚠", "warning": "⚠", "error": "✗"}


def _number_text(value: float, digits: int = 2) -> str:
    """``0.62`` as the current language writes it (``0,62`` in Vietnamese)."""
    text = f"{round(value, digits):g}"
    return text.replace(".", ",") if get_language() == "vi" else text


def _share(value: float) -> str:
    return f"{_number_text(value * 100, 0)}%"


def finding_lines(findings: list[Finding]) -> list[str]:
    """One line per finding: its mark and its sentence in the current language."""
    return [f"{MARKS.get(f.severity, '•')} {f}" for f in findings]


class Tool(w.VBox):
    """Inputs, a "Xem kết quả" button and an output area; :meth:`compute` returns the lines to show."""

    def __init__(self, inputs: list):
        self.button = w.Button(description=message("tool_show"), button_style="primary", icon="play")
        self.button.on_click(lambda _: self.show())
        self.output = w.Output()
        super().__init__([*inputs, self.button, self.output],
                         layout=w.Layout(border="1px solid #ccc", padding="8px", margin="6px 0"))
        self.add_class("policycomm-tool")

    def show(self) -> None:
        """Compute and show the result; a slip or a failure shows one kind sentence."""
        try:
            lines = self.compute()
        except CodedError as error:  # includes TraineeInputError: says what to do
            lines = [str(error)]
        except Exception:  # never a traceback in front of a trainee
            lines = [message("tool_failed")]
        self.output.outputs = ()
        self.output.append_stdout("\n".join(lines) + "\n")

    def _repr_mimebundle_(self, **kwargs):
        """The live tool, plus a sentence for pages that cannot run widgets (the feedback page)."""
        return with_static_copy(super()._repr_mimebundle_(**kwargs),
                                f"<p><i>{html.escape(message('tool_offline'))}</i></p>")

    def text(self) -> str:
        """What the output area shows, as text."""
        return "".join(o.get("text", "") for o in self.output.outputs).rstrip("\n")

    def compute(self) -> list[str]:  # pragma: no cover - every tool defines it
        raise NotImplementedError


def _labelled(code: str, widget: w.Widget) -> w.HBox:
    return w.HBox([w.Label(message(code), layout=w.Layout(width="14em")), widget])


def _checkboxes(pairs, columns: int = 3) -> tuple[dict, w.GridBox]:
    boxes = {key: w.Checkbox(description=name, value=False, indent=False) for key, name in pairs}
    return boxes, w.GridBox(list(boxes.values()),
                            layout=w.Layout(grid_template_columns=f"repeat({columns}, 1fr)", width="100%"))


class _StageAudience(Tool):
    """A tool that starts with a stage and an audience drop-down."""

    def __init__(self, extra: list):
        self.stage = _dropdown(_entries("stage"))
        self.audience = _dropdown(_entries("audience"))
        super().__init__([_labelled("tool_stage", self.stage), _labelled("tool_audience", self.audience), *extra])

    def chosen(self) -> tuple[str, str]:
        if not (self.stage.value and self.audience.value):
            raise CodedError("tool_pick_stage_audience")
        return self.stage.value, self.audience.value


class _Recommend(_StageAudience):
    def __init__(self):
        super().__init__([])

    def compute(self):
        from policycomm.model.choose import recommend

        lang = get_language()
        lines = []
        for rank, item in enumerate(recommend(*self.chosen(), top=5), 1):
            lines.append(message("tool_recommend_line", rank=rank, channel=item.name.vi if lang == "vi" else item.name.en,
                                 score=_number_text(item.score), cost=_number_text(item.cost)))
            lines += [f"   • {reason.text}" for reason in item.reasons]
        return lines


def recommend_tool() -> Tool:
    """Pick a stage and an audience: the five best channels, each with its score, cost and reasons.

    >>> tool = recommend_tool()
    >>> tool.stage.value, tool.audience.value = "adoption", "journalists"
    >>> tool.button.click(); tool.text().splitlines()[0]  # doctest: +ELLIPSIS
    '1. Họp báo: 0,... điểm, chi phí khoảng ... triệu đồng'
    """
    return _Recommend()


class _Assess(_StageAudience):
    def __init__(self):
        self.pick, grid = _checkboxes(_entries("channel"))
        super().__init__([grid])

    def compute(self):
        from policycomm.model.choose import assess_choice

        result = assess_choice(*self.chosen(), [k for k, box in self.pick.items() if box.value])
        return [message("tool_assess_score", score=_number_text(result.score)), *finding_lines(result.findings)]


def assess_tool() -> Tool:
    """Pick a stage, an audience and channels: the choice's score, then ✔/⚠/✗ lines with their reasons."""
    return _Assess()


class _Message(Tool):
    def __init__(self):
        self.box = w.Textarea(rows=6, layout=w.Layout(width="100%"))
        super().__init__([self.box])

    def compute(self):
        from policycomm.text import check_message

        if not self.box.value.strip():
            return [message("tool_write_text")]
        return finding_lines(check_message(self.box.value))


def message_tool() -> Tool:
    """Write a policy message: what :func:`policycomm.text.check_message` finds, one line each.

    >>> tool = message_tool()
    >>> tool.box.value = "Từ ngày 01/7/2025, học sinh được miễn học phí để gia đình bớt gánh nặng. Hãy liên hệ nhà trường."
    >>> tool.button.click(); tool.text()[:1]
    '✔'
    """
    return _Message()


def _positive(widget: w.Text, code: str) -> float:
    try:
        value = parse_number(widget.value)
    except ValueError:
        value = None
    if value is None or value <= 0:
        raise CodedError("tool_bad_number", field=(message(code, "vi").rstrip(":"), message(code, "en").rstrip(":")))
    return value


class _Airtime(Tool):
    def __init__(self, slot: float, words_per_minute: float):
        self.box = w.Textarea(rows=6, layout=w.Layout(width="100%"))
        self.slot = w.Text(value=_number_text(slot), layout=w.Layout(width="8em"))
        self.speed = w.Text(value=_number_text(words_per_minute), layout=w.Layout(width="8em"))
        super().__init__([self.box, _labelled("tool_slot", self.slot), _labelled("tool_speed", self.speed)])

    def compute(self):
        from policycomm.model.radio import check_airtime

        if not self.box.value.strip():
            return [message("tool_write_text")]
        return finding_lines(check_airtime(self.box.value, _positive(self.slot, "tool_slot"),
                                           _positive(self.speed, "tool_speed")))


def airtime_tool(slot: float = 90, words_per_minute: float = 160) -> Tool:
    """Write a radio news item and give the slot: whether it fits (the reading speed is an assumption, A1).

    >>> tool = airtime_tool(slot=5)
    >>> tool.box.value = "Từ ngày 01/7, người dân có thể nộp hồ sơ tại Ủy ban nhân dân xã."
    >>> tool.button.click(); tool.text()[:1]
    '✗'
    """
    return _Airtime(slot, words_per_minute)


class _Budget(Tool):
    def __init__(self, budget: float):
        self.stage = _dropdown(_entries("stage"))
        self.pick, grid = _checkboxes(_entries("audience"))
        self.budget = w.Text(value=_number_text(budget), layout=w.Layout(width="8em"))
        super().__init__([_labelled("tool_stage", self.stage), w.Label(message("tool_audience")), grid,
                          _labelled("tool_budget", self.budget)])

    def compute(self):
        from policycomm.model.lookup import audience, channel
        from policycomm.model.optimize import optimize_mix

        chosen = [k for k, box in self.pick.items() if box.value]
        if not (self.stage.value and chosen):
            return [message("tool_pick_audiences")]
        budget = _positive(self.budget, "tool_budget")
        mix = optimize_mix(chosen, budget, self.stage.value)
        lang = get_language()
        if not mix.channels:
            return [message("tool_budget_nothing", budget=_number_text(budget))]
        names = ", ".join(channel(c).name.get(lang) for c in mix.channels)
        lines = [message("tool_budget_mix", channels=names, cost=_number_text(mix.cost), budget=_number_text(budget))]
        lines += [message("tool_budget_coverage", audience=audience(a).name.get(lang), share=_share(v))
                  for a, v in mix.coverage.items()]
        return lines


def budget_tool(budget: float = 20) -> Tool:
    """Pick a stage, audiences and a budget: the channel mix that reaches them best (:func:`policycomm.optimize_mix`).

    >>> tool = budget_tool()
    >>> tool.stage.value = "implementation"; tool.pick["youth"].value = True
    >>> tool.budget.value = "abc"; tool.button.click(); tool.text()
    'Ô “Ngân sách (triệu đồng)” cần một số dương, ví dụ 30 hoặc 1,5.'
    """
    return _Budget(budget)
