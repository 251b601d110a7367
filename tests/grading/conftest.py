"""Fixtures of the cohort-grading tests (helpers live in gradingkit.py)."""
from gradingkit import course, postgres_db, postgres_url, released_course  # noqa: F401  (pytest fixtures)
