"""The trainee's kernel extension (policycomm.trainee): one kind sentence for every exception, the checks there
before the first cell runs."""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from policycomm.messages import set_language

ROOT = Path(__file__).resolve().parents[2]

CELLS = {
    "key": '{"a": 1}["b"]',
    "type": '"Hà Nội" + 3',
    "zero": "1 / 0",
    "index": "[1, 2][5]",
    "attribute": "(1).split()",
    "value": 'int("mười")',
}
OTHER = ("✗ Ô này chưa chạy được. Hãy chạy lại lần lượt các ô từ đầu bài",
         "✗ This cell could not run yet. Run the cells from the start of the lesson again")


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("policycomm.trainee")
    yield shell
    InteractiveShell.clear_instance()
    set_language("vi")


def _shown(shell, capsys, cell):
    capsys.readouterr()
    result = shell.run_cell(cell)
    out = capsys.readouterr()
    return result, out.out + out.err


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("slip", list(CELLS))
def test_every_exception_is_one_sentence_without_traceback(shell, capsys, lang, slip):
    set_language(lang)
    result, shown = _shown(shell, capsys, CELLS[slip])
    assert not result.success  # nbgrader still sees the failure
    vi, en = OTHER
    assert (vi if lang == "vi" else en) in shown and (en if lang == "vi" else vi) not in shown
    assert "Traceback" not in shown and "Error" not in shown and len(shown.strip().splitlines()) == 1, shown


def test_a_check_works_before_any_import_and_a_failed_check_keeps_the_hook_for_everything(shell, capsys):
    result, shown = _shown(shell, capsys, 'check_choice("b", options="ABCD")')
    assert result.success and "✔ Đã nhận câu trả lời" in shown
    result, shown = _shown(shell, capsys, 'check_choice("E", options="ABCD")')
    assert not result.success and shown.strip().startswith("✗ “E” không phải là một lựa chọn")
    result, shown = _shown(shell, capsys, "1 / 0")  # the check's own hook did not narrow the trainee's
    assert shown.strip().startswith(OTHER[0]) and "Traceback" not in shown
    result, shown = _shown(shell, capsys, "check_choice(cau_9)")
    assert shown.strip().startswith("✗ Chưa có “cau_9”")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_interrupted_cell_is_one_sentence_and_the_hook_stays_after_a_failed_check(shell, capsys, lang):
    set_language(lang)
    stopped = {"vi": "⏹ Ô này đã dừng giữa chừng", "en": "⏹ This cell stopped halfway"}[lang]
    for cell in ("raise KeyboardInterrupt", 'check_choice("E", options="ABCD")', "raise KeyboardInterrupt"):
        result, shown = _shown(shell, capsys, cell)
        assert not result.success and len(shown.strip().splitlines()) == 1 and "Traceback" not in shown, shown
    assert shown.strip().startswith(stopped) and "KeyboardInterrupt" not in shown


def test_the_trainees_kernel_turns_interrupt_kernel_into_one_sentence(tmp_path):
    """A real kernel started as ``course open`` starts the trainee's, interrupted as JupyterLab's ■ button does."""
    import time

    from jupyter_client.manager import start_new_kernel

    from policycomm.assign.course import CourseRun, write_trainee_config

    run = CourseRun(tmp_path / "course", tmp_path / "run")
    write_trainee_config(run)
    manager, client = start_new_kernel(kernel_name="python3", env=run.environment(), cwd=str(tmp_path))
    try:
        client.execute("import time\nprint('bắt đầu', flush=True)\ntime.sleep(120)")
        outputs = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            message = client.get_iopub_msg(timeout=120)
            outputs.append(message["content"])
            if message["content"].get("text", "").startswith("bắt đầu"):
                break
        manager.interrupt_kernel()
        while not (outputs[-1].get("execution_state") == "idle"):
            outputs.append(client.get_iopub_msg(timeout=60)["content"])
        (error,) = [o for o in outputs if "traceback" in o]
        assert error["traceback"] == [error["traceback"][0]] and error["traceback"][0].startswith("⏹ Ô này đã dừng")
        assert error["ename"] == "KeyboardInterrupt"  # the kernel still reports the cell as stopped
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_the_preloaded_names_are_hidden_from_who(shell, capsys):
    _shown(shell, capsys, "")
    result, shown = _shown(shell, capsys, "%who")
    assert "check_choice" not in shown


def _first_cell_imports(path) -> dict[str, str]:
    """name -> "module" or "module:attribute" for each import of a notebook's first code cell."""
    cell = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    found = {}
    for node in ast.walk(ast.parse(cell.source)):
        if isinstance(node, ast.Import):
            found.update({a.asname or a.name: a.name for a in node.names})
        elif isinstance(node, ast.ImportFrom):
            found.update({a.asname or a.name: f"{node.module}:{a.name}" for a in node.names})
    return found


@pytest.mark.parametrize("notebook", sorted((ROOT / "course" / "source").glob("*/*.ipynb")), ids=lambda p: p.parent.name)
def test_every_name_a_first_cell_imports_is_preloaded(notebook):
    from policycomm.trainee import PRELOADED

    imports = _first_cell_imports(notebook)
    assert imports and {name: PRELOADED.get(name) for name in imports} == imports
