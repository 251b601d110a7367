"""How long a module takes a trainee: reading, answering each form, trying each practice tool, waiting for cells.

The estimate is a model with labelled assumptions (A1: no timed pilot with
trainees exists yet), not a fact about trainees:

* reading: every word (syllable) of the text cells and the form prompts at
  :data:`READING_WORDS_PER_MINUTE`, the pace of careful study reading, slower
  than reading for pleasure;
* answering: :data:`MINUTES_PER_FORM` per form, by kind (a text to write
  takes far longer than one choice); a plan :data:`MINUTES_PER_PLAN_ROW` for
  each activity of its key (the plan the author expects); a writing exercise
  (``forms.writing(..., review=...)``) its scenario's words to read and its
  word limit at :data:`COMPOSING_WORDS_PER_MINUTE`;
* practising: :data:`MINUTES_PER_TOOL` per practice tool;
* waiting: the cells' own run time, when measured (``waiting_s``).

Each module's first cell states ``khoảng N phút``; ``tests/course`` holds that
N is no shorter than this estimate rounded up to 5 minutes.

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Đọc kỹ " * 120),
...     nbformat.v4.new_code_cell('forms.single("m00-cau-1", ["A", "B"])')])
>>> estimate(nb).minutes                 # 240 words at 60 a minute, one choice
5.5
>>> rounded_up(estimate(nb).minutes)
10
>>> nb.cells.append(nbformat.v4.new_code_cell('forms.writing("m04-cau-8", review="press-release")'))
>>> estimate(nb).answering               # one choice, then 450 words at 15 a minute
31.5
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

#: A1: words (syllables) per minute of careful study reading of Vietnamese instructional text, with the
#: pauses to think and look back that legal and technical text asks for; with it the course totals about
#: the 11-13 h a walk-through of the first wave measured (about half a fluent reading pace)
READING_WORDS_PER_MINUTE = 60
#: A1: minutes to think over and give one answer, by kind of form
MINUTES_PER_FORM = {"single": 1.5, "multiple": 2.0, "ordering": 3.0, "stage": 1.5, "audience": 1.5,
                    "channels": 2.5, "number": 2.5, "text": 2.0, "writing": 12.0, "plan": 0.0,
                    "crisis": 16.0}  # crisis: four steps, each a situation to read and four choices to weigh
#: A1: minutes to decide and fill in one activity of a plan (stage, audience, channels, message, timing)
MINUTES_PER_PLAN_ROW = 6.0
#: A1: minutes to try one practice tool
MINUTES_PER_TOOL = 3.0
#: A1: words a trainee composes a minute in a writing exercise, planning and revising included (a
#: 450-word press release: 30 minutes)
COMPOSING_WORDS_PER_MINUTE = 15

_FORM = re.compile(r"\bforms\.(" + "|".join(MINUTES_PER_FORM) + r")\(")
_TOOL = re.compile(r"\bforms\.(recommend_tool|assess_tool|message_tool|airtime_tool|budget_tool)\(")
_PROMPT = re.compile(r"""prompt\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REVIEW = re.compile(r"""\bforms\.writing\([^)]*\breview\s*=\s*["']([\w-]+)["']""")
#: the exercise id a form is made for (its scenario may vary by trainee: exercise_variants.yaml)
_FORM_ID = re.compile(r"\bforms\.(?:" + "|".join(MINUTES_PER_FORM) + r""")\(\s*["']([\w-]+)["']""")
_STATED = re.compile(r"khoảng (\d+) phút")


@dataclass(frozen=True)
class Estimate:
    reading: float
    answering: float
    practising: float
    waiting: float = 0.0

    @property
    def minutes(self) -> float:
        return round(self.reading + self.answering + self.practising + self.waiting, 1)


#: a task cell's mark scheme: the lecturer reads it, the trainee never does
_MARK_SCHEME = re.compile(r"^=== BEGIN MARK SCHEME ===.*?^=== END MARK SCHEME ===", re.S | re.M)


def estimate(notebook, waiting_s: float = 0.0) -> Estimate:
    """The time a trainee needs for an nbformat ``notebook``; ``waiting_s``: measured cell run time."""
    from policycomm.forms.keys import answer_key
    from policycomm.grading.writing import load_writing
    from policycomm.model.exercise_variants import exercise_scenario
    from policycomm.model.radio import count_words
    from policycomm.model.variants import REFERENCE

    keys = answer_key(notebook)
    plan_rows = sum(len(key) for key in keys.values()
                    if isinstance(key, list) and key and isinstance(key[0], dict) and "stage" in key[0])
    words, answering, practising = 0.0, MINUTES_PER_PLAN_ROW * plan_rows, 0.0
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            words += count_words(_MARK_SCHEME.sub("", cell.source))
        elif cell.cell_type == "code":
            words += sum(count_words(a or b) for a, b in _PROMPT.findall(cell.source))
            answering += sum(MINUTES_PER_FORM[kind] for kind in _FORM.findall(cell.source))
            for exercise in _FORM_ID.findall(cell.source):  # a scenario the form shows (the reference one)
                words += count_words(exercise_scenario(exercise, REFERENCE) or "")
            for exercise in _REVIEW.findall(cell.source):
                rubric = load_writing(exercise, REFERENCE)  # the same minutes for every trainee
                words += count_words(rubric.scenario.vi)
                answering += rubric.limit / COMPOSING_WORDS_PER_MINUTE - MINUTES_PER_FORM["writing"]
            practising += MINUTES_PER_TOOL * len(_TOOL.findall(cell.source))
    return Estimate(round(words / READING_WORDS_PER_MINUTE, 1), answering, practising, round(waiting_s / 60, 1))


def rounded_up(minutes: float, step: int = 5) -> int:
    """``minutes`` rounded up to a multiple of ``step`` (what a module states)."""
    return int(math.ceil(minutes / step) * step)


def stated_minutes(notebook) -> int | None:
    """The ``khoảng N phút`` the module's first text cell states, or None."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            found = _STATED.search(cell.source)
            return int(found.group(1)) if found else None
    return None
