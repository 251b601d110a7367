"""The crisis simulation's model: scenarios as data (validated, file:line errors) and the engine
(branches, clock, reactions, deterministic replay, grading of strong, medium, weak and empty plays)."""
from __future__ import annotations

import copy
import re
import shutil

import pytest
from crisis_plays import MEDIUM, MEDIUM_POINTS, SCENARIO, STRONG, WEAK, decision, strong

from policycomm.grading.checks import CheckFailed
from policycomm.grading.simulation import check_crisis_play
from policycomm.model.knowledge import DATA_DIR, KnowledgeError
from policycomm.model.scenario import SCENARIO_FILE, load_scenarios, scenario, values_of
from policycomm.model.simulation import clock_text, debrief, decide, replay, score, start
from policycomm.model.variants import TRAINEE_VARIABLE


@pytest.fixture(scope="module")
def s():
    return scenario(SCENARIO)


def test_the_scenario_has_branches_and_four_to_six_decisions_on_every_path(s):
    paths = s.paths()
    assert len(paths) == 4 and len({tuple(p) for p in paths}) == 4
    assert all(4 <= len(p) <= 6 for p in paths)
    assert {p[1] for p in paths} == {"tin_don", "mac_ket"} and {p[2] for p in paths} == {"phong_vien", "phong_vien_dong"}
    assert s.max_points() == 12
    # a variant step takes what it does not say from the step it is like: the same criteria, its own story
    assert s.step("mac_ket").criteria == s.step("tin_don").criteria
    assert s.step("mac_ket").situation != s.step("tin_don").situation
    assert s.step("phong_vien_dong").messages == s.step("phong_vien").messages


def test_the_channels_and_audiences_offered_are_the_knowledge_bases(s):
    from policycomm.model import lookup

    assert {"commune_radio", "door_to_door"} <= set(s.step("canh_bao").channels)
    for step in s.steps:
        assert all(lookup.channel(c) for c in step.channels) and all(lookup.audience(a) for a in step.audiences)


def test_the_clock_moves_by_the_wait_and_the_slowest_channel_and_steps_start_at_their_hour(s):
    state = start(s)
    assert clock_text(state.clock) == "21:30"
    late, events = decide(s, state, WEAK[0])  # in an hour, then a two-hour press conference
    assert "Anh/chị bắt đầu thực hiện lúc 22:30." in map(str, events)
    assert clock_text(late.clock) == "00:30 ngày thứ 2"  # past the next step's hour (23:20): the clock never goes back
    on_time, _ = decide(s, state, STRONG[0])
    assert clock_text(on_time.clock) == "23:20"
    morning, _ = decide(s, on_time, decision("tin_don", "C", ["facebook_page"], "general_public", "morning"))
    assert morning.step == "phong_vien_dong" and clock_text(morning.clock) == "08:10 ngày thứ 2"


def test_a_channel_done_after_the_deadline_has_no_effect(s):
    state = start(s)
    door_late, events = decide(s, state, decision("canh_bao", "A", ["door_to_door"], "affected_groups", "in_60"))
    assert door_late.warned == 0 and door_late.step == "mac_ket"
    assert any("quá muộn" in str(e) and "23:00" in str(e) for e in events)
    door_now, _ = decide(s, state, decision("canh_bao", "A", ["door_to_door"], "affected_groups", "now"))
    assert door_now.warned == 50


def test_the_scenario_reacts_people_warned_trust_and_rumour(s):
    state = start(s)
    reassuring, _ = decide(s, state, decision("canh_bao", "B", ["commune_radio", "door_to_door"], "affected_groups", "now"))
    clear, _ = decide(s, state, STRONG[0])
    assert clear.warned == 100 and reassuring.warned == 30  # "nothing serious" makes people stay in bed
    assert clear.trust > state.trust > reassuring.trust
    assert clear.step == "tin_don" and reassuring.step == "mac_ket"  # not warned: the slide traps people
    assert clear.rumour == 40  # the rumour starts with step 2
    corrected, events = decide(s, clear, STRONG[1])
    assert corrected.rumour == 0 and corrected.step == "phong_vien"
    assert "Tin đồn lắng xuống: 40 → 0 trên 100." in map(str, events)
    silent, events = decide(s, clear, decision("tin_don", "C", ["social_listening"], "general_public", "in_60"))
    assert silent.rumour > clear.rumour and silent.trust < clear.trust and silent.step == "phong_vien_dong"
    assert any(str(e).startswith("Tin đồn lan rộng hơn") for e in events)


def test_replay_is_deterministic_and_equals_playing_step_by_step(s):
    for play in (STRONG, WEAK, MEDIUM):
        first, second = replay(s, copy.deepcopy(play)), replay(s, copy.deepcopy(play))
        assert first.states == second.states and first.events == second.events
        state = start(s)
        for item in play:
            state, _ = decide(s, state, item)
        assert state == first.final and state.finished
        assert list(state.decisions) == play


