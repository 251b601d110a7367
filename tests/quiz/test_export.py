"""LMS export: Moodle XML and GIFT, checked against what Moodle's importers read and an independent GIFT parser."""
from __future__ import annotations

import io
import logging
from xml.etree import ElementTree

import pytest

from policycomm.cli import main
from policycomm.quiz.bank import BankError, load_bank, load_module_file
from policycomm.quiz.gift import escape, from_gift, to_gift
from policycomm.quiz.moodle import from_moodle_xml, to_moodle_xml
from policycomm.quiz.schema import (MOODLE_FRACTIONS, Module, allowed_fraction, format_fraction, moodle_fraction,
                                     question_adapter)

# question/format/xml/format.php: trans_format() knows these names and assumes html for anything else.
MOODLE_TEXT_FORMATS = {"html", "moodle_auto_format", "plain_text", "wiki_like", "markdown"}
# import_question() dispatches on these types (plus cloze, essay, calculated*, description we do not write).
MOODLE_IMPORT_TYPES = {"category", "multichoice", "truefalse", "shortanswer", "numerical", "matching"}


@pytest.fixture(scope="module")
def bank():
    return load_bank()


@pytest.fixture(scope="module")
def moodle_root(bank):
    return ElementTree.fromstring(to_moodle_xml(bank).encode("utf-8"))


def _text(element, *path):
    node = element
    for tag in path:
        node = node.find(tag)
        assert node is not None, f"missing <{'/'.join(path)}>"
    return (node.text or "").strip()


def _fraction(answer) -> float:
    value = float(answer.get("fraction"))  # import_answer() reads @fraction; truefalse reads it without a default
    assert allowed_fraction(value) is not None, f"fraction {value} is not one Moodle accepts"
    return value


def _check_answers_feedback(answer):
    assert answer.find("text") is not None
    feedback = answer.find("feedback")
    assert feedback is not None and feedback.get("format") in MOODLE_TEXT_FORMATS


def test_moodle_xml_has_what_moodles_importer_reads(bank, moodle_root):
    """Encodes question/format/xml/format.php: the fields each import_* function reads, and Moodle's rules."""
    assert moodle_root.tag == "quiz"
    questions = moodle_root.findall("question")
    categories = [q for q in questions if q.get("type") == "category"]
    assert len(categories) == len(bank.modules)
    for category, module in zip(categories, bank.modules.values()):
        assert _text(category, "category", "text") == f"$course$/policycomm/{module.title}"
        assert _text(category, "idnumber") == f"policycomm-{module.module}"
    idnumbers = []
    for q in questions:
        kind = q.get("type")
        assert kind in MOODLE_IMPORT_TYPES
        if kind == "category":
            continue
        assert _text(q, "name", "text"), "import_headers(): xmlimportnoname without <name><text>"
        assert q.find("questiontext").get("format") in MOODLE_TEXT_FORMATS and _text(q, "questiontext", "text")
        assert q.find("generalfeedback").get("format") in MOODLE_TEXT_FORMATS and _text(q, "generalfeedback", "text")
        assert float(_text(q, "defaultgrade")) > 0 and 0 <= float(_text(q, "penalty")) <= 1
        assert _text(q, "hidden") == "0"
        idnumbers.append(_text(q, "idnumber"))
        tags = [_text(t, "text") for t in q.findall("tags/tag")]
        assert tags and all(t and "," not in t for t in tags)  # PARAM_TAG: no commas
        assert any(t.startswith("difficulty:") for t in tags) and any(t.startswith("source:") for t in tags)
        answers = q.findall("answer")
        if kind == "multichoice":
            single = _text(q, "single")
            assert single in ("true", "false") and _text(q, "shuffleanswers") in ("true", "false")
            assert _text(q, "answernumbering") == "abc"
            assert len(answers) >= 2  # qformat_gift/qtype_multichoice need two choices at least
            fractions = [_fraction(a) for a in answers]
            for a in answers:
                assert a.get("format") in MOODLE_TEXT_FORMATS and _text(a, "text")
                _check_answers_feedback(a)
            if single == "true":
                assert max(fractions) == 100  # qtype_multichoice: one answer must be 100 %
            else:
                assert round(sum(f for f in fractions if f > 0), 2) == 100  # positive grades total 100 %
            for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
                assert q.find(tag).get("format") in MOODLE_TEXT_FORMATS
        elif kind == "truefalse":
            assert sorted(_text(a, "text") for a in answers) == ["false", "true"]  # matched by text, not order
            assert sorted(_fraction(a) for a in answers) == [0, 100]
            for a in answers:
                _check_answers_feedback(a)
        elif kind == "shortanswer":
            assert _text(q, "usecase") in ("0", "1")
            assert any(_fraction(a) == 100 for a in answers)
            assert all(_text(a, "text") for a in answers)
        elif kind == "numerical":
            assert answers and any(_fraction(a) == 100 for a in answers)
            for a in answers:
                float(_text(a, "text")), float(_text(a, "tolerance"))
                _check_answers_feedback(a)
            assert _text(q, "showunits") in ("0", "1", "2", "3")
        elif kind == "matching":
            subquestions = q.findall("subquestion")
            questions_with_text = [s for s in subquestions if _text(s, "text")]
            # qtype_match edit form: at least 2 questions and 3 answers; every question needs an answer.
            assert len(questions_with_text) >= 2 and len(subquestions) >= 3
            assert all(_text(s, "answer", "text") for s in subquestions)
            assert all(s.get("format") in MOODLE_TEXT_FORMATS for s in subquestions)
    assert len(idnumbers) == len(set(idnumbers)) == len(bank)


