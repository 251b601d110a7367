"""Answer forms: a trainee clicks, picks or writes; the answer is saved at once beside the notebook.

Each form is an ipywidgets box for one exercise id (``"m02-cau-4"``). Every
change is written through :func:`policycomm.quiz.responses.record_answer` to
``policycomm_answers.json`` (the file the quiz widgets use), and building the
form again (after a kernel restart or a page reload) restores the saved
answer. The form holds no key: a test cell reads the answer with
:func:`answer` and grades it with :mod:`policycomm.grading.checks`.

>>> import tempfile
>>> folder = tempfile.mkdtemp()
>>> form = channels("m02-cau-4", folder=folder)
>>> form.pick["commune_radio"].value = True          # what a click on "Đài truyền thanh xã" does
>>> answer("m02-cau-4", folder=folder)
['commune_radio']
>>> channels("m02-cau-4", folder=folder).value       # built again: the saved answer is back
['commune_radio']
"""
from __future__ import annotations

import html
import math
import weakref
from typing import Any

import ipywidgets as w
from traitlets import TraitError

from policycomm.messages import get_language, message
from policycomm.quiz import responses
from policycomm.quiz.widgets import save_answer

from .reading import answer  # noqa: F401  (the doctests read back what a form saved)

__all__ = ["Form", "single", "multiple", "ordering", "stage", "audience", "channels", "number", "text",
           "writing", "plan", "parse_number"]

_WIDE = w.Layout(width="100%")
#: the forms shown in this kernel, by (folder, notebook, exercise id): the newest form of each exercise
_LIVE: "weakref.WeakValueDictionary[tuple, Form]" = weakref.WeakValueDictionary()


def _html(text: str, style: str = "") -> w.HTML:
    return w.HTML(f"<span style='{style}'>{html.escape(text)}</span>")


def with_static_copy(bundle: dict, snapshot_html: str) -> dict:
    """A widget's display bundle plus a static copy (HTML, and its text) for pages that cannot run widgets.

    A kernel outside a JupyterLab session (``nbgrader autograde``, Validate)
    keeps only the copy: nothing there could ever draw the live widget.
    """
    bundle = dict(bundle, **{"text/html": snapshot_html, "text/plain": _plain(snapshot_html)})
    if responses.current_notebook() is None:
        bundle.pop("application/vnd.jupyter.widget-view+json", None)
    return bundle


def _plain(snapshot_html: str) -> str:
    """The text of a snapshot (tags dropped, entities decoded, one space between parts)."""
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", snapshot_html)).split())


