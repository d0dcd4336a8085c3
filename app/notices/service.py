"""公告登记: the notice register — public notices from draft to taken down.

* A notice is written as a **draft** (edited freely, printed with a visible 草稿 mark).
* **Issuing** gives it the next number of its kind and year (青石村务〔2026〕7号, one gap-free
  sequence per kind per year, also when two clerks issue at once), fixes the publicity window
  (公示期, in calendar days or working days with the village's holidays), renders the PDF and
  keeps the exact document printed with the file's SHA-256: a reprint is identical.
* It is then **posted** on the board and later **taken down**. Issued notices are never
  edited; a correction is a new notice that names the one it corrects.
* Public notices are de-identified (:mod:`app.privacy`); showing a column in full is a choice
  on one draft, made by the secretary and recorded in the audit trail.

The PDF is always rendered before anything is written, so a failed print leaves the database
as it was.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import Any

from sqlmodel import Session, col, func, select

from app.auth import Actor, require
from app.errors import PermissionDenied, StateError, ValidationError
from app.i18n import N_, _
from app.notices.model import (
    CALENDAR_SETTING,
    DRAFT,
    ENDING_SOON_SETTING,
    ISSUED,
    MAX_ENDING_SOON_DAYS,
    NOTICE_KINDS,
    POSTED,
    SENSITIVE_LABELS,
    STATES,
    TAKEN_DOWN,
    NoticeForm,
    WorkCalendar,
    _apply,
    _table_of,
    _validate,
    ending_soon,
    publicity_end,
)
from app.notices.queries import (
    build_document,
    document_of,
    ending_soon_days,
    format_number,
    get_calendar,
    get_notice,
    next_notice_number,
    series_key,  # noqa: F401 (the series' name, for callers of the service)
)
from app.printing import sha256
from app.privacy import FIELDS, TEXT_FIELDS, mask_text, mask_value
from app.revisions import check_rev
from app.search import filter_rows as search_rows
from app.text import clean_dates, clean_many, clean_text
from app.views import view, view_class
from db.base import soft_delete, utcnow
from db.models.accounts import Setting, User
from db.models.notices import Notice
from db.scope import peek_number
from db.tracking import AuditEntry, audit_note



def render(document: Any, **options: Any) -> Any:
    """:func:`app.printing.render`, imported on the first notice rendered: ReportLab and the fonts
    stay off the path of the pages and commands that never print."""
    from app.printing.rendering import render as render_pdf

    return render_pdf(document, **options)


def set_calendar(*, session: Session, actor: Actor, holidays: list[dt.date], workdays: list[dt.date]) -> WorkCalendar:
    """Set the village's holidays and make-up working days (used for working-day 公示期)."""
    require(actor, "notices.edit")
    overlap = set(holidays) & set(workdays)
    if overlap:
        raise ValidationError({"workdays": _("A day cannot be both a holiday and a working day: {days}.").format(
            days="、".join(sorted(d.isoformat() for d in overlap)))})
    value = {"holidays": sorted(d.isoformat() for d in set(holidays)),
             "workdays": sorted(d.isoformat() for d in set(workdays))}
    setting = session.get(Setting, CALENDAR_SETTING)
    if setting is None:
        session.add(Setting(key=CALENDAR_SETTING, value=value))
    else:
        setting.value = value
        session.add(setting)
    session.flush()
    return get_calendar(session)


# Plain data of one notice (the row's columns) for callers outside app/.
NoticeView = view_class(Notice, "NoticeView")


def notice_view(*, session: Session, actor: Actor, notice_id: str) -> NoticeView:
    require(actor, "notices.view")
    return view(NoticeView, get_notice(session, notice_id))


def ending_soon_window(*, session: Session, actor: Actor) -> int:
    """How many days before its publicity period ends a posted notice is highlighted."""
    require(actor, "notices.view")
    return ending_soon_days(session)


