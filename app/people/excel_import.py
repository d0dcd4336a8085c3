"""Excel import of households and residents (从Excel导入): the 台账 a village already keeps.

Reads ``.xlsx`` and the ``.xls`` WPS saves by default with python-calamine, finds the header row
among the first rows (title rows merged across the sheet come first in most 花名册), guesses what
each column holds from its Chinese header, and checks every row the way the resident form does.
Nothing is written by :func:`plan_excel_import`; :func:`import_excel` writes the valid rows in
the caller's one transaction through the bulk write path (:class:`db.tracking.BulkWriter`).

Numbers typed as numbers come back as floats: a phone 13812345678.0 and a 15-digit old ID number
are recovered exactly; an 18-digit ID number stored as a number has lost its last digits (Excel
keeps 15) and is refused with what to do. Re-importing the same sheet creates nothing new: a row
matches a resident by ID number, then by name within the same household.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from app.auth import GRID_WORKER, Actor, require
from app.errors import PermissionDenied, ValidationError
from app.i18n import N_, _
from app.pinyin import name_search_key
from app.validation import id_check_digit, normalize_phone, parse_id_number, typed_number
from db.models.accounts import Setting
from db.models.people import Household, Resident, VillageGroup
from db.scope import peek_number, raise_number_to
from db.tracking import BulkWriter

MAPPING_KEY = "excel_import_mapping"  # Setting: the last mapping confirmed (header → field)
HEADER_SCAN_ROWS = 15
PREVIEW_ROWS = 20
MAX_ID_DIGITS_AS_NUMBER = 15  # Excel keeps 15 significant digits of a number

# What a column can hold, in the order the mapping step lists it. "" means: not imported.
FIELDS: dict[str, str] = {
    "name": N_("Name"),
    "gender": N_("Gender"),
    "id_number": N_("ID number"),
    "phone": N_("Phone"),
    "head_name": N_("Head of household"),
    "household_number": N_("Household number"),
    "relation": N_("Relation to the head"),
    "group": N_("Group"),
    "address": N_("Address"),
    "birth_date": N_("Date of birth"),
    "party": N_("Political status"),
    "note": N_("Note"),
}

# Headers seen in villages' sheets, most specific first (matched after NFKC and without spaces).
HEADERS: dict[str, tuple[str, ...]] = {
    "id_number": ("公民身份号码", "身份证号码", "身份证号", "身份号码", "身份证", "证件号码", "证件号"),
    "head_name": ("户主姓名", "户主"),
    "household_number": ("户编号", "户号"),
    "relation": ("与户主关系", "与户主的关系", "家庭关系", "关系"),
    "name": ("姓名", "成员姓名", "人员姓名", "名字"),
    "gender": ("性别",),
    "phone": ("联系电话", "手机号码", "手机号", "联系方式", "电话号码", "手机", "电话"),
    "group": ("村民小组", "所属小组", "所在小组", "组别", "小组", "组"),
    "address": ("家庭住址", "现住址", "居住地址", "住址", "地址"),
    "birth_date": ("出生日期", "出生年月", "生日"),
    "party": ("政治面貌", "是否党员", "党员"),
    "note": ("备注",),
}

_RELATIONS = {
    "head": ("户主", "本人"),
    "spouse": ("配偶", "妻", "妻子", "夫", "丈夫", "之妻", "之夫"),
    "son": ("子", "儿子", "长子", "次子", "三子", "四子", "独子", "之子"),
    "daughter": ("女", "女儿", "长女", "次女", "三女", "四女", "独女", "之女"),
    "parent": ("父亲", "母亲", "父", "母", "之父", "之母"),
    "grandchild": ("孙子", "孙女", "外孙", "外孙女", "孙"),
    "child_in_law": ("儿媳", "女婿", "媳", "之媳"),
    "sibling": ("兄", "弟", "姐", "妹", "兄弟", "姐妹", "哥哥", "弟弟", "姐姐", "妹妹"),
}
_GENDERS = {"男": "M", "M": "M", "男性": "M", "女": "F", "F": "F", "女性": "F"}
_PARTY = ("中共党员", "中共预备党员", "党员", "预备党员", "是")
_NUMERALS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}
_GROUP_NUMBER = re.compile(r"^第?([0-9〇零一二两三四五六七八九十]+)(?:村民小组|小组|组|社)?$")


@dataclasses.dataclass(frozen=True)
class RowError:
    """One refused cell: the row as Excel numbers it, the column's header and why, in words."""

    row: int
    column: str
    reason: str
    col_index: int = -1  # 0-based column of the cell (for marking it), -1 when no single cell


