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

import csv
import dataclasses
import datetime as dt
import io
from typing import Any

from sqlmodel import Session, col, func, select

from app.auth import Actor, require
from app.errors import NotFound, StateError, ValidationError
from app.i18n import N_, _
from app.printing import Column, Document, Table, render, sha256
from app.printing.model import PAPERS, STYLES
from app.printing.render import resolved_fonts
from app.printing.templates import public_notice
from app.privacy import FIELDS, TEXT_FIELDS, mask_document, registered_names
from db.base import soft_delete, utcnow
from db.models.accounts import Setting, User
from db.models.notices import Notice
from db.scope import next_number
from db.tracking import AuditEntry, audit_note

DRAFT, ISSUED, POSTED, TAKEN_DOWN = "draft", "issued", "posted", "taken_down"
STATES: dict[str, str] = {
    DRAFT: N_("Draft"),
    ISSUED: N_("Issued"),
    POSTED: N_("Posted"),
    TAKEN_DOWN: N_("Taken down"),
}


@dataclasses.dataclass(frozen=True)
class NoticeKind:
    label: str  # msgid
    prefix: str  # 机关代字 in the number: 青石 + 村务 + 〔2026〕7号 (document data, not translated)
    party: bool = False


NOTICE_KINDS: dict[str, NoticeKind] = {
    "village_affairs": NoticeKind(N_("Village affairs notice"), "村务"),
    "party_affairs": NoticeKind(N_("Party affairs notice"), "党务", party=True),
}

CALENDAR_SETTING = "notices.calendar"
ENDING_SOON_SETTING = "notices.ending_soon_days"
ENDING_SOON_DAYS = 3  # default: posted notices whose 公示期 ends within three days stand out
MAX_ENDING_SOON_DAYS = 30
MAX_PUBLICITY_DAYS = 90


# ---------------------------------------------------------------------------------------------
# Publicity window