def _cleaned(form: NoticeForm) -> NoticeForm:
    """The form through the text normaliser (app.text): its texts and the table's cells."""
    title, body, issuer, supervision_phone, objection = clean_many(
        Notice, title=form.title, body=form.body, issuer=form.issuer, supervision_phone=form.supervision_phone,
        objection=form.objection, multiline=("body", "objection", "issuer"))  # joint issuers: one per line
    clean_dates(publicity_start=form.publicity_start)
    table = form.table
    if isinstance(table, dict):
        try:
            columns = [{**c, **{k: clean_text(v, field="table", max_length=255)
                                for k, v in c.items() if k in ("key", "header") and isinstance(v, str)}}
                       if isinstance(c, dict) else c for c in table.get("columns", [])]
            rows = [[clean_text(v, field="table", max_length=2000, multiline=True) if isinstance(v, str) else v
                     for v in row] if isinstance(row, list) else row for row in table.get("rows", [])]
        except (AttributeError, TypeError):
            raise ValidationError({"table": _("The table is not in the expected form.")}) from None
        table = {**table, "columns": columns, "rows": rows}
    return dataclasses.replace(form, title=title, body=body, issuer=issuer, supervision_phone=supervision_phone,
                               objection=objection, table=table)


def create_notice(*, session: Session, actor: Actor, form: NoticeForm, corrects_id: str | None = None) -> NoticeView:
    require(actor, "notices.edit")
    form = _cleaned(form)
    errors = _validate(form)
    if errors:
        raise ValidationError(errors)
    return view(NoticeView, _create(session, form, corrects_id=corrects_id))


def _create(session: Session, form: NoticeForm, *, corrects_id: str | None = None) -> Notice:
    notice = Notice(kind=form.kind, title=form.title, corrects_id=corrects_id)
    _apply(notice, form)
    session.add(notice)
    session.flush()
    return notice


def notice_form(*, session: Session, actor: Actor, notice_id: str) -> NoticeForm:
    """The notice as a form, for the edit dialog. Who may not edit notices (the township's
    viewer …) sees ID and phone numbers in its table masked, as on the printed notice."""
    require(actor, "notices.view")
    form = _form_of(get_notice(session, notice_id))
    if not actor.can("notices.edit"):
        form.table = _masked_table(form.table)
    return form


def _form_of(n: Notice) -> NoticeForm:
    return NoticeForm(kind=n.kind, title=n.title, body=n.body, table=_copy(n.table), issuer=n.issuer,
                      supervision_phone=n.supervision_phone, objection=n.objection, publicity_days=n.publicity_days,
                      working_days=n.working_days, publicity_start=n.publicity_start, style=n.style, paper=n.paper,
                      landscape=n.landscape, rev=n.rev)


def _copy(table: dict[str, Any] | None) -> dict[str, Any] | None:
    return copy.deepcopy(table) if table is not None else None


def _masked_table(table: dict[str, Any] | None) -> dict[str, Any] | None:
    """The table with every ID and phone number masked: the columns marked so, and numbers
    written in any other cell."""
    if not table:
        return table
    kinds = [str(c.get("sensitive", "") or "") for c in table.get("columns", [])]
    rows = []
    for row in table.get("rows", []):
        cells = []
        for index, value in enumerate(row):
            kind = kinds[index] if index < len(kinds) else ""
            text = "" if value is None else str(value)
            cells.append(mask_value(kind, text) if kind in ("id_number", "phone") and text else mask_text(text))
        rows.append(cells)
    return {**table, "rows": rows}


def _require_draft(notice: Notice) -> None:
    if notice.state != DRAFT:
        raise StateError(_("Notice {number} is issued and cannot be changed; issue a correction instead.").format(
            number=notice.number))


def update_notice(*, session: Session, actor: Actor, notice_id: str, form: NoticeForm) -> NoticeView:
    """Change a draft. Issued notices are refused: correct them with :func:`correct_notice`."""
    require(actor, "notices.edit")
    notice = get_notice(session, notice_id)
    check_rev(session, notice, form.rev)
    _require_draft(notice)
    form = _cleaned(form)
    errors = _validate(form)
    if errors:
        raise ValidationError(errors)
    _apply(notice, form)
    if notice.unmasked:  # a column that is gone cannot stay unmasked
        keys = {c["key"] for c in (notice.table or {}).get("columns", [])}
        notice.unmasked = [k for k in notice.unmasked if k in keys or k in TEXT_FIELDS]
    session.add(notice)
    session.flush()
    return view(NoticeView, notice)


