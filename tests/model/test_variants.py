"""Each trainee's variant of a scenario (policycomm.model.variants) and the writing rubrics' parameters."""
from __future__ import annotations

import math
import re
from collections import Counter

import nbformat
import pytest

from policycomm.grading.rubric import RubricError
from policycomm.grading.writing import WRITING_DIR, load_writing, writing_exercises
from policycomm.model.variants import (
    REFERENCE, TRAINEE_VARIABLE, fill, pick, trainee_id, undefined, username, variant,
)

PARAMETERS = {"tinh": ["Sơn Hà", "Lâm Giang", "Vân Sơn", "Phú Hà"], "so": ["1", "2", "3", "4", "5"]}
COHORT = [f"hoc.vien.{n}" for n in range(200)]


def test_the_same_trainee_always_gets_the_same_variant():
    first = variant(PARAMETERS, "04-thong-diep", "binh.tran", "press-release")
    assert all(variant(PARAMETERS, "04-thong-diep", "binh.tran", "press-release") == first for _ in range(5))
    assert variant(PARAMETERS, trainee=REFERENCE) == {"tinh": "Sơn Hà", "so": "1"}


def test_the_variant_depends_on_trainee_assignment_exercise_and_parameter():
    base = ("04-thong-diep", "binh.tran", "press-release", "tinh")
    picks = {pick(1000, *base)}
    for position, other in enumerate(("05-thong-tin-co-so", "dung.vo", "radio-item", "so")):
        changed = list(base)
        changed[position] = other
        picks.add(pick(1000, *changed))
    assert len(picks) == 5


def test_a_cohort_gets_every_value_in_about_equal_shares():
    counts = Counter(variant(PARAMETERS, "04-thong-diep", who, "press-release")["tinh"] for who in COHORT)
    assert set(counts) == set(PARAMETERS["tinh"]) and min(counts.values()) >= 30


def test_placeholders_are_filled_in_capitals_and_from_mappings():
    values = {"tinh": "Sơn Hà", "duong_day": {"so": "0215 381 2345"}}
    filled = fill("TỈNH {tinh:upper} – gọi {duong_day[so]} {{ }}", values)
    assert filled == "TỈNH SƠN HÀ – gọi 0215 381 2345 { }"


@pytest.mark.parametrize("text, problem", [
    ("{huyen}", "names no parameter"), ("{tinh[ten]}", "are texts, not mappings"),
    ("{duong_day}", "needs one of the keys"), ("{duong_day[fax]}", "needs one of the keys"),
    ("{tinh:lower}", "unknown format"), ("a { b", "brace"),
])
def test_a_wrong_placeholder_is_named(text, problem):
    parameters = {"tinh": ["A", "B"], "duong_day": [{"so": "1"}, {"so": "2"}]}
    found = undefined({"scenario": {"vi": text}}, parameters, "")
    assert len(found) == 1 and found[0].startswith("scenario.vi: ") and problem in found[0]