@dataclasses.dataclass(frozen=True)
class WorkCalendar:
    """Which days count as working days: Monday–Friday, minus ``holidays`` (法定节假日), plus
    ``workdays`` (调休: weekend days worked in exchange)."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


def publicity_end(start: dt.date, days: int, *, working_days: bool = False,
                  calendar: WorkCalendar | None = None) -> dt.date:
    """The last day of a publicity period of ``days`` days beginning on ``start`` (inclusive:
    7 days from Monday 5 January end on Sunday 11 January). Counted in working days, days off
    are skipped, and a period that begins on a day off begins on the next working day."""
    if days < 1:
        raise ValueError(days)
    if not working_days:
        return start + dt.timedelta(days=days - 1)
    calendar = calendar or WorkCalendar()
    day, counted = start, 0
    while True:
        if calendar.is_working_day(day):
            counted += 1
            if counted == days:
                return day
        day += dt.timedelta(days=1)


def get_calendar(session: Session) -> WorkCalendar:
    setting = session.get(Setting, CALENDAR_SETTING)
    value = setting.value if setting and isinstance(setting.value, dict) else {}
    return WorkCalendar(
        holidays=frozenset(dt.date.fromisoformat(d) for d in value.get("holidays", [])),
        workdays=frozenset(dt.date.fromisoformat(d) for d in value.get("workdays", [])),
    )


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


# ---------------------------------------------------------------------------------------------
# Drafts


@dataclasses.dataclass
class NoticeForm:
    """What the clerk fills in for a notice (村务公开 / 党务公开 template)."""

    kind: str = "village_affairs"
    title: str = ""
    body: str = ""
    table: dict[str, Any] | None = None  # {"columns": [{"key", "header", "sensitive"}], "rows": [[...]]}
    issuer: str = ""  # empty: the committee (村务) or the Party branch (党务)
    supervision_phone: str = ""  # empty: the village's supervision phone
    objection: str = ""  # empty: the standard sentence
    publicity_days: int = 7
    working_days: bool = False
    publicity_start: dt.date | None = None
    style: str = "poster"
    paper: str = "A4"
    landscape: bool = False


def _validate(form: NoticeForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if form.kind not in NOTICE_KINDS:
        errors["kind"] = _("Unknown kind of notice: {kind}.").format(kind=form.kind)
    if not form.title.strip():
        errors["title"] = _("Enter the notice's title.")
    elif len(form.title.strip()) > 200:
        errors["title"] = _("The title is too long (at most {n} characters).").format(n=200)
    if not form.body.strip() and not (form.table and form.table.get("rows")):
        errors["body"] = _("Write the text of the notice or add a table.")
    if not 1 <= int(form.publicity_days or 0) <= MAX_PUBLICITY_DAYS:
        errors["publicity_days"] = _("The publicity period is 1 to {n} days.").format(n=MAX_PUBLICITY_DAYS)
    if form.style not in STYLES:
        errors["style"] = _("Unknown print style: {style}.").format(style=form.style)
    if form.paper not in PAPERS:
        errors["paper"] = _("Unknown paper size: {paper}.").format(paper=form.paper)
    problems = table_problems(form.table)
    if problems:
        shown = [p.message for p in problems[:3]]
        if len(problems) > 3:
            shown.append(_("… and {n} more problems in the table.").format(n=len(problems) - 3))
        errors["table"] = "\n".join(shown)
    return errors


# ---------------------------------------------------------------------------------------------
# The notice's table: {"columns": [{"key", "header", "sensitive", "align"}], "rows": [[...]], "caption"}

MAX_TABLE_COLUMNS = 12  # more do not fit across A4 landscape at a readable size
MAX_TABLE_ROWS = 2000
MAX_HEADER_CHARS = 30
MAX_CELL_CHARS = 200

SENSITIVE_LABELS: dict[str, str] = {
    "": N_("Not personal"),
    "name": N_("Name"),
    "phone": N_("Phone"),
    "id_number": N_("ID number"),
    "address": N_("Address"),
}

# Headings that say what personal data a pasted column holds (checked in this order: 身份证号码
# is an ID number, not a 号码 of a phone).
_SENSITIVE_HEADINGS = (
    ("id_number", ("身份证", "证件号", "公民身份号码", "id number", "id no")),
    ("phone", ("电话", "手机", "联系方式", "phone", "mobile")),
    ("address", ("住址", "地址", "门牌", "address")),
    ("name", ("姓名", "户主", "名字", "申请人", "联系人", "监护人", "name")),
)


def guess_sensitive(header: str) -> str:
    """The kind of personal data a column heading announces (姓名 → name), or ""."""
    text = (header or "").strip().lower()
    for kind, words in _SENSITIVE_HEADINGS:
        if any(word in text for word in words):
            return kind
    return ""


def parse_pasted_table(text: str) -> list[list[str]]:
    """Cells copied from Excel or WPS: rows on lines, cells separated by tabs; a cell holding a
    line break, tab or quote comes in double quotes (\"\" for a quote). Ragged rows are padded."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text.strip():
        return []
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter="\t")]
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


@dataclasses.dataclass(frozen=True)
class TableProblem:
    """One thing wrong with a notice's table: ``row``/``column`` are 0-based (None: the whole
    row, column or table; ``row`` None with a ``column`` is that column's heading)."""

    row: int | None
    column: int | None
    message: str