def delete_draft(*, session: Session, actor: Actor, notice_id: str) -> None:
    require(actor, "notices.edit")
    notice = get_notice(session, notice_id)
    _require_draft(notice)
    soft_delete(notice)
    session.add(notice)
    session.flush()


def set_unmasked(*, session: Session, actor: Actor, notice_id: str, field: str, unmasked: bool, reason: str) -> NoticeView:
    """Show (or hide again) one column of a draft's table in full on the printed notice — an
    explicit choice (for example an honours roll that names the winners), made by the secretary
    with a reason, recorded in the audit trail. ``field`` is a column key, ``text`` for ID and
    phone numbers written in the body, or ``names`` for registered people's names in the body."""
    require(actor, "notices.unmask")
    return view(NoticeView, _set_unmasked(session, actor, get_notice(session, notice_id), field, unmasked, reason))


def apply_template_rule(*, session: Session, actor: Actor, notice_id: str, fields: tuple[str, ...], reason: str,
                        template: str) -> NoticeView:
    """The per-field rule of a gallery template (the name column of a 党员发展对象 or 评先评优
    公示): it is the template's, not the user's choice, so it holds for whoever makes the draft
    (the clerk too) and is audited with the template's reason. Only name columns are shown by a
    template: ID and phone numbers stay masked."""
    require(actor, "notices.edit")
    notice = get_notice(session, notice_id)
    names = {c["key"] for c in (notice.table or {}).get("columns", []) if c.get("sensitive") == "name"}
    for field in fields:
        if field not in names:
            raise ValidationError({"field": _("{field} is not a column with personal information.").format(
                field=field)})
        notice = _set_unmasked(session, actor, notice, field, True, reason, template=template)
    return view(NoticeView, notice)


def _set_unmasked(session: Session, actor: Actor, notice: Notice, field: str, unmasked: bool, reason: str,
                  template: str = "") -> Notice:
    _require_draft(notice)
    table = _table_of(notice.table)
    sensitive = {c.key for c in table.columns if c.sensitive} if table else set()
    if field not in sensitive | set(TEXT_FIELDS):
        raise ValidationError({"field": _("{field} is not a column with personal information.").format(field=field)})
    if unmasked and not reason.strip():
        raise ValidationError({"reason": _("Say why this information must be shown in full.")})
    current = [k for k in notice.unmasked if k != field]
    notice.unmasked = current + [field] if unmasked else current
    session.add(notice)
    session.flush()
    audit_note(session, table_name="notice", row_id=notice.id,
               note="unmask" if unmasked else "mask",
               detail={"field": field, "reason": reason.strip(), "by": actor.username,
                       **({"template": template} if template else {})})
    return notice


UNMASK_TEXT_LABELS: dict[str, str] = {
    "names": N_("Names of registered villagers written in the text"),
    "text": N_("Phone and ID numbers written in the text"),
}


@dataclasses.dataclass(frozen=True)
class UnmaskOption:
    """One thing a public notice can show in full: a column with personal data or the text
    (``field`` as :func:`set_unmasked` takes it), whether it is shown now, and the last recorded
    choice about it (who, when, why; empty when it was never changed)."""

    field: str
    label: str  # translated
    kind: str  # name / phone / id_number / address, or "" for the text fields
    unmasked: bool
    changed_by: str = ""
    changed_at: dt.datetime | None = None
    reason: str = ""


