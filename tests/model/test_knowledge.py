"""The knowledge files: valid, sourced, bilingual; broken files give precise errors."""
import shutil
from pathlib import Path

import pytest

import policycomm
from policycomm.model.knowledge import DATA_DIR, KnowledgeError, load


def test_counts_meet_the_model():
    kb = load()
    cycle = [s for s in kb.stages.values() if not s.overlay]
    assert [s.id for s in cycle] == ["agenda", "formulation", "drafting", "adoption", "implementation", "evaluation"]
    assert [s.id for s in kb.stages.values() if s.overlay] == ["crisis"]
    assert len(kb.channels) >= 15
    assert len(kb.audiences) >= 8


def test_every_entry_cites_sources_that_resolve():
    kb = load()
    entries = [*kb.objectives.values(), *kb.stages.values(), *kb.audiences.values(), *kb.channels.values(),
               *kb.fits.values()]
    for entry in entries:
        assert entry.sources, entry
        assert set(entry.sources) <= set(kb.sources), entry


def test_every_text_exists_in_both_languages():
    kb = load()
    for entry in [*kb.stages.values(), *kb.channels.values(), *kb.audiences.values(), *kb.objectives.values()]:
        for text in (entry.name, getattr(entry, "description", None) or entry.summary):
            assert text.vi.strip() and text.en.strip()
            assert text.vi != text.en or text.vi == "Infographic"


def test_every_stage_has_fitting_channels_and_every_channel_a_stage():
    kb = load()
    for stage in kb.stages:
        assert any(f.fit >= 0.6 for (s, _), f in kb.fits.items() if s == stage), stage
    used = {c for (_, c) in kb.fits}
    assert used == set(kb.channels)


def test_lookup_by_id_and_unknown_id_lists_known_ids():
    assert policycomm.stage("adoption").name.vi == "Thông qua, ban hành"
    assert policycomm.channel("commune_radio").needs_internet is False
    assert policycomm.audience("ethnic_mountain").needs_ethnic_language
    with pytest.raises(KeyError, match="Các mã dùng được: .*commune_radio"):
        policycomm.channel("commune-radio")


@pytest.fixture
def data_copy(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def test_a_wrong_field_names_file_line_entry_and_field(data_copy):
    path = data_copy / "channels.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    speed: 3\n    depth: 1\n    cost_level: 1\n    unit_cost: 2\n",
                        "    speed: fast\n    depth: 1\n    cost_level: 1\n    unit_cost: 2\n", 1)
    path.write_text(text, encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "speed: fast" in l)
    with pytest.raises(KnowledgeError) as err:
        load(data_copy)
    message = str(err.value)
    assert f"channels.yaml:" in message and "field 'speed'" in message and "'fast'" in message
    assert int(message.split("channels.yaml:")[1].split(":")[0]) == line  # the line of the wrong field itself


def test_every_problem_is_reported_at_once(data_copy):
    path = data_copy / "audiences.yaml"
    text = path.read_text(encoding="utf-8").replace("internet_access: 0.75", "internet_access: 1.75")
    text = text.replace("    weight: 1.5\n", "    weight: 1.5\n    colour: red\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        load(data_copy)
    assert "'general_public', field 'internet_access'" in str(err.value)
    assert "'affected_groups', field 'colour'" in str(err.value)


def test_unresolved_references_are_named(data_copy):
    path = data_copy / "stage_channels.yaml"
    text = path.read_text(encoding="utf-8")
    assert "sources: [S70]" in text
    path.write_text(text.replace("sources: [S70]", "sources: [S999]", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="unknown source id 'S999'"):
        load(data_copy)


def test_invalid_yaml_names_the_line(data_copy):
    path = data_copy / "stages.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = "    name: {vi: broken"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"stages.yaml:\d+: not valid YAML"):
        load(data_copy)


def test_a_lecturer_copy_is_used_through_the_environment(data_copy, monkeypatch):
    path = data_copy / "stages.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Agenda-setting", "Agenda setting (edited)"),
                    encoding="utf-8")
    monkeypatch.setenv("POLICYCOMM_DATA", str(data_copy))
    assert policycomm.stage("agenda").name.en == "Agenda setting (edited)"


def test_a_repeated_key_names_file_and_line(data_copy):
    path = data_copy / "channels.yaml"
    text = path.read_text(encoding="utf-8").replace("    depth: 1\n", "    depth: 1\n    depth: 3  # again\n", 1)
    path.write_text(text, encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "# again" in l)
    with pytest.raises(KnowledgeError) as err:
        load(data_copy)
    assert f"channels.yaml:{line}: not valid YAML: key 'depth' appears twice" in str(err.value)
