"""Answer widgets (ipywidgets) that question types build: ``widget``, ``get()``, ``set(response)``, ``observe``.

``get()`` returns the response as a plain JSON value, or None when nothing is
answered; ``set(response)`` shows a recorded response again and silently
ignores values that do not fit.
"""
from __future__ import annotations

import html
from typing import Any, Callable

import ipywidgets as w

from ...messages import message


class AnswerInput:
    """Base: ``widget`` is what is shown, ``parts`` the widgets whose value is the answer."""

    widget: Any
    parts: list

    def get(self) -> Any:
        raise NotImplementedError

    def set(self, response: Any) -> None:
        raise NotImplementedError

    def observe(self, handler: Callable) -> None:
        for part in self.parts:
            part.observe(handler, names="value")


class RadioInput(AnswerInput):
    """One choice among ``options`` [(label, value)]."""

    def __init__(self, options: list):
        self.radio = w.RadioButtons(options=options, value=None, layout=w.Layout(width="auto"))
        self.widget, self.parts = self.radio, [self.radio]

    def get(self) -> Any:
        return self.radio.value

    def set(self, response: Any) -> None:
        if response in [value for _, value in self.radio.options]:
            self.radio.value = response


class CheckboxInput(AnswerInput):
    """Any number of ``options`` [(label, value)]; the response is the sorted list of chosen values."""

    def __init__(self, options: list):
        self.boxes = {value: w.Checkbox(value=False, description=label, indent=False, layout=w.Layout(width="auto"))
                      for label, value in options}
        self.widget, self.parts = w.VBox(list(self.boxes.values())), list(self.boxes.values())

    def get(self) -> Any:
        return sorted(value for value, box in self.boxes.items() if box.value) or None

    def set(self, response: Any) -> None:
        if isinstance(response, list):
            for value, box in self.boxes.items():
                box.value = value in response


class MatchingInput(AnswerInput):
    """One menu of ``choices`` per ``left`` item; the response is ``{left: right}``."""

    def __init__(self, left: list, choices: list):
        self.menus = {item: w.Dropdown(options=choices, value=None,
                                       layout=w.Layout(flex="1 1 0%", width="auto", min_width="0"))
                      for item in left}
        rows = [w.HBox([w.HTML(f"<b>{html.escape(item)}</b>&nbsp;→", layout=w.Layout(width="16em", flex="none")),
                        menu], layout=w.Layout(width="100%")) for item, menu in self.menus.items()]
        self.widget, self.parts = w.VBox(rows), list(self.menus.values())

    def get(self) -> Any:
        return {item: menu.value for item, menu in self.menus.items() if menu.value is not None} or None

    def set(self, response: Any) -> None:
        if isinstance(response, dict):
            for item, menu in self.menus.items():
                if response.get(item) in menu.options:
                    menu.value = response[item]


class TextInput(AnswerInput):
    """A text box (with the view's unit after it); an empty box is no answer.

    Text, not FloatText, for numbers too: Vietnamese writes "91,4", and an
    empty box must mean "no answer". ``parse`` turns the text into the
    response (default: the stripped text).
    """

    def __init__(self, view: dict, placeholder_code: str, parse: Callable[[str], Any] | None = None):
        self.parse = parse or (lambda text: text)
        self.text = w.Text(value="", placeholder=message(placeholder_code), layout=w.Layout(width="24em"))
        unit = [w.Label(view["unit"])] if view.get("unit") else []
        self.widget, self.parts = w.HBox([self.text, *unit]), [self.text]

    def get(self) -> Any:
        text = self.text.value.strip()
        return self.parse(text) if text else None

    def set(self, response: Any) -> None:
        if isinstance(response, (str, int, float)) and not isinstance(response, bool):
            self.text.value = str(response)