def unmask_options(*, session: Session, actor: Actor, notice_id: str) -> list[UnmaskOption]:
    """What can be shown unmasked on ``notice_id`` and its current state, read from the notice
    and the audit trail."""
    require(actor, "notices.view")
    notice = get_notice(session, notice_id)
    last: dict[str, AuditEntry] = {}
    for entry in session.exec(select(AuditEntry).where(AuditEntry.table_name == "notice", AuditEntry.row_id == notice.id,
                                                       AuditEntry.action == "note").order_by(col(AuditEntry.id))):
        if entry.changes.get("note") in ("unmask", "mask") and entry.changes.get("field"):
            last[str(entry.changes["field"])] = entry
    names = dict(session.exec(select(User.username, User.display_name)).all())
    shown = set(notice.unmasked)
    fields: list[tuple[str, str, str]] = []
    for column in (notice.table or {}).get("columns", []):
        kind = column.get("sensitive", "") or ""
        if kind in FIELDS:
            header, kind_text = str(column.get("header", "")), _(SENSITIVE_LABELS[kind])
            label = (_("Column “{header}”").format(header=header) if header == kind_text
                     else _("Column “{header}” ({kind})").format(header=header, kind=kind_text))
            fields.append((str(column["key"]), label, kind))
    fields += [(key, _(label), "") for key, label in UNMASK_TEXT_LABELS.items()]
    options = []
    for field, label, kind in fields:
        entry = last.get(field)
        by = str(entry.changes.get("by") or entry.actor) if entry else ""
        options.append(UnmaskOption(field=field, label=label, kind=kind, unmasked=field in shown,
                                    changed_by=names.get(by) or by, changed_at=entry.at if entry else None,
                                    reason=str(entry.changes.get("reason", "")) if entry else ""))
    return options


# ---------------------------------------------------------------------------------------------
# Documents


def issue_notice(*, session: Session, actor: Actor, notice_id: str, issue_date: dt.date | None = None) -> NoticeView:
    """Number, render and register a draft: one gap-free series per village, kind and year."""
    require(actor, "notices.edit")
    notice = get_notice(session, notice_id)
    _require_draft(notice)
    errors = _validate(_form_of(notice))
    if errors:
        raise ValidationError(errors)
    day = issue_date or dt.date.today()
    if notice.publicity_start and notice.publicity_start < day:
        raise ValidationError({"publicity_start": _("The publicity period cannot begin before the notice is issued.")})
    # The series is bumped first: that takes the write lock, so no other issue can take this number
    # while the PDF renders; a failed render rolls the number back with everything else (gap-free).
    seq, number = next_notice_number(session, notice.kind, day.year)
    document = build_document(session, notice, number=number, issue_date=day, draft=False)
    from app.printing.rendering import resolved_fonts

    document.fonts = resolved_fonts(document)
    data = render(document)
    notice.state = ISSUED
    notice.year, notice.seq, notice.number = day.year, seq, number
    notice.issue_date = day
    notice.issued_at = utcnow()
    notice.issued_by = actor.username
    if NOTICE_KINDS[notice.kind].parts.publicity:
        notice.publicity_start = max(notice.publicity_start or day, day)
        notice.publicity_end = publicity_end(notice.publicity_start, notice.publicity_days,
                                             working_days=notice.working_days, calendar=get_calendar(session))
    else:
        # a 通知 prints no 公示期: the register records none either (no "publicity ends", never
        # highlighted as ending soon), as it records exactly the window the other kinds print
        notice.publicity_start = notice.publicity_end = None
    notice.snapshot = document.to_dict()
    notice.file_sha256 = sha256(data)
    session.add(notice)
    session.flush()
    return view(NoticeView, notice)


def next_number_preview(*, session: Session, actor: Actor, notice_id: str, issue_date: dt.date | None = None) -> str:
    """The number a draft would get if it were issued now (青石村务〔2026〕3号), for the 印发
    confirmation; nothing is taken (:func:`issue_notice` claims the number itself)."""
    require(actor, "notices.edit")
    notice = get_notice(session, notice_id)
    _require_draft(notice)
    day = issue_date or dt.date.today()
    return format_number(session, notice.kind, day.year, peek_number(session, series_key(notice.kind, day.year)))


def notice_pdf(*, session: Session, actor: Actor, notice_id: str) -> bytes:
    """The PDF of a notice: an issued one exactly as issued, a draft with its 草稿 mark."""
    require(actor, "notices.view")
    notice = get_notice(session, notice_id)
    return render(document_of(session, notice))


