"""The trainee's kernel: an IPython extension that ``policycomm course open`` loads in every notebook.

It does two things, and only in the trainee's kernel (grading runs its own
kernels, which never load it):

* every exception of a cell is shown as one kind sentence in the language of the
  moment, never a traceback (:func:`policycomm.grading.checks.install_notebook_handler`
  with ``every=True``): a check that fails, a name not yet defined, a missing
  quote each have their own sentence; a cell stopped with *Interrupt kernel* (the
  ■ button) says so and how to run it again; anything else asks to run the
  lesson's cells again;
* the names the course's first cells import (the checks, ``policycomm`` as
  ``pc``, …) are there before any cell runs, so a check cell run before the
  first cell still works.

``course open`` writes the kernel configuration that loads it
(``ipython/profile_default/ipython_kernel_config.py`` in the run
directory, the trainee's ``IPYTHONDIR``). On a JupyterHub, an administrator puts
the same line in the kernel's configuration of every trainee, e.g. in
``/etc/ipython/ipython_kernel_config.py`` of the trainees' image (never in the
grader's; see the trainee section of ``course/README.md``)::

    c.InteractiveShellApp.extensions = ["policycomm.trainee"]

The rest of the trainee's environment lives beside it: the start page
(:mod:`.start`), the Vietnamese Validate (:mod:`.validate`, served by :mod:`.server`).

>>> PRELOADED["check_choice"], PRELOADED["pc"], PRELOADED["forms"]
('policycomm.grading.checks:check_choice', 'policycomm', 'policycomm:forms')
"""
from __future__ import annotations

from importlib import import_module

#: name in the trainee's namespace -> "module" or "module:attribute"; what the first cells of course/source import
PRELOADED = {
    "policycomm": "policycomm",
    "pc": "policycomm",
    "forms": "policycomm:forms",
    **{name: f"policycomm.grading.checks:{name}" for name in (
        "check_choice", "check_choices", "check_id", "check_ids", "check_channels", "check_ranking",
        "check_text", "check_number", "check_message", "check_plan_row")},
    "review_message": "policycomm.text:check_message",
    "message_stats": "policycomm.text:message_stats",
    **{name: f"policycomm.model.radio:{name}" for name in (
        "airtime_seconds", "check_airtime", "count_words", "reading_speed", "words_for_slot")},
    **{name: f"policycomm.model.crisis:{name}" for name in (
        "RESIST_STEPS", "CERC_PHASES", "CERC_PRINCIPLES", "SPOKESPERSON_FORMS", "check_holding_statement")},
    "CommunicationPlan": "policycomm.model.plan:CommunicationPlan",
    "budget_curve": "policycomm.model.optimize:budget_curve",
    "optimize_mix": "policycomm.model.optimize:optimize_mix",
    **{name: f"policycomm.grading.rubric:{name}" for name in ("check_plan", "load_rubric", "install_plan_errors")},
}


def preloaded() -> dict:
    """The objects :data:`PRELOADED` names.

    >>> preloaded()["review_message"].__module__, preloaded()["forms"].__name__
    ('policycomm.text', 'policycomm.forms')
    """
    found = {}
    for name, where in PRELOADED.items():
        module, _, attribute = where.partition(":")
        if not attribute:
            found[name] = import_module(module)
        else:  # an attribute, or a submodule (``from policycomm import forms``)
            parent = import_module(module)
            found[name] = (getattr(parent, attribute) if hasattr(parent, attribute)
                           else import_module(f"{module}.{attribute}"))
    return found


def load_ipython_extension(ipython) -> None:
    """``%load_ext policycomm.trainee``: the kind error hook for every exception, the course's names preloaded."""
    from ..grading.checks import install_notebook_handler

    ipython.push(preloaded(), interactive=False)
    install_notebook_handler(every=True)
