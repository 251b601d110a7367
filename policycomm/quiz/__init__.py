"""The question bank: schema, question types, loading and checks, scoring, LMS export, widgets and item analysis.

Names load on first use (this package must stay light to import):

>>> from policycomm import quiz
>>> quiz.score_response.__module__
'policycomm.quiz.scoring'
"""
from __future__ import annotations

from .._lazy import lazy_exports

#: public name -> module (in this package) that defines it
_LAZY = {
    "load_bank": "bank", "load_module_file": "bank", "check_bank": "bank", "Bank": "bank", "BankError": "bank",
    "score_response": "scoring", "response_problem": "scoring",
    "to_moodle_xml": "moodle", "from_moodle_xml": "moodle",
    "to_gift": "gift", "from_gift": "gift",
    "show": "widgets", "public_view": "widgets", "graded_cells": "widgets",
    "recorded_answer": "responses", "check_answered": "responses", "award": "responses",
    "analyze": "analysis", "read_responses_csv": "analysis", "read_gradebook": "analysis",
    "ReviewDeck": "review", "review_deck": "review",
    "QuestionType": "types", "question_type": "types", "register_type": "types",
}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