@pytest.mark.parametrize("answer, kept", [
    ([STRONG[0], {**STRONG[1], "channels": ["carrier_pigeon"]}, STRONG[2]], 1),  # an id edited by hand
    ([STRONG[0], {**STRONG[1], "step": "phong_vien"}], 1),                    # a decision of another step
    ([{**STRONG[0], "channels": "commune_radio"}], 0),                         # a string for a list
    ([STRONG[0], "A"], 1),
    ({"step": "canh_bao"}, 0),                                                 # not a list at all
    ([*STRONG, STRONG[0]], 4),                                                 # past the end
])
def test_replay_stops_at_the_first_decision_that_does_not_fit(s, answer, kept):
    play = replay(s, answer)
    assert len(play.decisions) == kept and play.problem is not None
    assert score(s, answer).points == score(s, STRONG[:kept]).points


def test_a_repeated_channel_counts_once(s):
    twice = [{**STRONG[0], "channels": ["commune_radio", "commune_radio"]}]
    assert replay(s, twice).final.warned == replay(s, [{**STRONG[0], "channels": ["commune_radio"]}]).final.warned


@pytest.mark.parametrize("play, points", [(STRONG, 12), (MEDIUM, MEDIUM_POINTS), (WEAK, 0), (None, 0), ([], 0)])
def test_plays_are_graded_by_the_decisions_taken(s, play, points):
    assert score(s, play).points == points
    assert score(s, play).max_points == 12


def test_the_debrief_explains_each_choice_with_its_sources(s):
    lines = debrief(s, WEAK)
    assert lines[0] == "Bước 1. Cảnh báo trong đêm (21:30) — 0/4 điểm"
    assert "  Qua kênh: Họp báo" in lines
    marks = [line for line in lines if line.startswith(("✔", "✗"))]
    assert len(marks) == sum(len(s.step(d["step"]).criteria) for d in WEAK)
    cited = re.compile(r"\(Nguồn: [^()]*Điều \d+[^()]* — S\d+(; [^()]*Điều \d+[^()]* — S\d+)*\)$")  # article and source
    assert all(line.startswith("✗") and cited.search(line) for line in marks), marks
    assert any("báo tin tận nhà" in line and line.endswith("(Nguồn: Luật Phòng, chống thiên tai, Điều 25 khoản 2 điểm c "
                                                       "— S60; Nghị định 66/2021/NĐ-CP, Điều 4 khoản 4 — S62)")
               for line in marks)
    strong = [line for line in debrief(s, STRONG) if line.startswith(("✔", "✗"))]
    assert strong and all(line.startswith("✔") for line in strong)


def test_the_hidden_check_returns_the_points_and_the_visible_one_only_looks_at_the_form(capsys, monkeypatch):
    monkeypatch.setenv(TRAINEE_VARIABLE, "binh.tran")  # the rumour spreads on Zalo
    assert check_crisis_play(strong("binh.tran"), scenario=SCENARIO, graded=True) == 12
    out = capsys.readouterr().out
    assert out.startswith("Rút kinh nghiệm") and out.rstrip().endswith("Điểm phần mô phỏng: 12/12.")
    assert check_crisis_play(STRONG, scenario=SCENARIO, graded=True) == 11  # corrected on Facebook
    assert "✗ Tin sai đang lan trên Zalo" in capsys.readouterr().out
    assert check_crisis_play(MEDIUM, scenario=SCENARIO, graded=True) == MEDIUM_POINTS
    assert check_crisis_play(WEAK, scenario=SCENARIO) is None
    assert "Đã nhận 4/4 quyết định" in capsys.readouterr().out
    for blank in (None, [], [{"step": "ve_nha"}]):
        with pytest.raises(CheckFailed):
            check_crisis_play(blank, scenario=SCENARIO, graded=True)


# ---------------------------------------------------------------- each trainee's own variant

#: a cohort large enough to meet every value of every parameter
COHORT = [f"hv-{n}" for n in range(40)]


def test_two_trainees_play_different_variants_of_the_same_decisions(s):
    mine, theirs = scenario(SCENARIO, "binh.tran"), scenario(SCENARIO, "an.nguyen")
    assert mine.intro.vi != theirs.intro.vi and mine.start != theirs.start
    assert "Nà Lầu" in mine.intro.vi and "20 giờ 30" in mine.intro.vi and "tiếng Tày" in mine.intro.vi
    assert "nhóm Zalo" in mine.step("tin_don").situation.vi and "Facebook" in theirs.step("tin_don").situation.vi
    for other in (mine, theirs):  # what the trainee chooses from, the branches and the points stay the same
        assert other.paths() == s.paths() and other.max_points() == s.max_points()
        for step, same in zip(other.steps, s.steps):
            assert (step.id, list(step.messages), list(step.channels), list(step.audiences), step.timings) == \
                   (same.id, list(same.messages), list(same.channels), list(same.audiences), same.timings)
            assert [c.id for c in step.criteria] == [c.id for c in same.criteria]
    assert scenario(SCENARIO, "binh.tran") is mine  # the same trainee, the same variant (cached)