class Form(w.VBox):
    """One exercise's answer form: a prompt, the inputs, and a status line saying the answer is saved.

    A kind of form sets :attr:`field` (the inputs) and defines :meth:`get`
    (the answer as plain JSON data, None when blank) and :meth:`set`.
    """

    def __init__(self, exercise_id: str, field: w.Widget, prompt: str | None = None,
                 notebook: str | None = None, folder=None):
        self.exercise_id, self.notebook, self.folder, self.field = exercise_id, notebook, folder, field
        self.prompt = prompt
        self.status = w.HTML(f"<i>{html.escape(message('form_saved_automatically'))}</i>")
        head = [w.HTML(f"<b>{html.escape(prompt)}</b>")] if prompt else []
        if (scenario := _own_scenario(exercise_id)) is not None:
            head.append(_scenario_html([scenario]))
        super().__init__([*head, field, self.status],
                         layout=w.Layout(border="1px solid #ccc", padding="8px", margin="6px 0"))
        self.add_class("policycomm-form")
        self.add_class(f"policycomm-form-{exercise_id}")  # lets a browser test find one exercise's form
        self._restoring = True
        recorded = responses.read_recorded(exercise_id, notebook, folder)
        if recorded.answered:
            try:
                self.set(recorded.response)
                self.status.value = f"<i>{html.escape(message('quiz_restored'))}</i>"
            except (TypeError, ValueError, KeyError, AttributeError, TraitError):  # a hand-edited file: start blank
                pass
        self._restoring = False
        self.watch(field)
        _LIVE[(str(folder), notebook, exercise_id)] = self

    def watch(self, widget: w.Widget) -> None:
        """Save whenever an input inside ``widget`` changes (each input is watched once)."""
        watched = self.__dict__.setdefault("_watched", set())
        stack = [widget]
        while stack:
            current = stack.pop()
            if isinstance(current, w.Box):
                stack.extend(current.children)
            elif (id(current) not in watched and "value" in current.trait_names()
                  and not isinstance(current, (w.HTML, w.Label))):
                watched.add(id(current))
                current.observe(lambda _: self.save(), names="value")

    @property
    def value(self) -> Any:
        """The answer on screen, as it is saved."""
        return self.get()

    def _repr_mimebundle_(self, **kwargs):
        """The live form, plus a static copy of the prompt and answer (HTML) for pages without widgets.

        JupyterLab shows the form; formgrader and the feedback page, which
        cannot run widgets, show the HTML copy: what the trainee answered. A
        kernel outside a JupyterLab session (``nbgrader autograde``) shows only
        the copy, since nothing could ever draw the form it would name.
        """
        return with_static_copy(super()._repr_mimebundle_(**kwargs), self.snapshot())

    def snapshot(self) -> str:
        """HTML of the prompt and the saved answer in words (never ids), for a page without widgets.

        >>> form = single("m00-cau-1", ["Ctrl + S", "Shift + Enter"], prompt="Phím nào?",
        ...               folder=__import__("tempfile").mkdtemp())
        >>> form.choice.value = "B"; print(form.snapshot())
        <div class='policycomm-answer'><b>Phím nào?</b><br>Câu trả lời: <b>Shift + Enter</b></div>
        """
        value = self.get()
        shown = html.escape(message("form_no_answer")) if value is None else self.describe(value)
        head = f"<b>{html.escape(self.prompt)}</b><br>" if self.prompt else ""
        if (scenario := _own_scenario(self.exercise_id)) is not None:
            head += f"<i>{html.escape(scenario)}</i><br>"
        return f"<div class='policycomm-answer'>{head}{html.escape(message('form_answer_label'))} {shown}</div>"

    def describe(self, value: Any) -> str:
        """HTML of a (non-blank) answer in words; each kind shows names for its ids."""
        return f"<b>{html.escape(str(value))}</b>"

    def save(self) -> None:
        """Record the answer on screen (None removes it) and say so.

        If the answers file was deleted or broken meanwhile (it is then kept as
        ``….broken-<time>``), the answers of the other forms shown in this
        kernel are saved again too, so one change never loses the others.
        """
        if self._restoring:
            return
        self.status.value = save_answer(self.exercise_id, self.get(), self.notebook, self.folder)
        for (folder, notebook, exercise_id), other in list(_LIVE.items()):
            if other is self or folder != str(self.folder) or notebook != self.notebook:
                continue
            value = other.get()
            if value is not None and responses.read_recorded(exercise_id, notebook, self.folder).response != value:
                other.status.value = save_answer(exercise_id, value, notebook, self.folder)

    def get(self) -> Any:  # pragma: no cover - every kind defines it
        raise NotImplementedError

    def set(self, response: Any) -> None:  # pragma: no cover - every kind defines it
        raise NotImplementedError


# ---------------------------------------------------------------- choices

def _options(options) -> list[tuple[str, str]]:
    """(id, text) pairs from a dict {id: text}, a list of (id, text) pairs, or a list of texts (ids A, B, C…).

    >>> _options(["Một", "Hai"])
    [('A', 'Một'), ('B', 'Hai')]
    """
    if isinstance(options, dict):
        return [(str(k), str(v)) for k, v in options.items()]
    pairs = list(options)
    if all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pairs):
        return [(str(k), str(v)) for k, v in pairs]
    return [(chr(ord("A") + i), str(text)) for i, text in enumerate(pairs)]


class _Single(Form):
    def __init__(self, exercise_id, pairs, prompt=None, notebook=None, folder=None):
        self.texts = dict(pairs)
        self.choice = w.RadioButtons(options=[(text, key) for key, text in pairs], value=None, layout=_WIDE)
        super().__init__(exercise_id, self.choice, prompt, notebook, folder)

    def get(self):
        return self.choice.value

    def set(self, response):
        self.choice.value = response

    def describe(self, value):
        return f"<b>{html.escape(self.texts.get(value, str(value)))}</b>"


