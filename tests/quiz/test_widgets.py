"""Quiz widgets and recorded answers, kernel side (no browser): values set as a click would set them."""
from __future__ import annotations

import json

import ipywidgets as w
import pytest

from policycomm.grading.hidden_tests import without_hidden
from policycomm.quiz import load_bank
from policycomm.quiz.responses import (ANSWERS_FILE, award, check_answered, key_of, read_recorded, record_answer,
                                       recorded_answer)
from policycomm.quiz.widgets import graded_cells, public_view, show

NOTEBOOK = "quiz.ipynb"


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def one_of_each_type(bank) -> dict:
    """The first bank question of every type."""
    found = {}
    for question in bank:
        found.setdefault(question.type, question)
    assert set(found) == {"single", "multiple", "truefalse", "matching", "short", "numerical"}
    return found


def right_choice(question):
    return next(c for c in question.answers if c.fraction == 100)


def wrong_choice(question):
    return next(c for c in question.answers if c.fraction <= 0)


def secrets_of(question) -> list[str]:
    """Texts that would give the answer away: every feedback and every accepted typed answer."""
    texts = [question.feedback, getattr(question, "feedback_true", ""), getattr(question, "feedback_false", "")]
    for answer in getattr(question, "answers", []):
        texts.append(getattr(answer, "feedback", ""))
        if question.type == "short":
            texts.append(answer.text)
    return [t.strip() for t in texts if t and len(t.strip()) > 3]


# ---------------------------------------------------------------- practice mode


def test_practice_single_choice_gives_verdict_answer_feedback_and_general_feedback(bank):
    question = next(q for q in bank if q.type == "single")
    item = show(question.id).questions[0]
    item.input.radio.value = wrong_choice(question).id
    item.button.click()
    assert "Chưa đúng" in item.feedback.value
    assert wrong_choice(question).feedback.split(".")[0] in item.feedback.value
    assert question.feedback.split(";")[0].split(".")[0] in item.feedback.value
    item.input.radio.value = right_choice(question).id
    item.button.click()
    assert "✔ Đúng." in item.feedback.value and "Chưa đúng" not in item.feedback.value.split("<br>")[0]


def test_practice_without_an_answer_asks_for_one(bank):
    item = show(next(q for q in bank if q.type == "matching").id).questions[0]
    item.button.click()
    assert "Bạn chưa trả lời" in item.feedback.value


def test_practice_multiple_choice_partial_credit_is_shown_as_a_share(bank):
    question = next(q for q in bank if q.type == "multiple" and sum(c.fraction > 0 for c in q.answers) >= 2)
    item = show(question).questions[0]
    first_right = next(c for c in question.answers if c.fraction > 0)
    item.input.boxes[first_right.id].value = True
    item.button.click()
    assert f"Đúng một phần ({first_right.fraction / 100:.0%})" in item.feedback.value
    assert first_right.feedback.split(".")[0] in item.feedback.value


def test_practice_matching_counts_pairs(bank):
    question = next(q for q in bank if q.type == "matching" and len(q.pairs) >= 2)
    item = show(question.id).questions[0]
    for pair in question.pairs[:-1]:
        item.input.menus[pair.left].value = pair.right
    wrong = next(c for c in question.choices if c != question.pairs[-1].right)
    item.input.menus[question.pairs[-1].left].value = wrong
    item.button.click()
    assert f"Bạn ghép đúng {len(question.pairs) - 1}/{len(question.pairs)} cặp." in item.feedback.value


def test_practice_short_answer_accepts_other_unicode_forms_and_numbers_accept_a_decimal_comma(bank):
    short = next(q for q in bank if q.type == "short" and q.answers[0].fraction == 100)
    item = show(short.id).questions[0]
    import unicodedata
    item.input.text.value = unicodedata.normalize("NFD", short.answers[0].text.upper())
    item.button.click()
    assert "✔ Đúng." in item.feedback.value

    numerical = next(q for q in bank if q.type == "numerical" and q.answers[0].fraction == 100)
    item = show(numerical.id).questions[0]
    item.input.text.value = f"{numerical.answers[0].value:g}".replace(".", ",")
    item.button.click()
    assert "✔ Đúng." in item.feedback.value
    item.input.text.value = "bảy mươi"
    item.button.click()
    assert "Hãy nhập một số" in item.feedback.value