def test_moodle_xml_round_trip_keeps_the_whole_bank(bank):
    assert from_moodle_xml(to_moodle_xml(bank)) == list(bank.modules.values())


def test_gift_round_trip_keeps_the_whole_bank(bank):
    assert from_gift(to_gift(bank)) == list(bank.modules.values())


TRICKY = {"id": "m09-q01", "module": "09", "type": "single", "title": "Ký tự: {đặc biệt} ~ = #",
          "text": "Dòng 1 có `mã` và **đậm**: a = b, {x}, ~y, #z, \\w\nDòng 2 <b>thẻ</b> & ]]> hết",
          "answers": [{"id": "a", "text": "A: {1} = 1", "fraction": 100, "feedback": "Vì # và ~"},
                      {"id": "b", "text": "B -> C", "fraction": 0, "feedback": "Dòng 1\nDòng 2"}],
          "feedback": "Chung: ####, \\n không phải xuống dòng", "tags": ["thu"], "difficulty": "hard",
          "points": 2, "sources": ["S1"]}


def _tricky_module():
    question = question_adapter().validate_python(TRICKY)
    return Module(module="09", title="Mô-đun/thử: ký tự", questions=[question])


def test_special_characters_and_vietnamese_survive_both_formats():
    module = _tricky_module()
    xml = to_moodle_xml(module)
    assert "<![CDATA[" in xml and "]]]]><![CDATA[>" in xml  # "]]>" split as Moodle's xml_escape does
    assert "$course$/policycomm/Mô-đun//thử: ký tự" in xml  # "/" inside a category name is written "//"
    assert from_moodle_xml(xml) == [module]
    gift = to_gift(module)
    assert "\\{đặc biệt\\} \\~ \\= \\#" in gift and "Dòng 1\\nDòng 2" in gift
    assert from_gift(gift) == [module]


def test_gift_escaping_follows_moodles_repchar():
    assert escape("a\\b#c=d~e{f}g:h\ni\r") == "a\\\\b\\#c\\=d\\~e\\{f\\}g\\:h\\ni"


def _unescape(text: str) -> str:
    for ch in "\\#=~{}:":
        text = text.replace("\\" + ch, ch)
    return text