def test_the_trainee_is_the_one_the_grader_names_else_the_autograded_folder_else_the_login(monkeypatch, tmp_path):
    monkeypatch.delenv(TRAINEE_VARIABLE, raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert trainee_id() == username()
    folder = tmp_path / "autograded" / "dung.vo" / "04-thong-diep"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert trainee_id() == "dung.vo"
    monkeypatch.setenv(TRAINEE_VARIABLE, "binh.tran")
    assert trainee_id() == "binh.tran"


# ---------------------------------------------------------------- the writing rubrics

def texts_of(rubric) -> list[str]:
    """Every text of a filled rubric that a trainee reads or a criterion matches."""
    texts = [rubric.scenario.vi, rubric.scenario.en, rubric.template, rubric.title.vi]
    for criterion in rubric.criteria:
        texts += [criterion.title.vi, criterion.advice.vi]
        texts += [cue for element in criterion.elements for cue in element.any]
        texts += [element.label.vi for element in criterion.elements]
    return texts


def reference_parameters(exercise: str) -> dict:
    from policycomm import yamlfile

    return yamlfile.strip_lines(yamlfile.read_yaml(WRITING_DIR / f"{exercise}.yaml"))["variants"]


@pytest.mark.parametrize("exercise", writing_exercises())
def test_every_rubric_has_parameters_and_every_variant_is_filled(exercise):
    reference = load_writing(exercise, REFERENCE)
    assert len(reference.variant) >= 2
    seen = set()
    for trainee in COHORT[:40]:
        rubric = load_writing(exercise, trainee)
        assert not [t for t in texts_of(rubric) if re.search(r"[{}]", t)], trainee
        seen.add(tuple(sorted(map(str, rubric.variant.values()))))
    combinations = math.prod(len(values) for values in reference_parameters(exercise).values())
    assert len(seen) >= min(20, 0.8 * combinations)  # neighbours mostly read different scenarios


@pytest.mark.parametrize("exercise", writing_exercises())
def test_a_criterion_looks_for_a_fact_of_the_trainees_own_scenario(exercise):
    """So a text copied from a neighbour with another variant misses it."""
    reference = load_writing(exercise, REFERENCE)
    cues = [cue for criterion in reference.criteria if criterion.kind == "elements"
            for element in criterion.elements for cue in element.any]
    values = [v for value in reference.variant.values()
              for v in (value.values() if isinstance(value, dict) else [value])]
    assert any(value in cue for value in values for cue in cues)


def broken(tmp_path, old: str, new: str):
    text = (WRITING_DIR / "press-release.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "press-release.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, message", [
    ("ỦY BAN NHÂN DÂN TỈNH {tinh:upper}", "ỦY BAN NHÂN DÂN TỈNH {tinh_moi:upper}",
     r"press-release.yaml:\d+: field template: the placeholder \{tinh_moi\} names no parameter"),
    ('  so_nguoi: ["18.000", "21.500", "15.000", "24.000"]', '  so_nguoi: ["18.000"]',
     "'so_nguoi' needs at least two values"),
])
def test_a_rubric_with_a_wrong_placeholder_is_refused_with_its_file_and_field(tmp_path, old, new, message):
    with pytest.raises(RubricError, match=message):
        load_writing(broken(tmp_path, old, new), "binh.tran")


# ---------------------------------------------------------------- the notebook shows the trainee's own variant

def test_the_form_shows_the_trainees_own_scenario_and_template(tmp_path, monkeypatch):
    from policycomm import forms

    shown = {}
    for trainee in ("binh.tran", "dung.vo"):
        monkeypatch.setenv(TRAINEE_VARIABLE, trainee)
        rubric = load_writing("press-release", trainee)
        form = forms.writing("m04-cau-8", review="press-release", folder=tmp_path / trainee)
        scenario = form.field.children[0].value  # the scenario box above the writing box
        shown[trainee] = (form.box.value, scenario)
        assert form.box.value == rubric.template
        assert rubric.variant["duong_day"]["so"] in scenario
    assert shown["binh.tran"] != shown["dung.vo"]


def test_the_answer_key_fills_model_answers_for_a_trainee():
    from policycomm.forms.keys import answer_key

    form = nbformat.v4.new_code_cell('forms.writing("m04-cau-8", review="press-release")')
    test = nbformat.v4.new_code_cell('### BEGIN HIDDEN TESTS\nforms.key("m04-cau-8", "Gọi {duong_day[so]}.")\n'
                                     'forms.key("m04-cau-1", "B")\n### END HIDDEN TESTS')
    notebook = nbformat.v4.new_notebook(cells=[form, test])
    assert answer_key(notebook) == {"m04-cau-8": "Gọi {duong_day[so]}.", "m04-cau-1": "B"}
    for trainee in ("binh.tran", "dung.vo"):
        number = load_writing("press-release", trainee).variant["duong_day"]["so"]
        assert answer_key(notebook, trainee) == {"m04-cau-8": f"Gọi {number}.", "m04-cau-1": "B"}


