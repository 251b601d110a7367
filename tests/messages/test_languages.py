"""Every message the model, the checks, the rubric, the text tools, the course and the command can show
is Vietnamese by default and English after ``set_language("en")``."""
from __future__ import annotations

import argparse
import re

import pytest

from policycomm.assign.course import CourseError, CourseRun, release
from policycomm.grading import checks, commands
from policycomm.grading.checks import CheckFailed
from policycomm.grading.rubric import check_plan, score_plan
from policycomm.messages import CodedError, set_language
from policycomm.model import radio
from policycomm.model.choose import assess_choice, recommend
from policycomm.model.lookup import channel, stage
from policycomm.model.plan import CommunicationPlan
from policycomm.text import check_message

#: letters that only Vietnamese uses; Vietnamese inside “…” (a quoted name or example) is allowed in English
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)
QUOTED = re.compile(r"“[^”]*”")

#: wrong or malformed answers: (check, args, kwargs); each must fail
FAILING_CHECKS = [
    (checks.check_choice, (...,), {}), (checks.check_choice, ("E",), {}), (checks.check_choice, (["B"],), {}),
    (checks.check_choice, ("A",), {"expected": "B"}),
    (checks.check_choices, (["A", "Z"],), {}), (checks.check_choices, (["A"],), {"count": 2}),
    (checks.check_choices, (["A", "B"],), {"expected": "AC"}),
    (checks.check_id, ("implementaton",), {"kind": "stage"}), (checks.check_id, ("xyzxyz",), {"kind": "audience"}),
    (checks.check_id, ("drafting",), {"kind": "stage", "expected": "formulation"}),
    (checks.check_ids, ("sms",), {}), (checks.check_ids, (7,), {}), (checks.check_ids, (["sms", ""],), {}),
    (checks.check_ids, (["sms", 3],), {}), (checks.check_ids, (["sms"],), {"count": 2}),
    (checks.check_ids, (["sms"],), {"min_count": 2}), (checks.check_ids, (["sms", "press"],), {"max_count": 1}),
    (checks.check_ids, (["sms"],), {"required": ["press"]}), (checks.check_ids, (["sms"],), {"forbidden": ["sms"]}),
    (checks.check_ids, (["sms"],), {"expected": ["press"]}),
    (checks.check_ranking, (["A", "Q"], "ABC"), {}), (checks.check_ranking, (["A", "A", "B"], "ABC"), {}),
    (checks.check_ranking, (["A", "B"], "ABC"), {}), (checks.check_ranking, (["A", "B", "C"], "ABC"), {"expected": "BAC"}),
    (checks.check_text, (3,), {}), (checks.check_text, ("sai",), {"accepted": "đúng"}),
    (checks.check_number, ("15",), {}), (checks.check_number, (float("nan"),), {}),
    (checks.check_number, (5,), {"minimum": 10, "maximum": 20}), (checks.check_number, (15,), {"expected": 16}),
    (checks.check_message, ("Gốc",), {"original": "gốc"}), (checks.check_message, ("BHYT hỗ trợ.",), {"graded": True}),
    (checks.check_message, ("Từ ngày 01/7/2025, học sinh được miễn học phí để gia đình bớt gánh nặng. "
                            "Hãy liên hệ nhà trường để biết thêm.",), {"must_mention": ["xã"]}),
    (checks.check_plan_row, ("dòng",), {}), (checks.check_plan_row, ({"stage": "agenda"},), {}),
    (checks.check_plan_row, ({"stage": "agenda", "audience": "youth", "channels": ["survey"], "message": "m",
                              "timing": "t"},), {"stage": "evaluation"}),
    (checks.check_plan_row, ({"stage": "agenda", "audience": "youth", "channels": ["survey"], "message": "m",
                              "timing": "t"},), {"audience": "businesses"}),
    (checks.check_plan_row, ({"stage": "agenda", "audience": "youth", "channels": ["survey"], "message": "m",
                              "timing": "t"},), {"required_channels": ["hotline"]}),
    (checks.check_plan_row, ({"stage": "implementation", "audience": "ethnic_mountain", "channels": ["press"],
                              "message": "m", "timing": "t"},), {"min_fit": 0.9}),
]


def plan_with_gaps() -> CommunicationPlan:
    plan = CommunicationPlan("Kế hoạch", budget=1, audiences=["ethnic_mountain", "elderly_rural", "youth"])
    plan.add("formulation", "agency_portal", "elderly_rural")
    plan.add("implementation", "zalo_oa", "elderly_rural", message="m")
    plan.add("adoption", "survey", "ethnic_mountain", timing="t")
    return plan


