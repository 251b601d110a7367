"""The question bank: content rules, scoring of every type, and `quiz check` on broken files."""
from __future__ import annotations

import math
import re
import textwrap
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policycomm.cli import main
from policycomm.model.knowledge import knowledge
from policycomm.model.ledger import load_claims
from policycomm.quiz.bank import BankError, check_bank, dump_module, load_bank, load_module_file
from policycomm.quiz.schema import QUESTION_TYPES, allowed_fraction, question_adapter
from policycomm.quiz.scoring import response_problem, score_response

@pytest.fixture(scope="module")
def bank():
    return load_bank()


# --- content ---

def test_bank_has_eight_modules_of_at_least_fifteen_questions(bank):
    assert list(bank.modules) == [f"{n:02d}" for n in range(1, 9)]
    assert len(bank) >= 120
    for module_id, questions in bank.by_module().items():
        assert len(questions) >= 15, module_id
        assert all(q.module == module_id and q.id.startswith(f"m{module_id}-") for q in questions)


def test_every_module_mixes_the_question_types(bank):
    assert {q.type for q in bank} == set(QUESTION_TYPES)
    for module_id, questions in bank.by_module().items():
        kinds = Counter(q.type for q in questions)
        assert len(kinds) >= 5, (module_id, kinds)
        assert kinds.most_common(1)[0][1] <= len(questions) // 2, (module_id, kinds)


def test_every_question_cites_known_sources_and_explains_each_answer(bank):
    known = set(knowledge().sources)
    for q in bank:
        assert q.sources and set(q.sources) <= known, q.id
        assert "A1" not in q.sources, f"{q.id}: a modelling assumption is not a source for a fact"
        for answer in getattr(q, "answers", []):
            if q.type in ("single", "multiple"):
                assert len(answer.feedback) >= 5, (q.id, answer.id)
        assert len(q.feedback) >= 20, q.id


def test_cited_sources_are_listed_in_sources_yaml(bank):
    listed = set(knowledge().sources)
    cited = {s for q in bank for s in q.sources}
    assert cited <= listed, cited - listed


#: time limits once taught without a source; a question may state one only where an entry of the
#: claims ledger placed on that question quotes the source's words for it (phrase -> the words)
GUARDED_PHRASES = {"24 giờ": "24 giờ", "24-hour": "24 giờ", "60 ngày": "60 ngày", "ít nhất 30 ngày": "30 ngày"}


def unsupported_phrases(questions, claims) -> list[tuple[str, str]]:
    """(question id, phrase) for each guarded phrase a question uses without a ledger quote behind it."""
    quotes: dict[str, list[str]] = {}
    for claim in claims:
        for place in claim.places:
            if place.question and claim.quote.strip():
                quotes.setdefault(place.question, []).append(claim.quote.lower())
    return [(q.id, phrase) for q in questions for phrase, words in GUARDED_PHRASES.items()
            if phrase in q.model_dump_json().lower() and not any(words in quote for quote in quotes.get(q.id, []))]


def test_unverified_claims_are_not_taught(bank):
    """NĐ 244/2026 Điều 7 khoản 3 gives a 24-hour limit: the bank may teach it on a question the ledger
    places that quote on; "24 giờ" elsewhere, and unsourced time limits, stay out."""
    claims = load_claims()
    assert not unsupported_phrases(bank, claims)
    first = next(iter(bank))
    said = first.model_copy(update={"title": "Thông tin ban đầu cho báo chí chậm nhất 24 giờ"})
    assert unsupported_phrases([said], claims) == [(first.id, "24 giờ")]
    rule = next(c for c in claims if c.id == "nd-244-24-hours")
    placed = rule.model_copy(update={"places": [*rule.places, type(rule.places[0])(question=first.id)]})
    assert unsupported_phrases([said], [placed]) == []


def test_ids_are_unique_and_options_ordered(bank):
    ids = [q.id for q in bank]
    assert len(ids) == len(set(ids))
    for q in bank:
        if q.type in ("single", "multiple"):
            assert [a.id for a in q.answers] == list("abcdefghijklmnopqrstuvwxyz"[:len(q.answers)]), q.id


