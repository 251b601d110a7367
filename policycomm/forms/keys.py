"""Answer keys of a source notebook: where the course author writes the right answer to a form.

In a source notebook, a form's cell carries its key in an nbgrader solution
region, which ``nbgrader generate_assignment`` removes from the release::

    ### BEGIN SOLUTION
    forms.key("m00-cau-1", "B")
    ### END SOLUTION
    forms.single("m00-cau-1", ["Ctrl + S", "Shift + Enter"], prompt="…")

:func:`key` does nothing when the cell runs: a key never becomes an answer
by itself. :func:`answer_key` reads the keys of a notebook (without running
it) so that tests and benchmarks can build the answers file of a trainee who
answers everything as the author did (:func:`write_answers`).

>>> import nbformat, tempfile
>>> cell = nbformat.v4.new_code_cell('forms.key("m00-cau-1", "B")\\nforms.single("m00-cau-1", ["Một", "Hai"])')
>>> cell.metadata["nbgrader"] = {"solution": True}
>>> answer_key(nbformat.v4.new_notebook(cells=[cell]))
{'m00-cau-1': 'B'}
>>> folder = tempfile.mkdtemp()
>>> write_answers(folder, "00-lam-quen.ipynb", {"m00-cau-1": "B"})
>>> from policycomm.forms import answer
>>> answer("m00-cau-1", folder=folder)
'B'
"""
from __future__ import annotations

import ast
import os
from typing import Any

__all__ = ["key", "answer_key", "write_answers"]


def key(exercise_id: str, answer: Any) -> None:
    """The right answer to ``exercise_id``, as its form saves it; does nothing when run (see the module)."""


def _key_calls(source: str):
    """(exercise id, answer) of every ``key(…)``/``forms.key(…)`` call with literal arguments in ``source``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and len(node.args) == 2 and not node.keywords):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name == "key":
            try:
                yield ast.literal_eval(node.args[0]), ast.literal_eval(node.args[1])
            except ValueError:
                continue


def answer_key(notebook) -> dict[str, Any]:
    """{exercise id: answer} from the ``key(…)`` calls in the solution cells of an nbformat notebook.

    Raises ValueError if one exercise id has two keys.
    """
    found: dict[str, Any] = {}
    for cell in notebook.cells:
        if cell.cell_type != "code" or not cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            continue
        for exercise_id, answer in _key_calls(cell.source):
            if exercise_id in found:
                raise ValueError(f"cell {cell.get('id')!r}: the exercise {exercise_id!r} has a second key")
            found[exercise_id] = answer
    return found


def write_answers(folder: str | os.PathLike, notebook: str, answers: dict[str, Any]) -> None:
    """Save ``answers`` ({exercise id: answer}) for ``notebook`` in ``folder``'s answers file, as the forms do."""
    from policycomm.quiz.responses import record_answer

    for exercise_id, answer in answers.items():
        record_answer(exercise_id, answer, notebook=notebook, folder=folder)
