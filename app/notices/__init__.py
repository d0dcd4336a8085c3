"""The notice register (村务公开 / 党务公开): drafts, numbering, issue, post, take down, reprint.

The public API is what is imported here: every function that reads or writes takes keyword-only
``session`` and ``actor`` and returns plain data. ``model`` holds the vocabulary (states, kinds,
form, table), ``service`` the rules, ``queries`` what only other areas and print kinds may use
(ORM rows, documents, no actor), ``documents`` the print kind, ``demo`` the generated notices.
"""
from app.notices.model import (  # noqa: F401
    CALENDAR_SETTING,
    DRAFT,
    ENDING_SOON_DAYS,
    ENDING_SOON_SETTING,
    ISSUED,
    MAX_CELL_CHARS,
    MAX_ENDING_SOON_DAYS,
    MAX_HEADER_CHARS,
    MAX_PUBLICITY_DAYS,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    NOTICE_KINDS,
    POSTED,
    SENSITIVE_LABELS,
    STATES,
    TAKEN_DOWN,
    NoticeForm,
    NoticeKind,
    TableProblem,
    WorkCalendar,
    ending_soon,
    guess_sensitive,
    kind_label,
    normalise_table,
    parse_pasted_table,
    publicity_end,
    state_label,
    table_problems,
)

# The register's rules (app.notices.service) load when one of them is first asked for: a print
# kind or another area that reads notices (app.notices.queries, .documents) does not need them,
# and ``villagedesk print notice`` spent ~6–20 ms importing them (issue 16; PEP 562).
_SERVICE = frozenset({
    "NOTICE_ACTIONS",
    "UNMASK_TEXT_LABELS",
    "NoticeRow",
    "NoticeView",
    "UnmaskOption",
    "allowed_actions",
    "correct_notice",
    "create_notice",
    "delete_draft",
    "ending_soon_window",
    "issue_notice",
    "next_number_preview",
    "notice_form",
    "notice_ids",
    "notice_pdf",
    "notice_rows",
    "notice_view",
    "post_notice",
    "reprint_matches",
    "set_calendar",
    "set_ending_soon_days",
    "set_unmasked",
    "stats",
    "take_down",
    "unmask_options",
    "update_notice",
})


def __getattr__(name: str) -> object:
    if name not in _SERVICE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from app.notices import service

    value = getattr(service, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SERVICE)
