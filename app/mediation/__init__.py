"""人民调解: dispute cases from intake to archive, confidential by default.

The public API is what is imported here; ``service`` holds the rules (and :func:`service.read_case`,
the one read of a case's details, which writes the access log), ``queries`` the reads other
modules of ``app`` need without an actor (the GUI may not import it), ``documents`` the print
kinds, ``demo`` the generated cases.
"""
from app.mediation.service import (  # noqa: F401
    CATEGORIES, FAMILY, SOURCES, PARTY_ROLES, RECORD_KINDS, GENDERS, STATES, OUTCOMES, FULFILMENT, ESCALATION_TARGETS,
    REGISTERED, REJECTED, ACCEPTED, INVESTIGATING, MEDIATING, AGREED, FAILED, TERMINATED, PERFORMED, VISITED,
    ESCALATED, ARCHIVED, ACTIVE, OPEN_STATES, ACTIONS, TIME_LIMIT_DAYS, NEAR_DAYS, MAX_EXTENSION_DAYS,
    GROUP_DISPUTE_PEOPLE, DEFAULT_CLAUSES,
    category_label, state_label, source_label, outcome_label, fulfilment_label, party_role_label, record_kind_label,
    escalation_label, today, deadline_of,
    CaseView, PartyView, RecordView, PartyForm, CaseForm, RecordForm, CaseDetail, CaseRow, AccessRow, PartyChoice,
    MediationCounts, MediationStatistics,
    case_detail, allowed_actions, register_case, update_case, case_form_from_concern, party_choices,
    accept_case, reject_case, record_investigation, record_session, record_visit, conclude_case, record_fulfilment,
    escalate_case, extend_deadline, archive_case, reopen_case, session_defaults, clause_library, add_clause,
    case_ids, case_rows, case_years, concern_link, access_log, counts, statistics, stats, export_yearly_summary,
    summary_sections,
)
