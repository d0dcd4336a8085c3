"""The notice register (村务公开 / 党务公开): drafts, numbering, issue, post, take down, reprint.

The public API is what is imported here; ``service`` holds the rules, ``documents`` the print kind,
``demo`` the generated notices.
"""
from app.notices.service import (  # noqa: F401
    DRAFT, ISSUED, POSTED, TAKEN_DOWN, STATES, NoticeKind, NOTICE_KINDS, CALENDAR_SETTING,
    ENDING_SOON_SETTING, ENDING_SOON_DAYS, MAX_ENDING_SOON_DAYS, MAX_PUBLICITY_DAYS, WorkCalendar,
    publicity_end, get_calendar, set_calendar, NoticeForm, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS,
    MAX_HEADER_CHARS, MAX_CELL_CHARS, SENSITIVE_LABELS, guess_sensitive, parse_pasted_table, TableProblem,
    table_problems, normalise_table, create_notice, get_notice, notice_form, update_notice, delete_draft,
    set_unmasked, UNMASK_TEXT_LABELS, UnmaskOption, unmask_options, default_issuer, format_number,
    build_document, issue_notice, document_of, notice_pdf, reprint_matches, post_notice, take_down,
    correct_notice, state_label, kind_label, ending_soon_days, set_ending_soon_days, ending_soon, NoticeRow,
    notice_ids, notice_rows, latest_issued, find_notice, stats,
)