def _best_response(q):
    """The response that deserves full marks according to the key."""
    if q.type == "single":
        return next(a.id for a in q.answers if a.fraction == 100)
    if q.type == "multiple":
        return [a.id for a in q.answers if a.fraction > 0]
    if q.type == "truefalse":
        return q.correct
    if q.type == "matching":
        return {p.left: p.right for p in q.pairs}
    if q.type == "short":
        return next(a.text for a in q.answers if a.fraction == 100).replace("*", "x")
    return next(a.value for a in q.answers if a.fraction == 100)


def _wrong_response(q):
    if q.type == "single":
        return next(a.id for a in q.answers if a.fraction == 0)
    if q.type == "multiple":
        return [a.id for a in q.answers if a.fraction <= 0]
    if q.type == "truefalse":
        return not q.correct
    if q.type == "matching":
        rights = [p.right for p in q.pairs]
        return {p.left: rights[(i + 1) % len(rights)] for i, p in enumerate(q.pairs)}
    if q.type == "short":
        return "zzz không liên quan"
    return -123456.0


def test_every_key_gives_full_marks_and_a_wrong_answer_does_not(bank):
    for q in bank:
        assert score_response(q, _best_response(q)) == 1.0, q.id
        assert score_response(q, _wrong_response(q)) < 1.0, q.id


# --- scoring, type by type ---

def _question(**fields):
    base = {"id": "m09-q01", "module": "09", "text": "Câu hỏi?", "feedback": "Giải thích chung.",
            "difficulty": "medium", "sources": ["S1"]}
    return question_adapter().validate_python(base | fields)


def _choices(*fractions):
    return [{"id": chr(97 + i), "text": f"Phương án {i}", "fraction": f, "feedback": "Vì…"} for i, f in enumerate(fractions)]


def test_single_choice_scores_the_chosen_fraction():
    q = _question(type="single", answers=_choices(100, 50, 0))
    assert [score_response(q, r) for r in ("a", "b", "c")] == [1.0, 0.5, 0.0]
    assert score_response(q, ["a"]) == 0.0  # a list is not a single choice
    assert "one option id" in response_problem(q, ["a"])


def test_multiple_answers_add_up_and_clip_to_zero_and_one():
    q = _question(type="multiple", answers=_choices(50, 50, -100, 0))
    assert score_response(q, ["a"]) == 0.5
    assert score_response(q, ["a", "b"]) == 1.0
    assert score_response(q, ["a", "b", "d"]) == 1.0
    assert score_response(q, ["a", "c"]) == 0.0  # 50 - 100 clipped to 0
    assert score_response(q, ["a", "a", "a"]) == 0.5  # repeating an option earns nothing more
    assert score_response(q, ["a", "x"]) == 0.0 and "unknown option" in response_problem(q, ["a", "x"])


def test_true_false_and_its_malformed_responses():
    q = _question(type="truefalse", correct=False, feedback_true="Sai.", feedback_false="Đúng.")
    assert score_response(q, False) == 1.0 and score_response(q, True) == 0.0
    assert score_response(q, "false") == 0.0 and score_response(q, 0) == 0.0


def test_matching_gives_credit_per_pair():
    q = _question(type="matching", pairs=[{"left": "A", "right": "1"}, {"left": "B", "right": "2"},
                                          {"left": "C", "right": "3"}, {"left": "D", "right": "3"}],
                  distractors=["4"])
    assert score_response(q, {"A": "1", "B": "2", "C": "3", "D": "3"}) == 1.0
    assert score_response(q, {"A": "1", "B": "4"}) == 0.25
    assert score_response(q, {"A": "2", "B": "1", "C": "4", "D": "4"}) == 0.0
    assert q.choices == ["1", "2", "3", "4"]
    assert score_response(q, {"Z": "1"}) == 0.0 and "unknown left" in response_problem(q, {"Z": "1"})


def test_short_answer_ignores_unicode_form_case_spacing_and_tone_placement():
    q = _question(type="short", answers=[{"text": "hòa giải", "fraction": 100, "feedback": "Đúng."},
                                         {"text": "hòa*", "fraction": 50, "feedback": "Gần đúng."}])
    assert score_response(q, "hòa giải") == 1.0
    assert score_response(q, unicodedata.normalize("NFD", "Hòa Giải")) == 1.0
    assert score_response(q, "  HOÀ   giải ") == 1.0  # old-style tone placement, case, spaces
    assert score_response(q, "hòa bình") == 0.5  # wildcard answer
    assert score_response(q, "hoa giai") == 0.0  # accents matter unless the question says otherwise


