"""党员志愿服务队: teams, members, activities (微活动/微服务), assignments and the hours ledger.

The public API is what is imported here; ``service`` holds the rules, ``queries`` the reads other
modules of ``app`` need without an actor (the GUI may not import it), ``documents`` the print
kinds, ``demo`` the generated teams, activities and years of hours.
"""
from app.volunteers.service import (  # noqa: F401
    TEAM_KINDS, ACTIVITY_KINDS, SCHEDULED, COMPLETED, NO_SHOW, CANCELLED, STATES, GROUPINGS, MAX_MINUTES,
    TeamView, ActivityView, AssignmentView, HoursView, MemberRow, HoursRow, kind_label, team_kind_label,
    state_label, teams, add_team, members, add_member, remove_member, add_activity, activities, activity,
    assign, assignments, record_completion, record_no_show, cancel_assignment, correct_hours, hours_ledger,
    hours, yearly_totals, allowed_actions, stats,
)