class _Many(Form):
    """Checkboxes, one per option; the answer is the ticked ids in the options' order (None when none)."""

    def __init__(self, exercise_id, pairs, prompt=None, notebook=None, folder=None, columns: int = 1):
        self.texts = dict(pairs)
        self.pick = {key: w.Checkbox(description=text, value=False, indent=False, layout=_WIDE) for key, text in pairs}
        field = w.GridBox(list(self.pick.values()),
                          layout=w.Layout(grid_template_columns=f"repeat({columns}, 1fr)", width="100%"))
        super().__init__(exercise_id, field, prompt, notebook, folder)

    def get(self):
        return [key for key, box in self.pick.items() if box.value] or None

    def set(self, response):
        chosen = set(response)
        for key, box in self.pick.items():
            box.value = key in chosen

    def describe(self, value):
        return "<ul>" + "".join(f"<li>{html.escape(self.texts.get(k, str(k)))}</li>" for k in value) + "</ul>"


def single(exercise_id: str, options, prompt: str | None = None, notebook=None, folder=None) -> Form:
    """One choice among ``options`` ({id: text}, [(id, text)], or texts with ids A, B, C…); saves the id.

    >>> form = single("m01-cau-2", ["Báo chí", "Đài xã"], folder=__import__("tempfile").mkdtemp())
    >>> form.choice.value = "B"; form.value
    'B'
    """
    return _Single(exercise_id, _options(options), prompt, notebook, folder)


def multiple(exercise_id: str, options, prompt: str | None = None, notebook=None, folder=None) -> Form:
    """Several choices among ``options`` (as for :func:`single`); saves the list of ticked ids.

    >>> form = multiple("m01-cau-3", ["Một", "Hai", "Ba"], folder=__import__("tempfile").mkdtemp())
    >>> form.pick["C"].value = form.pick["A"].value = True; form.value
    ['A', 'C']
    """
    return _Many(exercise_id, _options(options), prompt, notebook, folder)


# ---------------------------------------------------------------- ordering

class _Ordering(Form):
    """Items in a list, each with ▲/▼ buttons; the answer is the ids in the order shown, once moved or confirmed."""

    def __init__(self, exercise_id, pairs, prompt=None, notebook=None, folder=None):
        self.texts = dict(pairs)
        self.order = list(self.texts)
        self.rows = w.VBox()
        self.keep = w.Button(description=message("form_order_keep"), icon="check")
        self.keep.on_click(lambda _: self._changed())
        self.answered = False
        super().__init__(exercise_id, w.VBox([_html(message("form_order_hint"), "color:#555"), self.rows, self.keep]),
                         prompt, notebook, folder)
        self._draw()

    def _draw(self):
        rows = []
        for place, key in enumerate(self.order):
            up = w.Button(icon="arrow-up", tooltip=message("form_move_up"), layout=w.Layout(width="36px"),
                          disabled=place == 0)
            down = w.Button(icon="arrow-down", tooltip=message("form_move_down"), layout=w.Layout(width="36px"),
                            disabled=place == len(self.order) - 1)
            up.on_click(lambda _, p=place: self.move(p, -1))
            down.on_click(lambda _, p=place: self.move(p, +1))
            rows.append(w.HBox([up, down, _html(f"{place + 1}. {self.texts[key]}")]))
        self.rows.children = rows

    def move(self, place: int, step: int) -> None:
        """Move the item at ``place`` (0 = top) one step up (-1) or down (+1), as its button does."""
        other = place + step
        if 0 <= other < len(self.order):
            self.order[place], self.order[other] = self.order[other], self.order[place]
            self._draw()
            self._changed()

    def _changed(self):
        self.answered = True
        self.save()

    def get(self):
        return list(self.order) if self.answered else None

    def set(self, response):
        if sorted(response) != sorted(self.order):
            raise ValueError("saved order does not match the items")
        self.order, self.answered = list(response), True
        if hasattr(self, "rows") and self.rows.children:
            self._draw()

    def describe(self, value):
        return "<ol>" + "".join(f"<li>{html.escape(self.texts.get(k, str(k)))}</li>" for k in value) + "</ol>"


def ordering(exercise_id: str, items, prompt: str | None = None, notebook=None, folder=None) -> Form:
    """Put ``items`` (as the options of :func:`single`) in order with up/down buttons; saves the ids in order.

    >>> form = ordering("m03-cau-1", {"a": "Nghe", "b": "Hiểu", "c": "Làm"}, folder=__import__("tempfile").mkdtemp())
    >>> form.value is None                    # not answered until moved or confirmed
    True
    >>> form.move(2, -1); form.value          # ▲ on "Làm"
    ['a', 'c', 'b']
    """
    return _Ordering(exercise_id, _options(items), prompt, notebook, folder)