def reprint_matches(*, session: Session, actor: Actor, notice_id: str) -> bool:
    """Whether printing the issued notice again gives the very file that was issued."""
    require(actor, "notices.view")  # before anything is read (a draft answered False to any role)
    notice = get_notice(session, notice_id)
    if notice.state == DRAFT:
        return False
    return sha256(notice_pdf(session=session, actor=actor, notice_id=notice_id)) == notice.file_sha256


def post_notice(*, session: Session, actor: Actor, notice_id: str, posted_on: dt.date | None = None) -> NoticeView:
    """The issued notice is on the board (张贴)."""
    require(actor, "notices.edit")
    notice = get_notice(session, notice_id)
    if notice.state != ISSUED:
        raise StateError(_("Only an issued notice can be posted."))
    day = posted_on or dt.date.today()
    if notice.issue_date and day < notice.issue_date:
        raise ValidationError({"posted_on": _("A notice cannot be posted before it is issued.")})
    notice.state, notice.posted_on = POSTED, day
    session.add(notice)
    session.flush()
    return view(NoticeView, notice)


def take_down(*, session: Session, actor: Actor, notice_id: str, taken_down_on: dt.date | None = None) -> NoticeView:
    """The notice came off the board (撤下)."""
    require(actor, "notices.edit")
    notice = get_notice(session, notice_id)
    if notice.state != POSTED:
        raise StateError(_("Only a posted notice can be taken down."))
    day = taken_down_on or dt.date.today()
    if notice.posted_on and day < notice.posted_on:
        raise ValidationError({"taken_down_on": _("A notice cannot be taken down before it was posted.")})
    notice.state, notice.taken_down_on = TAKEN_DOWN, day
    session.add(notice)
    session.flush()
    return view(NoticeView, notice)


def correct_notice(*, session: Session, actor: Actor, notice_id: str) -> NoticeView:
    """Start a correction (更正公告) of an issued notice: a new draft, filled in from the
    original, that names it."""
    require(actor, "notices.edit")
    original = get_notice(session, notice_id)
    if original.state == DRAFT:
        raise StateError(_("A draft is changed directly; only issued notices are corrected."))
    form = _form_of(original)
    form.title = _("Correction to “{title}”").format(title=original.title)[:200]
    form.publicity_start = None
    errors = _validate(form)
    if errors:
        raise ValidationError(errors)
    notice = _create(session, form, corrects_id=original.id)
    notice.unmasked = list(original.unmasked)
    session.add(notice)
    session.flush()
    return view(NoticeView, notice)


# ---------------------------------------------------------------------------------------------
# Lists


def set_ending_soon_days(*, session: Session, actor: Actor, days: Any) -> int:
    """Change the 'ending soon' window of the notices list (0 = only on the last day or after)."""
    require(actor, "notices.edit")
    if isinstance(days, str) and days.strip().isdigit():
        days = int(days.strip())
    value = days if isinstance(days, int) and not isinstance(days, bool) else -1
    if not 0 <= value <= MAX_ENDING_SOON_DAYS:
        raise ValidationError({"ending_soon_days": _("Enter a whole number of days from 0 to {n}.").format(
            n=MAX_ENDING_SOON_DAYS)})
    setting = session.get(Setting, ENDING_SOON_SETTING)
    if setting is None:
        session.add(Setting(key=ENDING_SOON_SETTING, value=value))
    else:
        setting.value = value
        session.add(setting)
    session.flush()
    return value


@dataclasses.dataclass(frozen=True)
class NoticeRow:
    id: str
    number: str
    kind: str
    title: str
    state: str
    issue_date: dt.date | None
    publicity_end: dt.date | None
    ending_soon: bool
    corrects_number: str
    actions: dict[str, str | None] = dataclasses.field(default_factory=dict, compare=False)  # see allowed_actions


def notice_ids(*, session: Session, actor: Actor, state: str | None = None, kind: str | None = None,
               query: str = "") -> list[str]:
    """Notices newest first: drafts, then by issue date and number."""
    require(actor, "notices.view")
    stmt = select(Notice.id)
    if state:
        stmt = stmt.where(Notice.state == state)
    if kind:
        stmt = stmt.where(Notice.kind == kind)
    stmt = stmt.order_by((Notice.state == DRAFT).desc(), col(Notice.issue_date).desc(), col(Notice.year).desc(),
                         col(Notice.seq).desc(), col(Notice.created_at).desc())
    if not query.strip():
        return list(session.exec(stmt))
    # the same pinyin rule as every list (app.search)
    rows = session.execute(stmt.add_columns(Notice.title, Notice.number)).all()
    return search_rows(rows, query, texts=(1, 2))


