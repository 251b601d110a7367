"""Grading into a real PostgreSQL 15 gradebook through --db-url."""
from __future__ import annotations

import shutil

import pytest

from policycomm.grading.cohort import grade_cohort

from gradingkit import ASSIGNMENTS, CORRECT, PARTIAL, gradebook_rows, nbgrader, submit

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_grades_into_postgresql_like_into_sqlite(course, postgres_url, tmp_path):
    for assignment in ASSIGNMENTS:
        done = nbgrader(course, "generate_assignment", assignment, "--force", f"--db={postgres_url}")
        assert done.returncode == 0, done.stderr[-2000:]
        submit(course, "an", assignment, CORRECT)
        submit(course, "binh", assignment, PARTIAL)
    on_sqlite = tmp_path / "sqlite"
    shutil.copytree(course, on_sqlite)

    summary = grade_cohort(str(course), db_url=postgres_url, progress=False)
    grade_cohort(str(on_sqlite), progress=False)

    assert summary.graded == 4
    rows = gradebook_rows(course, postgres_url)
    assert rows == gradebook_rows(on_sqlite)
    assert rows[("an", "ps1", "channels", "channel_choice__top3_test")][1] == 3
    assert rows[("binh", "ps1", "channels", "channel_choice__top3_test")][1] == 2
