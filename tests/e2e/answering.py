"""Answer a course notebook's forms in a browser the way a trainee does: clicking, picking and typing.

:func:`form_specs` reads, from a source notebook, each form's kind, what it
shows (option texts, Vietnamese names of stages, audiences and channels) and
its key (``forms.key``). :func:`answer` then gives that answer through the
form on a Playwright page: it ticks the boxes whose labels name the answer,
moves items with ▲, types numbers the Vietnamese way (``1,5``) and fills
plan rows, and plays a crisis simulation decision by decision. It never reads an id on the page: a
trainee only sees names.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from policycomm.forms.keys import answer_key

KINDS = ("single", "multiple", "ordering", "stage", "audience", "channels", "number", "text", "writing", "plan",
         "crisis")
PICKERS = {"stage": "stage", "audience": "audience", "channels": "channel"}


@dataclass
class FormSpec:
    exercise_id: str
    kind: str
    options: dict[str, str]  # id -> text the trainee reads (choices, ordering, pickers)
    many: bool
    key: Any
    scenario: str | None = None  # a crisis simulation's scenario id


def _names(kind: str) -> dict[str, str]:
    from policycomm.model import lookup

    listing = {"stage": lookup.stages, "audience": lookup.audiences, "channel": lookup.channels}[kind]()
    return {entry.id: entry.name.vi for entry in listing}


def _option_pairs(value) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    items = list(value)
    if all(isinstance(i, (tuple, list)) and len(i) == 2 for i in items):
        return {str(k): str(v) for k, v in items}
    return {chr(ord("A") + n): str(text) for n, text in enumerate(items)}


def form_specs(notebook) -> dict[str, FormSpec]:
    """exercise id -> :class:`FormSpec` for every form call in the notebook's code cells; the keys of writing
    exercises are filled for the trainee whose kernel the browser drives (the same login as these tests)."""
    from policycomm.model.variants import trainee_id

    keys = answer_key(notebook, trainee_id())
    found = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in KINDS and node.args and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "forms" and isinstance(node.args[0], ast.Constant)):
                continue
            exercise_id = node.args[0].value
            keywords = {k.arg: k.value for k in node.keywords}
            kind, options, many = node.func.attr, {}, node.func.attr == "multiple"
            if kind in ("single", "multiple", "ordering"):
                options = _option_pairs(ast.literal_eval(node.args[1] if len(node.args) > 1 else
                                                         keywords.get("options") or keywords["items"]))
            elif kind in PICKERS:
                many = ast.literal_eval(keywords["many"]) if "many" in keywords else kind == "channels"
                options = _names(PICKERS[kind])
            scenario = ast.literal_eval(keywords["scenario"]) if kind == "crisis" else None
            found[exercise_id] = FormSpec(exercise_id, kind, options, many, keys.get(exercise_id), scenario)
    return found


def _vietnamese_number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def answer(page, spec: FormSpec, value: Any = None, timeout: float = 30_000) -> None:
    """Give ``value`` (default: the key) through the form of ``spec.exercise_id`` on ``page``."""
    value = spec.key if value is None else value
    form = page.locator(f".policycomm-form-{spec.exercise_id}")
    form.wait_for(timeout=timeout)
    form.scroll_into_view_if_needed()
    kind = spec.kind
    if kind == "single":
        form.get_by_role("radio", name=spec.options[value], exact=True).check()
    elif kind in ("multiple",) or (kind in PICKERS and spec.many):
        for option_id, text in spec.options.items():
            box = form.get_by_role("checkbox", name=text, exact=True)
            if box.count():
                box.set_checked(option_id in value)
    elif kind in PICKERS:
        form.locator("select").select_option(label=spec.options[value])
    elif kind == "ordering":
        _order(form, spec, list(value))
    elif kind == "number":
        form.locator("input[type=text]").fill(_vietnamese_number(value))
    elif kind == "text":
        form.locator("input[type=text]").fill(value)
    elif kind == "writing":
        form.locator("textarea").fill(value)
    elif kind == "plan":
        _plan(form, list(value))
    elif kind == "crisis":
        _crisis(form, spec.scenario, list(value), timeout)
    form.get_by_text("Đã lưu câu trả lời").wait_for(timeout=timeout)


def _rows(form) -> list[str]:
    return [text.split(". ", 1)[1] for text in form.locator(".widget-hbox .widget-html").all_inner_texts()
            if ". " in text]


def _order(form, spec: FormSpec, wanted: list[str]) -> None:
    """Move items with ▲ until they read in the wanted order, then confirm it."""
    texts = [spec.options[item] for item in wanted]
    for place, text in enumerate(texts):
        while (shown := _rows(form)).index(text) > place:
            row = shown.index(text)
            form.locator(".widget-hbox").filter(has_text=f"{row + 1}. {text}").locator("button").first.click()
            form.locator(".widget-hbox").filter(has_text=f"{row}. {text}").wait_for(timeout=10_000)
    form.get_by_role("button", name="Lưu thứ tự này").click()


def _plan(form, rows: list[dict]) -> None:
    """Fill the plan's rows: stage, audience, channels, cost, message, timing; add rows as needed."""
    stage_names, audience_names, channel_names = _names("stage"), _names("audience"), _names("channel")
    for index, row in enumerate(rows):
        if form.locator("textarea").count() <= index:
            form.get_by_role("button", name="Thêm hoạt động").click()
            form.locator("textarea").nth(index).wait_for(timeout=10_000)
        selects = form.locator("select")
        if row.get("stage"):
            selects.nth(2 * index).select_option(label=stage_names[row["stage"]])
        if row.get("audience"):
            selects.nth(2 * index + 1).select_option(label=audience_names[row["audience"]])
        for channel in row.get("channels") or ():
            form.get_by_role("checkbox", name=channel_names[channel], exact=True).nth(index).check()
        texts = form.locator("input[type=text]")
        if row.get("cost") is not None:
            texts.nth(2 * index).fill(_vietnamese_number(row["cost"]))
        form.locator("textarea").nth(index).fill(row.get("message") or "")
        texts.nth(2 * index + 1).fill(row.get("timing") or "")


