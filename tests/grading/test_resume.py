"""A grading run killed midway (SIGKILL of the whole process group) and resumed ends like an uninterrupted one."""
from __future__ import annotations

import pytest

from gradingkit import kill_midway_and_resume, slow_cohort_and_reference

pytestmark = pytest.mark.slow


def test_killed_run_resumes_to_the_same_gradebook(course, tmp_path):
    reference = slow_cohort_and_reference(course, tmp_path)
    kill_midway_and_resume(course, reference)
