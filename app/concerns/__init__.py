"""Villagers' concerns (群众诉求): raised, assigned, closed, escalated; 办结率.

The public API is what is imported here; ``service`` holds the rules, ``documents`` the print kind.
"""
from app.concerns.service import (  # noqa: F401
    CATEGORIES, SOURCES, OPEN, ESCALATED, CLOSED, STATES, SATISFACTION, DEFAULT_DUE_DAYS, GROUPINGS,
    category_label, state_label, satisfaction_label, today, is_overdue, get_concern, raise_concern,
    assign_concern, add_progress_note, notes, close_concern, record_satisfaction, escalate_concern,
    RaiserChoice, raiser_choices, concern_ids, concern_rows, latest_concern_id, ClosureRate, closure_rates,
    overall_rate, stats,
)