def notice_rows(*, session: Session, actor: Actor, ids: list[str], today: dt.date | None = None) -> list[NoticeRow]:
    require(actor, "notices.view")
    if not ids:
        return []
    found = {n.id: n for n in session.exec(select(Notice).where(col(Notice.id).in_(ids)))}
    originals = {n.id: n.number for n in session.exec(
        select(Notice).where(col(Notice.id).in_([n.corrects_id for n in found.values() if n.corrects_id])))}
    rows = []
    days = ending_soon_days(session)  # read once for the whole batch
    for notice_id in ids:
        n = found.get(notice_id)
        if n is None:
            continue
        rows.append(NoticeRow(id=n.id, number=n.number, kind=n.kind, title=n.title, state=n.state,
                              issue_date=n.issue_date, publicity_end=n.publicity_end,
                              ending_soon=ending_soon(n, today, days), corrects_number=originals.get(n.corrects_id or "", ""),
                              actions=_actions(actor, n.state, n.number)))
    return rows


def stats(*, session: Session, actor: Actor) -> dict[str, Any]:
    require(actor, "notices.view")
    counts = dict(session.exec(select(Notice.state, func.count()).group_by(Notice.state)).all())
    today = dt.date.today()
    on_board = list(session.exec(select(Notice).where(Notice.state == POSTED)))
    days = ending_soon_days(session)
    return {
        "total": sum(counts.values()),
        **{state: int(counts.get(state, 0)) for state in STATES},
        "issued_this_year": int(session.exec(select(func.count()).select_from(Notice).where(
            Notice.year == today.year)).one()),
        "ending_soon": sum(1 for n in on_board if ending_soon(n, today, days)),
    }


# ---------------------------------------------------------------------------------------------
# What may be done


NOTICE_ACTIONS = ("new", "edit", "unmask", "issue", "post", "take_down", "correct", "delete", "settings")


def _refusal(actor: Actor, permission: str) -> str | None:
    try:
        require(actor, permission)
    except PermissionDenied as exc:
        return str(exc)
    return None


def _actions(actor: Actor, state: str | None, number: str = "") -> dict[str, str | None]:
    edit = _refusal(actor, "notices.edit")
    actions: dict[str, str | None] = {"new": edit, "settings": edit}
    if state is None:
        return actions
    issued = _("Notice {number} is issued and cannot be changed; issue a correction instead.").format(number=number)
    draft_only = None if state == DRAFT else issued
    unmask = _refusal(actor, "notices.unmask")
    if unmask is not None:
        unmask = _("Only the secretary can show personal information unmasked on a public notice.")
    actions.update({
        "open": None,
        "edit": edit or draft_only,
        "issue": edit or draft_only,
        "delete": edit or (None if state == DRAFT else _("Only a draft can be deleted.")),
        "unmask": unmask or (None if state == DRAFT else _(
            "This notice is issued and cannot be changed. To show different information, issue a correction notice "
            "(Correct…).")),
        "post": edit or (None if state == ISSUED else _("Only an issued notice can be posted.")),
        "take_down": edit or (None if state == POSTED else _("Only a posted notice can be taken down.")),
        "correct": edit or (None if state != DRAFT else _(
            "A draft is changed directly; only issued notices are corrected.")),
    })
    return actions


def allowed_actions(*, session: Session, actor: Actor, record_id: str | None = None) -> dict[str, str | None]:
    """What ``actor`` may do with notice ``record_id`` (None: with the register: ``new``,
    ``settings``): action → None when allowed, otherwise why not, in the user's language."""
    require(actor, "notices.view")
    if record_id is None:
        return _actions(actor, None)
    notice = get_notice(session, record_id)
    return _actions(actor, notice.state, notice.number)