def test_short_answer_accent_insensitive_variants_and_wildcards_in_the_bank(bank):
    q = bank["m01-q07"]  # "tham vấn chính sách", accents_insensitive
    assert score_response(q, "Tham van chinh sach") == 1.0
    assert score_response(q, "tham vấn") == 0.5
    assert score_response(q, "lấy ý kiến nhân dân") == 0.0
    portal = bank["m01-q14"]
    assert score_response(portal, "cổng pháp luật quốc gia việt nam") == 1.0  # a listed variant
    assert score_response(portal, "cong phap luat") == 0.5  # wildcard "*pháp luật*" without accents


def test_numerical_tolerance_and_vietnamese_decimal_comma():
    q = _question(type="numerical", answers=[{"value": 91.4, "tolerance": 0.1, "fraction": 100, "feedback": "Đúng."},
                                             {"value": 90, "tolerance": 1, "fraction": 50, "feedback": "Gần."}])
    assert score_response(q, 91.4) == 1.0 and score_response(q, "91,45") == 1.0 and score_response(q, 91.5) == 1.0
    assert score_response(q, 89.5) == 0.5 and score_response(q, 95) == 0.0
    assert score_response(q, "nhiều") == 0.0 and score_response(q, float("nan")) == 0.0
    assert score_response(q, None) == 0.0 and response_problem(q, None) == "no answer"


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
                           max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(response=JSON_VALUES, index=st.integers(min_value=0, max_value=10_000))
def test_any_json_response_scores_between_zero_and_one_without_raising(bank, response, index):
    questions = list(bank)
    q = questions[index % len(questions)]
    score = score_response(q, response)
    assert 0.0 <= score <= 1.0 and not math.isnan(score)


def test_moodle_fractions():
    assert allowed_fraction(33.33333) == 33.33333 and allowed_fraction(-12.5) == -12.5
    assert allowed_fraction(33) is None and allowed_fraction(101) is None


# --- loading, writing and checking files ---

def test_written_bank_files_read_back_unchanged(bank, tmp_path):
    for module in bank.modules.values():
        path = tmp_path / f"{module.module}.yaml"
        path.write_text(dump_module(module), encoding="utf-8")
        assert load_module_file(path) == module


GOOD = """\
module: "01"
title: Mô-đun thử
questions:
  - id: m01-q01
    type: truefalse
    text: Đúng hay sai?
    correct: true
    feedback_true: Đúng.
    feedback_false: Chưa đúng.
    feedback: Giải thích.
    difficulty: easy
    sources: [S1]
"""

BROKEN = """\
module: "02"
title: Tệp có nhiều lỗi
questions:
  - id: m02-q01
    type: single
    text: Hai đáp án đúng?
    answers:
      - {id: a, text: A, fraction: 100, feedback: Vì.}
      - {id: b, text: B, fraction: 100, feedback: Vì.}
    feedback: Giải thích.
    difficulty: easy
    sources: [S1, S999]
  - id: m02-q02
    type: multiple
    text: Tổng chưa đủ 100?
    answers:
      - {id: a, text: A, fraction: 33, feedback: Vì.}
      - {id: c, text: B, fraction: 50, feedback: Vì.}
    feedback: Giải thích.
    difficulty: hard
    sources: [S1]
  - id: m02-q03
    type: matching
    text: Chỉ một cặp
    pairs:
      - {left: X, right: "1"}
    feedback: Giải thích.
    difficulty: medium
    sources: [S1]
  - id: m02-q04
    type: essay
    text: Kiểu không có
    feedback: Giải thích.
    difficulty: medium
    sources: [S1]
  - id: m02-q05
    type: numerical
    text: Thiếu độ khó
    answers:
      - {value: 5, feedback: Đúng.}
    feedback: Giải thích.
    sources: [S1]
  - id: m01-q01
    type: truefalse
    text: Trùng mã với tệp 01
    correct: false
    feedback_true: Sai.
    feedback_false: Đúng.
    feedback: Giải thích.
    difficulty: easy
    sources: [S1]
"""

DUPLICATE_KEY = """\
module: "03"
title: Khóa lặp
questions:
  - id: m03-q01
    type: truefalse
    text: Câu một
    text: Câu hai
    correct: true
    feedback_true: Đúng.
    feedback_false: Sai.
    feedback: Giải thích.
    difficulty: easy
    sources: [S1]
"""


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return lines[occurrence - 1]