def _crisis(form, scenario_id: str, decisions: list[dict], timeout: float) -> None:
    """Play ``decisions``: for each step, click the message, the channels, the audience and the time by the
    texts the trainee reads (in the variant of the trainee whose kernel the browser drives), press “Quyết định”,
    and wait for the next step (or the debrief)."""
    from policycomm.model.scenario import scenario
    from policycomm.model.variants import trainee_id

    s = scenario(scenario_id, trainee_id())
    channel_names, audience_names = _names("channel"), _names("audience")
    for decision in decisions:
        step = s.step(decision["step"])
        form.get_by_role("heading", name=step.title.vi).wait_for(timeout=timeout)
        form.get_by_role("radio", name=step.messages[decision["message"]].text.vi, exact=True).check()
        for channel in decision["channels"]:
            form.get_by_role("checkbox", name=channel_names[channel], exact=True).check()
        form.get_by_role("radio", name=audience_names[decision["audience"]], exact=True).check()
        form.get_by_role("radio", name=s.timings[decision["timing"]].name.vi, exact=True).check()
        form.get_by_role("button", name="Quyết định").click()
        form.locator(".widget-html").filter(has_text=step.title.vi).filter(
            has_text="Diễn biến sau quyết định").first.wait_for(timeout=timeout)


def forms_by_cell(notebook) -> dict[int, list[FormSpec]]:
    """cell index -> the forms that cell shows (the same indexes in the source and the released notebook)."""
    specs = form_specs(notebook)
    found: dict[int, list[FormSpec]] = {}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            for spec in specs.values():
                if f'"{spec.exercise_id}"' in cell.source and f"forms.{spec.kind}(" in cell.source:
                    found.setdefault(index, []).append(spec)
    return found


def work_through(lab, source_notebook, answers: dict[str, Any] | None = None, stop_at: int | None = None,
                 start_at: int = 0) -> None:
    """Run the open notebook's cells one by one with Shift + Enter, answering each form as it appears.

    ``answers`` (exercise id -> answer) overrides keys; an exercise mapped to
    None is left blank. ``start_at``/``stop_at`` bound the cell indexes walked.
    """
    answers = answers or {}
    by_cell = forms_by_cell(source_notebook)
    count = len(source_notebook.cells)
    for index in range(start_at, count if stop_at is None else stop_at):
        # a click in a form makes its cell the active one: go back to the next cell to run, as a trainee does
        lab.page.evaluate("(i) => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = i; }", index)
        lab.command("notebook:run-cell-and-select-next")
        lab.wait_for_kernel_idle()
        for spec in by_cell.get(index, ()):
            value = answers.get(spec.exercise_id, spec.key)
            if value is not None:
                answer(lab.page, spec, value)
