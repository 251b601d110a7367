"""Quizzes inside notebooks, with ipywidgets: practice mode and graded mode.

Practice mode takes questions from the bank (by id) or as full bank entries;
after "Kiểm tra" it shows, computed in the kernel, whether the answer is
right, the chosen answers' feedback and the general feedback.

Graded mode takes only the *public view* of a question (text and options, see
:func:`public_view`): the notebook, the widget state and its HTML never hold
the key. Each change of an answer is saved at once to
``policycomm_answers.json`` beside the notebook (:mod:`policycomm.quiz.responses`);
the hidden test cell scores it with :func:`policycomm.quiz.responses.award`.
:func:`graded_cells` writes both cells for a bank question.

>>> box = show({"id": "m01-q09", "type": "truefalse", "text": "Báo chí là kênh cơ bản."}, mode="graded",
...            folder=__import__("tempfile").mkdtemp())
>>> type(box).__name__
'VBox'
"""
from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

import ipywidgets as w

from policycomm.quiz import responses

__all__ = ["show", "public_view", "graded_cells", "QuestionWidget"]

MODES = ("practice", "graded")
TRUE_FALSE_OPTIONS = [("Đúng", True), ("Sai", False)]
#: fields that give a question's answer away; graded mode refuses them
KEY_FIELDS = {"fraction", "feedback", "correct", "pairs", "feedback_true", "feedback_false", "value", "tolerance",
              "variants", "distractors", "accents_insensitive"}
PUBLIC_FIELDS = {"id", "type", "text", "title", "points", "answers", "left", "choices", "unit"}


def public_view(question) -> dict:
    """What a trainee may see of a bank question: id, type, text and options, never the key.

    Options keep the bank's order unless the question shuffles them; then they
    are shuffled the same way every time (seeded by the id). Matching choices
    are sorted, so their order says nothing about the pairs.

    >>> from policycomm.quiz.schema import question_adapter
    >>> q = question_adapter().validate_python({"id": "m01-q02", "module": "01", "type": "single",
    ...     "text": "Chọn một.", "feedback": "Vì…", "difficulty": "easy", "sources": ["S1"], "shuffle": False,
    ...     "answers": [{"id": "a", "text": "Một", "fraction": 100, "feedback": "Đúng."},
    ...                 {"id": "b", "text": "Hai", "feedback": "Sai."}]})
    >>> public_view(q)
    {'id': 'm01-q02', 'type': 'single', 'text': 'Chọn một.', 'points': 1.0, 'answers': [{'id': 'a', 'text': 'Một'}, {'id': 'b', 'text': 'Hai'}]}
    """
    view = {"id": question.id, "type": question.type, "text": question.text, "points": question.points}
    if question.type in ("single", "multiple"):
        answers = [{"id": c.id, "text": c.text} for c in question.answers]
        if question.shuffle:
            random.Random(question.id).shuffle(answers)
        view["answers"] = answers
    elif question.type == "matching":
        view["left"] = [pair.left for pair in question.pairs]
        view["choices"] = sorted(question.choices)
    elif question.type == "numerical" and question.unit:
        view["unit"] = question.unit
    return view


def graded_cells(question) -> tuple[str, str]:
    """Source of the two cells of a graded question: the widget cell and the grade (test) cell.

    The grade cell checks visibly that an answer was recorded; its hidden part,
    removed by ``nbgrader generate_assignment``, holds the key.
    """
    from policycomm.grading.hidden_tests import with_hidden
    from policycomm.quiz.responses import key_of

    show_cell = f"from policycomm.quiz import show\nshow({public_view(question)!r}, mode=\"graded\")"
    test_cell = with_hidden(f"from policycomm.quiz.responses import check_answered\ncheck_answered({question.id!r})",
                            f"from policycomm.quiz.responses import award\n"
                            f"award({question.id!r}, {key_of(question)!r}, points={question.points!r})")
    return show_cell, test_cell


