"""The notice register's vocabulary, without the store: states, kinds, the publicity window,
the form a clerk fills in and the table it may carry (checked cell by cell). Used by
:mod:`app.notices.service` and :mod:`app.notices.queries`; its names are exported by
:mod:`app.notices`."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from typing import Any

from app.i18n import N_, _
from app.printing import Column, Table
from app.printing.model import NOTIFICATION, PAPERS, PUBLICITY, STYLES, NoticeParts
from app.privacy import FIELDS, TEXT_FIELDS
from db.models.notices import Notice

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
    parts: NoticeParts = PUBLICITY  # the closing paragraphs it prints: a 公示, or a 通知 with none
    series: str = ""  # the kind whose number series it shares (empty: its own)


NOTICE_KINDS: dict[str, NoticeKind] = {
    "village_affairs": NoticeKind(N_("Village affairs notice"), "村务"),
    "party_affairs": NoticeKind(N_("Party affairs notice"), "党务", party=True),
    # 会议通知, 停水停电通知: no 公示期, nobody is asked to object; numbered in the 村务 series
    "village_notification": NoticeKind(N_("Village notification (通知)"), "村务", parts=NOTIFICATION,
                                       series="village_affairs"),
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
    rev: int | None = None  # the notice's rev when the form was read; None: saved without a check


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
    text = text.removesuffix("\n")
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
    for extra in ("caption", "numbered", "summary_rows"):  # summary_rows: the last rows are 合计, no 序号
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
    return Table(columns=columns, rows=rows, caption=str(data.get("caption", "")), numbered=bool(data.get("numbered", True)),
                 summary_rows=int(data.get("summary_rows", 0) or 0))


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


def state_label(state: str) -> str:
    return _(STATES.get(state, state))


def kind_label(kind: str) -> str:
    return _(NOTICE_KINDS[kind].label) if kind in NOTICE_KINDS else kind


def ending_soon(notice: Notice, today: dt.date | None = None, days: int = ENDING_SOON_DAYS) -> bool:
    """On the board and its publicity period ends within ``days`` days (or has ended)."""
    today = today or dt.date.today()
    return (notice.state == POSTED and notice.publicity_end is not None
            and notice.publicity_end - today <= dt.timedelta(days=days))


