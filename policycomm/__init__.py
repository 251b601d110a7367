"""policycomm: policy communication for Vietnamese government communication officers.

Layers, each importing only those above it:

- ``policycomm.messages``: every sentence a trainee or lecturer reads, in Vietnamese and English;
- ``policycomm.model``: the subject model (stages of the policy cycle, channels, audiences,
  which channels suit which stage and audience, with reasons and sources; plans and their
  checks; the budget optimiser; crisis frameworks; commune radio);
- ``policycomm.text``: Vietnamese text tools;
- ``policycomm.quiz``: the question bank, its exports, widgets, review and item analysis;
- ``policycomm.forms``: answer forms and practice tools for the notebooks (ipywidgets);
- ``policycomm.grading`` and ``policycomm.assign``: grading a cohort in isolation, releasing
  and opening the course.

Heavy modules load on first use, so ``import policycomm`` stays fast.

>>> import policycomm
>>> [s.id for s in policycomm.stages()][:3]
['agenda', 'formulation', 'drafting']
>>> policycomm.recommend("adoption", "journalists", top=1)[0].channel
'press_conference'
"""
from __future__ import annotations

from ._lazy import lazy_exports

__version__ = "0.1.0"

#: public name -> module that defines it (imported on first use)
_LAZY = {
    **{name: "model.lookup" for name in ("stages", "channels", "audiences", "objectives", "sources",
                                         "stage", "channel", "audience", "objective", "source")},
    "recommend": "model.choose", "assess_choice": "model.choose", "score_channel": "model.choose",
    "CommunicationPlan": "model.plan", "Activity": "model.plan",
    "optimize_mix": "model.optimize", "budget_curve": "model.optimize",
    "set_language": "messages", "get_language": "messages",
    "KnowledgeError": "model.knowledge",
    "institutions": "model.ledger", "former_bodies": "model.ledger", "claims": "model.ledger",
}
_SUBMODULES = {"model", "text", "quiz", "forms", "grading", "assign", "messages", "cli"}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, _SUBMODULES)