def test_every_gift_question_parses_with_pygiftparser(bank):
    """pygiftparser 1.1 (an independent GIFT reader) accepts every exported question, with the same names and keys."""
    from pygiftparser import parser

    logging.getLogger("pygiftparser").setLevel(logging.ERROR)
    parsed = parser.parseFile(io.StringIO(to_gift(bank)))
    questions = list(bank)
    assert len(parsed) == len(questions)
    kinds = {"single": {"SelectSet"}, "multiple": {"MultipleChoicesSet"}, "truefalse": {"TrueFalseSet"},
             "numerical": {"NumericAnswerSet"}, "matching": {"MatchingSet"}, "short": {"ShortSet", "SelectSet"}}
    for ours, theirs in zip(questions, parsed):
        assert theirs.valid, ours.id
        assert _unescape(theirs.title) == ours.name
        assert theirs.markup == "markdown"
        assert _unescape(theirs.text) == ours.text
        assert _unescape(theirs.generalFeedback) == ours.feedback
        assert type(theirs.answers).__name__ in kinds[ours.type], ours.id
        assert theirs.cat.startswith("$course$/policycomm/")  # pygiftparser stops a category name at a space
        if ours.type in ("single", "multiple"):
            assert [a.fraction for a in theirs.answers.answers] == pytest.approx([a.fraction for a in ours.answers])
            assert [_unescape(a.answer) for a in theirs.answers.answers] == [a.text for a in ours.answers]
            assert [_unescape(a.feedback) for a in theirs.answers.answers] == [a.feedback for a in ours.answers]
        elif ours.type == "truefalse":
            assert theirs.answers.answer is ours.correct
        elif ours.type == "matching":
            pairs = [(_unescape(a.question.strip()), _unescape(a.answer.strip())) for a in theirs.answers.answers]
            assert pairs == [(p.left, p.right) for p in ours.pairs] + [("", d) for d in ours.distractors]
        elif ours.type == "numerical":
            assert [a.value for a in theirs.answers.answers] == pytest.approx([a.value for a in ours.answers])


def test_broken_files_are_reported_with_where_and_what():
    with pytest.raises(BankError) as caught:
        from_moodle_xml("<quiz><question type='truefalse'>\n<name>", origin="bad.xml")
    assert str(caught.value).startswith("bad.xml:")
    with pytest.raises(BankError) as caught:
        from_moodle_xml("<questions/>", origin="bad.xml")
    assert "expected <quiz>" in str(caught.value)
    gift = "// [id:m01-q01]\n::A::Câu hỏi {=a ~b\n\n// [id:m01-q02]\n::B::Không có mã hợp lệ {T}\n"
    with pytest.raises(BankError) as caught:
        from_gift(gift, origin="bad.gift")
    message = str(caught.value)
    assert "bad.gift:1: no answer part in braces" in message


def test_import_of_a_foreign_gift_file_names_missing_sources(tmp_path):
    foreign = "$CATEGORY: $course$/Khác\n\n// [id:m05-q99] [tag:difficulty:easy]\n::X::Đài truyền thanh xã là kênh hai chiều? {F}\n"
    with pytest.raises(BankError) as caught:
        from_gift(foreign, origin="foreign.txt")
    assert any(p.entry == "m05-q99" and p.field == "sources" and p.line == 3 for p in caught.value.problems)


def test_cli_export_then_import_gives_back_the_bank_files(bank, tmp_path, capsys):
    for fmt, name in (("moodle-xml", "bank.xml"), ("gift", "bank.txt")):
        exported = tmp_path / name
        assert main(["quiz", "export", "--format", fmt, "-o", str(exported)]) == 0
        folder = tmp_path / f"imported-{fmt}"
        assert main(["quiz", "import", str(exported), "-o", str(folder)]) == 0
        for module in bank.modules.values():
            assert load_module_file(folder / f"{module.module}.yaml") == module
        assert main(["quiz", "check", "--bank", str(folder)]) == 0
        # Nothing already stored is lost: a second import into the same folder refuses to overwrite.
        before = (folder / "01.yaml").read_bytes()
        assert main(["quiz", "import", str(exported), "-o", str(folder)]) == 1
        assert (folder / "01.yaml").read_bytes() == before
        assert "hoặc thêm --force để ghi đè." in capsys.readouterr().err.splitlines()[-1]
    capsys.readouterr()
    assert main(["quiz", "export", "--format", "gift", "--module", "03"]) == 0
    out = capsys.readouterr().out
    assert out.count("$CATEGORY:") == 1 and "[id:m03-q01]" in out and "[id:m04-" not in out
    assert main(["quiz", "export", "--module", "42"]) == 2