# ---------------------------------------------------------------- the capstone's plan

CAPSTONE = "course/source/09-bai-cuoi-khoa/09-bai-cuoi-khoa.ipynb"


def capstone_key() -> list[dict]:
    from pathlib import Path

    from policycomm.forms.keys import answer_key

    notebook = nbformat.read(Path(__file__).resolve().parents[2] / CAPSTONE, as_version=4)
    return answer_key(notebook)["m09-ke-hoach"]


def test_two_trainees_get_different_capstone_scenarios_and_a_cohort_gets_every_one():
    from policycomm.grading.rubric import load_rubric

    mine, theirs = (load_rubric("capstone", trainee) for trainee in ("binh.tran", "hoa.le"))
    assert mine.variant != theirs.variant
    assert (mine.scenario.budget, mine.scenario.audiences) != (theirs.scenario.budget, theirs.scenario.audiences)
    seen = {tuple(load_rubric("capstone", trainee).variant.values()) for trainee in COHORT[:80]}
    assert len(seen) >= 30  # of 6 × 3 × 2 = 36


def test_every_capstone_variant_is_a_valid_scenario_the_model_plan_gets_full_points_in():
    """Each variant names a province, a budget and exactly one group hard to reach, mostly offline, in its
    scenario text and its audiences; the notebook's model plan is right for every trainee."""
    from policycomm import forms
    from policycomm.grading.rubric import load_rubric, score_plan
    from policycomm.model.lookup import audience

    key = capstone_key()
    for trainee in [REFERENCE] + COHORT[:40]:
        rubric = load_rubric("capstone", trainee)
        scenario, values = rubric.scenario, rubric.variant
        assert scenario.locality == values["tinh"] and f"Tỉnh {values['tinh']} " in rubric.messages.scenario_text
        assert scenario.budget == float(values["ngan_sach"])
        hard = [a for a in scenario.audiences if audience(a).often_offline]
        assert hard == [values["nhom"]], trainee
        plan = forms.plan_of(key, budget=scenario.budget, audiences=scenario.audiences)
        assert plan.total_cost() <= scenario.budget
        assert score_plan(plan, rubric).points == rubric.max_points == 20, trainee


def test_a_plan_made_for_another_capstone_variant_loses_points():
    """A plan without the trainee's group hard to reach loses points; a plan that spends 180 million (the model
    plan and a talk show) gets every point with a budget of 200 and loses some with a smaller one."""
    from policycomm import forms
    from policycomm.grading.rubric import load_rubric, score_plan

    key = capstone_key()
    talk_show = {**key[6], "channels": ["talk_show"], "message": "Tọa đàm truyền hình: trả lời góp ý về dự thảo"}
    budgets = set()
    for trainee in COHORT[:20]:
        rubric = load_rubric("capstone", trainee)
        scenario = rubric.scenario
        elsewhere = [r for r in key if r["audience"] != rubric.variant["nhom"]]
        assert score_plan(forms.plan_of(elsewhere, budget=scenario.budget, audiences=scenario.audiences),
                          rubric).points < 20, trainee
        spender = forms.plan_of(key + [talk_show], budget=scenario.budget, audiences=scenario.audiences)
        assert spender.total_cost() == 180
        assert (score_plan(spender, rubric).points == 20) == (scenario.budget >= 180), trainee
        budgets.add(scenario.budget)
    assert budgets == {150, 170, 200}


# ---------------------------------------------------------------- choice questions whose scenario varies

PORTRAITS = "course/source/03-cong-chung/03-cong-chung.ipynb"


