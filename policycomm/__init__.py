"""policycomm: policy communication for Vietnamese government communication officers.

The subject model (stages of the policy cycle, channels, audiences, and which
channels suit which stage and audience, with reasons and sources), plans and
their checks, Vietnamese text tools, quizzes and grading.

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
    "stages": "api", "channels": "api", "audiences": "api", "objectives": "api", "sources": "api",
    "stage": "api", "channel": "api", "audience": "api", "objective": "api", "source": "api",
    "recommend": "choose", "assess_choice": "choose", "score_channel": "choose",
    "CommunicationPlan": "plan", "Activity": "plan",
    "optimize_mix": "optimize", "budget_curve": "optimize",
    "set_language": "i18n", "get_language": "i18n",
    "KnowledgeError": "knowledge",
}
_SUBMODULES = {"text", "quiz", "grading", "assign", "radio", "crisis", "knowledge", "schema", "i18n", "choose", "plan",
               "optimize", "api", "cli"}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, _SUBMODULES)