def test_moodle_fraction_table_matches_the_assessment_notes():
    assert len(MOODLE_FRACTIONS) == 21 and MOODLE_FRACTIONS[0] == 100 and MOODLE_FRACTIONS[-1] == 0


# --- Moodle's grades and tolerance (lib/questionlib.php match_grade_options, question/engine/bank.php) ---

#: question_bank::fraction_options_full(): the grades Moodle's importer accepts (and their negatives), 1 = 100 %.
MOODLE_GRADE_OPTIONS = ("1.0", "0.9", "0.8333333", "0.8", "0.75", "0.7", "0.6666667", "0.6", "0.5", "0.4",
                        "0.3333333", "0.3", "0.25", "0.2", "0.1666667", "0.1428571", "0.125", "0.1111111", "0.1",
                        "0.05", "0.0")


def _moodle_accepts(percent_text: str) -> str | None:
    """What Moodle's XML/GIFT importer makes of a written fraction: the grade it matches, or None (import error)."""
    grade = float(percent_text) / 100  # import_answer(): @fraction / 100; GIFT: %weight% / 100
    for option in MOODLE_GRADE_OPTIONS:
        for value in (option, "-" + option):
            if abs(grade - float(value)) < 0.00001:
                return value.replace("-0.0", "0.0")
    return None


def _grades_module(*fractions):
    answers = [{"id": chr(97 + i), "text": f"Phương án {i}", "fraction": f, "feedback": "Vì…"}
               for i, f in enumerate(fractions)]
    question = question_adapter().validate_python(
        {"id": "m09-q01", "module": "09", "type": "multiple", "text": "Chọn?", "answers": answers,
         "feedback": "Giải thích.", "difficulty": "easy", "sources": ["S1"]})
    return Module(module="09", title="Điểm", questions=[question])


def test_export_writes_moodles_exact_grades():
    # A third given to four decimals is within Moodle's tolerance; it is written as Moodle's own 33.33333.
    module = _grades_module(33.3333, 33.3333, 33.3333, -14.2857, 0)
    xml, gift = to_moodle_xml(module), to_gift(module)
    assert xml.count('fraction="33.33333"') == 3 and 'fraction="-14.28571"' in xml and "33.3333\"" not in xml
    assert gift.count("%33.33333%") == 3 and "%-14.28571%" in gift
    # Every Moodle grade, given anywhere within Moodle's tolerance, is written as Moodle writes it and accepted.
    for option in MOODLE_GRADE_OPTIONS:
        for sign in (1, -1):
            for nudge in (0, 0.0009, -0.0009):
                written = moodle_fraction(sign * float(option) * 100 + nudge)
                assert written == format_fraction(sign * float(option) * 100)
                assert abs(float(written) / 100 - sign * float(option)) < 1e-9
                assert _moodle_accepts(written) is not None


