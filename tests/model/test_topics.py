"""The course's skills and topics (policycomm/data/topics.yaml): they load and topics cut across modules
(tests/course/test_balance.py checks that every grade cell declares a known skill and topic)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policycomm.model.knowledge import DATA_DIR, KnowledgeError
from policycomm.model.topics import load_topics, skill, skills, topic, topics

ROOT = Path(__file__).resolve().parents[2]
MODULES = {path.name for path in (ROOT / "course" / "source").iterdir() if path.is_dir()}


def test_the_topics_load_and_cut_across_the_modules():
    every = topics()
    assert 8 <= len(every) <= 13
    assert all(t.name.vi and t.name.en and t.description.vi and t.description.en for t in every)
    unknown = {t.id: sorted(set(t.modules) - MODULES) for t in every if set(t.modules) - MODULES}
    assert not unknown, f"topics name modules that course/source/ lacks: {unknown}"
    assert sum(len(t.modules) >= 2 for t in every) >= len(every) - 1  # topics, not one per module
    taught = {module for t in every for module in t.modules}
    assert taught == MODULES, f"modules no topic covers: {sorted(MODULES - taught)}"


def test_the_four_skills_load_in_the_order_of_their_demand():
    assert [s.id for s in skills()] == ["recall", "choice", "judgement", "writing"]
    assert all(s.name.vi and s.name.en and s.description.vi and s.description.en for s in skills())
    with pytest.raises(KeyError, match="judgement"):
        skill("judgment")


def test_an_unknown_topic_names_the_close_one():
    with pytest.raises(KeyError, match="crisis"):
        topic("crisi")


def test_a_broken_topic_is_reported_with_file_and_line(tmp_path):
    shutil.copy(DATA_DIR / "topics.yaml", tmp_path)
    text = (tmp_path / "topics.yaml").read_text(encoding="utf-8")
    broken = text.replace("  - id: crisis\n", "  - id: Crisis\n", 1)
    (tmp_path / "topics.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_topics(tmp_path)
    line = broken.splitlines().index("  - id: Crisis") + 1
    assert f"topics.yaml:{line}: entry 'Crisis'" in str(error.value) and "field 'id'" in str(error.value)