@dataclass
class _View:
    """What the widgets display: the same for a bank question and a public view."""

    id: str
    type: str
    text: str
    points: float = 1.0
    options: list = field(default_factory=list)   # [(label, value)] for single/multiple
    left: list = field(default_factory=list)      # matching prompts
    choices: list = field(default_factory=list)   # matching right-hand items
    unit: str | None = None


_bank_cache: dict = {}


def _current_bank():
    """The question bank, loaded again only when a bank file changed (a notebook shows many questions)."""
    from policycomm.quiz.bank import default_folder, load_bank

    folder = default_folder()
    signature = (str(folder), tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.yaml"))))
    if _bank_cache.get("signature") != signature:
        _bank_cache.update(signature=signature, bank=load_bank(folder))
    return _bank_cache["bank"]


def _practice_question(item):
    """A full schema question for practice mode, from a bank id, a bank entry (dict) or a question."""
    if isinstance(item, str):
        bank = _current_bank()
        try:
            return bank[item]
        except KeyError:
            raise ValueError(f"no question {item!r} in the question bank (quizzes/*.yaml)") from None
    if isinstance(item, dict):
        from policycomm.quiz.schema import question_adapter

        return question_adapter().validate_python(item)
    return item


def _graded_view(item) -> _View:
    """A display view from a public view (dict); refuses anything that could carry the key."""
    if not isinstance(item, dict):
        raise TypeError(f"graded mode takes the public view of a question (a dict, see public_view()), "
                        f"not {type(item).__name__}: a bank id or bank question would put the key in the kernel")
    where = f"graded question {item.get('id', '?')!r}"
    leaked = (set(item) & KEY_FIELDS) | {k for a in item.get("answers", []) if isinstance(a, dict) for k in a
                                         if k not in ("id", "text")}
    if leaked:
        raise ValueError(f"{where}: fields {sorted(leaked)} would show the key to trainees; "
                         f"use public_view(question) and put the key in the hidden test")
    unknown = set(item) - PUBLIC_FIELDS
    missing = {"id", "type", "text"} - set(item)
    if unknown or missing:
        raise ValueError(f"{where}: " + "; ".join(filter(None, [
            f"unknown fields {sorted(unknown)}" if unknown else "",
            f"missing fields {sorted(missing)}" if missing else ""])))
    return _View(id=item["id"], type=item["type"], text=item["text"], points=float(item.get("points", 1.0)),
                 options=[(a["text"], a["id"]) for a in item.get("answers", [])],
                 left=list(item.get("left", [])), choices=list(item.get("choices", [])), unit=item.get("unit"))


def _practice_view(question) -> _View:
    public = public_view(question)
    return _View(id=question.id, type=question.type, text=question.text, points=question.points,
                 options=[(a["text"], a["id"]) for a in public.get("answers", [])],
                 left=public.get("left", []), choices=public.get("choices", []), unit=public.get("unit"))


def _markdown(text: str) -> str:
    import mistune

    return mistune.html(text)


class _Input:
    """The answer widget of one question: ``widget``, ``get()`` -> JSON response or None, ``set(response)``."""

    def __init__(self, view: _View):
        self.kind = view.type
        full = w.Layout(width="auto")
        if view.type in ("single", "truefalse"):
            options = TRUE_FALSE_OPTIONS if view.type == "truefalse" else view.options
            self.radio = w.RadioButtons(options=options, value=None, layout=full)
            self.widget, self.parts = self.radio, [self.radio]
        elif view.type == "multiple":
            self.boxes = {value: w.Checkbox(value=False, description=label, indent=False, layout=full)
                          for label, value in view.options}
            self.widget, self.parts = w.VBox(list(self.boxes.values())), list(self.boxes.values())
        elif view.type == "matching":
            self.menus = {left: w.Dropdown(options=view.choices, value=None,
                                           layout=w.Layout(flex="1 1 0%", width="auto", min_width="0"))
                          for left in view.left}
            rows = [w.HBox([w.HTML(f"<b>{html.escape(left)}</b>&nbsp;→", layout=w.Layout(width="16em", flex="none")),
                            menu], layout=w.Layout(width="100%")) for left, menu in self.menus.items()]
            self.widget, self.parts = w.VBox(rows), list(self.menus.values())
        elif view.type in ("short", "numerical"):
            # Text, not FloatText, for numbers too: Vietnamese writes "91,4", and an empty box is "no answer".
            placeholder = "Nhập một số" if view.type == "numerical" else "Nhập câu trả lời"
            self.text = w.Text(value="", placeholder=placeholder, layout=w.Layout(width="24em"))
            unit = [w.Label(view.unit)] if view.unit else []
            self.widget, self.parts = w.HBox([self.text, *unit]), [self.text]
        else:
            raise ValueError(f"question {view.id!r}: unknown type {view.type!r}")

    def get(self) -> Any:
        if self.kind in ("single", "truefalse"):
            return self.radio.value
        if self.kind == "multiple":
            chosen = sorted(value for value, box in self.boxes.items() if box.value)
            return chosen or None
        if self.kind == "matching":
            chosen = {left: menu.value for left, menu in self.menus.items() if menu.value is not None}
            return chosen or None
        text = self.text.value.strip()
        if not text:
            return None
        if self.kind == "numerical":
            from policycomm.quiz.scoring import parse_number

            number = parse_number(text)
            return number if number is not None else text
        return text

    def set(self, response: Any) -> None:
        """Show a recorded ``response`` again (silently ignores values that do not fit)."""
        if self.kind in ("single", "truefalse"):
            if response in [value for _, value in self.radio.options]:
                self.radio.value = response
        elif self.kind == "multiple" and isinstance(response, list):
            for value, box in self.boxes.items():
                box.value = value in response
        elif self.kind == "matching" and isinstance(response, dict):
            for left, menu in self.menus.items():
                if response.get(left) in menu.options:
                    menu.value = response[left]
        elif self.kind in ("short", "numerical") and isinstance(response, (str, int, float)):
            self.text.value = str(response)

    def observe(self, handler: Callable) -> None:
        for part in self.parts:
            part.observe(handler, names="value")


class QuestionWidget:
    """One question on screen: its text, the answer input and, by mode, a check button or a save status."""

    def __init__(self, view: _View, number: int | None, mode: str, question=None,
                 notebook: str | None = None, folder=None):
        self.view, self.mode, self.question = view, mode, question
        self.notebook, self.folder = notebook, folder
        heading = f"Câu {number} ({view.id})" if number else f"Câu {view.id}"
        points = f" – {view.points:g} điểm" if mode == "graded" else ""
        self.prompt = w.HTML(f"<div class='policycomm-question-text'><b>{heading}{points}.</b>"
                             f"{_markdown(view.text)}</div>")
        self.input = _Input(view)
        if mode == "practice":
            self.button = w.Button(description="Kiểm tra", button_style="primary", icon="check")
            self.button.on_click(lambda _: self.check())
            self.feedback = w.HTML("")
            self.feedback.add_class("policycomm-feedback")
            footer = [self.button, self.feedback]
        else:
            self.status = w.HTML("<i>Chọn đáp án: câu trả lời được lưu tự động.</i>")
            self.status.add_class("policycomm-status")
            recorded = responses.read_recorded(view.id, notebook, folder)
            if recorded.answered:
                self.input.set(recorded.response)
                self.status.value = "<i>Đã khôi phục câu trả lời đã lưu.</i>"
            self.input.observe(lambda _: self.save())
            footer = [self.status]
        self.box = w.VBox([self.prompt, self.input.widget, *footer],
                          layout=w.Layout(border="1px solid #ccc", padding="8px", margin="6px 0"))
        self.box.add_class("policycomm-question")
        self.box.add_class(f"policycomm-{mode}")

    def check(self) -> None:
        """Practice mode: show feedback for the current answer."""
        self.feedback.value = feedback_html(self.question, self.input.get())

    def save(self) -> None:
        """Graded mode: write the current answer to the answers file and say so (no hint of correctness)."""
        response = self.input.get()
        try:
            responses.record_answer(self.view.id, response, self.notebook, self.folder)
        except responses.SourceFolderError as error:
            self.status.value = f"<span style='color:#b00'>{html.escape(str(error))}</span>"
            return
        except OSError as error:
            self.status.value = ("<span style='color:#b00'>Không lưu được câu trả lời "
                                 f"({html.escape(error.strerror or str(error))}). Hãy lưu notebook và báo giảng viên.</span>")
            return
        saved = "Đã lưu câu trả lời" if response is not None else "Đã xoá câu trả lời (câu này đang để trống)"
        self.status.value = f"<span style='color:#060'>{saved} lúc {datetime.now():%H:%M:%S}.</span>"


def _verdict(fraction: float) -> str:
    if fraction >= 1:
        return "<b style='color:#060'>✔ Đúng.</b>"
    if fraction > 0:
        return f"<b style='color:#a60'>◐ Đúng một phần ({fraction:.0%}).</b>"
    return "<b style='color:#b00'>✘ Chưa đúng.</b> Hãy đọc gợi ý dưới đây rồi thử lại."


def _answer_feedback(question, response) -> list[str]:
    """The per-answer feedback that ``response`` calls for."""
    from policycomm.quiz import scoring

    kind = question.type
    if kind in ("single", "multiple"):
        chosen = [response] if kind == "single" else response
        return [f"<b>{html.escape(c.text)}</b>: {html.escape(c.feedback)}" for c in question.answers if c.id in chosen]
    if kind == "truefalse":
        return [html.escape(question.feedback_true if response else question.feedback_false)]
    if kind == "matching":
        right = sum(response.get(p.left) == p.right for p in question.pairs)
        return [f"Bạn ghép đúng {right}/{len(question.pairs)} cặp."]
    if kind == "short":
        answer = scoring.matching_answer(question, response)
        return [html.escape(answer.feedback)] if answer and answer.feedback else []
    number = scoring.parse_number(response)
    for answer in question.answers:
        if number is not None and abs(number - answer.value) <= answer.tolerance and answer.feedback:
            return [html.escape(answer.feedback)]
    return []


def feedback_html(question, response) -> str:
    """Practice feedback for ``response`` to a bank ``question``: verdict, per-answer and general feedback."""
    from policycomm.quiz.scoring import response_problem, score_response

    if response is None:
        return "<i>Bạn chưa trả lời. Hãy chọn (hoặc nhập) đáp án rồi bấm “Kiểm tra”.</i>"
    if question.type == "numerical" and response_problem(question, response):
        return "<i>Hãy nhập một số, ví dụ 91,4 hoặc 12.</i>"
    parts = [_verdict(score_response(question, response)), *_answer_feedback(question, response)]
    parts.append(f"<div class='policycomm-general-feedback'>{_markdown(question.feedback)}</div>")
    return "<div>" + "<br>".join(parts[:-1]) + parts[-1] + "</div>"


def show(questions, mode: str = "practice", notebook: str | None = None, folder=None) -> w.VBox:
    """Render one question or a list of questions; returns the widget (the notebook displays it).

    ``questions``: in practice mode bank ids (``"m02-q03"``), bank entries or
    schema questions; in graded mode public views (:func:`public_view`).
    ``notebook`` and ``folder`` say where graded answers are saved (default:
    the running notebook, the working directory).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    items = questions if isinstance(questions, (list, tuple)) else [questions]
    numbered = len(items) > 1
    widgets = []
    for number, item in enumerate(items, start=1):
        if mode == "practice":
            question = _practice_question(item)
            view = _practice_view(question)
        else:
            question, view = None, _graded_view(item)
        widgets.append(QuestionWidget(view, number if numbered else None, mode, question, notebook, folder))
    box = w.VBox([q.box for q in widgets])
    box.questions = widgets  # for tests and notebooks that want to reach one question
    return box
