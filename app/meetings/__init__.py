"""Meetings (会议): notice → sign-in → agenda and votes → minutes → published.

The public API is what is imported here; ``service`` holds the rules, ``documents`` the print
kinds, ``demo`` the generated meetings (with the concerns and 四议两公开 matters raised at them).
"""
from app.meetings.service import (  # noqa: F401
    OPEN_AIR, EVENING_TALK, CONSULTATION, DELIBERATION_COUNCIL, PUBLIC_EVALUATION, PARTY_ASSEMBLY,
    VILLAGERS_MEETING, REPRESENTATIVES_MEETING, TWO_COMMITTEES, BRANCH_COMMITTEE, KINDS, KIND_SHORT,
    KIND_RULE, OPEN_KINDS, MEMBERSHIP_KINDS, PLANNED, HELD, MINUTES_APPROVED, PUBLISHED, CANCELLED, STATES,
    STATE_ORDER, SCOPES, MODES, UNITS, METHODS, FOR, AGAINST, ABSTAIN, CHOICES, ROLL_CALL, COMMITTEES_KEY,
    COMMITTEES, kind_label, state_label, method_label, choice_label, get_meeting, latest_meeting_id,
    meeting_ids, DayMeeting, meetings_by_day, MeetingRow, meeting_rows, adult_cutoff, committee_members,
    set_committee_members, Invitee, expected_invitees, expected_count, default_unit, default_mode,
    plan_meeting, refresh_expected, update_meeting, cancel_meeting, invite_guest, attendance, sign_in,
    set_head_count, AttendanceSummary, summary, attendance_summary, mark_held, add_agenda_item, agenda,
    record_decision, rule_of, BallotInput, record_vote, ballots_of, vote_outcome, votes, minutes_of,
    save_minutes, approve_minutes, add_addendum, addenda, publish_meeting, MeetingRecord, meeting_record,
    stats,
)
