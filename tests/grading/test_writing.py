"""Writing exercises (policycomm.grading.writing with policycomm/data/rubrics/writing/*.yaml).

Each exercise has answers in tests/grading/writing/<id>.yaml, written with the placeholders of the rubric's
variants ({tinh}, …) and filled for the trainee who answers (here binh.tran, and dung.vo where a test says
so): strong, mediocre, empty, the template pasted, the scenario copied and keyword stuffing, each with the
automatic points it must get (``points``) or the most it may get (``at_most``). More gamed texts are built here from each rubric's own cue phrases, so every cue a
rubric adds is tried as stuffing too.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import nbformat
import pytest

import policycomm
from policycomm import yamlfile
from policycomm.grading.checks import CheckFailed
from policycomm.grading.rubric import RubricError
from policycomm.grading.writing import (
    WRITING_DIR, assess_writing, check_writing, load_mark_scheme, load_writing, mark_scheme_markdown, mark_scheme_path,
    review_writing, score_writing, writing_exercises,
)
from policycomm.model.variants import TRAINEE_VARIABLE, fill

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "writing"
EXERCISES = writing_exercises()
CASE_KINDS = {"strong", "mediocre", "empty", "template", "scenario", "stuffed"}
TRAINEES = ("binh.tran", "dung.vo")


@pytest.fixture(autouse=True)
def trainee(monkeypatch):
    """The trainee these tests' kernel works for, as ``policycomm grade`` names it."""
    monkeypatch.setenv(TRAINEE_VARIABLE, TRAINEES[0])
    return TRAINEES[0]


def cases(exercise: str) -> dict:
    return yamlfile.strip_lines(yamlfile.read_yaml(FIXTURES / f"{exercise}.yaml"))["cases"]


def text_of(exercise: str, case: dict, trainee: str | None = None) -> str:
    """The answer of ``case`` as ``trainee`` (by default the one the kernel works for) writes it."""
    rubric = load_writing(exercise, trainee)
    text = {"template": rubric.template, "scenario": rubric.scenario.vi}.get(case.get("from"), case.get("text", ""))
    return fill(text, rubric.variant) + ("\n" + rubric.scenario.vi) * case.get("text_then_scenario", 0)


def all_cases():
    return [(exercise, name) for exercise in EXERCISES for name in cases(exercise)]


def quarter(rubric) -> float:
    step = rubric.step
    return int(rubric.integrity.cap * rubric.max_points / step + 1e-9) * step


def test_seven_exercises_each_with_a_module_and_points():
    assert EXERCISES == ["annual-plan", "citizen-dialogue", "correction-post", "oral-propaganda", "press-conference",
                         "press-release", "radio-item"]
    modules = {p.name for p in (ROOT / "course" / "source").iterdir()}
    for exercise in EXERCISES:
        rubric = load_writing(exercise)
        assert rubric.module in modules
        assert 6 <= rubric.max_points <= 7 and load_mark_scheme(exercise).points >= 3
        assert "[" in rubric.template and "Tình huống giả định" in rubric.scenario.vi


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_exercise_has_every_kind_of_answer(exercise):
    assert CASE_KINDS <= set(cases(exercise))


@pytest.mark.parametrize("exercise, name", all_cases())
@pytest.mark.parametrize("who", TRAINEES)
def test_each_answer_gets_its_points(exercise, name, who, monkeypatch):
    monkeypatch.setenv(TRAINEE_VARIABLE, who)
    case = cases(exercise)[name]
    result = assess_writing(exercise, text_of(exercise, case))
    if "points" in case:
        assert result.points == case["points"], result.feedback()
    else:
        assert result.points <= case["at_most"], result.feedback()


@pytest.mark.parametrize("exercise", EXERCISES)
def test_strong_beats_mediocre_beats_every_gamed_answer(exercise):
    rubric = load_writing(exercise)
    points = {name: assess_writing(exercise, text_of(exercise, case)).points for name, case in cases(exercise).items()}
    assert points["strong"] == rubric.max_points
    assert points["strong"] > points["mediocre"] > 0
    gamed = [p for name, p in points.items() if name not in ("strong", "mediocre")]
    assert max(gamed) <= quarter(rubric) < points["mediocre"] or max(gamed) < points["mediocre"]


def cue_phrases(rubric) -> list[str]:
    """Every plain cue phrase of the rubric's element criteria (what a stuffer would paste)."""
    return [cue for c in rubric.criteria if c.kind in ("elements", "sections") for e in c.elements
            for cue in e.any if not cue.startswith("@")]