def test_check_reports_every_problem_with_file_line_question_and_field(tmp_path, capsys):
    (tmp_path / "01.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "02.yaml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "03.yaml").write_text(DUPLICATE_KEY, encoding="utf-8")
    (tmp_path / "04.yaml").write_text("module: '04'\ntitle: x\nquestions: [\n", encoding="utf-8")
    assert main(["quiz", "check", "--bank", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    broken = tmp_path / "02.yaml"
    expected = [
        f"{broken}:{_line_of(BROKEN, 'answers:')}: question 'm02-q01', field 'answers': a single-choice question needs exactly one answer with fraction 100 (found 2)",
        f"{broken}:{_line_of(BROKEN, 'sources: [S1, S999]')}: question 'm02-q01', field 'sources.1': unknown source id 'S999'",
        f"{broken}:{_line_of(BROKEN, 'fraction: 33')}: question 'm02-q02', field 'answers.0.fraction': 33 is not a fraction Moodle accepts",
        f"{broken}:{_line_of(BROKEN, 'id: c, text: B')}: question 'm02-q02', field 'answers.1.id': option ids go a, b, c",
        f"{broken}:{_line_of(BROKEN, 'answers:', 2)}: question 'm02-q02', field 'answers': the positive fractions add up to 83",
        f"{broken}:{_line_of(BROKEN, 'pairs:')}: question 'm02-q03', field 'pairs': has 1 pair(s)",
        f"{broken}:{_line_of(BROKEN, 'type: essay')}: question 'm02-q04', field 'type': 'type' must be one of",
        f"{broken}:{_line_of(BROKEN, 'id: m02-q05')}: question 'm02-q05', field 'difficulty': Field required",
        f"{broken}:{_line_of(BROKEN, 'id: m01-q01')}: question 'm01-q01', field 'id': id is already used in {tmp_path / '01.yaml'}",
        f"{tmp_path / '03.yaml'}:{_line_of(DUPLICATE_KEY, 'text: Câu hai')}: not valid YAML: key 'text' appears twice",
        f"{tmp_path / '04.yaml'}:4: not valid YAML",
    ]
    for line in expected:
        assert line in out, f"missing: {line}\n--- got:\n{out}"
    assert out.splitlines()[-1] == f"Ngân hàng câu hỏi có {len(out.splitlines()) - 1} lỗi."


def test_load_bank_raises_with_all_problems_and_the_good_bank_checks_clean(tmp_path, capsys):
    (tmp_path / "02.yaml").write_text(BROKEN, encoding="utf-8")
    with pytest.raises(BankError) as caught:
        load_bank(tmp_path)
    assert len(caught.value.problems) >= 9
    assert main(["quiz", "check"]) == 0
    assert capsys.readouterr().out.startswith("Không có lỗi: ")


def test_check_explains_a_missing_folder_and_an_empty_one(tmp_path):
    assert "folder not found" in str(check_bank(tmp_path / "nowhere")[1][0])
    assert "no *.yaml bank files" in str(check_bank(tmp_path)[1][0])


def test_wrong_module_and_bad_top_level_are_named(tmp_path):
    (tmp_path / "05.yaml").write_text(GOOD.replace('module: "01"', 'module: "05"'), encoding="utf-8")
    (tmp_path / "06.yaml").write_text("- just a list\n", encoding="utf-8")
    _, problems = check_bank(tmp_path)
    text = "\n".join(map(str, problems))
    assert "06.yaml:1: expected top-level keys 'module:', 'title:' and 'questions:'" in text
    assert "field 'id': ids in module 05 start with 'm05-'" in text


def test_matching_needs_three_right_hand_items_for_moodle(tmp_path):
    two_pairs = textwrap.dedent("""\
        module: "07"
        title: Ghép
        questions:
          - id: m07-q01
            type: matching
            text: Ghép
            pairs:
              - {left: A, right: "1"}
              - {left: B, right: "2"}
            feedback: Giải thích.
            difficulty: easy
            sources: [S1]
        """)
    (tmp_path / "07.yaml").write_text(two_pairs, encoding="utf-8")
    _, problems = check_bank(tmp_path)
    assert [p.field for p in problems] == ["distractors"] and "at least 3 right-hand items" in problems[0].message
    (tmp_path / "07.yaml").write_text(two_pairs.replace("    feedback: Giải thích.", "    distractors: ['3']\n    feedback: Giải thích."),
                                      encoding="utf-8")
    assert check_bank(tmp_path)[1] == []