def test_a_cohort_meets_every_value_and_every_variant_keeps_the_gaps_between_the_times(s):
    seen: dict[str, set] = {name: set() for name in s.variants}
    for trainee in COHORT:
        own = scenario(SCENARIO, trainee)
        for name, value in values_of(own, trainee).items():
            seen[name].add(str(value))
        begin = own.clock_at(own.start)
        assert (own.clock_at(own.step("canh_bao").deadline) - begin, own.clock_at(own.step("tin_don").at) - begin) == \
               (90, 110), trainee
        assert not [t for t in (own.intro.vi, own.step("tin_don").situation.vi) if "{" in t or "}" in t]
    assert {name: len(found) for name, found in seen.items()} == {name: len(v) for name, v in s.variants.items()}


def test_every_trainee_takes_the_same_branches_and_is_graded_in_their_own_variant(s):
    for trainee in COHORT:
        own = scenario(SCENARIO, trainee)
        network = values_of(own, trainee)["tin_don"]["kenh"]
        assert score(own, strong(trainee)).points == 12, trainee
        assert score(own, STRONG).points == (12 if network == "facebook_page" else 11), trainee
        for play in (MEDIUM, WEAK):  # no correction on a network: the same points, the same steps
            assert score(own, play).points == score(s, play).points and len(replay(own, play).decisions) == 4
        right = [line for line in debrief(own, strong(trainee)) if line.startswith("✔ Anh/chị đính chính")]
        assert right and values_of(own, trainee)["tin_don"]["mang"] in right[0]


# ---------------------------------------------------------------- a broken scenario file

@pytest.fixture
def data(tmp_path):
    shutil.copy(DATA_DIR / SCENARIO_FILE, tmp_path)
    return tmp_path


def _edit(folder, old: str, new: str, count: int = 1) -> int:
    """Replace ``old`` by ``new`` in the scenario file; the line (1-based) of the first change."""
    path = folder / SCENARIO_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[:text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


@pytest.mark.parametrize("old, new, problem", [
    ("          door_to_door: {minutes: 50", "          door_to_dor: {minutes: 50", r"unknown channel 'door_to_dor'"),
    ("            claims: [qd-18-2021-commune-radio]\n", "            claims: [cerc-principles]\n",
     r"claim 'cerc-principles' is 'could-not-confirm'"),
    ("            claims: [qd-18-2021-commune-radio]\n", "            claims: [crisis-sim-dynamics]\n",
     r"claim 'crisis-sim-dynamics' is 'assumption'"),
    ("            channels_all: [commune_radio]\n", "            channels_all: [television]\n",
     r"'television' is not offered at this step"),
    ("          general_public: {scale: {warned: 0.7}}", "          general_public: {scale: {warned: 0.7}, reach: 1}",
     r"Extra inputs are not permitted"),
])
def test_a_broken_scenario_names_the_file_line_scenario_and_field(data, old, new, problem):
    line = _edit(data, old, new)
    with pytest.raises(KnowledgeError) as error:
        load_scenarios(data)
    text = str(error.value)
    assert re.search(problem, text), text
    found = re.search(rf"{SCENARIO_FILE}:(\d+): scenario 'sat_lo_dem', field '([^']+)'", text)
    assert found, text
    assert abs(int(found.group(1)) - line) <= 1, (line, text)


def test_a_placeholder_naming_no_parameter_and_a_wrong_value_of_one_variant_are_named(data):
    line = _edit(data, "Sạt lở trong đêm ở thôn {thon}", "Sạt lở trong đêm ở thôn {thon_xom}")
    with pytest.raises(KnowledgeError, match=rf"{SCENARIO_FILE}:{line}: scenario 'sat_lo_dem', field 'title': title.vi: "
                                             r"the placeholder \{thon_xom\} names no parameter"):
        load_scenarios(data)
    shutil.copy(DATA_DIR / SCENARIO_FILE, data)
    _edit(data, 'han: "23:30"', 'han: "23:75"')  # the third time of the day: not the reference variant's
    with pytest.raises(KnowledgeError, match=r"scenario 'sat_lo_dem', field 'steps.*deadline'"):
        load_scenarios(data)


def test_paths_with_different_points_or_a_loop_are_refused(data):
    _edit(data, "        like: phong_vien\n", "        like: phong_vien\n        criteria:\n          - id: x\n"
          "            points: 1\n            timing: [today]\n            claims: [nd-244-24-hours]\n"
          "            right: {vi: a, en: a}\n            wrong: {vi: b, en: b}\n")
    with pytest.raises(KnowledgeError, match=r"the paths differ in steps or points \(canh_bao > tin_don > phong_vien "
                                             r"> ve_nha: 12; canh_bao > tin_don > phong_vien_dong > ve_nha: 10"):
        load_scenarios(data)
    shutil.copy(DATA_DIR / SCENARIO_FILE, data)
    _edit(data, "        next:\n          - step: ve_nha", "        next:\n          - step: canh_bao")
    with pytest.raises(KnowledgeError, match="loop"):
        load_scenarios(data)


def test_an_unknown_scenario_gets_a_kind_sentence():
    with pytest.raises(KeyError, match="Không có tình huống mô phỏng “sat_lo”. Có phải bạn muốn viết “sat_lo_dem”"):
        scenario("sat_lo")