def gamed_texts(exercise: str) -> dict[str, str]:
    """Texts built from the rubric to game it; each must earn at most a quarter of the automatic points."""
    rubric = load_writing(exercise)
    strong = text_of(exercise, cases(exercise)["strong"])
    cues = cue_phrases(rubric)
    lines = [", ".join(cues[i:i + 5]) + "." for i in range(0, len(cues), 5)]
    texts = {
        "cue list": ", ".join(cues) + ".",
        "cue lines": "\n".join(lines),
        "cue lines three times": "\n".join(f"{line} Lần {n}." for n in (1, 2, 3) for line in lines),
        "template filled with cues": re.sub(r"\[[^\]]*\]", lambda _: ", ".join(cues[:12]), rubric.template),
        "one strong sentence over and over": "\n".join([strong.splitlines()[2]] * 40),
    }
    padding = rubric.scenario.vi
    while assess_writing(rubric, strong + ("\n" + padding)).own_share >= rubric.integrity.min_own_share:
        padding += "\n" + rubric.scenario.vi + "\n" + rubric.template
    texts["strong text drowned in the scenario and template"] = strong + "\n" + padding
    texts["the review's advice pasted back"] = "\n".join(c.advice.vi for c in rubric.criteria)
    return texts


@pytest.mark.parametrize("exercise", EXERCISES)
def test_gamed_texts_built_from_the_rubric_earn_at_most_a_quarter(exercise):
    rubric = load_writing(exercise)
    for name, text in gamed_texts(exercise).items():
        result = assess_writing(rubric, text)
        assert result.points <= quarter(rubric), (name, result.feedback())


def test_stuffing_with_enough_own_words_is_caught_by_the_cue_share_not_only_the_length():
    rubric = load_writing("press-release")
    lines = gamed_texts("press-release")["cue lines three times"]
    result = assess_writing(rubric, lines)
    assert result.own_words >= rubric.integrity.min_own_words and result.stuffed
    assert result.points == quarter(rubric) == 1.5
    assert any("danh sách từ khoá" in str(note) for note in result.notes)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_same_text_typed_otherwise_gets_the_same_points(exercise):
    strong = text_of(exercise, cases(exercise)["strong"])
    expected = assess_writing(exercise, strong).points
    assert assess_writing(exercise, unicodedata.normalize("NFD", strong)).points == expected
    assert assess_writing(exercise, strong.replace("\n", "\r\n")).points == expected


