"""Assign: prepare the nbgrader course for trainees.

``policycomm course release`` generates and releases every assignment of
``course/source`` into a local exchange; ``policycomm course open`` also
prepares a trainee home, fetches the assignments and starts JupyterLab there.
The nbgrader preprocessors the course configuration uses live in
:mod:`policycomm.assign.feedback`. Nothing heavy is imported here.

>>> import policycomm.assign
"""