def table_problems(data: Any) -> list[TableProblem]:
    """Everything wrong with a table as the clerk filled it in, each naming its cell (1-based in
    the message: 第2行、“姓名”列)."""
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("columns", []), list) \
            or not isinstance(data.get("rows", []), list):
        return [TableProblem(None, None, _("The table cannot be read."))]
    columns, rows = data.get("columns", []), [r for r in data.get("rows", []) if not _blank_row(r)]
    problems: list[TableProblem] = []
    if not columns:
        if rows:
            problems.append(TableProblem(None, None, _("The table has rows but no columns.")))
        return problems
    if len(columns) > MAX_TABLE_COLUMNS:
        problems.append(TableProblem(None, None, _("A table on a notice has at most {n} columns.").format(
            n=MAX_TABLE_COLUMNS)))
    seen: dict[str, int] = {}
    for index, column in enumerate(columns):
        header = str(column.get("header", "") if isinstance(column, dict) else "").strip()
        if not header:
            problems.append(TableProblem(None, index, _("Column {n} needs a heading.").format(n=index + 1)))
        elif len(header) > MAX_HEADER_CHARS:
            problems.append(TableProblem(None, index, _("The heading of column {n} is too long (at most {max} "
                                                         "characters).").format(n=index + 1, max=MAX_HEADER_CHARS)))
        elif header in seen:
            problems.append(TableProblem(None, index, _("Columns {a} and {b} are both called “{header}”.").format(
                a=seen[header] + 1, b=index + 1, header=header)))
        else:
            seen[header] = index
        sensitive = column.get("sensitive", "") if isinstance(column, dict) else ""
        if sensitive and sensitive not in FIELDS:
            problems.append(TableProblem(None, index, _("Column {n}: unknown kind of personal information.").format(
                n=index + 1)))
    if not rows:
        problems.append(TableProblem(None, None, _("The table has no rows: fill in a row or remove the table.")))
    if len(rows) > MAX_TABLE_ROWS:
        problems.append(TableProblem(None, None, _("A table on a notice has at most {n} rows.").format(
            n=MAX_TABLE_ROWS)))
    for r, row in enumerate(data.get("rows", [])):
        if not isinstance(row, list):
            problems.append(TableProblem(r, None, _("Row {row} cannot be read.").format(row=r + 1)))
            continue
        if len(row) > len(columns) and any(str(v or "").strip() for v in row[len(columns):]):
            problems.append(TableProblem(r, None, _("Row {row} has more cells than the table has columns.").format(
                row=r + 1)))
        for c, value in enumerate(row[:len(columns)]):
            if len(str(value or "").strip()) > MAX_CELL_CHARS:
                header = str(columns[c].get("header", "")) or str(c + 1)
                problems.append(TableProblem(r, c, _("Row {row}, column “{column}”: at most {n} characters.").format(
                    row=r + 1, column=header, n=MAX_CELL_CHARS)))
    return problems


def _blank_row(row: Any) -> bool:
    return isinstance(row, list) and not any(str(v or "").strip() for v in row)