def test_a_text_typed_without_accents_is_read_without_them():
    strong = text_of("press-release", cases("press-release")["strong"])
    bare = "".join(ch for ch in unicodedata.normalize("NFD", strong) if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    assert assess_writing("press-release", bare).points == 6


def test_a_short_word_is_not_found_inside_another_word_with_other_accents():
    rubric = load_writing("correction-post")
    strong = text_of("correction-post", cases("correction-post")["strong"])
    kind = strong + "\nĐội ngũ cán bộ xã luôn sẵn sàng nghe bà con."  # "ngũ" is not the insult "ngu"
    assert assess_writing(rubric, kind).points == 7


# ---------------------------------------------------------------- what the trainee reads

def scheme_sentences(exercise: str) -> list[str]:
    return [text for item in load_mark_scheme(exercise).items for text in (item.vi, item.en)]


def leaks(shown: str, exercise: str) -> list[str]:
    """Mark-scheme sentences, or any six words in a row of one, found in ``shown``."""
    plain = " ".join(shown.split()).casefold()
    found = []
    for sentence in scheme_sentences(exercise):
        words = sentence.casefold().split()
        runs = [" ".join(words[i:i + 6]) for i in range(max(1, len(words) - 5))]
        found += [run for run in runs if run in plain]
    return found


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_feedback_never_contains_the_mark_scheme(exercise, capsys):
    from policycomm.messages import set_language

    rubric = load_writing(exercise)
    texts = [text_of(exercise, case) for case in cases(exercise).values()] + list(gamed_texts(exercise).values())
    shown = []
    for lang in ("vi", "en"):
        set_language(lang)
        try:
            for text in texts:
                shown.append(assess_writing(rubric, text).feedback())
                shown += review_writing(exercise, text)
                if text.strip():
                    score_writing(exercise, text)
                    check_writing(exercise, text)
        finally:
            set_language("vi")
    shown.append(capsys.readouterr().out)
    assert not leaks("\n".join(shown), exercise)
    assert leaks(mark_scheme_markdown(exercise), exercise)  # the check can see a leak


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_mark_scheme_is_in_no_file_of_the_package_a_trainee_imports(exercise):
    package = Path(policycomm.__file__).parent
    shown = " ".join(" ".join(path.read_text(encoding="utf-8", errors="replace").split())
                     for path in package.rglob("*") if path.is_file()
                     and path.suffix in (".py", ".yaml", ".j2", ".json", ".md", ".html"))
    sentences = [" ".join(sentence.split()) for sentence in scheme_sentences(exercise)]
    assert not [sentence for sentence in sentences if sentence in shown]
    assert all(sentence in mark_scheme_markdown(exercise) for sentence in sentences[::2])  # the Vietnamese ones


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_task_cell_of_the_exercise_holds_its_mark_scheme(exercise):
    """The course notebook's task cell has the mark scheme as :func:`mark_scheme_markdown` renders it now."""
    module = load_writing(exercise).module
    cells = [cell.source for path in (ROOT / "course" / "source" / module).glob("*.ipynb")
             for cell in nbformat.read(path, as_version=4).cells
             if cell.metadata.get("nbgrader", {}).get("task")]
    assert any(mark_scheme_markdown(exercise) in source for source in cells), \
        f"{module}: paste mark_scheme_markdown({exercise!r}) into the mark scheme region of its task cell"


def test_the_hidden_test_prints_the_notes_and_returns_the_points(capsys):
    text = text_of("press-release", cases("press-release")["mediocre"])
    assert score_writing("press-release", text) == 2.5
    shown = capsys.readouterr().out
    assert shown.startswith("Nhận xét tự động") and "✔ Đã có: vì sao có chính sách." in shown
    assert "✗ Chưa có: áp dụng từ ngày nào." in shown and shown.rstrip().endswith("Điểm phần chấm tự động: 2,5/6.")
    assert "Traceback" not in shown


def test_the_visible_check_shows_the_notes_without_points(capsys):
    text = text_of("press-release", cases("press-release")["mediocre"])
    assert check_writing("press-release", text) is None
    shown = capsys.readouterr().out
    assert "✗ Chưa có: áp dụng từ ngày nào." in shown and "Điểm phần chấm tự động" not in shown


@pytest.mark.parametrize("answer, sentence", [(None, "Bạn chưa trả lời"), ("   ", "Bạn chưa trả lời"),
                                              (["Từ ngày 01/3/2027"], "không phải là chữ"), (42, "không phải là chữ")])
def test_a_blank_or_malformed_answer_is_one_kind_sentence(answer, sentence):
    for check in (score_writing, check_writing):
        with pytest.raises(CheckFailed, match=sentence):
            check("press-release", answer)


def test_an_empty_text_scores_nothing_and_says_to_write():
    result = assess_writing("radio-item", "\n  \n")
    assert result.points == 0 and [str(n) for n in result.notes] == [
        "✗ Anh/chị chưa viết bài: hãy viết vào khung trả lời, bắt đầu từ khung mẫu."]


def test_the_template_left_as_it_is_says_what_to_do():
    rubric = load_writing("annual-plan")
    notes = [str(n) for n in assess_writing(rubric, rubric.template).notes]
    assert notes[0].startswith("⚠ Còn 6 chỗ trong ngoặc vuông [ ]")
    assert notes[1].startswith("✗ Bài mới có 0 chữ do anh/chị tự viết")


def test_the_radio_airtime_counts_the_script_only_not_the_plan_after_it():
    text = text_of("radio-item", cases("radio-item")["strong"])
    script, plan = text.split("KẾ HOẠCH BẢN TIẾNG DÂN TỘC")
    longer_plan = text + "\n" + "Người dịch đọc chậm, rõ từng câu để thu âm cho bà con nghe. " * 60
    assert assess_writing("radio-item", longer_plan).criteria[0].points == 1.5
    assert assess_writing("radio-item", script + "\n" + script).criteria[0].points == 0  # twice the script: too long


def test_the_mark_scheme_is_rendered_for_the_notebook_author_only():
    scheme = mark_scheme_markdown("press-release")
    assert scheme.startswith("**Hướng dẫn chấm phần chất lượng** (4 điểm, chỉ dành cho giảng viên)")
    assert scheme.count("\n- (1 điểm)") == 4


# ---------------------------------------------------------------- broken rubrics

def broken(tmp_path, old: str, new: str, name: str = "press-release") -> Path:
    text = (WRITING_DIR / "press-release.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in row)


@pytest.mark.parametrize("old, new, needle, message", [
    ("    kind: message\n", "    kind: mesage\n", "kind: mesage", "entry 'plain_language', field 'kind': Input should be"),
    ('any: ["{duong_day[so]}", "{duong_day[lien]}"]', 'any: ["@phones"]', "- id: essentials",
     "entry 'essentials', field 'elements': unknown pattern '@phones'"),
    ("    findings: [msg_abbreviation_unexplained,", "    findings: [msg_abbreviaton,", "- id: plain_language",
     "entry 'plain_language', field 'findings': unknown code 'msg_abbreviaton'"),
    ("    words: {min: 250, max: 450}", "    words: {min: 450, max: 250}", "words: {min: 450",
     "entry 'length', field 'words': Value error, 'min' must not be above 'max'"),
    ("    words: {min: 250, max: 450}", "    seconds: {min: 60, max: 90}", "- id: length",
     "entry 'length', field '\\(entry\\)'.*'seconds' needs 'words_per_minute'"),
    ("    per_finding: 0.5\n  - id: length", "    per_finding: 0.5\n    per_fnding: 1\n  - id: length", "per_fnding",
     "entry 'plain_language', field 'per_fnding': Extra inputs"),
])
def test_a_broken_rubric_names_file_line_and_field(tmp_path, old, new, needle, message):
    path = broken(tmp_path, old, new)
    with pytest.raises(RubricError, match=message) as error:
        load_writing(path)
    assert f"press-release.yaml:{line_of(path, needle)}:" in str(error.value)


@pytest.mark.parametrize("old, new, message", [
    ('- {points: 1, vi: "Tiêu đề', '- {points: 2, vi: "Tiêu đề', r"\.yaml:5: .*the items add up to 5 points, not 4"),
    ('- {points: 1, vi: "Tiêu đề ngắn', '- {points: 1, vi: "Tiêu đề ngắn về tỉnh {tinh}',
     r"field mark_scheme.items\[0\].vi: .* the mark scheme is the same for every trainee"),
])
def test_a_broken_mark_scheme_is_refused_with_its_file(tmp_path, old, new, message):
    text = mark_scheme_path("press-release").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "mark-schemes").mkdir()
    (tmp_path / "mark-schemes" / "press-release.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RubricError, match=message):
        load_mark_scheme("press-release", tmp_path)


def test_a_rubric_whose_id_is_not_its_file_name_is_refused(tmp_path):
    with pytest.raises(RubricError, match="'press-release' differs from the file name 'thong-cao'"):
        load_writing(broken(tmp_path, "step: 0.5", "step: 0.5", name="thong-cao"))


def test_a_missing_rubric_lists_the_exercises():
    with pytest.raises(RubricError, match="writing rubric not found.*press-release"):
        load_writing("thong-cao")


# ---------------------------------------------------------------- the form

def test_the_form_starts_from_the_template_and_reviews_on_request(tmp_path):
    from policycomm import forms

    form = forms.writing("m04-cau-8", review="press-release", folder=tmp_path)
    rubric = load_writing("press-release")
    assert form.box.value == rubric.template and form.limit == 450
    assert forms.answer("m04-cau-8", folder=tmp_path) is None  # the template is not an answer until edited
    form.box.value = text_of("press-release", cases("press-release")["mediocre"])
    assert form.review.value == ""
    form.review_button.click()
    shown = form.review.value
    assert "✗ Chưa có: áp dụng từ ngày nào." in shown and "Điểm phần chấm" not in shown
    assert not leaks(shown, "press-release")
    form.box.value += " Từ ngày 01/3/2027."
    assert "Bài đã thay đổi sau lần xem nhận xét trước" in form.review.value
    form.review_button.click()
    assert "✔ Đã có: áp dụng từ ngày nào." in form.review.value and "Bài đã thay đổi" not in form.review.value
    again = forms.writing("m04-cau-8", review="press-release", folder=tmp_path)
    assert again.box.value == form.box.value  # the saved text, not the template


def test_a_form_without_review_is_unchanged(tmp_path):
    from policycomm import forms

    form = forms.writing("m04-cau-9", folder=tmp_path)
    assert form.box.value == "" and not hasattr(form, "review_button")


# ---------------------------------------------------------------- each trainee's own variant

@pytest.mark.parametrize("exercise", EXERCISES)
def test_a_strong_answer_copied_from_a_neighbour_with_another_variant_loses_points(exercise):
    mine, theirs = TRAINEES
    for me, neighbour in ((mine, theirs), (theirs, mine)):
        own = assess_writing(exercise, text_of(exercise, cases(exercise)["strong"], me), me)
        copied = assess_writing(exercise, text_of(exercise, cases(exercise)["strong"], neighbour), me)
        assert own.points == own.max_points and copied.points < own.points, copied.feedback()
