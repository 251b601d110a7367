"""Question types own their behaviour: a new type is one class plus its registration.

The "yesno" type below exists only in this file. Registered, it is validated
by `quiz check`, scored, shown as a widget, exported to Moodle XML and GIFT and
read back, with no change to any module of policycomm.quiz.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Literal

import pytest

from policycomm.cli import main
from policycomm.quiz import types
from policycomm.quiz.bank import check_bank, dump_module, load_module_file
from policycomm.quiz.gift import from_gift, to_gift
from policycomm.quiz.moodle import from_moodle_xml, to_moodle_xml
from policycomm.quiz.responses import award, key_of, record_answer
from policycomm.quiz.schema import QuestionBase
from policycomm.quiz.scoring import response_problem, score_response
from policycomm.quiz.widgets import feedback_html, public_view, show

REPOSITORY = Path(__file__).resolve().parents[2]


class YesNo(QuestionBase):
    """Answer yes or no (response: "yes" or "no")."""

    type: Literal["yesno"]
    answer: Literal["yes", "no"]


class YesNoType(types.QuestionType):
    name = "yesno"
    model = YesNo
    moodle_type = "yesno"
    gift_order = 35  # before true/false and short answer

    def problems(self, question):
        return [] if question.text.endswith("?") else [(["text"], "a yes/no question ends with '?'")]

    def response_problem(self, question, response):
        return None if response in ("yes", "no") else f"expects 'yes' or 'no', got {response!r}"

    def score(self, question, response):
        return 1.0 if response == question.answer else 0.0

    def key(self, question):
        return {"answer": question.answer}

    def make_input(self, view):
        from policycomm.quiz.types.inputs import RadioInput

        return RadioInput([("Có", "yes"), ("Không", "no")])

    def moodle_body(self, question):
        return [f"<answer>{question.answer}</answer>"]

    def read_moodle(self, element):
        return {"answer": element.findtext("answer")}

    def gift_body(self, question, general):
        return "{" + question.answer.upper() + general + "}"

    def reads_gift(self, answertext):
        return answertext.split("#")[0].strip() in ("YES", "NO")

    def read_gift(self, answertext):
        return {"answer": answertext.split("#")[0].strip().lower()}


BANK_FILE = """\
module: "09"
title: Mô-đun thử
questions:
  - id: m09-q01
    type: yesno
    text: Đài truyền thanh xã có đọc tin mỗi sáng không?
    answer: "yes"
    feedback: Có, theo lịch phát sóng.
    difficulty: easy
    sources: [S1]
  - id: m09-q02
    type: yesno
    text: Thiếu dấu hỏi
    answer: "no"
    feedback: Giải thích.
    difficulty: easy
    sources: [S1]
"""


@pytest.fixture
def yesno():
    qtype = types.register(YesNoType())
    yield qtype
    types.unregister("yesno")


def test_a_type_defined_here_is_checked_scored_shown_exported_and_read_back(yesno, tmp_path, capsys):
    (tmp_path / "09.yaml").write_text(BANK_FILE, encoding="utf-8")
    assert main(["quiz", "check", "--bank", str(tmp_path)]) == 1
    assert f"{tmp_path / '09.yaml'}:13: question 'm09-q02', field 'text': a yes/no question ends with '?'" \
        in capsys.readouterr().out

    (tmp_path / "09.yaml").write_text(BANK_FILE.replace("Thiếu dấu hỏi", "Có dấu hỏi?"), encoding="utf-8")
    bank, problems = check_bank(tmp_path)
    assert problems == []
    question = bank["m09-q01"]
    assert score_response(question, "yes") == 1.0 and score_response(question, "no") == 0.0
    assert score_response(question, True) == 0.0 and "expects 'yes'" in response_problem(question, True)

    module = bank.module("09")
    assert from_moodle_xml(to_moodle_xml(module)) == [module]
    assert '<question type="yesno">' in to_moodle_xml(module)
    assert from_gift(to_gift(module)) == [module]
    path = tmp_path / "written.yaml"
    path.write_text(dump_module(module), encoding="utf-8")
    assert load_module_file(path) == module

    view = public_view(question)
    assert view == {"id": "m09-q01", "type": "yesno", "text": question.text, "points": 1.0}
    widget = show(question).questions[0]
    widget.input.radio.value = "yes"
    assert "✔" in feedback_html(question, widget.input.get())
    graded = show(view, mode="graded", folder=tmp_path).questions[0]
    graded.input.radio.value = "no"
    record_answer("m09-q01", "yes", notebook="n.ipynb", folder=tmp_path)
    assert award("m09-q01", key_of(question), points=2, notebook="n.ipynb", folder=tmp_path) == 2.0


def test_an_unregistered_type_is_refused_with_the_list_of_types(tmp_path, capsys):
    (tmp_path / "09.yaml").write_text(BANK_FILE, encoding="utf-8")
    assert main(["quiz", "check", "--bank", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "'type' must be one of single, multiple, truefalse, matching, short, numerical" in out
    assert "yesno" not in out.split("must be one of")[1].splitlines()[0]


def test_no_module_outside_the_types_compares_type_names():
    """One home per concept: what differs by question type lives in policycomm/quiz/types/."""
    names = "single|multiple|truefalse|matching|short|numerical|multichoice|shortanswer|match"
    pattern = (rf'(==|!=) *"({names})"|"({names})" *(==|!=)|(\.type|kind|moodle_type) *(not )?in *[\(\[]'
               rf'|in \([^)]*"({names})"|"({names})" +if ')
    found = subprocess.run(["grep", "-rnE", pattern, "--include=*.py", "policycomm/quiz"], cwd=REPOSITORY,
                           capture_output=True, text=True).stdout.splitlines()
    outside = [line for line in found if not line.startswith("policycomm/quiz/types/") and ">>>" not in line
               and "... " not in line and "report_html.py" not in line]
    assert outside == []


def test_the_library_reads_responses_and_analyses_them_without_nbgrader(tmp_path):
    """A light install has no nbgrader: item analysis of a CSV works, and only the gradebook reader needs it."""
    csv = tmp_path / "responses.csv"
    csv.write_text("trainee,item,score,max_score\nAn,q1,1,1\nAn,q2,0,1\nBình,q1,0,1\nBình,q2,1,1\n", encoding="utf-8")
    script = f"""
import sys
sys.modules["nbgrader"] = None  # importing nbgrader now fails, as on a light install
from policycomm.quiz.analysis import analyze, read_responses_csv, read_gradebook
result = analyze(read_responses_csv({str(csv)!r}))
print(result.test["trainees"], sorted(result.items.index))
try:
    read_gradebook("sqlite:///{tmp_path}/missing.db")
except ImportError:
    print("gradebook needs nbgrader")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPOSITORY)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["2 ['q1', 'q2']", "gradebook needs nbgrader"]