# ---------------------------------------------------------------- knowledge pickers

def _entries(kind: str, choices=None) -> list[tuple[str, str]]:
    """(id, name in the current language) of the knowledge base's stages, audiences or channels."""
    from policycomm.model import lookup

    listing = {"stage": lookup.stages, "audience": lookup.audiences, "channel": lookup.channels}[kind]()
    lang = get_language()
    named = {e.id: e.name.get(lang) for e in listing}
    return [(i, named[i]) for i in (choices if choices is not None else named)]


class _One(Form):
    """A drop-down of names; the answer is the chosen entry's id."""

    def __init__(self, exercise_id, pairs, prompt=None, notebook=None, folder=None):
        self.texts = dict(pairs)
        self.choice = _dropdown(pairs)
        super().__init__(exercise_id, self.choice, prompt, notebook, folder)

    def get(self):
        return self.choice.value

    def set(self, response):
        self.choice.value = response

    describe = _Single.describe


def _dropdown(pairs, value=None) -> w.Dropdown:
    """A drop-down of (id, name) pairs that starts on "— Chọn —" (value None) or on ``value``."""
    options = [(message("form_choose"), None), *[(name, key) for key, name in pairs]]
    keys = [key for _, key in options]
    return w.Dropdown(options=options, index=keys.index(value) if value in keys else 0)


def _picker(kind: str, exercise_id: str, many: bool, choices, prompt, notebook, folder) -> Form:
    pairs = _entries(kind, choices)
    if many:
        return _Many(exercise_id, pairs, prompt, notebook, folder, columns=2 if len(pairs) > 6 else 1)
    return _One(exercise_id, pairs, prompt, notebook, folder)


def stage(exercise_id: str, many: bool = False, choices=None, prompt: str | None = None,
          notebook=None, folder=None) -> Form:
    """Pick a stage of the policy cycle by its name (``many``: several); saves the id(s).

    >>> form = stage("m02-cau-1", folder=__import__("tempfile").mkdtemp())
    >>> form.choice.options[2]              # (what the trainee reads, what is saved)
    ('Đề xuất chính sách, tham vấn', 'formulation')
    """
    return _picker("stage", exercise_id, many, choices, prompt, notebook, folder)


def audience(exercise_id: str, many: bool = False, choices=None, prompt: str | None = None,
             notebook=None, folder=None) -> Form:
    """Pick an audience by its name (``many``: several); saves the id(s). ``choices``: the ids offered."""
    return _picker("audience", exercise_id, many, choices, prompt, notebook, folder)


def channels(exercise_id: str, many: bool = True, choices=None, prompt: str | None = None,
             notebook=None, folder=None) -> Form:
    """Tick channels by their names (``many=False``: one, from a drop-down); saves the ids."""
    return _picker("channel", exercise_id, many, choices, prompt, notebook, folder)


# ---------------------------------------------------------------- number and text

def parse_number(text: str) -> float | None:
    """A number written the Vietnamese or the English way; None when blank; ValueError when not a number.

    >>> parse_number("1,5"), parse_number("12 000"), parse_number("2.5"), parse_number(" ")
    (1.5, 12000.0, 2.5, None)
    """
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return None
    if "," in cleaned and "." not in cleaned and cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    number = float(cleaned)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


class _Number(Form):
    def __init__(self, exercise_id, unit=None, prompt=None, notebook=None, folder=None):
        self.unit = unit
        self.box = w.Text(placeholder=message("form_number_placeholder"), layout=w.Layout(width="12em"))
        self.problem = w.HTML("")
        field = w.HBox([self.box, _html(unit or ""), self.problem])
        super().__init__(exercise_id, field, prompt, notebook, folder)

    def get(self):
        try:
            return parse_number(self.box.value)
        except ValueError:
            return None

    def save(self):
        try:
            parse_number(self.box.value)
            self.problem.value = ""
        except ValueError:
            self.problem.value = f"<span style='color:#b00'>{html.escape(message('form_not_a_number'))}</span>"
            return  # keep the last number saved until this one reads as a number
        super().save()

    def set(self, response):
        self.box.value = f"{float(response):g}".replace(".", "," if get_language() == "vi" else ".")

    def describe(self, value):
        return f"<b>{html.escape(self.box.value or str(value))}</b> {html.escape(self.unit or '')}"