def test_quiz_check_applies_moodles_tolerance(tmp_path, capsys):
    # Moodle refuses 66.67 (0.6667 is 0.0000333 from 0.6666667, more than 0.00001); 66.6676 is just inside.
    assert _moodle_accepts("66.67") is None and allowed_fraction(66.67) is None
    assert _moodle_accepts("66.6676") == "0.6666667" and allowed_fraction(66.6676) == 66.66667
    assert _moodle_accepts("66.6677") is None and allowed_fraction(66.6677) is None
    for value in (33.3, 16.6, 12.4, 5.5, -33.3):
        assert allowed_fraction(value) is None and _moodle_accepts(str(value)) is None
    bank_file = tmp_path / "09.yaml"
    bank_file.write_text(
        'module: "09"\ntitle: Điểm\nquestions:\n'
        "  - id: m09-q01\n    type: single\n    text: Chọn một?\n    answers:\n"
        "      - {id: a, text: Đúng, fraction: 100, feedback: Vì…}\n"
        "      - {id: b, text: Gần đúng, fraction: 66.67, feedback: Vì…}\n"
        "      - {id: c, text: Hơi đúng, fraction: 66.6676, feedback: Vì…}\n"
        "    feedback: Giải thích.\n    difficulty: easy\n    sources: [S1]\n", encoding="utf-8")
    assert main(["quiz", "check", "--bank", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert (f"{bank_file}:9: question 'm09-q01', field 'answers.1.fraction': 66.67 is not a fraction Moodle "
            "accepts: its importer allows only its own grades, to within 0.001 (use 66.66667;") in out
    assert "Ngân hàng câu hỏi có 1 lỗi." in out  # 66.6676 passes, as it does in Moodle
    bank_file.write_text(bank_file.read_text(encoding="utf-8").replace("66.67,", "50,"), encoding="utf-8")
    assert main(["quiz", "check", "--bank", str(tmp_path)]) == 0
    module = load_module_file(bank_file)
    assert 'fraction="66.66667"' in to_moodle_xml(module) and "~%66.66667%Hơi đúng" in to_gift(module)


# --- GIFT escaping: ~ = # { } : \ and "->" in stems, answers and feedback ---

ARROWS = [
    {"id": "m09-q01", "type": "single", "title": "Mũi tên -> và : = ~ # { }",
     "text": "Quy trình A -> B -> C: bước {1} = ~2 #3 \\ hết?",
     "answers": [{"id": "a", "text": "A -> B", "fraction": 100, "feedback": "Đúng -> vì = và ~"},
                 {"id": "b", "text": "B <- A", "fraction": 0, "feedback": "Sai: {x} -> y"}],
     "feedback": "Chung -> #### hết", "difficulty": "easy", "sources": ["S1"]},
    {"id": "m09-q02", "type": "short", "text": "Viết tắt của Ủy ban nhân dân -> ?",
     "answers": [{"text": "UBND", "feedback": "Đúng -> viết tắt = UBND"},
                 {"text": "UB*", "fraction": 50, "feedback": "Gần đúng: {thiếu} -> ND"}],
     "feedback": "A -> B, x = y.", "difficulty": "easy", "sources": ["S1"]},
    {"id": "m09-q03", "type": "truefalse", "text": "Đúng -> sai = ?", "correct": True,
     "feedback_true": "Vì a -> b = c", "feedback_false": "Không: {x} ~ y", "feedback": "Chung -> #",
     "difficulty": "easy", "sources": ["S1"]},
    {"id": "m09-q04", "type": "matching", "text": "Ghép A -> B?",
     "pairs": [{"left": "Bước 1 -> 2", "right": "Lập kế hoạch: {a} = b"},
               {"left": "Tin #2", "right": "Đài ~ xã"}, {"left": "Cột: 3", "right": "Loa -> dân"}],
     "distractors": ["Nhiễu -> không khớp"], "feedback": "Giải thích -> =", "difficulty": "easy",
     "sources": ["S1"]},
    {"id": "m09-q05", "type": "numerical", "text": "Bao nhiêu -> phần trăm = ?",
     "answers": [{"value": 91.4, "tolerance": 0.1, "feedback": "Đúng -> {91,4} = #"}], "unit": "%",
     "feedback": "Chung -> ~", "difficulty": "easy", "sources": ["S1"]},
]


def _strings(value, change):
    """``value`` with ``change`` applied to every string in it."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {k: _strings(v, change) for k, v in value.items()}
    return [_strings(v, change) for v in value] if isinstance(value, list) else value


def _arrows_module(for_pygiftparser: bool = False):
    """The questions above; for pygiftparser without what it misreads and Moodle reads well.

    pygiftparser splits a pair at its last "->" (Moodle, and our reader, at the first) and ends the answer
    part at an escaped "}" (Moodle replaces escapes before looking for braces).
    """
    items = ARROWS
    if for_pygiftparser:
        items = _strings(items, lambda text: text.replace("{", "(").replace("}", ")"))
        items[3] = items[3] | {"pairs": [p | {"right": p["right"].replace("->", "→")} for p in items[3]["pairs"]],
                               "distractors": [d.replace("->", "→") for d in items[3]["distractors"]]}
    questions = [question_adapter().validate_python({"module": "09", **q}) for q in items]
    return Module(module="09", title="Mũi tên", questions=questions)


def test_gift_escapes_every_special_character_and_arrows_round_trip():
    module = _arrows_module()
    gift = to_gift(module)
    blocks = gift.split("\n\n")
    short = next(block for block in blocks if "[id:m09-q02]" in block)
    assert "->" not in short  # with the "=" of its answers, Moodle would read any "->" as a matching pair
    matching = next(block for block in blocks if "[id:m09-q04]" in block)
    assert "=Bước 1 -\\> 2 -> Lập kế hoạch\\: \\{a\\} \\= b" in matching  # right-hand side: after the first "->"
    assert from_gift(gift) == [module]
    assert from_moodle_xml(to_moodle_xml(module)) == [module]


def test_a_short_answer_with_an_arrow_is_refused_for_gift():
    from policycomm.quiz.bank import question_problems

    question = question_adapter().validate_python({"module": "09", **ARROWS[1]} | {
        "answers": [{"text": "A -> B", "variants": ["A->B"]}]})
    assert [(loc, message.split(" (")[0]) for loc, message in question_problems(question)] == [
        (["answers", 0, "text"], "GIFT cannot hold '->' in an accepted answer"),
        (["answers", 0, "variants", 0], "GIFT cannot hold '->' in an accepted answer")]


def _unescape_markdown(text: str) -> str:
    return _unescape(text).replace("-\\>", "->")  # markdown shows "\>" as ">"


def test_pygiftparser_reads_escaped_specials_and_arrows():
    from pygiftparser import parser

    logging.getLogger("pygiftparser").setLevel(logging.ERROR)
    module = _arrows_module(for_pygiftparser=True)
    parsed = parser.parseFile(io.StringIO(to_gift(module)))
    kinds = [type(q.answers).__name__ for q in parsed]
    assert kinds[0] == "SelectSet" and kinds[1] in ("ShortSet", "SelectSet")  # pygiftparser reads short as either
    assert kinds[2:] == ["TrueFalseSet", "MatchingSet", "NumericAnswerSet"]
    for ours, theirs in zip(module.questions, parsed):
        assert theirs.valid, ours.id
        assert _unescape_markdown(theirs.title) == ours.name
        assert _unescape_markdown(theirs.text) == ours.text
        assert _unescape_markdown(theirs.generalFeedback) == ours.feedback
    single, short, _, matching, _ = parsed
    assert [_unescape_markdown(a.answer) for a in single.answers.answers] == ["A -> B", "B <- A"]
    assert [_unescape_markdown(a.feedback) for a in single.answers.answers] == [
        a.feedback for a in module.questions[0].answers]
    assert [_unescape(a.answer) for a in short.answers.answers] == ["UBND", "UB*"]
    assert [_unescape_markdown(a.feedback) for a in short.answers.answers] == [
        a.feedback for a in module.questions[1].answers]
    pairs = [(_unescape_markdown(a.question.strip()), _unescape(a.answer.strip())) for a in matching.answers.answers]
    ours = module.questions[3]
    assert pairs == [(p.left, p.right) for p in ours.pairs] + [("", d) for d in ours.distractors]
