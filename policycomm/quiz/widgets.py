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
from datetime import datetime

import ipywidgets as w

from policycomm.messages import message
from policycomm.quiz import responses
from policycomm.quiz.types import UnknownType, question_type, registered

__all__ = ["show", "public_view", "graded_cells", "QuestionWidget"]

MODES = ("practice", "graded")
#: fields that give a question's answer away; graded mode refuses them
KEY_FIELDS = {"fraction", "feedback", "correct", "pairs", "feedback_true", "feedback_false", "value", "tolerance",
              "variants", "distractors", "accents_insensitive"}
#: fields of every public view; each type adds its own (``QuestionType.public_fields``)
COMMON_PUBLIC_FIELDS = {"id", "type", "text", "title", "points"}


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
    return view | question_type(question).public_view(question)


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


def _graded_view(item) -> dict:
    """A checked public view (dict); refuses anything that could carry the key."""
    if not isinstance(item, dict):
        raise TypeError(f"graded mode takes the public view of a question (a dict, see public_view()), "
                        f"not {type(item).__name__}: a bank id or bank question would put the key in the kernel")
    where = f"graded question {item.get('id', '?')!r}"
    leaked = (set(item) & KEY_FIELDS) | {k for a in item.get("answers", []) if isinstance(a, dict) for k in a
                                         if k not in ("id", "text")}
    if leaked:
        raise ValueError(f"{where}: fields {sorted(leaked)} would show the key to trainees; "
                         f"use public_view(question) and put the key in the hidden test")
    missing = {"id", "type", "text"} - set(item)
    try:
        allowed = COMMON_PUBLIC_FIELDS | question_type(item).public_fields
    except UnknownType:
        if missing:
            raise ValueError(f"{where}: missing fields {sorted(missing)}") from None
        names = ", ".join(qtype.name for qtype in registered())
        raise ValueError(f"{where}: unknown type {item.get('type')!r} (one of {names})") from None
    unknown = set(item) - allowed
    if unknown or missing:
        raise ValueError(f"{where}: " + "; ".join(filter(None, [
            f"unknown fields {sorted(unknown)}" if unknown else "",
            f"missing fields {sorted(missing)}" if missing else ""])))
    return {**item, "points": float(item.get("points", 1.0))}


def _practice_view(question) -> dict:
    return public_view(question)


def _markdown(text: str) -> str:
    import mistune

    return mistune.html(text)


class QuestionWidget:
    """One question on screen: its text, the answer input and, by mode, a check button or a save status."""

    def __init__(self, view: dict, number: int | None, mode: str, question=None,
                 notebook: str | None = None, folder=None):
        self.view, self.mode, self.question = view, mode, question
        self.notebook, self.folder = notebook, folder
        self.id = view["id"]
        heading = (message("quiz_heading_numbered", number=number, id=self.id) if number
                   else message("quiz_heading", id=self.id))
        points = message("quiz_points", points=f"{view['points']:g}") if mode == "graded" else ""
        self.prompt = w.HTML(f"<div class='policycomm-question-text'><b>{html.escape(heading)}{points}.</b>"
                             f"{_markdown(view['text'])}</div>")
        self.input = question_type(view).make_input(view)
        if mode == "practice":
            self.button = w.Button(description=message("quiz_check_button"), button_style="primary", icon="check")
            self.button.on_click(lambda _: self.check())
            self.feedback = w.HTML("")
            self.feedback.add_class("policycomm-feedback")
            footer = [self.button, self.feedback]
        else:
            self.status = w.HTML(f"<i>{html.escape(message('quiz_saved_automatically'))}</i>")
            self.status.add_class("policycomm-status")
            recorded = responses.read_recorded(self.id, notebook, folder)
            if recorded.answered:
                self.input.set(recorded.response)
                self.status.value = f"<i>{html.escape(message('quiz_restored'))}</i>"
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
        self.status.value = save_answer(self.id, self.input.get(), self.notebook, self.folder)


def save_answer(question_id: str, response, notebook: str | None = None, folder=None) -> str:
    """Record ``response`` for ``question_id`` and return the status line to show (HTML, current language).

    Every graded widget saves through this: a refused or failed save is said in
    one kind sentence, never raised.
    """
    try:
        responses.record_answer(question_id, response, notebook, folder)
    except responses.SourceFolderError as error:
        return f"<span style='color:#b00'>{html.escape(str(error))}</span>"
    except OSError as error:
        failed = message("quiz_save_failed", error=error.strerror or str(error))
        return f"<span style='color:#b00'>{html.escape(failed)}</span>"
    saved = message("quiz_answer_saved" if response is not None else "quiz_answer_cleared",
                    time=f"{datetime.now():%H:%M:%S}")
    return f"<span style='color:#060'>{html.escape(saved)}</span>"


def _verdict(fraction: float) -> str:
    if fraction >= 1:
        return f"<b style='color:#060'>{html.escape(message('quiz_verdict_right'))}</b>"
    if fraction > 0:
        return f"<b style='color:#a60'>{html.escape(message('quiz_verdict_partly', share=f'{fraction:.0%}'))}</b>"
    return (f"<b style='color:#b00'>{html.escape(message('quiz_verdict_wrong'))}</b> "
            f"{html.escape(message('quiz_read_the_hints'))}")


def feedback_html(question, response) -> str:
    """Practice feedback for ``response`` to a bank ``question``: verdict, per-answer and general feedback."""
    from policycomm.quiz.scoring import response_problem, score_response

    if response is None:
        return f"<i>{html.escape(message('quiz_not_answered'))}</i>"
    qtype = question_type(question)
    hint = qtype.invalid_hint(question, response)
    if hint:
        return f"<i>{html.escape(hint)}</i>"
    per_answer = qtype.feedback(question, response) if response_problem(question, response) is None else []
    parts = [_verdict(score_response(question, response)), *per_answer]
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
