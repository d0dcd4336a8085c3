"""Villagers' concerns (群众诉求): raised, assigned, closed, escalated; 办结率.

The public API is what is imported here; ``service`` holds the rules, ``queries`` the reads other
modules of ``app`` need without an actor (the GUI may not import it), ``documents`` the print kind.
"""
from app.concerns.service import (  # noqa: F401
    CATEGORIES, SOURCES, OPEN, ESCALATED, CLOSED, STATES, SATISFACTION, DEFAULT_DUE_DAYS, GROUPINGS,
    ConcernView, ConcernNoteView, category_label, state_label, satisfaction_label, today, is_overdue, concern,
    allowed_actions, raise_concern, assign_concern, add_progress_note, notes, close_concern, record_satisfaction,
    escalate_concern, RaiserChoice, raiser_choices, concern_ids, concern_rows, ClosureRate, closure_rates,
    overall_rate, stats,
)