def varied_keys() -> dict[str, dict]:
    """{exercise: {code: right answer}} of the hidden tests whose key depends on the trainee's variant, in every
    module of the course."""
    from pathlib import Path

    from policycomm.forms.keys import _code_of, _key_calls

    found = {}
    for path in sorted((Path(__file__).resolve().parents[2] / "course" / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            found.update({exercise: answer for exercise, answer, parameter in _key_calls(_code_of(cell)) if parameter})
    return found


def test_every_varied_question_has_a_right_answer_for_each_value_and_a_cohort_meets_them_all():
    from policycomm.model.exercise_variants import exercise_variant, load_exercise_variants

    keys, entries = varied_keys(), load_exercise_variants()
    assert sorted(keys) == sorted(entries) == ["m02-cau-1", "m02-cau-2", "m03-cau-3", "m03-cau-4", "m05-cau-1"]
    for exercise, entry in entries.items():
        [(parameter, values)] = entry.variants.items()
        codes = [value if isinstance(value, str) else value["ma"] for value in values]
        assert sorted(keys[exercise]) == sorted(codes), exercise  # a right answer for each value, no other
        assert len(set(keys[exercise].values())) == len(codes), exercise  # each value a different right answer
        seen = Counter(str(exercise_variant(exercise, trainee)[parameter]) for trainee in COHORT)
        assert len(seen) == len(codes) and min(seen.values()) >= 30, (exercise, seen)
    # the slot's words are what the module teaches: seconds × 160 ÷ 60
    assert all(words == int(seconds) * 160 / 60 for seconds, words in keys["m05-cau-1"].items())
    # the situations' stages are stages of the cycle (not the crisis overlay), each question's pool its own three
    import policycomm as pc

    cycle = {s.id for s in pc.stages() if not s.overlay}
    first, second = set(keys["m02-cau-1"].values()), set(keys["m02-cau-2"].values())
    assert first | second == cycle and not first & second


def test_two_trainees_see_their_own_portrait_and_the_key_is_their_own(tmp_path, monkeypatch):
    from policycomm import forms
    from policycomm.forms.keys import answer_key
    from policycomm.model.exercise_variants import exercise_scenario, exercise_variant

    keys = varied_keys()
    notebook = nbformat.read(PORTRAITS, as_version=4)
    own = {}
    for trainee in ("binh.tran", "an.nguyen"):
        monkeypatch.setenv(TRAINEE_VARIABLE, trainee)
        form = forms.audience("m03-cau-4", prompt="Câu 4.", folder=tmp_path / trainee)
        shown = form.children[1].value  # the portrait, under the prompt
        assert exercise_variant("m03-cau-4", trainee)["chan_dung"]["mo_ta"].split(",")[0] in shown
        assert exercise_scenario("m03-cau-4", trainee) in form.snapshot()  # the static copy the lecturer reads
        code = exercise_variant("m03-cau-4", trainee)["chan_dung"]["ma"]
        own[trainee] = forms.key("m03-cau-4", keys["m03-cau-4"], variant="chan_dung")  # what the hidden test uses
        assert own[trainee] == keys["m03-cau-4"][code] == answer_key(notebook, trainee)["m03-cau-4"]
    assert own["binh.tran"] != own["an.nguyen"]
    assert answer_key(notebook)["m03-cau-4"] == "workers_migrants"  # the reference variant: the first portrait


def test_a_varied_question_with_a_placeholder_naming_no_parameter_is_refused(tmp_path):
    import shutil

    from policycomm.model.exercise_variants import VARIANTS_FILE, load_exercise_variants
    from policycomm.model.knowledge import DATA_DIR, KnowledgeError

    text = (DATA_DIR / VARIANTS_FILE).read_text(encoding="utf-8")
    shutil.copy(DATA_DIR / VARIANTS_FILE, tmp_path)
    old = 'vi: "Chân dung (giả định): {chan_dung[mo_ta]}"'
    (tmp_path / VARIANTS_FILE).write_text(text.replace(old, old.replace("mo_ta", "ten"), 1), encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    with pytest.raises(KnowledgeError, match=rf"{VARIANTS_FILE}:{line}: exercise 'm03-cau-3', field 'scenario'.*"
                                             r"\{chan_dung\[ten\]\} needs one of the keys"):
        load_exercise_variants(tmp_path)