def test_practice_never_touches_the_disk(bank, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    item = show(next(q for q in bank if q.type == "single").id).questions[0]
    item.input.radio.value = item.input.radio.options[0][1]
    item.button.click()
    assert list(tmp_path.iterdir()) == []


def test_several_questions_are_numbered_and_an_unknown_id_is_a_clear_error(bank):
    ids = [q.id for q in list(bank)[:3]]
    box = show(ids)
    assert [q.id for q in box.questions] == ids
    assert f"Câu 2 ({ids[1]})" in box.questions[1].prompt.value
    with pytest.raises(ValueError, match="no question 'm99-q99' in the question bank"):
        show("m99-q99")
    with pytest.raises(ValueError, match="mode must be one of"):
        show(ids[0], mode="exam")


# ---------------------------------------------------------------- graded mode


def test_graded_widgets_hold_no_key_in_state_or_html(bank, tmp_path, widget_state):
    for question in one_of_each_type(bank).values():
        box = show(public_view(question), mode="graded", folder=tmp_path, notebook=NOTEBOOK)
        state = widget_state(box)
        leaks = [secret for secret in secrets_of(question) if secret in state]
        assert leaks == [], f"{question.id} ({question.type}) shows {leaks}"
        assert "fraction" not in state and "Kiểm tra" not in state
        assert not hasattr(box.questions[0], "button")


def test_graded_matching_choices_do_not_follow_the_pairs(bank):
    question = next(q for q in bank if q.type == "matching" and len(q.pairs) >= 3)
    view = public_view(question)
    assert view["choices"] == sorted(view["choices"])
    assert set(view["choices"]) == set(question.choices)
    assert "pairs" not in view


def test_graded_answers_are_saved_beside_the_notebook_on_every_change(bank, tmp_path):
    kinds = one_of_each_type(bank)
    single, multiple, matching = kinds["single"], kinds["multiple"], kinds["matching"]
    box = show([public_view(single), public_view(multiple), public_view(matching)], mode="graded",
               folder=tmp_path, notebook=NOTEBOOK)
    first, second, third = box.questions
    first.input.radio.value = wrong_choice(single).id
    second.input.boxes[multiple.answers[1].id].value = True
    second.input.boxes[multiple.answers[0].id].value = True
    third.input.menus[matching.pairs[0].left].value = matching.pairs[0].right
    content = json.loads((tmp_path / ANSWERS_FILE).read_text(encoding="utf-8"))
    answers = content["notebooks"][NOTEBOOK]
    assert answers[single.id]["response"] == wrong_choice(single).id
    assert answers[multiple.id]["response"] == sorted([multiple.answers[0].id, multiple.answers[1].id])
    assert answers[matching.id]["response"] == {matching.pairs[0].left: matching.pairs[0].right}
    assert answers[single.id]["saved_at"].endswith("+00:00")
    assert "Đã lưu câu trả lời" in first.status.value and "Đúng" not in first.status.value
    second.input.boxes[multiple.answers[1].id].value = False
    second.input.boxes[multiple.answers[0].id].value = False
    assert "Đã xoá câu trả lời" in second.status.value
    assert multiple.id not in json.loads((tmp_path / ANSWERS_FILE).read_text())["notebooks"][NOTEBOOK]
    assert sorted(p.name for p in tmp_path.iterdir()) == [ANSWERS_FILE]  # no temporary files left


def test_graded_widget_shows_the_recorded_answer_again_after_a_restart(bank, tmp_path):
    question = one_of_each_type(bank)["truefalse"]
    record_answer(question.id, False, notebook=NOTEBOOK, folder=tmp_path)
    item = show(public_view(question), mode="graded", folder=tmp_path, notebook=NOTEBOOK).questions[0]
    assert item.input.radio.value is False
    assert "khôi phục" in item.status.value


def test_graded_mode_refuses_anything_that_carries_the_key(bank):
    question = one_of_each_type(bank)["single"]
    with pytest.raises(TypeError, match="public view"):
        show(question.id, mode="graded")
    with pytest.raises(ValueError, match=r"\['fraction'\]|would show the key"):
        show(question.model_dump(), mode="graded")
    leaky = public_view(question) | {"correct": "a"}
    with pytest.raises(ValueError, match="'correct'"):
        show(leaky, mode="graded")


def test_graded_cells_release_no_key_and_grade_the_recorded_answer(bank, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    question = one_of_each_type(bank)["single"]
    show_cell, test_cell = graded_cells(question)
    released_test = without_hidden(test_cell)
    for secret in ["fraction", "award", *secrets_of(question)]:
        assert secret not in show_cell and secret not in released_test
    namespace = {}
    exec(show_cell, namespace)
    box = show(public_view(question), mode="graded", notebook=NOTEBOOK)
    box.questions[0].input.radio.value = right_choice(question).id
    exec(compile(test_cell + "\nresult = _", "<test cell>", "exec"), {**namespace, "_": None})  # runs cleanly
    assert "Đã ghi nhận câu trả lời" in capsys.readouterr().out
    assert award(question.id, key_of(question), points=question.points) == question.points


# ---------------------------------------------------------------- recorded answers and grading


def test_missing_answers_file_gives_no_answer_and_no_credit(tmp_path, capsys):
    assert recorded_answer("m01-q01", folder=tmp_path) is None
    check_answered("m01-q01", folder=tmp_path)
    assert "Bạn chưa trả lời câu m01-q01" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="chưa trả lời câu m01-q01"):
        award("m01-q01", {"type": "truefalse", "correct": True}, folder=tmp_path)


def test_broken_answers_file_scores_zero_with_a_reason_and_is_kept_when_rewritten(tmp_path):
    path = tmp_path / ANSWERS_FILE
    path.write_text('{"format": "policycomm-answers", "notebooks": {"quiz.ipynb": {"m01-q01": ', encoding="utf-8")
    assert recorded_answer("m01-q01", folder=tmp_path) is None
    problem = read_recorded("m01-q01", folder=tmp_path).problem
    assert "bị hỏng" in problem and "dòng 1" in problem
    with pytest.raises(AssertionError, match="bị hỏng"):
        award("m01-q01", {"type": "truefalse", "correct": True}, folder=tmp_path)
    record_answer("m01-q01", True, notebook=NOTEBOOK, folder=tmp_path)
    assert recorded_answer("m01-q01", folder=tmp_path) is True
    backups = list(tmp_path.glob(f"{ANSWERS_FILE}.broken-*"))
    assert len(backups) == 1 and backups[0].read_text().endswith('"m01-q01": ')


@pytest.mark.parametrize("content", ['[1, 2]', '{"format": "other"}', '{"format": "policycomm-answers", "notebooks": []}'])
def test_answers_file_of_another_shape_is_reported(tmp_path, content):
    (tmp_path / ANSWERS_FILE).write_text(content)
    assert "không đúng cấu trúc" in read_recorded("m01-q01", folder=tmp_path).problem


def test_hand_edited_answers_are_scored_like_any_answer_and_tampered_values_score_zero(bank, tmp_path):
    question = one_of_each_type(bank)["multiple"]
    key = key_of(question)
    right = sorted(c.id for c in question.answers if c.fraction > 0)
    record_answer(question.id, right, notebook=NOTEBOOK, folder=tmp_path)
    assert award(question.id, key, points=2, folder=tmp_path) == 2.0
    for tampered in ["a", ["zz"], {"a": 1}, 42]:
        record_answer(question.id, tampered, notebook=NOTEBOOK, folder=tmp_path)
        with pytest.raises(AssertionError, match=r"chưa đúng \(0/2 điểm\)"):
            award(question.id, key, points=2, folder=tmp_path)


def test_partial_credit_is_returned_as_points(bank, tmp_path):
    question = next(q for q in bank if q.type == "matching" and len(q.pairs) == 4)
    response = {pair.left: pair.right for pair in question.pairs[:3]}
    record_answer(question.id, response, notebook=NOTEBOOK, folder=tmp_path)
    assert award(question.id, key_of(question), points=2, folder=tmp_path) == 1.5


def test_notebook_is_found_without_its_name_unless_two_notebooks_answered(tmp_path):
    record_answer("m01-q01", "a", notebook="one.ipynb", folder=tmp_path)
    record_answer("m01-q02", True, notebook="two.ipynb", folder=tmp_path)
    assert recorded_answer("m01-q01", folder=tmp_path) == "a"
    assert recorded_answer("m01-q01", notebook="two.ipynb", folder=tmp_path) is None
    record_answer("m01-q01", "b", notebook="two.ipynb", folder=tmp_path)
    assert "nhiều notebook" in read_recorded("m01-q01", folder=tmp_path).problem
    assert recorded_answer("m01-q01", notebook="two.ipynb", folder=tmp_path) == "b"


def test_jupyterlab_session_name_selects_the_notebook(tmp_path, monkeypatch):
    monkeypatch.setenv("JPY_SESSION_NAME", "quiz1/two.ipynb")
    record_answer("m01-q01", "c", folder=tmp_path)
    assert json.loads((tmp_path / ANSWERS_FILE).read_text())["notebooks"] == {
        "two.ipynb": {"m01-q01": {"response": "c", "saved_at": read_recorded("m01-q01", folder=tmp_path).saved_at}}}


def test_a_folder_that_cannot_be_written_is_reported_in_the_widget(bank, tmp_path):
    question = one_of_each_type(bank)["truefalse"]
    missing = tmp_path / "no-such-folder"
    item = show(public_view(question), mode="graded", folder=missing, notebook=NOTEBOOK).questions[0]
    item.input.radio.value = True
    assert "Không lưu được câu trả lời" in item.status.value
    assert isinstance(item.box, w.VBox)


def test_answers_are_not_saved_in_a_course_source_folder(bank, tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    source = tmp_path / "source" / "quiz1"
    source.mkdir(parents=True)
    question = one_of_each_type(bank)["truefalse"]
    item = show(public_view(question), mode="graded", folder=source, notebook=NOTEBOOK).questions[0]
    item.input.radio.value = True
    assert "source/" in item.status.value and "không được lưu" in item.status.value
    assert list(source.iterdir()) == []


def _record_many(folder: str, notebook: str, count: int) -> None:
    for index in range(count):
        record_answer(f"m01-q{index + 10:02d}", index, notebook=notebook, folder=folder)


def test_two_notebooks_saving_at_once_lose_no_answer(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(_record_many, [str(tmp_path)] * 2, ["one.ipynb", "two.ipynb"], [40, 40]))
    books = json.loads((tmp_path / ANSWERS_FILE).read_text())["notebooks"]
    assert {name: len(answers) for name, answers in books.items()} == {"one.ipynb": 40, "two.ipynb": 40}


# ---------------------------------------------------------------- language

@pytest.fixture
def english():
    from policycomm.messages import get_language, set_language

    before = get_language()
    set_language("en")
    yield
    set_language(before)


def test_widgets_speak_english_after_set_language(bank, english, tmp_path):
    kinds = one_of_each_type(bank)
    practice = show([kinds["truefalse"].id, kinds["numerical"].id, kinds["matching"].id]).questions
    truefalse, numerical, matching = practice
    assert truefalse.button.description == "Check" and "Question 1 (" in truefalse.prompt.value
    assert [label for label, _ in truefalse.input.radio.options] == ["True", "False"]
    truefalse.button.click()
    assert "You have not answered yet" in truefalse.feedback.value
    truefalse.input.radio.value = kinds["truefalse"].correct
    truefalse.button.click()
    assert "✔ Correct." in truefalse.feedback.value
    assert numerical.input.text.placeholder == "Type a number"
    numerical.input.text.value = "abc"
    numerical.button.click()
    assert "Please type a number" in numerical.feedback.value
    matching.input.menus[kinds["matching"].pairs[0].left].value = kinds["matching"].pairs[0].right
    matching.button.click()
    assert f"You matched 1 of {len(kinds['matching'].pairs)} pairs correctly." in matching.feedback.value
    graded = show(public_view(kinds["short"]), mode="graded", notebook="n.ipynb", folder=tmp_path).questions[0]
    assert "Choose your answer: it is saved automatically." in graded.status.value and "points" in graded.prompt.value
    graded.input.text.value = "câu trả lời"
    assert "Answer saved at" in graded.status.value