def normalise_table(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The table as stored: trimmed headings and cells, empty rows dropped, rows as wide as the
    columns, a unique key per column; None for a table without columns."""
    if not data or not data.get("columns"):
        return None
    columns, keys = [], set()
    for index, column in enumerate(data["columns"]):
        key = str(column.get("key") or "").strip() or f"c{index + 1}"
        while key in keys or key in TEXT_FIELDS:
            key += "_"
        keys.add(key)
        columns.append({"key": key, "header": str(column.get("header", "")).strip(),
                        "sensitive": column.get("sensitive", "") or "", "align": column.get("align", "left") or "left"})
    width = len(columns)
    rows = [([str(v or "").strip() for v in row] + [""] * width)[:width]
            for row in data.get("rows", []) if not _blank_row(row)]
    table: dict[str, Any] = {"columns": columns, "rows": rows}
    for extra in ("caption", "numbered"):
        if extra in data:
            table[extra] = data[extra]
    return table


def _table_of(data: dict[str, Any] | None) -> Table | None:
    if not data:
        return None
    columns = [Column(key=str(c["key"]), header=str(c["header"]), sensitive=c.get("sensitive", "") or "",
                      align=c.get("align", "left")) for c in data["columns"]]
    if not columns or any(not c.key or not c.header for c in columns):
        raise ValueError("columns")
    if any(c.sensitive and c.sensitive not in FIELDS for c in columns):
        raise ValueError("sensitive")
    rows = [["" if v is None else str(v) for v in row] for row in data.get("rows", [])]
    return Table(columns=columns, rows=rows, caption=str(data.get("caption", "")), numbered=bool(data.get("numbered", True)))


def _apply(notice: Notice, form: NoticeForm) -> None:
    notice.kind = form.kind
    notice.title = form.title.strip()
    notice.body = form.body.strip()
    notice.table = normalise_table(form.table)
    notice.issuer = form.issuer.strip()
    notice.supervision_phone = form.supervision_phone.strip()
    notice.objection = form.objection.strip()
    notice.publicity_days = int(form.publicity_days)
    notice.working_days = bool(form.working_days)
    notice.publicity_start = form.publicity_start
    notice.style, notice.paper, notice.landscape = form.style, form.paper, bool(form.landscape)


def create_notice(*, session: Session, actor: Actor, form: NoticeForm, corrects_id: str | None = None) -> Notice:
    require(actor, "notices.edit")
    errors = _validate(form)
    if errors:
        raise ValidationError(errors)
    notice = Notice(kind=form.kind, title=form.title, corrects_id=corrects_id)
    _apply(notice, form)
    session.add(notice)
    session.flush()
    return notice


def get_notice(session: Session, notice_id: str) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None or notice.deleted_at is not None:
        raise NotFound(_("No such notice."))
    return notice


def notice_form(*, session: Session, actor: Actor, notice_id: str) -> NoticeForm:
    require(actor, "notices.view")
    n = get_notice(session, notice_id)
    return NoticeForm(kind=n.kind, title=n.title, body=n.body, table=n.table, issuer=n.issuer,
                      supervision_phone=n.supervision_phone, objection=n.objection, publicity_days=n.publicity_days,
                      working_days=n.working_days, publicity_start=n.publicity_start, style=n.style, paper=n.paper,
                      landscape=n.landscape)


def _require_draft(notice: Notice) -> None:
    if notice.state != DRAFT:
        raise StateError(_("Notice {number} is issued and cannot be changed; issue a correction instead.").format(
            number=notice.number))


def update_notice(*, session: Session, actor: Actor, notice_id: str, form: NoticeForm) -> Notice:
    """Change a draft. Issued notices are refused: correct them with :func:`correct_notice`."""
    require(actor, "notices.edit")
    notice = get_notice(session, notice_id)
    _require_draft(notice)
    errors = _validate(form)
    if errors:
        raise ValidationError(errors)
    _apply(notice, form)
    if notice.unmasked:  # a column that is gone cannot stay unmasked
        keys = {c["key"] for c in (notice.table or {}).get("columns", [])}
        notice.unmasked = [k for k in notice.unmasked if k in keys or k in TEXT_FIELDS]
    session.add(notice)
    session.flush()
    return notice


def delete_draft(*, session: Session, actor: Actor, notice_id: str) -> None:
    require(actor, "notices.edit")
    notice = get_notice(session, notice_id)
    _require_draft(notice)
    soft_delete(notice)
    session.add(notice)
    session.flush()


def set_unmasked(*, session: Session, actor: Actor, notice_id: str, field: str, unmasked: bool, reason: str) -> Notice:
    """Show (or hide again) one column of a draft's table in full on the printed notice — an
    explicit choice (for example an honours roll that names the winners), made by the secretary
    with a reason, recorded in the audit trail. ``field`` is a column key, ``text`` for ID and
    phone numbers written in the body, or ``names`` for registered people's names in the body."""
    require(actor, "notices.unmask")
    notice = get_notice(session, notice_id)
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
               detail={"field": field, "reason": reason.strip(), "by": actor.username})
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


def _profile(session: Session) -> Any:
    from app.people import get_profile

    return get_profile(session)


def default_issuer(session: Session, kind: str) -> str:
    profile = _profile(session)
    if profile is None:
        return ""
    if NOTICE_KINDS.get(kind, NOTICE_KINDS["village_affairs"]).party:
        return _("CPC {village} Branch Committee").format(village=profile.name)
    return profile.committee_name or profile.name


def format_number(session: Session, kind: str, year: int, seq: int) -> str:
    """青石村务〔2026〕7号: village name without 村, the kind's code, year in 〔〕, number."""
    profile = _profile(session)
    village = (profile.name if profile else "").removesuffix("村")
    prefix = NOTICE_KINDS[kind].prefix if kind in NOTICE_KINDS else ""
    return f"{village}{prefix}〔{year}〕{seq}号"


