"""The trainee's start page (policycomm.trainee.start): each module's state read from the trainee's folders."""
from __future__ import annotations

import shutil

import nbformat
import pytest

from policycomm.messages import set_language
from policycomm.trainee.start import START_PAGE, module_status, start_page, write_start_page

FEEDBACK = ('<html><body><div class="policycomm-feedback"><h1>Bài 03</h1>'
            '<p>Học viên: hv01. Điểm tự động: 12.5 / 20. Với những câu chưa đạt…</p></div></body></html>')


def _notebook(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)]), folder / name)


@pytest.fixture
def trainee(tmp_path):
    """A trainee home with one module in each state, the exchange's released copies and one submission."""
    home, outbound, inbound = tmp_path / "trainee", tmp_path / "outbound", tmp_path / "inbound"
    for module in ("00-a", "01-b", "02-c", "03-d"):
        _notebook(outbound / module, f"{module}.ipynb", f"# Bài {module}")
        shutil.copytree(outbound / module, home / module)
    for module in ("01-b", "02-c", "03-d"):
        _notebook(home / module, f"{module}.ipynb", f"# Bài {module}\n\ncau_1 = 'B'")  # the trainee's work
    (inbound / "hv01+02-c+2026-11-30 09:15:00.000000 UTC").mkdir(parents=True)
    (inbound / "hv02+01-b+2026-11-30 10:00:00.000000 UTC").mkdir(parents=True)  # someone else's
    page = home / "03-d" / "feedback" / "2026-11-30 09:15:00.000000 UTC" / "03-d.html"
    page.parent.mkdir(parents=True)
    page.write_text(FEEDBACK, encoding="utf-8")
    return home, outbound, inbound


def _states(trainee):
    home, outbound, inbound = trainee
    return [module_status(home, m, m, outbound / m, inbound, "hv01") for m in ("00-a", "01-b", "02-c", "03-d", "04-e")]


def test_each_state_is_read_from_the_trainees_folders(trainee):
    modules = _states(trainee)
    assert [m.state for m in modules] == ["new", "started", "submitted", "graded", "missing"]
    assert modules[2].submitted == "2026-11-30 09:15:00.000000 UTC"
    assert modules[3].score == (12.5, 20.0)
    assert modules[3].feedback == "03-d/feedback/2026-11-30 09:15:00.000000 UTC/03-d.html"
    assert modules[0].notebook == "00-a/00-a.ipynb" and modules[4].notebook is None


def test_without_the_released_copy_a_saved_notebook_counts_as_started(trainee):
    home, _, _ = trainee
    assert module_status(home, "00-a", "a").state == "new"
    (home / "00-a" / ".ipynb_checkpoints").mkdir()
    assert module_status(home, "00-a", "a").state == "started"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_page_lists_states_and_links_in_the_language_of_the_moment(trainee, lang):
    set_language(lang)
    try:
        text = "\n".join(c.source for c in start_page(_states(trainee)).cells)
    finally:
        set_language("vi")
    vi = ["| 00-a | chưa học | [Mở bài](00-a/00-a.ipynb) |  |", "| 01-b | đang làm |",
          "| 02-c | đã nộp (2026-11-30 09:15:00.000000 UTC) |",
          "| 03-d | đã chấm: 12.5 / 20 điểm | [Mở bài](03-d/03-d.ipynb) | "
          "[Xem nhận xét](03-d/feedback/2026-11-30%2009%3A15%3A00.000000%20UTC/03-d.html) |",
          "| 04-e | chưa có bài: hãy hỏi giảng viên |  |  |"]
    en = ["| 00-a | not started | [Open](00-a/00-a.ipynb) |  |", "| 01-b | in progress |",
          "| 03-d | graded: 12.5 / 20 points |"]
    for line in (vi if lang == "vi" else en):
        assert line in text
    assert (en if lang == "vi" else vi)[0] not in text


def test_the_page_is_a_notebook_of_text_only_written_again_each_time(trainee):
    home, _, _ = trainee
    path = write_start_page(home, _states(trainee)[:1])
    assert path == home / START_PAGE
    path = write_start_page(home, _states(trainee))
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert {c.cell_type for c in nb.cells} == {"markdown"} and "04-e" in nb.cells[1].source
