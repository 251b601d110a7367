"""The trainee's start page (policycomm.trainee.start): each module's state and progress read from the trainee's
folders, the table the page shows and shows again when its cell runs."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from traitlets.config import Config

from policycomm.forms.keys import write_answers
from policycomm.messages import set_language
from policycomm.trainee.cells import exercises, question_label
from policycomm.trainee.start import (START_PAGE, course_modules, main, module_status, progress, progress_bundle,
                                      start_page, write_start_page)

ROOT = Path(__file__).resolve().parents[2]
FEEDBACK = ('<html><body><div class="policycomm-feedback"><h1>Bài 03</h1>'
            '<p>Học viên: hv01. Điểm tự động: 12.5 / 20. Với những câu chưa đạt…</p></div></body></html>')
SUBMITTED = "2026-11-30 09:15:00.000000 UTC"


def _graded(cell, **nbgrader):
    cell.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "task": False, **nbgrader}
    return cell


def module_notebook(module: str, questions: int = 3) -> nbformat.NotebookNode:
    """A released notebook as the course writes one: a worked example, then ``questions`` exercises (a question,
    a form, a check that reads it)."""
    number = module.split("-")[0]
    cells = [new_markdown_cell(f"# Bài {module}\n\nMở đầu."),
             _graded(new_code_cell(f'from policycomm import forms\nforms.single("m{number}-vi-du", ["Có", "Chưa"])'),
                     solution=True, grade=False, grade_id="vi_du")]
    for k in range(1, questions + 1):
        exercise = f"m{number}-cau-{k}"
        cells += [new_markdown_cell(f"### Câu {k} (1 điểm)\n\nChọn **một** ý."),
                  _graded(new_code_cell(f'from policycomm import forms\nforms.single("{exercise}", ["A", "B"],\n'
                                        f'             prompt="Câu {k}.")'), solution=True, grade=False,
                          grade_id=f"cau_{k}"),
                  _graded(new_code_cell(f'check_choice(forms.answer("{exercise}"), options="AB")'), solution=False,
                          grade=True, points=1, grade_id=f"cau_{k}_kiem_tra")]
    return new_notebook(cells=cells)


@pytest.fixture
def trainee(tmp_path):
    """A trainee home with one module in each state, the exchange's released copies, one submission in the
    exchange and one in the trainee's nbgrader cache."""
    home, outbound, inbound, cache = (tmp_path / name for name in ("trainee", "outbound", "inbound", "cache"))
    for module in ("00-a", "01-b", "02-c", "03-d", "05-f", "06-g"):
        (outbound / module).mkdir(parents=True)
        nbformat.write(module_notebook(module), outbound / module / f"{module}.ipynb")
        shutil.copytree(outbound / module, home / module)
    write_answers(home / "01-b", "01-b.ipynb", {"m01-cau-1": "B", "m01-cau-2": "  "})  # one answer, one blank
    changed = nbformat.read(home / "05-f" / "05-f.ipynb", as_version=4)
    changed.cells[0].source += "\n\nGhi chú của học viên."
    nbformat.write(changed, home / "05-f" / "05-f.ipynb")
    write_answers(home / "02-c", "02-c.ipynb", {"m02-cau-1": "A", "m02-cau-2": "B", "m02-cau-3": "A"})
    submission = inbound / "hv01+02-c+2026-11-30 09:15:00.000000 UTC+abcDEF"
    submission.mkdir(parents=True)
    (submission / "timestamp.txt").write_text(SUBMITTED, encoding="utf-8")
    (inbound / "hv02+01-b+2026-11-30 10:00:00.000000 UTC").mkdir()  # someone else's
    (cache / "hv01+06-g+2026-12-01 02:00:00.000000 UTC").mkdir(parents=True)  # inbound not listable on a hub
    page = home / "03-d" / "feedback" / "2026-11-30 09:15:00.000000 UTC" / "03-d.html"
    page.parent.mkdir(parents=True)
    page.write_text(FEEDBACK, encoding="utf-8")
    return home, outbound, inbound, cache


MODULES = ("00-a", "01-b", "02-c", "03-d", "04-e", "05-f", "06-g")


def _states(trainee):
    home, outbound, inbound, cache = trainee
    return [module_status(home, m, m, outbound / m, inbound, "hv01", cache) for m in MODULES]


def test_each_state_and_progress_is_read_from_the_trainees_folders(trainee):
    modules = _states(trainee)
    assert [m.state for m in modules] == ["new", "started", "submitted", "graded", "missing", "started", "submitted"]
    assert modules[2].submitted == datetime(2026, 11, 30, 9, 15, tzinfo=timezone.utc)
    assert modules[6].submitted == datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
    assert modules[3].score == (12.5, 20.0)
    assert modules[3].feedback == "03-d/feedback/2026-11-30 09:15:00.000000 UTC/03-d.html"
    assert modules[0].notebook == "00-a/00-a.ipynb" and modules[4].notebook is None
    # the worked example is no exercise; a blank answer is no answer
    assert [(m.answered, m.exercises) for m in modules] == [(0, 3), (1, 3), (3, 3), (0, 3), (None, None), (0, 3),
                                                            (0, 3)]