@dataclasses.dataclass(frozen=True)
class ImportPlan:
    """What an import would do (nothing written yet): the mapping used, counts, a preview, errors."""

    file_name: str
    sheet: str
    sheets: list[str]
    header_row: int  # as Excel numbers it
    headers: list[str]  # header text of each column
    mapping: dict[int, str]  # column → field
    rows: int  # data rows (blank ones not counted)
    valid: int
    new_households: int
    new_residents: int
    existing_residents: int  # matched to the register: nothing written for them
    errors: list[RowError]
    preview: list[dict[str, str]]  # the first rows as they would be written (field → text)
    cells: list[list[Any]] = dataclasses.field(default_factory=list, repr=False)  # the sheet, for the report


@dataclasses.dataclass(frozen=True)
class ImportResult:
    households: int
    residents: int
    existing_residents: int
    errors: list[RowError]
    plan: ImportPlan | None = dataclasses.field(default=None, repr=False)


# ---------------------------------------------------------------- reading


def _norm(text: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).strip("*:：")


def read_sheet(path: str | Path, sheet: str | None = None) -> tuple[list[str], str, list[list[Any]]]:
    """``(sheet names, chosen sheet, cells)`` with row ``i`` of ``cells`` being Excel's row ``i+1``.
    A file that is no workbook (damaged, another kind of file, empty) is refused in words."""
    import python_calamine as calamine

    path = Path(path)
    if not path.is_file():
        raise ValidationError({"file": _("There is no file {name}.").format(name=path.name)})
    if path.stat().st_size == 0:
        raise ValidationError({"file": _("{name} is empty: it is not an Excel workbook.").format(name=path.name)})
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
        if sheet is not None and sheet not in names:
            raise ValidationError({"sheet": _("The workbook has no sheet “{sheet}”; it has: {names}.").format(
                sheet=sheet, names="、".join(names))})
        chosen = sheet if sheet is not None else names[0]
        cells = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises many kinds for a foreign or damaged file
        raise ValidationError({"file": _("{name} cannot be read as an Excel workbook (.xlsx or .xls): it is damaged "
                                         "or another kind of file.").format(name=path.name)}) from exc
    return names, chosen, [list(row) for row in cells]


def guess_field(header: Any) -> str:
    """The field a column with this header holds, or "" (not imported)."""
    text = _norm(header)
    if not text:
        return ""
    for field, names in HEADERS.items():
        if text in names:
            return field
    for field, names in HEADERS.items():  # 户主姓名(必填), 联系电话/手机 …
        if any(len(name) >= 2 and name in text for name in names):
            return field
    return ""


def find_header_row(cells: list[list[Any]], known: set[str] | frozenset[str] = frozenset()) -> int:
    """The 0-based row among the first :data:`HEADER_SCAN_ROWS` whose cells look most like headers
    (known header words, or the headers of a mapping given or remembered)."""
    best, best_score = -1, 1
    for index, row in enumerate(cells[:HEADER_SCAN_ROWS]):
        fields = [guess_field(value) or (_norm(value) if _norm(value) in known else "") for value in row]
        score = len({f for f in fields if f})
        if score > best_score:
            best, best_score = index, score
    if best < 0:
        raise ValidationError({"file": _("No header row found in the first {n} rows: the sheet needs a row of "
                                         "headers such as 姓名, 性别, 身份证号.").format(n=HEADER_SCAN_ROWS)})
    return best