def shown_texts(capsys) -> list[str]:
    """Every sentence the modules show for slips, findings and feedback, in the language of the moment."""
    texts = []
    for check, args, kwargs in FAILING_CHECKS:
        with pytest.raises(CheckFailed) as failure:
            check(*args, **kwargs)
        texts.append(str(failure.value))
    checks.check_choice("B", expected="B")
    checks.check_choice("B")
    texts.append(capsys.readouterr().out)
    for etype, value in [(NameError, NameError("x", name="cau_1")), (SyntaxError, SyntaxError("x", ("c", 2, 1, "[1,"))),
                         (ZeroDivisionError, ZeroDivisionError("division by zero"))]:
        texts.append(checks._kind_text(etype, value))

    plan = plan_with_gaps()
    texts += [str(f) for f in plan.check()]
    texts.append(score_plan(plan).feedback())
    texts.append(score_plan(CommunicationPlan("Trống")).feedback())
    check_plan(plan)
    texts.append(capsys.readouterr().out)
    for bad in ([1, 2], None):
        with pytest.raises(CheckFailed) as failure:
            score_plan(bad)
        texts.append(str(failure.value))
    for call in (lambda: plan.add("implementation", "comune_radio", "youth"),
                 lambda: plan.add("implementation", "press", "youth", cost=-1),
                 lambda: CommunicationPlan("x", audiences=["yuoth"]),
                 lambda: stage("implement"), lambda: channel("pres"),
                 lambda: radio.reading_speed(100, 0), lambda: radio.airtime_seconds("a", 0),
                 lambda: check_message(None), lambda: check_message("a", lang="fr")):
        with pytest.raises(CodedError) as error:
            call()
        texts.append(str(error.value))

    for st, aud, chans in [("implementation", "ethnic_mountain", ["zalo_oa"]), ("drafting", "elderly_rural", ["press"]),
                           ("agenda", "youth", []), ("evaluation", "general_public", ["press_release"])]:
        texts += [str(f) for f in assess_choice(st, aud, chans).findings]
    for rec in recommend("implementation", "ethnic_mountain", objective="guide", budget=50, top=None):
        texts += [str(reason.text) for reason in rec.reasons]
    texts += [str(f) for f in check_message("BHYT là một chính sách rất dài " + "và dài " * 40 + ".")]
    texts += [str(f) for f in radio.check_airtime("Một tin rất ngắn.", 60, 160)]
    texts += [str(f) for f in radio.check_airtime("chữ " * 300, 30, 160)]
    return texts


def command_texts(tmp_path, capsys) -> list[str]:
    """What the `policycomm` command and the course tools print."""
    from policycomm.cli import build_parser

    parser = build_parser()
    texts = [parser.format_help()]
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    texts += [p.format_help() for p in subparsers.choices.values()]
    for group in ("course", "quiz"):
        texts += [p.format_help() for p in subparsers.choices[group]._actions[-1].choices.values()]
    assert commands.run_grade(parser.parse_args(["grade"])) == 2
    assert commands.run_grade(parser.parse_args(["grade", "ps1", "--jobs", "0"])) == 2
    texts.append(capsys.readouterr().err)
    run = CourseRun(tmp_path / "no-course", tmp_path / "run")
    with pytest.raises(CourseError) as error:
        release(run)
    texts.append(str(error.value))
    return texts + quiz_command_texts(tmp_path, capsys)


#: a bank file with one problem: Moodle refuses the fraction 66.67
BANK_WITH_A_PROBLEM = (
    'module: "09"\ntitle: Điểm\nquestions:\n'
    "  - id: m09-q01\n    type: single\n    text: Chọn một?\n    answers:\n"
    "      - {id: a, text: Đúng, fraction: 100, feedback: Vì…}\n"
    "      - {id: b, text: Gần đúng, fraction: 66.67, feedback: Vì…}\n"
    "    feedback: Giải thích.\n    difficulty: easy\n    sources: [S1]\n")


