"""Answer keys of a source notebook: where the course author writes the right answer to a form.

In a source notebook, the key of a form is written in the hidden tests of the
cell that grades it, which ``nbgrader generate_assignment`` removes from the
release (the form's own cell is an ordinary locked cell, restored by the
grader, so it never holds a secret)::

    check_choice(forms.answer("m00-cau-1"), options="AB")
    ### BEGIN HIDDEN TESTS
    forms.key("m00-cau-1", "B")
    check_choice(forms.answer("m00-cau-1"), options="AB", expected="B")
    ### END HIDDEN TESTS

A written answer graded by the lecturer has its model answer in the mark
scheme of its task cell, as a ```` ```python ```` block holding the
``forms.key(…)`` line; an ungraded worked example may keep its key in its own
cell. :func:`key` does nothing when a cell runs: a key never becomes an answer
by itself. :func:`answer_key` reads the keys of a notebook (without running
it) so that tests and benchmarks can build the answers file of a trainee who
answers everything as the author did (:func:`write_answers`).

The model answer of a writing exercise whose scenario varies by trainee
(``forms.writing(id, review=...)``, :mod:`policycomm.model.variants`) is written
with the rubric's placeholders, e.g. ``"… gọi đường dây nóng {duong_day[so]}"``,
and so is the right play of a crisis simulation (``forms.crisis(id, scenario=...)``)
with its scenario's, e.g. ``"channels": ["{tin_don[kenh]}", "commune_radio"]``;
``answer_key(notebook, trainee)`` fills them with that trainee's variant. A choice
whose right answer depends on the trainee's variant of its scenario
(``exercise_variants.yaml``) gives one answer per value (:func:`key` with
``variant``); ``answer_key(notebook, trainee)`` takes that trainee's.

>>> import nbformat, tempfile
>>> test = nbformat.v4.new_code_cell('### BEGIN HIDDEN TESTS\\nforms.key("m00-cau-1", "B")\\n### END HIDDEN TESTS')
>>> task = nbformat.v4.new_markdown_cell('=== BEGIN MARK SCHEME ===\\n```python\\nforms.key("m09-cau-2", "Bài mẫu")\\n```')
>>> answer_key(nbformat.v4.new_notebook(cells=[test, task]))
{'m00-cau-1': 'B', 'm09-cau-2': 'Bài mẫu'}
>>> folder = tempfile.mkdtemp()
>>> write_answers(folder, "00-lam-quen.ipynb", {"m00-cau-1": "B"})
>>> from policycomm.forms import answer
>>> answer("m00-cau-1", folder=folder)
'B'
"""
from __future__ import annotations

import ast
import os
import re
from typing import Any

__all__ = ["key", "answer_key", "for_trainee", "write_answers"]


def key(exercise_id: str, answer: Any, variant: str | None = None) -> Any:
    """The right answer to ``exercise_id``, as its form saves it (see the module); it never becomes an answer.

    Where the right answer depends on the trainee's variant of the exercise's scenario
    (``exercise_variants.yaml``), ``answer`` maps the code of each value of the parameter ``variant`` (a text
    value itself, a mapping's ``ma``) to its right answer, and the call returns the right answer of the trainee this kernel works for
    (:func:`policycomm.model.variants.trainee_id`), for the check on the next line::

        dung = forms.key("m03-cau-3", {"ba_h": "elderly_rural", "anh_k": "businesses"}, variant="chan_dung")
        check_id(forms.answer("m03-cau-3"), kind="audience", expected=dung)
    """
    if variant is None:
        return answer
    from policycomm.model.variants import trainee_id

    return _own(exercise_id, answer, variant, trainee_id())


def _own(exercise_id: str, answers: dict, parameter: str, trainee: str) -> Any:
    """The answer of ``answers`` ({code: answer}) for the code of ``trainee``'s value of ``parameter`` (the value
    itself, or its ``ma``)."""
    from policycomm.model.exercise_variants import exercise_variant

    values = exercise_variant(exercise_id, trainee)
    if values is None or parameter not in values:
        raise ValueError(f"{exercise_id}: exercise_variants.yaml gives it no parameter {parameter!r}")
    value = values[parameter]
    return answers[value if isinstance(value, str) else value["ma"]]


