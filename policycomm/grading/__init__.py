"""Grading: the checks that the course's test cells call, and cohort grading.

This package stays light: it imports neither nbgrader nor IPython, so a
notebook's ``from policycomm.grading.checks import check_choice`` is fast.

>>> from policycomm.grading import checks
>>> checks.PLAN_FIELDS[0]
'stage'
"""