def build_document(session: Session, notice: Notice, *, number: str = "", issue_date: dt.date | None = None,
                   draft: bool | None = None) -> Document:
    """The (de-identified) document of ``notice`` as it would be issued on ``issue_date``;
    drafts carry the 草稿 watermark."""
    kind = NOTICE_KINDS.get(notice.kind, NOTICE_KINDS["village_affairs"])
    day = issue_date or dt.date.today()
    start = max(notice.publicity_start or day, day)
    end = publicity_end(start, notice.publicity_days, working_days=notice.working_days, calendar=get_calendar(session))
    profile = _profile(session)
    corrects = ""
    if notice.corrects_id:
        original = get_notice(session, notice.corrects_id)
        corrects = _("This notice corrects notice {number} “{title}”; where they differ, this notice applies.").format(
            number=original.number, title=original.title)
    document = public_notice(
        title=notice.title, body=notice.body, issuer=notice.issuer or default_issuer(session, notice.kind),
        date=day, number=number, table=_table_of(notice.table), publicity_start=start, publicity_end=end,
        publicity_days=notice.publicity_days, working_days=notice.working_days, objection=notice.objection,
        supervision_phone=notice.supervision_phone or (profile.supervision_phone if profile else ""),
        party=kind.party, corrects=corrects, style=notice.style, paper=notice.paper, landscape=notice.landscape,
    )
    document.unmasked = list(notice.unmasked)
    if notice.state == DRAFT if draft is None else draft:
        document.watermark = _("Draft")
    return mask_document(document, names=registered_names(session))


def issue_notice(*, session: Session, actor: Actor, notice_id: str, issue_date: dt.date | None = None) -> Notice:
    """Number, render and register a draft: one gap-free series per village, kind and year."""
    require(actor, "notices.edit")
    notice = get_notice(session, notice_id)
    _require_draft(notice)
    errors = _validate(notice_form(session=session, actor=actor, notice_id=notice_id))
    if errors:
        raise ValidationError(errors)
    day = issue_date or dt.date.today()
    if notice.publicity_start and notice.publicity_start < day:
        raise ValidationError({"publicity_start": _("The publicity period cannot begin before the notice is issued.")})
    # The series is bumped first: that takes the write lock, so no other issue can take this number
    # while the PDF renders; a failed render rolls the number back with everything else (gap-free).
    seq = next_number(session, f"notice-{notice.kind}-{day.year}")
    number = format_number(session, notice.kind, day.year, seq)
    document = build_document(session, notice, number=number, issue_date=day, draft=False)
    document.fonts = resolved_fonts(document)
    data = render(document)
    notice.state = ISSUED
    notice.year, notice.seq, notice.number = day.year, seq, number
    notice.issue_date = day
    notice.issued_at = utcnow()
    notice.issued_by = actor.username
    notice.publicity_start = max(notice.publicity_start or day, day)
    notice.publicity_end = publicity_end(notice.publicity_start, notice.publicity_days,
                                         working_days=notice.working_days, calendar=get_calendar(session))
    notice.snapshot = document.to_dict()
    notice.file_sha256 = sha256(data)
    session.add(notice)
    session.flush()
    return notice


def document_of(session: Session, notice: Notice) -> Document:
    """The document to print: the frozen one of an issued notice, the current draft otherwise."""
    if notice.state != DRAFT and notice.snapshot:
        return Document.from_dict(notice.snapshot)
    return build_document(session, notice)


def notice_pdf(*, session: Session, actor: Actor, notice_id: str) -> bytes:
    """The PDF of a notice: an issued one exactly as issued, a draft with its 草稿 mark."""
    require(actor, "notices.view")
    notice = get_notice(session, notice_id)
    return render(document_of(session, notice))


def reprint_matches(*, session: Session, actor: Actor, notice_id: str) -> bool:
    """Whether printing the issued notice again gives the very file that was issued."""
    notice = get_notice(session, notice_id)
    if notice.state == DRAFT:
        return False
    return sha256(notice_pdf(session=session, actor=actor, notice_id=notice_id)) == notice.file_sha256


def post_notice(*, session: Session, actor: Actor, notice_id: str, posted_on: dt.date | None = None) -> Notice:
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
    return notice


def take_down(*, session: Session, actor: Actor, notice_id: str, taken_down_on: dt.date | None = None) -> Notice:
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
    return notice