def quiz_command_texts(tmp_path, capsys) -> list[str]:
    """What `policycomm quiz check | export | import | analyze` print: results and their problems' summary."""
    from policycomm.cli import main

    texts = []
    assert main(["quiz", "check"]) == 0
    texts.append(capsys.readouterr().out)
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "09.yaml").write_text(BANK_WITH_A_PROBLEM, encoding="utf-8")
    assert main(["quiz", "check", "--bank", str(bank)]) == 1
    texts.append(capsys.readouterr().out)
    for argv, code in [(["export", "--bank", str(bank)], 1), (["export", "--module", "42"], 2),
                       (["export", "--format", "gift", "--module", "03", "-o", str(tmp_path / "03.txt")], 0),
                       (["import", str(tmp_path / "nowhere.xml")], 2)]:
        assert main(["quiz", *argv]) == code
        texts.append(capsys.readouterr().err)
    responses = tmp_path / "responses.csv"
    responses.write_text("trainee,item,score,max_score\n" + "".join(
        f"t{t},q{q},{int(t > q)},1\n" for t in range(1, 6) for q in range(1, 4)), encoding="utf-8")
    assert main(["quiz", "analyze", "--responses", str(responses), "--csv", str(tmp_path / "items.csv")]) == 0
    texts.append(capsys.readouterr().out)
    assert main(["quiz", "analyze", "--responses", str(responses), "--csv", str(tmp_path / "no" / "i.csv")]) == 2
    texts.append(capsys.readouterr().err)
    return texts


def grading_texts(tmp_path) -> list[str]:
    """What stops a grading run or accompanies it: no submissions, a second run, nbgrader's version, the sandbox."""
    from policycomm.grading import cohort, isolation
    from policycomm.grading.nbgrader_coupling import UnsupportedNbgrader, check_nbgrader_version

    texts = []
    with pytest.raises(cohort.GradingError) as error:
        cohort.grade_cohort(str(tmp_path), ["ps1"])
    texts.append(str(error.value))
    with cohort._journal(str(tmp_path), resume=False), pytest.raises(cohort.GradingError) as error:
        with cohort._journal(str(tmp_path), resume=True):
            pass
    texts.append(str(error.value))
    with pytest.raises(UnsupportedNbgrader) as error:
        check_nbgrader_version("0.8.1")
    texts.append(str(cohort.GradingError.of(error.value)))
    reason = isolation.Bilingual.of("gr_no_bwrap")
    texts.append(str(isolation.SandboxUnavailable("gr_sandbox_unavailable", reason=(reason.vi, reason.en))))
    return texts


@pytest.fixture
def english():
    set_language("en")
    yield
    set_language("vi")


def test_in_english_no_message_has_a_vietnamese_letter_outside_quotes(english, tmp_path, capsys):
    texts = shown_texts(capsys) + command_texts(tmp_path, capsys) + grading_texts(tmp_path / "course")
    assert len(texts) > 80
    for text in texts:
        assert text.strip()
        assert not VIETNAMESE.search(QUOTED.sub("", text)), text


def test_vietnamese_is_the_default(tmp_path, capsys):
    texts = shown_texts(capsys) + command_texts(tmp_path, capsys) + grading_texts(tmp_path / "course")
    unvietnamese = [t for t in texts if not VIETNAMESE.search(QUOTED.sub("", t))]
    # a bare verdict mark or a list of ids may have no Vietnamese letter; sentences do
    assert len(unvietnamese) <= 3, unvietnamese
    assert checks.BLANK in texts and any(t.startswith("Kế hoạch") for t in texts)


def test_a_check_failure_reads_in_the_language_of_the_moment():
    with pytest.raises(CheckFailed) as failure:
        checks.check_choice("A", expected="B", hint="Xem lại mục 2.")
    assert str(failure.value) == "Chưa đúng: lựa chọn A chưa phải câu trả lời tốt nhất. Xem lại mục 2."
    try:
        set_language("en")
        assert str(failure.value) == "Not yet right: option A is not the best answer. Xem lại mục 2."
    finally:
        set_language("vi")
    assert isinstance(failure.value, AssertionError) and failure.value.code == "check_wrong_choice"


def test_every_quiz_verb_and_option_is_explained_in_vietnamese_by_default():
    from policycomm.cli import build_parser

    parser = build_parser()
    verbs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    quiz_verbs = verbs.choices["quiz"]._actions[-1]
    helps = [verb.help for verb in quiz_verbs._choices_actions]
    helps += [action.help for verb in quiz_verbs.choices.values() for action in verb._actions
              if not isinstance(action, argparse._HelpAction)]
    helps.append(quiz_verbs.choices["analyze"].description)
    assert len(helps) >= 21  # 4 verbs, 16 options, a description
    assert all(text and VIETNAMESE.search(text) for text in helps), helps