def test_a_broken_answers_file_counts_nothing_and_breaks_nothing(trainee):
    home = trainee[0]
    (home / "01-b" / "policycomm_answers.json").write_text('{"format": "policycomm-answers", "notebooks": {',
                                                            encoding="utf-8")
    status = _states(trainee)[1]
    assert (status.state, status.answered, status.exercises) == ("started", 0, 3)
    (home / "00-a" / "00-a.ipynb").write_text("{not a notebook", encoding="utf-8")
    assert progress(home / "00-a") is None


def test_without_the_released_copy_a_saved_notebook_counts_as_started(trainee):
    home = trainee[0]
    assert module_status(home, "00-a", "a").state == "new"
    (home / "00-a" / ".ipynb_checkpoints").mkdir()
    assert module_status(home, "00-a", "a").state == "started"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_table_lists_states_progress_and_links_in_the_language_of_the_moment(trainee, lang):
    set_language(lang)
    try:
        text = progress_bundle(_states(trainee))["text/markdown"]
    finally:
        set_language("vi")
    submitted = datetime(2026, 11, 30, 9, 15, tzinfo=timezone.utc).astimezone()
    vi = ["| Bài | Trạng thái | Đã trả lời | Học | Nhận xét |",
          "| 00-a | chưa học | 0 / 3 câu | [Mở bài](00-a/00-a.ipynb) |  |", "| 01-b | đang làm | 1 / 3 câu |",
          f"| 02-c | đã nộp ({submitted:%H:%M} ngày {submitted:%d/%m/%Y}) | 3 / 3 câu |",
          "| 03-d | đã chấm: 12.5 / 20 điểm | 0 / 3 câu | [Mở bài](03-d/03-d.ipynb) | "
          "[Xem nhận xét](03-d/feedback/2026-11-30%2009%3A15%3A00.000000%20UTC/03-d.html) |",
          "| 04-e | chưa có bài: hãy hỏi giảng viên |  |  |  |"]
    en = ["| 00-a | not started | 0 / 3 questions | [Open](00-a/00-a.ipynb) |  |", "| 01-b | in progress |",
          f"| 02-c | submitted ({submitted:%Y-%m-%d %H:%M}) |", "| 03-d | graded: 12.5 / 20 points |"]
    for line in (vi if lang == "vi" else en):
        assert line in text
    assert (en if lang == "vi" else vi)[0] not in text


def test_the_page_opens_on_the_table_in_a_hidden_cell_nobody_edits(trainee):
    home = trainee[0]
    path = write_start_page(home, _states(trainee)[:1])
    assert path == home / START_PAGE
    path = write_start_page(home, _states(trainee))  # written again
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert [c.cell_type for c in nb.cells] == ["markdown", "code", "markdown"]
    table = nb.cells[1]
    assert table.metadata["jupyter"] == {"source_hidden": True} and table.metadata["editable"] is False
    assert table.source.startswith("# Bảng tiến độ") and "show_progress()" in table.source
    (output,) = table.outputs
    assert "| 06-g | đã nộp" in output.data["text/markdown"] and "06-g: đã nộp" in output.data["text/plain"]
    assert nb.metadata.kernelspec.name == "python3"  # opens without asking for a kernel


def test_the_cell_reads_the_course_from_the_trainees_nbgrader_configuration(trainee, tmp_path, monkeypatch):
    home, outbound, inbound, cache = trainee
    exchange = tmp_path / "exchange"
    (exchange / "policycomm").mkdir(parents=True)
    for name, place in (("outbound", outbound), ("inbound", inbound)):
        place.rename(exchange / "policycomm" / name)
    cache.rename(tmp_path / "cache-root")
    (tmp_path / "cache-root").mkdir(exist_ok=True)
    (tmp_path / "cache-root" / "policycomm").mkdir()
    (tmp_path / "cache-root" / "policycomm" / "hv01+06-g+2026-12-01 02:00:00.000000 UTC").mkdir()
    monkeypatch.setattr("policycomm.trainee.start.username", lambda: "hv01")
    config = Config()
    config.CourseDirectory.course_id = "policycomm"
    config.Exchange.root = str(exchange)
    config.Exchange.cache = str(tmp_path / "cache-root")
    modules = course_modules(home, config)
    assert [(m.assignment, m.state) for m in modules] == [
        ("00-a", "new"), ("01-b", "started"), ("02-c", "submitted"), ("03-d", "graded"), ("05-f", "started"),
        ("06-g", "submitted")]
    assert modules[0].title == "Bài 00-a"

    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'policycomm'\nc.Exchange.root = {str(exchange)!r}\n"
        f"c.Exchange.cache = {str(tmp_path / 'cache-root')!r}\n", encoding="utf-8")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))
    assert main([str(home)]) == 0  # python -m policycomm.trainee.start HOME, as a JupyterHub's start-up would
    page = nbformat.read(home / START_PAGE, as_version=4)
    assert "| Bài 06-g | đã nộp" in page.cells[1].outputs[0].data["text/markdown"]


def test_module_00_has_three_exercises_and_every_graded_cell_names_its_question():
    source = sorted((ROOT / "course" / "source").glob("*/*.ipynb"))
    nb = nbformat.read(ROOT / "course" / "source" / "00-lam-quen" / "00-lam-quen.ipynb", as_version=4)
    assert exercises(nb) == ["m00-cau-1", "m00-cau-2", "m00-cau-3"]  # the worked example m00-vi-du is not one
    for path in source:
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.metadata.get("nbgrader", {}).get("grade"):
                label = question_label(nb, index)
                assert label and label.startswith("Câu ") and "*" not in label, (path.name, cell.get("id"), label)
