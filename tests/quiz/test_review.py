"""Leitner review: moving between boxes, persistence, broken files, removed questions, the notebook widget."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from policycomm.quiz.review import ReviewDeck, review_deck
from policycomm.quiz.schema import question_adapter

DAY = date(2026, 3, 2)


def question(qid: str, module: str = "01"):
    return question_adapter().validate_python({
        "id": qid, "module": module, "type": "single", "text": f"Câu {qid}?", "feedback": "Vì…",
        "difficulty": "easy", "sources": ["S1"],
        "answers": [{"id": "a", "text": "Đúng", "fraction": 100, "feedback": "Đúng rồi."},
                    {"id": "b", "text": "Sai", "feedback": "Chưa đúng: xem lại phần 1."}]})


QUESTIONS = [question("m01-q01"), question("m01-q02"), question("m02-q01", module="02")]


@pytest.fixture
def path(tmp_path):
    return tmp_path / "nested" / "review.json"


def ids(questions):
    return [q.id for q in questions]


def test_new_cards_are_due_at_once(path):
    deck = ReviewDeck(QUESTIONS, path)
    assert ids(deck.due(DAY)) == ["m01-q01", "m01-q02", "m02-q01"]
    assert ids(deck.due(DAY, module="02")) == ["m02-q01"]
    assert not path.exists()  # nothing written before the first answer


def test_right_answers_climb_the_boxes_with_their_intervals(path):
    deck = ReviewDeck(QUESTIONS, path)
    card = deck.record("m01-q01", True, DAY)
    assert (card.box, card.due) == (2, DAY + timedelta(days=2))
    assert "m01-q01" not in ids(deck.due(DAY + timedelta(days=1)))
    assert "m01-q01" in ids(deck.due(DAY + timedelta(days=2)))
    card = deck.record("m01-q01", True, DAY + timedelta(days=2))
    assert (card.box, card.due) == (3, DAY + timedelta(days=9))
    card = deck.record("m01-q01", True, DAY + timedelta(days=9))
    assert (card.box, card.due) == (3, DAY + timedelta(days=16))  # the last box stays the last


def test_a_wrong_answer_sends_the_card_back_to_box_1(path):
    deck = ReviewDeck(QUESTIONS, path)
    deck.record("m01-q01", True, DAY)
    deck.record("m01-q01", True, DAY + timedelta(days=2))
    card = deck.record("m01-q01", False, DAY + timedelta(days=9))
    assert (card.box, card.due, card.lapses, card.reviews) == (1, DAY + timedelta(days=10), 1, 3)


def test_answer_scores_with_the_bank_scoring(path):
    deck = ReviewDeck(QUESTIONS, path)
    fraction, card = deck.answer("m01-q02", "b", DAY)
    assert (fraction, card.box) == (0.0, 1)
    fraction, card = deck.answer("m01-q02", "a", DAY + timedelta(days=1))
    assert (fraction, card.box) == (1.0, 2)


def test_intervals_are_configurable(path):
    deck = ReviewDeck(QUESTIONS, path, intervals=(0, 3, 10, 30))
    assert deck.record("m01-q01", False, DAY).due == DAY
    assert deck.record("m01-q01", True, DAY).due == DAY + timedelta(days=3)
    with pytest.raises(ValueError):
        ReviewDeck(QUESTIONS, path, intervals=())


def test_progress_survives_a_new_deck(path):
    deck = ReviewDeck(QUESTIONS, path)
    deck.record("m01-q01", True, DAY)
    deck.record("m02-q01", False, DAY)
    again = ReviewDeck(QUESTIONS, path)
    assert again.card("m01-q01").box == 2 and again.card("m02-q01").lapses == 1
    assert ids(again.due(DAY)) == ["m01-q02"]
    assert again.notes == []
    assert not list(path.parent.glob(".review.json.*"))  # no temporary file left behind


def test_two_open_decks_keep_each_others_progress(path):
    morning, evening = ReviewDeck(QUESTIONS, path), ReviewDeck(QUESTIONS, path)
    morning.record("m01-q01", True, DAY)
    evening.record("m01-q02", False, DAY)
    both = ReviewDeck(QUESTIONS, path)
    assert (both.card("m01-q01").box, both.card("m01-q02").lapses) == (2, 1)


def test_a_corrupt_file_is_backed_up_and_the_review_starts_afresh(path):
    path.parent.mkdir(parents=True)
    path.write_text('{"format": "policycomm-review", "cards": {"m01-q01": {"box": 2,', encoding="utf-8")
    deck = ReviewDeck(QUESTIONS, path)
    backups = list(path.parent.glob("review.json.hong-*"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8").endswith('"box": 2,')
    assert len(deck.notes) == 1 and "bắt đầu lại" in deck.notes[0] and str(backups[0]) in deck.notes[0]
    assert len(deck.due(DAY)) == 3
    deck.record("m01-q01", True, DAY)
    assert json.loads(path.read_text(encoding="utf-8"))["cards"]["m01-q01"]["box"] == 2
    assert len(list(path.parent.glob("review.json.hong-*"))) == 1 and len(deck.notes) == 1  # no second backup


@pytest.mark.parametrize("content", [b"\xff\xfe not utf-8", b"[1, 2, 3]", b'{"cards": "many"}'])
def test_other_unreadable_files_are_backed_up_too(path, content):
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    deck = ReviewDeck(QUESTIONS, path)
    assert deck.notes and list(path.parent.glob("review.json.hong-*"))[0].read_bytes() == content


def test_one_broken_card_is_reset_and_the_file_backed_up(path):
    deck = ReviewDeck(QUESTIONS, path)
    deck.record("m01-q01", True, DAY)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["cards"]["m01-q02"] = {"box": "two", "due": "someday"}
    path.write_text(json.dumps(data), encoding="utf-8")
    again = ReviewDeck(QUESTIONS, path)
    assert again.card("m01-q01").box == 2 and again.card("m01-q02").box == 1
    assert "m01-q02" in again.notes[0] and len(list(path.parent.glob("review.json.hong-*"))) == 1
    again.record("m01-q01", True, DAY + timedelta(days=2))
    assert ReviewDeck(QUESTIONS, path).notes == []  # the broken entry was replaced once, not backed up again


def test_cards_of_removed_questions_are_ignored_with_a_note_and_kept(path):
    ReviewDeck(QUESTIONS, path).record("m02-q01", True, DAY)
    smaller = ReviewDeck(QUESTIONS[:2], path)  # m02-q01 was removed from the bank
    assert "m02-q01" in smaller.notes[0] and "không còn trong ngân hàng" in smaller.notes[0]
    assert ids(smaller.due(DAY + timedelta(days=30))) == ["m01-q01", "m01-q02"]
    smaller.record("m01-q01", True, DAY)
    assert ReviewDeck(QUESTIONS, path).card("m02-q01").box == 2  # back in the bank: progress is still there


def test_fewer_boxes_than_saved_clamps_to_the_last_box(path):
    deck = ReviewDeck(QUESTIONS, path)
    for offset in (0, 2, 9):
        deck.record("m01-q01", True, DAY + timedelta(days=offset))
    assert ReviewDeck(QUESTIONS, path, intervals=(1, 3)).card("m01-q01").box == 2


def test_default_path_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYCOMM_REVIEW", str(tmp_path / "mine.json"))
    assert ReviewDeck(QUESTIONS).path == tmp_path / "mine.json"
    monkeypatch.delenv("POLICYCOMM_REVIEW")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert ReviewDeck(QUESTIONS).path == tmp_path / ".policycomm" / "review.json"


def test_the_real_bank_loads_into_a_deck(path):
    deck = ReviewDeck(path=path)
    assert len(deck.due(DAY)) == len(deck.questions) > 10


# ------------------------------------------------------------------ widget

def test_widget_checks_an_answer_shows_feedback_and_moves_the_card(path):
    session = review_deck(path=path, today=DAY, questions=QUESTIONS, module="01")
    assert "Còn 2 câu" in session.status.value
    shown = session.question_widget
    assert shown.question.id == "m01-q01"
    shown.button.click()  # no answer yet: nothing moves
    assert "chưa trả lời" in shown.feedback.value and not path.exists()
    shown.input.set("b")
    shown.button.click()
    assert "Chưa đúng: xem lại phần 1." in shown.feedback.value
    assert "hộp 1" in session.result.value and "ngày mai" in session.result.value
    assert shown.button.disabled
    assert ReviewDeck(QUESTIONS, path).card("m01-q01").lapses == 1
    session.next_button.click()
    assert session.question_widget.question.id == "m01-q02"
    session.question_widget.input.set("a")
    session.question_widget.button.click()
    assert "Đúng rồi." in session.question_widget.feedback.value and "hộp 2" in session.result.value
    session.next_button.click()
    assert session.question_widget is None and "ôn xong" in session.area.children[0].value
    assert "ngày mai" in session.area.children[0].value


def test_widget_shows_the_notes_and_reports_a_save_failure_kindly(tmp_path):
    (tmp_path / "review.json").write_text("{broken", encoding="utf-8")
    noted = review_deck(path=tmp_path / "review.json", today=DAY, questions=QUESTIONS)
    assert "bắt đầu lại" in noted.box.children[0].value
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    session = review_deck(path=blocked / "review.json", today=DAY, questions=QUESTIONS)
    session.question_widget.input.set("a")
    session.question_widget.button.click()
    assert "Không lưu được tiến độ" in session.result.value
    assert session.deck.card("m01-q01").reviews == 0  # not saved, so not moved
    assert "text/plain" in session._repr_mimebundle_()


def test_review_speaks_english_after_set_language(tmp_path):
    from policycomm.messages import get_language, set_language

    before = get_language()
    set_language("en")
    try:
        (tmp_path / "review.json").write_text("{broken", encoding="utf-8")
        session = review_deck(path=tmp_path / "review.json", today=DAY, questions=QUESTIONS, module="01")
        assert "the review starts afresh" in session.box.children[0].value
        assert "2 question(s) left to review today." in session.status.value and "box 1: 2" in session.status.value
        assert session.next_button.description == "Next question"
        session.question_widget.input.set("b")
        session.question_widget.button.click()
        assert "goes back to box 1; you will see it again tomorrow." in session.result.value
        session.next_button.click()
        session.question_widget.input.set("a")
        session.question_widget.button.click()
        assert "moves up to box 2; you will see it again in 2 days (on 04/03/2026)." in session.result.value
        session.next_button.click()
        assert "You have finished the review for today. Come back tomorrow." in session.area.children[0].value
    finally:
        set_language(before)


# ------------------------------------------------------------------ in a real JupyterLab

def _browser_harness():
    """The JupyterLab + chromium harness of the end-to-end tests (tests/e2e/conftest.py)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("e2e_harness", Path(__file__).parents[1] / "e2e" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.browser
def test_review_deck_in_jupyterlab_moves_the_card_and_saves(tmp_path):
    import nbformat

    from policycomm.quiz import load_bank

    harness = _browser_harness()
    first, second = [q for q in load_bank() if q.module == "01"][:2]
    right = next(a for a in first.answers if a.fraction == 100)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("from policycomm.quiz import review_deck\n"
                                                "review_deck(module='01', path='progress.json')")]
    nbformat.write(notebook, tmp_path / "on_tap.ipynb")

    (tmp_path / "lab").mkdir()
    with harness.lab_session(tmp_path, tmp_path / "lab") as page:
        page.open_notebook("on_tap.ipynb")
        page.run_all_cells()
        review = page.page.locator(".policycomm-review")
        review.get_by_text("cần ôn hôm nay").wait_for(timeout=30_000)
        review.get_by_label(right.text[:40], exact=False).check()
        review.get_by_role("button", name="Kiểm tra").click()
        review.get_by_text("✔ Đúng.").wait_for(timeout=20_000)
        review.get_by_text("lên hộp 2").wait_for(timeout=20_000)
        saved = json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))
        assert saved["cards"][first.id]["box"] == 2
        review.get_by_role("button", name="Câu tiếp theo").click()
        review.get_by_text(second.text.strip().splitlines()[0][:40]).wait_for(timeout=20_000)