def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip() if value.isascii() else unicodedata.normalize("NFKC", value).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def _id_text(value: Any) -> str:
    """An ID number's cell as typed; ``ValueError`` when a number has lost its last digits."""
    if isinstance(value, float) or isinstance(value, int) and not isinstance(value, bool):
        digits = str(int(value)) if float(value).is_integer() else ""
        if not digits or len(digits) > MAX_ID_DIGITS_AS_NUMBER:
            raise ValueError(_("The ID number is stored as a number and its last digits are lost: format the column "
                               "as text and type the numbers again."))
        return digits
    return typed_number(_cell_text(value))


def old_id_to_new(value: str) -> str:
    """A 15-digit ID number (before 1999) as 18 digits: 19 inserted before the year, check digit added."""
    first17 = value[:6] + "19" + value[6:15]
    return first17 + id_check_digit(first17)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    match = re.fullmatch(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?", text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _group_number(text: str) -> int | None:
    match = _GROUP_NUMBER.match(text)
    if not match:
        return None
    digits = match[1]
    if digits.isdigit():
        return int(digits)
    if digits == "十":
        return 10
    if "十" in digits:
        tens, _sep, units = digits.partition("十")
        return (_NUMERALS.get(tens, 1) if tens else 1) * 10 + (_NUMERALS.get(units, 0) if units else 0)
    return _NUMERALS.get(digits) if len(digits) == 1 else None


def _relation(text: str) -> str:
    for code, names in _RELATIONS.items():
        if text in names:
            return code
    return "other" if text else ""


# ---------------------------------------------------------------- planning


@dataclasses.dataclass
class _Row:
    row: int  # Excel's row number
    values: dict[str, Any]
    household_key: tuple[str, ...]
    existing_resident: bool = False


def _remembered(session: Session) -> dict[str, str]:
    setting = session.get(Setting, MAPPING_KEY)
    value = setting.value if setting is not None else None
    return {str(k): str(v) for k, v in value.items() if v in FIELDS or v == ""} if isinstance(value, dict) else {}


def _resolve_mapping(headers: list[str], given: dict[str, str] | None, remembered: dict[str, str]) -> dict[int, str]:
    """Column → field: what the user gave (by header text or 1-based column number), else what was
    remembered for that header, else the guess. Each field is taken by one column (the first)."""
    mapping: dict[int, str] = {}
    given = {(_norm(k) if not str(k).isdigit() else str(k)): v for k, v in (given or {}).items()}
    for index, header in enumerate(headers):
        key = _norm(header)
        if str(index + 1) in given:
            field = given[str(index + 1)]
        elif key and key in given:
            field = given[key]
        elif key and key in remembered:
            field = remembered[key]
        else:
            field = guess_field(header)
        if field and field not in FIELDS:
            raise ValidationError({"mapping": _("Unknown field “{field}” in the mapping; fields are: {fields}.").format(
                field=field, fields=", ".join(FIELDS))})
        if field and field not in mapping.values():
            mapping[index] = field
    return mapping


def _plan(session: Session, path: Path, *, mapping: dict[str, str] | None, sheet: str | None,
          progress: Any = None) -> tuple[ImportPlan, list[_Row], dict[tuple[str, ...], dict[str, Any]]]:
    names, chosen, cells = read_sheet(path, sheet)
    remembered = _remembered(session)
    known = {_norm(k) for k in (mapping or {}) if not str(k).isdigit()} | {k for k, v in remembered.items() if v}
    header_index = find_header_row(cells, known)
    headers = [_cell_text(value) for value in cells[header_index]]
    columns = _resolve_mapping(headers, mapping, remembered)
    if "name" not in columns.values():
        raise ValidationError({"mapping": _("No column holds the names (姓名): choose which column does.")})
    by_field = {field: index for index, field in columns.items()}

    groups = session.exec(select(VillageGroup)).all()
    group_by_name = {_norm(g.name): g for g in groups}
    group_by_number = {g.number: g for g in groups if g.number}
    households = session.exec(select(Household)).all()
    household_by_number = {h.number: h for h in households if h.number}
    household_by_head = {(h.head_name, h.group_id or ""): h for h in households}
    residents_by_id = {number: (rid, hid) for rid, hid, number in session.exec(
        select(Resident.id, Resident.household_id, Resident.id_number).where(Resident.id_number != "")).all()}
    names_in_household = {(hid, name) for hid, name in session.exec(select(Resident.household_id, Resident.name)).all()}

    errors: list[RowError] = []
    rows: list[_Row] = []
    seen_ids: dict[str, int] = {}
    seen_people: dict[tuple[Any, ...], int] = {}
    new_households: dict[tuple[str, ...], dict[str, Any]] = {}
    data = cells[header_index + 1:]
    total = len(data)
    for offset, raw in enumerate(data):
        if progress is not None and offset % 500 == 0:
            progress.update(offset, total, _("Checking row {n} of {total}…").format(n=offset, total=total))
            progress.check()
        excel_row = header_index + 2 + offset
        if all(_cell_text(v) == "" for v in raw):
            continue  # blank rows, trailing ones above all
        row_errors: list[RowError] = []

        def cell(field: str) -> Any:
            index = by_field.get(field)
            return raw[index] if index is not None and index < len(raw) else None

        def refuse(field: str, reason: str) -> None:
            index = by_field.get(field, -1)
            row_errors.append(RowError(row=excel_row, column=headers[index] if index >= 0 else _(FIELDS[field]),
                                       reason=reason, col_index=index))

        values: dict[str, Any] = {"status": "resident", "party_member": False, "note": ""}
        name = re.sub(r"\s+", "", _cell_text(cell("name")))
        values["name"] = name
        if not name:
            refuse("name", _("The name is missing."))
        elif len(name) > 32 or any(ch.isdigit() for ch in name):
            refuse("name", _("A name has at most 32 characters and no digits."))
        id_number, birth, gender = "", None, ""
        id_refused = False
        try:
            typed = _id_text(cell("id_number"))
        except ValueError as exc:
            refuse("id_number", str(exc))
            typed, id_refused = "", True
        if typed:
            if len(typed) == 15 and typed.isdigit():
                typed = old_id_to_new(typed)
            try:
                parsed = parse_id_number(typed)
            except ValueError as exc:
                refuse("id_number", str(exc))
                id_refused = True
            else:
                id_number, birth, gender = parsed.value, parsed.birth_date, parsed.gender
                if id_number in seen_ids:
                    refuse("id_number", _("The same ID number is on row {row}.").format(row=seen_ids[id_number]))
                    id_number, id_refused = "", True
        typed_gender = _GENDERS.get(_cell_text(cell("gender")).upper(), "")
        if _cell_text(cell("gender")) and not typed_gender:
            refuse("gender", _("The gender is 男 or 女."))
        elif gender and typed_gender and typed_gender != gender:
            refuse("gender", _("The gender does not match the ID number."))
        values["gender"] = gender or typed_gender
        if not values["gender"] and not id_refused and not _cell_text(cell("gender")):
            refuse("gender", _("Enter the gender (男 or 女) or the ID number."))
        values["id_number"] = id_number
        values["birth_date"] = birth or _date(cell("birth_date"))
        phone = _cell_text(cell("phone"))
        values["phone"] = ""
        if phone:
            try:
                values["phone"] = normalize_phone(phone)
            except ValueError as exc:
                refuse("phone", str(exc))
        party = _cell_text(cell("party"))
        values["party_member"] = party in _PARTY
        values["note"] = _cell_text(cell("note"))[:255]
        head = re.sub(r"\s+", "", _cell_text(cell("head_name"))) or ("" if "head_name" in by_field else name)
        relation = _relation(_cell_text(cell("relation")))
        if not relation and head and head == name:
            relation = "head"
        values["relation"] = relation
        group_text = _norm(cell("group"))
        group = None
        if group_text:
            group = group_by_name.get(group_text)
            number = _group_number(group_text)
            if group is None and number is not None:
                group = group_by_number.get(number)
            if group is None:
                refuse("group", _("Unknown group “{group}”: add it under Village first, or correct the cell.").format(
                    group=group_text))
        number = typed_number(_cell_text(cell("household_number")))
        group_id = group.id if group is not None else ""
        key = ("number", number) if number else ("head", head, group_id)
        person_key = (key, name)
        if name and not id_number and not id_refused and person_key in seen_people:
            refuse("name", _("The same person is on row {row}.").format(row=seen_people[person_key]))
        if row_errors:
            errors.extend(row_errors)
            continue
        if id_number:
            seen_ids[id_number] = excel_row
        seen_people.setdefault(person_key, excel_row)
        existing = (household_by_number.get(number) if number else household_by_head.get((head, group_id)))
        found = False
        if id_number and id_number in residents_by_id:
            found = True
        elif existing is not None and (existing.id, name) in names_in_household:
            found = True
        if existing is None and key not in new_households:
            new_households[key] = {"number": number, "head_name": head if head else name, "address": "",
                                   "group_id": group_id or None, "phone": "", "tags": []}
        if existing is None:
            household = new_households[key]
            household["address"] = household["address"] or _cell_text(cell("address"))[:128]
            if relation == "head":
                household["head_name"] = name
                household["phone"] = household["phone"] or values["phone"]
        values["household_id"] = existing.id if existing is not None else None
        rows.append(_Row(row=excel_row, values=values, household_key=key, existing_resident=found))

    group_names = {g.id: g.name for g in groups}
    preview = []
    for item in rows[:PREVIEW_ROWS]:
        v = item.values
        household = new_households.get(item.household_key)
        preview.append({
            "row": str(item.row), "name": v["name"], "gender": {"M": _("Male"), "F": _("Female")}.get(v["gender"], ""),
            "id_number": v["id_number"], "phone": v["phone"],
            "birth_date": v["birth_date"].isoformat() if v["birth_date"] else "",
            "relation": v["relation"], "head_name": household["head_name"] if household else "",
            "group": group_names.get(household["group_id"], "") if household and household["group_id"] else "",
            "party": _("Yes") if v["party_member"] else "",
            "action": _("Already in the register") if item.existing_resident else _("New"),
        })
    existing_count = sum(1 for r in rows if r.existing_resident)
    needed = {r.household_key for r in rows if not r.existing_resident and r.values["household_id"] is None}
    plan = ImportPlan(
        file_name=path.name, sheet=chosen, sheets=names, header_row=header_index + 1, headers=headers,
        mapping=columns, rows=len(rows) + len({e.row for e in errors}), valid=len(rows),
        new_households=len(needed), new_residents=len(rows) - existing_count, existing_residents=existing_count,
        errors=errors, preview=preview, cells=cells)
    return plan, rows, {k: v for k, v in new_households.items() if k in needed}


def _check_importer(actor: Actor) -> None:
    require(actor, "people.edit")
    if actor.role == GRID_WORKER:
        raise PermissionDenied(_("A grid worker works only on the households of their own grid; the office imports "
                                 "a whole register."))


def import_refusal(actor: Actor) -> str | None:
    """None when ``actor`` may import a register from Excel, else why not (for the button's tooltip)."""
    try:
        _check_importer(actor)
    except PermissionDenied as exc:
        return exc.message
    return None


def plan_excel_import(*, session: Session, actor: Actor, path: str | Path, mapping: dict[str, str] | None = None,
                      sheet: str | None = None, progress: Any = None) -> ImportPlan:
    """What importing ``path`` would do: mapping, counts, a preview and every refused cell. Writes nothing."""
    _check_importer(actor)
    plan, _rows, _households = _plan(session, Path(path), mapping=mapping, sheet=sheet, progress=progress)
    return plan


def import_excel(*, session: Session, actor: Actor, path: str | Path, mapping: dict[str, str] | None = None,
                 sheet: str | None = None, progress: Any = None) -> ImportResult:
    """Write the valid rows of ``path`` (new households, then new residents) in the caller's
    transaction and remember the mapping; the refused rows are returned, nothing is written for them."""
    _check_importer(actor)
    plan, rows, households = _plan(session, Path(path), mapping=mapping, sheet=sheet, progress=progress)
    from app.backup import backup_before

    backup_before(session, reason="import")  # verified and rotated; no backup, no import (StorageError)
    writer = BulkWriter(session, note=f"Excel import {plan.file_name}")
    keys: dict[str, str] = {}  # name → search key: pinyin is the slow part, and names repeat

    def search_key(name: str, *extra: str) -> str:
        if name not in keys:
            keys[name] = name_search_key(name)
        more = " ".join(e.strip() for e in extra if e and e.strip())
        return (f"{keys[name]} {more}" if keys[name] and more else keys[name] or more).lower()[:255]

    used = set(session.exec(select(Household.number).where(Household.number != "")).all())
    next_free = peek_number(session, "household")
    household_ids: dict[tuple[str, ...], str] = {}
    highest = 0
    for key, values in households.items():
        if not values["number"]:
            while f"{next_free:04d}" in used:
                next_free += 1
            values["number"] = f"{next_free:04d}"
            next_free += 1
        used.add(values["number"])
        if values["number"].isdigit():
            highest = max(highest, int(values["number"]))
        values["search_key"] = search_key(values["head_name"], values["number"], values["address"])
        household_ids[key] = writer.add(Household, **values)
    written = 0
    for index, item in enumerate(rows):
        if progress is not None and index % 1000 == 0:
            progress.update(index, len(rows), _("Writing row {n} of {total}…").format(n=index, total=len(rows)))
            progress.check()
        if item.existing_resident:
            continue
        values = dict(item.values)
        values["household_id"] = values["household_id"] or household_ids.get(item.household_key)
        values["search_key"] = search_key(values["name"])
        writer.add(Resident, **values)
        written += 1
    writer.write(order=[Household, Resident])
    if highest:
        raise_number_to(session, "household", highest)
    remembered = _remembered(session)
    remembered.update({_norm(plan.headers[i]): field for i, field in plan.mapping.items() if _norm(plan.headers[i])})
    setting = session.get(Setting, MAPPING_KEY) or Setting(key=MAPPING_KEY)
    setting.value = remembered
    session.add(setting)
    session.flush()
    return ImportResult(households=len(households), residents=written, existing_residents=plan.existing_residents,
                        errors=plan.errors, plan=plan)


def write_error_report(plan: ImportPlan, to_file: str | Path) -> Path:
    """A copy of the sheet with every refused cell filled red, a comment on it, and a last column
    with the reasons of the row (the clerk corrects it there and imports it again)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    from app.excel.writer import save_workbook

    book = Workbook()
    sheet = book.active
    sheet.title = plan.sheet[:31] or "Sheet1"
    for raw in plan.cells:
        sheet.append([int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 1e15 else v for v in raw])
    red = PatternFill("solid", fgColor="FFC7CE")
    reason_column = max((len(r) for r in plan.cells), default=0) + 1
    sheet.cell(row=plan.header_row, column=reason_column, value=_("Errors")).font = Font(bold=True)
    by_row: dict[int, list[str]] = {}
    for error in plan.errors:
        by_row.setdefault(error.row, []).append(f"{error.column}: {error.reason}")
        if error.col_index >= 0:
            target = sheet.cell(row=error.row, column=error.col_index + 1)
            target.fill = red
            target.comment = Comment(error.reason, "VillageDesk")
    for row, reasons in by_row.items():
        sheet.cell(row=row, column=reason_column, value="；".join(reasons)).fill = red
    return save_workbook(book, Path(to_file))


ProgressCallback = Callable[[int, int, str], None]
