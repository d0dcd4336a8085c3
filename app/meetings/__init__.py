"""Meetings (会议): notice → sign-in → agenda and votes → minutes → published.

The public API is what is imported here: codes and labels, plain-data classes, and functions that
take ``session`` and ``actor`` and return views. ``service`` holds the rules, ``queries`` the reads
other modules of ``app`` need without an actor (the GUI may not import it), ``documents`` the
print kinds, ``demo`` the generated meetings (with the concerns and 四议两公开 matters raised at them).
"""
from app.meetings.codes import (  # noqa: F401
    OPEN_AIR, EVENING_TALK, CONSULTATION, DELIBERATION_COUNCIL, PUBLIC_EVALUATION, PARTY_ASSEMBLY,
    VILLAGERS_MEETING, REPRESENTATIVES_MEETING, TWO_COMMITTEES, BRANCH_COMMITTEE, KINDS, KIND_SHORT,
    KIND_RULE, OPEN_KINDS, MEMBERSHIP_KINDS, PLANNED, HELD, MINUTES_APPROVED, PUBLISHED, CANCELLED, STATES,
    STATE_ORDER, SCOPES, MODES, UNITS, METHODS, FOR, AGAINST, ABSTAIN, CHOICES, ROLL_CALL, COMMITTEES_KEY,
    COMMITTEES, UNIT_COUNTS, kind_label, state_label, method_label, choice_label, count_label,
)
from app.meetings.queries import AttendanceSummary, Invitee, adult_cutoff  # noqa: F401
from app.meetings.service import (  # noqa: F401
    MeetingView, AttendanceView, AgendaItemView, VoteView, BallotView, MinutesView, AddendumView, ConcernView,
    meeting, meeting_ids, DayMeeting, meetings_by_day, MeetingRow, meeting_rows, MeetingChoice, held_meeting_choices, set_committee_members, default_unit,
    default_mode, plan_meeting, update_meeting, cancel_meeting, invite_guest, attendance, sign_in,
    set_head_count, attendance_summary, mark_held, add_agenda_item, agenda, record_decision, BallotInput,
    record_vote, votes, minutes, draft_minutes, save_minutes, approve_minutes, add_addendum, publish_meeting, MeetingRecord,
    meeting_record, ACTIONS_OF_A_MEETING, allowed_actions, ScopeChoices, scope_choices, stats,
)
