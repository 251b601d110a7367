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
from policycomm.quiz.schema import MOODLE_FRACTIONS, Module, allowed_fraction, question_adapter

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
    capsys.readouterr()
    assert main(["quiz", "export", "--format", "gift", "--module", "03"]) == 0
    out = capsys.readouterr().out
    assert out.count("$CATEGORY:") == 1 and "[id:m03-q01]" in out and "[id:m04-" not in out
    assert main(["quiz", "export", "--module", "42"]) == 2


def test_moodle_fraction_table_matches_the_assessment_notes():
    assert len(MOODLE_FRACTIONS) == 21 and MOODLE_FRACTIONS[0] == 100 and MOODLE_FRACTIONS[-1] == 0