def _key_calls(source: str):
    """(exercise id, answer, parameter) of every ``key(…)``/``forms.key(…)`` call with literal arguments in
    ``source``; the parameter is the ``variant`` the answer depends on, or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and len(node.args) == 2
                and all(k.arg == "variant" for k in node.keywords)):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name == "key":
            try:
                parameter = next((ast.literal_eval(k.value) for k in node.keywords), None)
                yield ast.literal_eval(node.args[0]), ast.literal_eval(node.args[1]), parameter
            except ValueError:
                continue


#: a ```python block of a text cell (a mark scheme's model answer)
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _code_of(cell) -> str:
    """The Python a cell holds: a code cell's source, a text cell's ```python blocks."""
    if cell.cell_type == "code":
        return cell.source
    return "\n".join(PYTHON_BLOCK.findall(cell.source))


def _varied(source: str) -> dict[str, tuple[str, str]]:
    """{exercise id: (kind, name)} of the forms of ``source`` whose scenario varies by trainee: ``("writing",
    exercise)`` for ``writing(id, …, review="…")``, ``("crisis", scenario id)`` for ``crisis(id, scenario="…")``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            keyword = {"writing": "review", "crisis": "scenario"}.get(name)
            value = next((k.value for k in node.keywords if k.arg == keyword), None)
            if isinstance(value, ast.Constant):
                found[node.args[0].value] = (name, value.value)
    return found


def _values(kind: str, name: str, trainee: str) -> dict:
    """{parameter: value} of ``trainee``'s variant of a writing exercise's or a crisis scenario's scenario."""
    if kind == "writing":
        from policycomm.grading.writing import load_writing

        return load_writing(name, trainee).variant
    from policycomm.model.scenario import scenario, values_of

    return values_of(scenario(name), trainee)


def answer_key(notebook, trainee: str | None = None) -> dict[str, Any]:
    """{exercise id: answer} from the ``key(…)`` calls of an nbformat notebook's cells (see the module);
    with ``trainee``, the model answers of writing exercises are filled with that trainee's variant.

    Raises ValueError if one exercise id has two keys.
    """
    from policycomm.model.variants import REFERENCE

    found: dict[str, Any] = {}
    for cell in notebook.cells:
        for exercise_id, answer, parameter in _key_calls(_code_of(cell)):
            if exercise_id in found:
                raise ValueError(f"cell {cell.get('id')!r}: the exercise {exercise_id!r} has a second key")
            found[exercise_id] = answer if parameter is None else _own(exercise_id, answer, parameter,
                                                                        trainee or REFERENCE)
    return found if trainee is None else for_trainee(notebook, found, trainee)


def for_trainee(notebook, answers: dict[str, Any], trainee: str) -> dict[str, Any]:
    """``answers`` ({exercise id: answer}) with the texts answering the notebook's writing exercises
    (``forms.writing(id, review=...)``) and the decisions of its crisis simulations (``forms.crisis(id,
    scenario=...)``) filled with ``trainee``'s variant of their scenario."""
    from policycomm.model.variants import fill_all

    varied: dict[str, tuple[str, str]] = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            varied.update(_varied(cell.source))
    return {exercise_id: fill_all(answer, _values(*varied[exercise_id], trainee)) if exercise_id in varied else answer
            for exercise_id, answer in answers.items()}


def write_answers(folder: str | os.PathLike, notebook: str, answers: dict[str, Any]) -> None:
    """Save ``answers`` ({exercise id: answer}) for ``notebook`` in ``folder``'s answers file, as the forms do."""
    from policycomm.quiz.responses import record_answer

    for exercise_id, answer in answers.items():
        record_answer(exercise_id, answer, notebook=notebook, folder=folder)
