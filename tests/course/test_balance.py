"""What the course grades: every grade cell declares a skill and a topic, and the points are balanced between
the skills (policycomm/data/topics.yaml defines them; policycomm.grading.report adds the points up)."""
from __future__ import annotations

from course_cases import COURSE

from policycomm.grading.report import course_points, grade_cells
from policycomm.model.topics import load_skills, load_topics

#: at least this share of the course's points rewards the trainee's own writing, at most this share recall
WRITING_AT_LEAST = 0.35
RECALL_AT_MOST = 0.20


def test_every_grade_cell_declares_a_known_skill_and_topic():
    cells = grade_cells(str(COURSE))
    assert len(cells) > 50
    skills, topics = set(load_skills()), set(load_topics())
    wrong = [f"{c.assignment}/{c.cell}: skill {c.skill!r}, topic {c.topic!r}" for c in cells
             if c.skill not in skills or c.topic not in topics]
    assert not wrong, "grade cells without a valid metadata.policycomm skill and topic:\n" + "\n".join(wrong)


def test_the_points_are_balanced_between_the_skills():
    by_skill = course_points(str(COURSE))["skill"]
    total = sum(by_skill.values())
    shares = {skill: by_skill.get(skill, 0.0) / total for skill in load_skills()}
    shown = ", ".join(f"{skill} {by_skill.get(skill, 0.0):g} points ({share:.1%})" for skill, share in shares.items())
    assert shares["writing"] >= WRITING_AT_LEAST and shares["recall"] <= RECALL_AT_MOST, (
        f"of {total:g} points: {shown}; writing must be at least {WRITING_AT_LEAST:.0%}, "
        f"recall at most {RECALL_AT_MOST:.0%}")