def number(exercise_id: str, unit: str | None = None, prompt: str | None = None, notebook=None, folder=None) -> Form:
    """A number (``1,5`` or ``1.5``); saves a float.

    >>> form = number("m05-cau-3", unit="triệu đồng", folder=__import__("tempfile").mkdtemp())
    >>> form.box.value = "12,5"; form.value
    12.5
    """
    return _Number(exercise_id, unit, prompt, notebook, folder)


def _scenario_html(paragraphs: list[str]) -> w.HTML:
    """A scenario, shown above an exercise's inputs."""
    body = "".join(f"<p>{html.escape(' '.join(p.split()))}</p>" for p in paragraphs)
    return w.HTML(f"<div style='background:#f6f8fa;border-left:4px solid #4a7;padding:4px 10px'>{body}</div>")


def _own_scenario(exercise_id: str) -> str | None:
    """The scenario of an exercise that varies by trainee (``exercise_variants.yaml``) in the variant of the
    trainee this kernel works for (:func:`policycomm.model.variants.trainee_id`); None for the others."""
    from policycomm.model.exercise_variants import exercise_scenario
    from policycomm.model.variants import trainee_id

    return exercise_scenario(exercise_id, trainee_id())


def _scenario_box(exercise: str) -> w.HTML:
    """The writing exercise's scenario (:mod:`policycomm.grading.writing`), shown above its writing box: the
    variant of the trainee this kernel works for (:func:`policycomm.model.variants.trainee_id`)."""
    from policycomm.grading.writing import load_writing

    return _scenario_html(load_writing(exercise).scenario.vi.strip().split("\n\n"))


class _Text(Form):
    def __init__(self, exercise_id, area: bool, rows: int, limit, prompt=None, notebook=None, folder=None,
                 start: str = "", review: str | None = None):
        self.limit, self.review_id = limit, review
        self.box = (w.Textarea(value=start, rows=rows, layout=_WIDE) if area else w.Text(value=start, layout=_WIDE))
        self.count = w.HTML("")
        self.box.observe(lambda _: self._count(), names="value")
        parts = [self.box, self.count]
        if review:
            parts.insert(0, _scenario_box(review))
            self.review_button = w.Button(description=message("form_writing_review"), icon="check",
                                          button_style="info")
            self.review_button.on_click(lambda _: self.show_review())
            self.review = w.HTML("")
            self.box.observe(lambda _: self._stale(), names="value")
            parts += [self.review_button, self.review]
        super().__init__(exercise_id, w.VBox(parts) if area else self.box, prompt, notebook, folder)
        if area:
            self._count()

    def show_review(self) -> None:
        """Show under the box what the writing rubric finds in the text (✔ present, ✗ missing, ⚠ to fix).

        No points and nothing of the lecturer's mark scheme; a failure shows one kind sentence.
        """
        from policycomm.grading.writing import review_writing

        try:
            lines = review_writing(self.review_id, self.box.value)
        except Exception:  # never a traceback in front of a trainee
            lines = [message("tool_failed")]
        colours = {"✔": "#060", "✗": "#b00", "⚠": "#a60"}
        self.review.value = "".join(f"<div style='color:{colours.get(line[:1], '#555')}'>{html.escape(line)}</div>"
                                    for line in lines)
        self._reviewed = self.box.value

    def _stale(self):
        if self.review.value and self.box.value != getattr(self, "_reviewed", None):
            self.review.value = (f"<i style='color:#555'>{html.escape(message('form_writing_review_stale'))}</i>"
                                 + self.review.value.replace("color:#", "opacity:0.5;color:#"))
            self._reviewed = None

    def _count(self):
        from policycomm.model.radio import count_words

        words = count_words(self.box.value)
        code = "form_word_count_limit" if self.limit else "form_word_count"
        over = self.limit is not None and words > self.limit
        self.count.value = (f"<span style='color:{'#b00' if over else '#555'}'>"
                            f"{html.escape(message(code, words=words, limit=self.limit))}</span>")

    def get(self):
        return self.box.value if self.box.value.strip() else None

    def set(self, response):
        self.box.value = str(response)

    def describe(self, value):
        return f"<div style='white-space:pre-wrap;border-left:3px solid #ccc;padding-left:8px'>{html.escape(value)}</div>"