def correct_notice(*, session: Session, actor: Actor, notice_id: str) -> Notice:
    """Start a correction (更正公告) of an issued notice: a new draft, filled in from the
    original, that names it."""
    require(actor, "notices.edit")
    original = get_notice(session, notice_id)
    if original.state == DRAFT:
        raise StateError(_("A draft is changed directly; only issued notices are corrected."))
    form = notice_form(session=session, actor=actor, notice_id=notice_id)
    form.title = _("Correction to “{title}”").format(title=original.title)[:200]
    form.publicity_start = None
    notice = create_notice(session=session, actor=actor, form=form, corrects_id=original.id)
    notice.unmasked = list(original.unmasked)
    session.add(notice)
    session.flush()
    return notice


# ---------------------------------------------------------------------------------------------
# Lists


def state_label(state: str) -> str:
    return _(STATES.get(state, state))


def kind_label(kind: str) -> str:
    return _(NOTICE_KINDS[kind].label) if kind in NOTICE_KINDS else kind


def ending_soon_days(session: Session) -> int:
    """How many days before its publicity period ends a posted notice is highlighted (a setting
    of this store, default :data:`ENDING_SOON_DAYS`)."""
    setting = session.get(Setting, ENDING_SOON_SETTING)
    value = setting.value if setting is not None else None
    return value if isinstance(value, int) and 0 <= value <= MAX_ENDING_SOON_DAYS else ENDING_SOON_DAYS


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


def ending_soon(notice: Notice, today: dt.date | None = None, days: int = ENDING_SOON_DAYS) -> bool:
    """On the board and its publicity period ends within ``days`` days (or has ended)."""
    today = today or dt.date.today()
    return (notice.state == POSTED and notice.publicity_end is not None
            and notice.publicity_end - today <= dt.timedelta(days=days))


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


def notice_ids(*, session: Session, actor: Actor, state: str | None = None, kind: str | None = None,
               query: str = "") -> list[str]:
    """Notices newest first: drafts, then by issue date and number."""
    require(actor, "notices.view")
    stmt = select(Notice.id).where(col(Notice.deleted_at).is_(None))
    if state:
        stmt = stmt.where(Notice.state == state)
    if kind:
        stmt = stmt.where(Notice.kind == kind)
    if query.strip():
        like = f"%{query.strip()}%"
        stmt = stmt.where(col(Notice.title).like(like) | col(Notice.number).like(like))
    stmt = stmt.order_by((Notice.state == DRAFT).desc(), col(Notice.issue_date).desc(), col(Notice.year).desc(),
                         col(Notice.seq).desc(), col(Notice.created_at).desc())
    return list(session.exec(stmt))


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
                              ending_soon=ending_soon(n, today, days), corrects_number=originals.get(n.corrects_id or "", "")))
    return rows


def latest_issued(session: Session) -> Notice | None:
    return session.exec(select(Notice).where(col(Notice.deleted_at).is_(None), Notice.state != DRAFT)
                        .order_by(col(Notice.issued_at).desc(), col(Notice.seq).desc())).first()


def find_notice(session: Session, ident: str) -> Notice:
    """A notice by id, by number (青石村务〔2026〕7号) or ``latest`` (the last one issued)."""
    if ident in ("", "latest"):
        notice = latest_issued(session)
        if notice is None:
            raise NotFound(_("No notice has been issued yet."))
        return notice
    notice = session.get(Notice, ident)
    if notice is None or notice.deleted_at is not None:
        notice = session.exec(select(Notice).where(Notice.number == ident, col(Notice.deleted_at).is_(None))).first()
    if notice is None:
        raise NotFound(_("No notice {ident}.").format(ident=ident))
    return notice


def stats(*, session: Session, actor: Actor) -> dict[str, Any]:
    require(actor, "notices.view")
    counts = dict(session.exec(select(Notice.state, func.count()).where(col(Notice.deleted_at).is_(None))
                               .group_by(Notice.state)).all())
    today = dt.date.today()
    on_board = list(session.exec(select(Notice).where(col(Notice.deleted_at).is_(None), Notice.state == POSTED)))
    days = ending_soon_days(session)
    return {
        "total": sum(counts.values()),
        **{state: int(counts.get(state, 0)) for state in STATES},
        "issued_this_year": int(session.exec(select(func.count()).select_from(Notice).where(
            col(Notice.deleted_at).is_(None), Notice.year == today.year)).one()),
        "ending_soon": sum(1 for n in on_board if ending_soon(n, today, days)),
    }
