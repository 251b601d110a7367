"""Scenarios of choice and judgement exercises that differ from trainee to trainee: ``exercise_variants.yaml``.

An entry names an exercise by its form's id, the course module that seeds the
variants, the ``scenario`` its form shows above the inputs and the ``variants``
(:class:`~policycomm.model.schema.Varied`, :mod:`policycomm.model.variants`).
Where the right answer depends on a value, each value has a code (a text value
itself, a mapping's ``ma``) and the hidden test gives the right answer of each code
(``forms.key(id, {code: answer}, variant=parameter)``): the package holds no key.

>>> exercise_scenario("m03-cau-4")
'Chân dung (giả định): anh T., 24 tuổi, quê ở tỉnh khác, làm ca tại khu công nghiệp, ở nhà trọ; xem tin tức chủ yếu trên điện thoại trong giờ nghỉ.'
>>> exercise_variant("m03-cau-4", "binh.tran")["chan_dung"]["ma"], exercise_variant("m00-cau-1") is None
('ong_d', True)
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field

from .. import yamlfile
from .knowledge import DATA_DIR, KnowledgeError, read_yaml
from .schema import Text, Varied
from .variants import REFERENCE, fill, undefined, variant

__all__ = ["ExerciseScenario", "load_exercise_variants", "exercise_variant", "exercise_scenario", "VARIANTS_FILE"]

VARIANTS_FILE = "exercise_variants.yaml"


class ExerciseScenario(Varied):
    """The scenario of one exercise, with its parameters."""

    id: str = Field(pattern=r"^m\d\d-[a-z0-9-]+$", description="the exercise's form id")
    module: str = Field(min_length=1, description="the course module (seeds the trainees' variants)")
    scenario: Text


def load_exercise_variants(folder: str | os.PathLike | None = None) -> dict[str, ExerciseScenario]:
    """Every entry of ``exercise_variants.yaml`` in ``folder`` (default: the data in use), by exercise id.

    A broken file (a bad field, a placeholder naming no parameter, an exercise twice) raises
    :class:`~policycomm.model.knowledge.KnowledgeError` naming file, line and field.
    """
    path = Path(folder or os.environ.get("POLICYCOMM_DATA") or DATA_DIR) / VARIANTS_FILE
    raw = read_yaml(path)
    entries, problems = yamlfile.validate_list(ExerciseScenario, raw, "exercises", path, kind="exercise")
    for item in entries:
        raw_item = next(e for e in raw["exercises"] if isinstance(e, dict) and e.get("id") == item.id)
        problems += [yamlfile.Problem(path, yamlfile.line_at(raw_item, ["scenario"]), item.id, "scenario", text,
                                      "exercise")
                     for text in undefined(item.scenario.model_dump(), item.variants, "scenario")]
    if len({e.id for e in entries}) < len(entries):
        problems.append(yamlfile.Problem(path, None, None, None, "an exercise appears twice"))
    if problems:
        raise KnowledgeError("\n".join(map(str, problems)))
    return {e.id: e for e in entries}


@lru_cache(maxsize=4)
def _cached(folder: str) -> dict[str, ExerciseScenario]:
    return load_exercise_variants(folder)


def _entry(exercise_id: str) -> ExerciseScenario | None:
    return _cached(str(os.environ.get("POLICYCOMM_DATA") or DATA_DIR)).get(exercise_id)


def exercise_variant(exercise_id: str, trainee: str = REFERENCE) -> dict | None:
    """{parameter: value} of ``trainee``'s variant of the exercise's scenario; None if it does not vary."""
    entry = _entry(exercise_id)
    return None if entry is None else variant(entry.variants, entry.module, trainee, entry.id)


def exercise_scenario(exercise_id: str, trainee: str = REFERENCE, lang: str = "vi") -> str | None:
    """The exercise's scenario in ``trainee``'s variant (one paragraph); None if it does not vary."""
    entry = _entry(exercise_id)
    if entry is None:
        return None
    return " ".join(fill(entry.scenario.get(lang), exercise_variant(exercise_id, trainee)).split())