def text(exercise_id: str, prompt: str | None = None, notebook=None, folder=None) -> Form:
    """A short text on one line; saves the string.

    >>> form = text("m04-cau-2", folder=__import__("tempfile").mkdtemp())
    >>> form.box.value = "Hỏi đáp trực tuyến"; form.value
    'Hỏi đáp trực tuyến'
    """
    return _Text(exercise_id, False, 1, None, prompt, notebook, folder)


def writing(exercise_id: str, rows: int = 8, limit: int | None = None, prompt: str | None = None,
            notebook=None, folder=None, start: str = "", review: str | None = None) -> Form:
    """A longer text (a message, a news item) with a live word count (``limit``: the most words asked for).

    ``start`` is the text the box holds until the trainee saves one (a draft to
    repair, a template to fill in); it is saved only once the trainee edits it.

    >>> form = writing("m04-viet-1", limit=100, folder=__import__("tempfile").mkdtemp())
    >>> form.box.value = "Từ ngày 01/7, miễn học phí."; print(form.count.value)
    <span style='color:#555'>6 / 100 chữ</span>

    ``review`` names a writing exercise (:mod:`policycomm.grading.writing`): its
    scenario, in the trainee's own variant (:mod:`policycomm.model.variants`), is shown above the box, the box
    starts from its template (unless ``start`` is given), ``limit`` defaults to
    its own, and a "Xem nhận xét" button shows under the box what is present (✔),
    missing (✗) and to fix (⚠), without points or the lecturer's mark scheme.

    >>> form = writing("m04-cau-8", review="press-release", folder=__import__("tempfile").mkdtemp())
    >>> form.box.value = "Từ ngày 01/3/2027, người từ 70 tuổi được hỗ trợ tiền mua thẻ bảo hiểm y tế."
    >>> form.review_button.click(); "✔ Đã có: áp dụng từ ngày nào." in form.review.value
    True
    """
    if review:
        from policycomm.grading.writing import load_writing

        rubric = load_writing(review)
        start, limit = start or rubric.template, limit if limit is not None else rubric.limit
    return _Text(exercise_id, True, rows, limit, prompt, notebook, folder, start, review)


# ---------------------------------------------------------------- plan

class _Plan(Form):
    """Rows of stage, audience, channels, message, timing and cost, with buttons to add and remove a row."""

    def __init__(self, exercise_id, budget=None, audiences=None, stages=None, prompt=None, notebook=None, folder=None):
        self.budget = budget
        self.stage_pairs, self.audience_pairs = _entries("stage", stages), _entries("audience", audiences)
        self.channel_pairs = _entries("channel")
        self.rows: list[dict] = []
        self.table = w.VBox()
        self.add_button = w.Button(description=message("form_plan_add_row"), icon="plus", button_style="info")
        self.add_button.on_click(lambda _: self.add_row())
        self.total = w.HTML("")
        super().__init__(exercise_id, w.VBox([self.table, w.HBox([self.add_button, self.total])]),
                         prompt, notebook, folder)
        if not self.rows:
            self._restoring = True
            self.add_row()
            self._restoring = False
        self._total()

    def add_row(self, row: dict | None = None) -> dict:
        """Add a row (blank, or filled from a saved ``row``) as the add button does; returns its inputs."""
        row = row or {}
        label = lambda code: _html(message(code), "font-size:90%;color:#555")  # noqa: E731
        inputs = {
            "stage": _dropdown(self.stage_pairs, row.get("stage")),
            "audience": _dropdown(self.audience_pairs, row.get("audience")),
            "message": w.Textarea(value=str(row.get("message") or ""), rows=2, layout=_WIDE),
            "timing": w.Text(value=str(row.get("timing") or ""), layout=_WIDE),
            "cost": w.Text(value="" if row.get("cost") is None else f"{row['cost']:g}", layout=w.Layout(width="8em")),
        }
        chosen = set(row.get("channels") or ())
        inputs["channels"] = {key: w.Checkbox(description=name, value=key in chosen, indent=False)
                              for key, name in self.channel_pairs}
        remove = w.Button(description=message("form_plan_remove_row"), icon="trash", layout=w.Layout(width="14em"))
        grid = w.GridBox(list(inputs["channels"].values()),
                         layout=w.Layout(grid_template_columns="repeat(3, 1fr)", width="100%"))
        box = w.VBox([
            w.HBox([w.VBox([label("form_plan_stage"), inputs["stage"]]),
                    w.VBox([label("form_plan_audience"), inputs["audience"]]),
                    w.VBox([label("form_plan_cost"), inputs["cost"]], layout=w.Layout(width="12em")), remove],
                   layout=w.Layout(align_items="flex-end")),
            label("form_plan_channels"), grid,
            label("form_plan_message"), inputs["message"], label("form_plan_timing"), inputs["timing"]],
            layout=w.Layout(border="1px solid #ddd", padding="6px", margin="4px 0"))
        inputs["box"] = box
        remove.on_click(lambda _: self.remove_row(inputs))
        self.rows.append(inputs)
        self.table.children = [r["box"] for r in self.rows]
        self.watch(box)
        for part in (inputs["cost"], *inputs["channels"].values()):
            part.observe(lambda _: self._total(), names="value")
        self.save()
        return inputs

    def remove_row(self, inputs: dict) -> None:
        """Remove a row, as its remove button does."""
        self.rows.remove(inputs)
        self.table.children = [r["box"] for r in self.rows]
        self._total()
        self.save()

    def _row(self, inputs: dict) -> dict:
        try:
            cost = parse_number(inputs["cost"].value)
        except ValueError:
            cost = None
        return {"stage": inputs["stage"].value, "audience": inputs["audience"].value,
                "channels": [k for k, box in inputs["channels"].items() if box.value],
                "message": inputs["message"].value, "timing": inputs["timing"].value, "cost": cost}

    def _total(self):
        if not hasattr(self, "rows"):
            return
        from policycomm.model.lookup import channel

        rows = [self._row(r) for r in self.rows]
        total = sum(r["cost"] if r["cost"] is not None else sum(channel(c).unit_cost for c in r["channels"])
                    for r in rows)
        code = "form_plan_total_budget" if self.budget is not None else "form_plan_total"
        over = self.budget is not None and total > self.budget
        self.total.value = (f"<span style='color:{'#b00' if over else '#060'}'>"
                            f"{html.escape(message(code, total=f'{total:g}', budget=f'{self.budget or 0:g}'))}</span>")

    def get(self):
        rows = [self._row(r) for r in self.rows]
        return rows if any(r["stage"] or r["audience"] or r["channels"] or r["message"].strip() for r in rows) else None

    def set(self, response):
        from .reading import well_formed_rows

        if not well_formed_rows(response):
            raise ValueError("saved plan is not a list of rows")
        for inputs in list(self.rows):
            self.rows.remove(inputs)
        for row in response:
            self.add_row(row)

    def describe(self, value):
        names = {**dict(self.stage_pairs), **dict(self.audience_pairs), **dict(self.channel_pairs)}
        cells = lambda row: [names.get(row.get("stage"), ""), names.get(row.get("audience"), ""),  # noqa: E731
                             ", ".join(names.get(c, c) for c in row.get("channels") or ()),
                             row.get("message") or "", row.get("timing") or "",
                             "" if row.get("cost") is None else f"{row['cost']:g}"]
        head = "".join(f"<th>{html.escape(message(f'form_plan_{c}'))}</th>"
                       for c in ("stage", "audience", "channels", "message", "timing", "cost"))
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in cells(row)) + "</tr>"
                       for row in value)
        return f"<table><tr>{head}</tr>{body}</table>"


def plan(exercise_id: str, budget: float | None = None, audiences=None, stages=None, prompt: str | None = None,
         notebook=None, folder=None) -> Form:
    """A communication plan, row by row; saves a list of rows (dicts with the keys of :data:`PLAN_COLUMNS`).

    ``budget`` (million VND) is shown beside the total cost; ``audiences`` and
    ``stages`` (ids) are what the drop-downs offer (default: all).

    >>> form = plan("m09-ke-hoach", budget=50, folder=__import__("tempfile").mkdtemp())
    >>> row = form.rows[0]
    >>> row["stage"].value, row["audience"].value = "implementation", "elderly_rural"
    >>> row["channels"]["commune_radio"].value = True
    >>> row["message"].value, row["timing"].value = "Từ 01/7 nộp hồ sơ tại xã.", "Tháng 6"
    >>> form.value
    [{'stage': 'implementation', 'audience': 'elderly_rural', 'channels': ['commune_radio'], 'message': 'Từ 01/7 nộp hồ sơ tại xã.', 'timing': 'Tháng 6', 'cost': None}]
    """
    return _Plan(exercise_id, budget, audiences, stages, prompt, notebook, folder)
