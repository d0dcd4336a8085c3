"""Township mode: a store that holds many villages' bundles, their summaries and their records.

A township store is made by ``villagedesk init --kind township``. It has no village profile, so
its sessions are not scoped to one village (:mod:`db.scope`); every query here names the village
or groups by it. The store's kind is kept in the ``setting`` ``store.kind``.

Figures come from what the villages' export policies deliver: rows (meetings, concerns
de-identified, notices, 四议两公开 matters) are counted with SQL grouped by village; the register
arrives as counts per villagers' group (``township_aggregate``) unless a village sends it in full.
"""
from __future__ import annotations

import datetime as dt
import hmac
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.auth import SECRETARY, Actor, create_user, user_count
from app.errors import NotFound, StateError, ValidationError
from app.i18n import _, N_
from app.sync.keys import _setting, _store_setting
from db.base import utcnow
from db.engine import STORE_KIND_KEY
from db.models.accounts import Setting
from db.models.concerns import Concern
from db.models.deliberation import DeliberationMatter
from db.models.meetings import Meeting
from db.models.notices import Notice
from db.models.people import Household, Resident, VillageProfile
from db.models.sync import ImportedBundle, TownshipAggregate, TownshipFigures, TownshipVillage
from db.scope import _synced_tables

STORE_KIND = STORE_KIND_KEY
RECEIVER_URL = "sync.receiver_url"
VILLAGE, TOWNSHIP = "village", "township"

# the figures of a summary, in the order they are shown (key → English label)
FIGURES: dict[str, str] = {
    "residents": N_("Residents"),
    "households": N_("Households"),
    "meetings": N_("Meetings"),
    "concerns": N_("Concerns"),
    "concerns_closed": N_("Concerns closed"),
    "concerns_due": N_("Concerns due"),
    "concerns_closed_on_time": N_("Closed on time"),
    "notices": N_("Notices"),
    "matters": N_("四议两公开 matters"),
    "cases": N_("Mediation cases"),
}

# tables a township may list per village, with the columns shown (never personal ones)
RECORD_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "meeting": (("title", N_("Title")), ("kind", N_("Kind")), ("starts_at", N_("Starts")), ("place", N_("Place")),
                ("state", N_("State"))),
    "concern": (("number", N_("Number")), ("title", N_("Title")), ("category", N_("Category")),
                ("raised_on", N_("Raised on")), ("due_on", N_("Due")), ("state", N_("State")),
                ("closed_on", N_("Closed on"))),
    "notice": (("number", N_("Number")), ("title", N_("Title")), ("kind", N_("Kind")), ("state", N_("State")),
               ("publicity_end", N_("Publicity ends"))),
    "deliberation_matter": (("title", N_("Title")), ("state", N_("State")), ("started_on", N_("Started on"))),
}


def store_kind(session: Session) -> str:
    """``township``, ``village`` or "" (a store not set up yet)."""
    stored = _setting(session, STORE_KIND)
    if stored and stored.get("kind") == TOWNSHIP:
        return TOWNSHIP
    profile = session.execute(select(VillageProfile.code).where(VillageProfile.deleted_at.is_(None))
                              .execution_options(all_villages=True)).first()
    return VILLAGE if profile else ""


def township_profile(session: Session) -> dict[str, str]:
    stored = _setting(session, STORE_KIND) or {}
    return {"name": str(stored.get("name", "")), "code": str(stored.get("code", ""))}


def require_township(session: Session) -> None:
    if store_kind(session) != TOWNSHIP:
        raise StateError(_("This is a village's database; bundles are imported on the township's "
                           "(made with `villagedesk init --kind township`)."))


def require_village(session: Session) -> None:
    if store_kind(session) != VILLAGE:
        raise StateError(_("This is a township's database; bundles are written by a village's database."))


def setup_township(session: Session, *, name: str, code: str, admin_username: str, admin_password: str,
                   admin_display_name: str = "") -> Actor:
    """First run of a township store: its name, its own 12-digit code (ending in 000), its admin."""
    if store_kind(session) or user_count(session) > 0:
        raise StateError(_("This database is already set up."))
    errors: dict[str, str] = {}
    name = (name or "").strip()
    code = (code or "").strip()
    if not name or len(name) > 64:
        errors["township"] = _("Enter the township's name (at most 64 characters).")
    if len(code) != 12 or not code.isascii() or not code.isdigit() or not code.endswith("000"):
        errors["township_code"] = _("A township's code has 12 digits and ends in 000 (统计用区划代码).")
    try:
        admin = create_user(session=session, actor=None, username=admin_username, password=admin_password,
                            role=SECRETARY, display_name=admin_display_name)
    except ValidationError as exc:
        errors.update({f"admin_{k}": v for k, v in exc.errors.items()})
        admin = None
    if errors:
        raise ValidationError(errors)
    session.info["actor"] = admin.username
    _store_setting(session, STORE_KIND, {"kind": TOWNSHIP, "name": name, "code": code, "created_at": utcnow().isoformat()},
                   note="township store set up", detail={"name": name, "code": code})
    return admin


def set_receiver_url(session: Session, *, url: str) -> None:
    """The address villages push to, written into every receipt from now on ("" when none)."""
    url = (url or "").strip()
    if url and not url.startswith(("http://", "https://")):
        raise ValidationError({"url": _("The address starts with http:// or https://.")})
    row = session.get(Setting, RECEIVER_URL)
    if row is None:
        session.add(Setting(key=RECEIVER_URL, value=url))
    else:
        row.value = url
    session.flush()


def receiver_url(session: Session) -> str:
    return str(_setting(session, RECEIVER_URL) or "")


# ---------------------------------------------------------------- villages, imports


def enrolled_villages(session: Session) -> list[dict[str, Any]]:
    counts = dict(session.execute(select(ImportedBundle.village_code, func.count())
                                  .group_by(ImportedBundle.village_code)).all())
    return [{"village_code": v.village_code, "name": v.name, "fingerprint": v.fingerprint,
             "enrolled_at": v.enrolled_at, "last_import_at": v.last_import_at, "to_rev": v.to_rev,
             "bundles": int(counts.get(v.village_code, 0)), "gap": v.gap, "last_error": v.last_error,
             "token": v.token}
            for v in session.scalars(select(TownshipVillage).order_by(TownshipVillage.village_code))]


def find_village_by_token(session: Session, token: str) -> str | None:
    """The village whose upload token this is (compared in constant time), or None."""
    if not token:
        return None
    found = None
    for code, stored in session.execute(select(TownshipVillage.village_code, TownshipVillage.token)):
        if hmac.compare_digest(stored.encode("utf-8"), token.encode("utf-8")):
            found = code
    return found


def import_log(session: Session, *, limit: int = 50) -> list[dict[str, Any]]:
    names = dict(session.execute(select(TownshipVillage.village_code, TownshipVillage.name)).all())
    query = select(ImportedBundle).order_by(ImportedBundle.imported_at.desc()).limit(max(1, min(limit, 1000)))
    return [{"bundle_id": b.bundle_id, "village_code": b.village_code, "village_name": names.get(b.village_code, ""),
             "file": b.file, "imported_at": b.imported_at, "from_rev": b.from_rev, "to_rev": b.to_rev,
             "full": b.full, "gap": b.gap,
             "counts": {t: sum(c.get(k, 0) for k in ("new", "updated")) for t, c in b.summary.get("tables", {}).items()}}
            for b in session.scalars(query)]


# ---------------------------------------------------------------- figures


def _count_by_village(session: Session, model: Any, *extra: Any) -> dict[str, int]:
    query = (select(model.village_code, func.count()).where(model.deleted_at.is_(None), *extra)
             .group_by(model.village_code).execution_options(all_villages=True))
    return {code: int(n) for code, n in session.execute(query)}


_AGGREGATE_FIGURES = {"resident": "residents", "household": "households", "mediation_case": "cases"}


def _register_counts(session: Session) -> dict[str, dict[str, int]]:
    """residents / households per village: from the aggregates, or from rows a village sent in full."""
    found: dict[str, dict[str, int]] = {}
    for code, table, rows in session.execute(select(TownshipAggregate.village_code, TownshipAggregate.table_name,
                                                    TownshipAggregate.rows)
                                             .where(TownshipAggregate.table_name.in_(tuple(_AGGREGATE_FIGURES)))):
        key = _AGGREGATE_FIGURES[table]
        found.setdefault(code, {})[key] = sum(int(row.get("count", 0)) for row in rows or [])
    for model, key in ((Resident, "residents"), (Household, "households")):
        for code, n in _count_by_village(session, model).items():
            found.setdefault(code, {})[key] = n  # rows sent in full are the newer, finer truth
    return found


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def compute_figures(session: Session, village_code: str) -> dict[str, Any]:
    """One village's figures from its rows (indexed by village): what :class:`TownshipFigures` keeps."""
    live = (Concern.village_code == village_code, Concern.deleted_at.is_(None))
    n, closed = session.execute(select(func.count(), func.sum(case((Concern.state == "closed", 1), else_=0)))
                                .where(*live).execution_options(all_villages=True)).one()
    on_time = and_(Concern.state == "closed", Concern.closed_on <= Concern.due_on)
    months: dict[str, list[int]] = {}
    for due_on, count, ok in session.execute(
            select(Concern.due_on, func.count(), func.sum(case((on_time, 1), else_=0))).where(*live)
            .group_by(Concern.due_on).execution_options(all_villages=True)):
        entry = months.setdefault(_month(due_on), [0, 0])
        entry[0] += int(count)
        entry[1] += int(ok or 0)
    figures = {"concerns": int(n or 0), "concerns_closed": int(closed or 0), "due_by_month": months}
    for key, model in (("meetings", Meeting), ("notices", Notice), ("matters", DeliberationMatter)):
        figures[key] = int(session.execute(select(func.count()).select_from(model).where(
            model.village_code == village_code, model.deleted_at.is_(None)).execution_options(all_villages=True))
            .scalar() or 0)
    return figures


def refresh_figures(session: Session, village_code: str) -> None:
    """Recompute a village's figures (after an import of its bundle, in the same transaction)."""
    row = session.get(TownshipFigures, village_code) or TownshipFigures(village_code=village_code)
    row.figures, row.computed_at = compute_figures(session, village_code), utcnow()
    session.add(row)


def _due_this_month(session: Session, on: dt.date) -> dict[str, tuple[int, int]]:
    """Per village: concerns due from the first of ``on``'s month to ``on``, and of them closed on time."""
    first = on.replace(day=1)
    on_time = and_(Concern.state == "closed", Concern.closed_on <= Concern.due_on)
    query = (select(Concern.village_code, func.count(), func.sum(case((on_time, 1), else_=0)))
             .where(Concern.due_on >= first, Concern.due_on <= on, Concern.deleted_at.is_(None))
             .group_by(Concern.village_code).execution_options(all_villages=True))
    return {code: (int(n), int(ok or 0)) for code, n, ok in session.execute(query)}


def township_summary(session: Session, *, on: dt.date | None = None) -> dict[str, Any]:
    """Per enrolled village and in total: the figures of :data:`FIGURES`, 办结率 as closed on time / due.

    Counts come from :class:`TownshipFigures` (kept by each import); the current month's due
    concerns are counted live, so the rate is right on any day."""
    on = on or dt.date.today()
    current = _month(on)
    villages = session.execute(select(TownshipVillage.village_code, TownshipVillage.name,
                                      TownshipVillage.last_import_at, TownshipVillage.to_rev, TownshipVillage.gap)
                               .order_by(TownshipVillage.village_code)).all()
    kept = dict(session.execute(select(TownshipFigures.village_code, TownshipFigures.figures)).all())
    this_month = _due_this_month(session, on)
    register = _register_counts(session)
    rows = []
    for code, name, last_at, to_rev, gap in villages:
        figures = kept.get(code)
        if figures is None:  # imported before figures were kept: count it now (and once)
            figures = compute_figures(session, code)
        months = figures.get("due_by_month", {})
        due = sum(v[0] for k, v in months.items() if k < current) + this_month.get(code, (0, 0))[0]
        ok = sum(v[1] for k, v in months.items() if k < current) + this_month.get(code, (0, 0))[1]
        rows.append({"village_code": code, "name": name, "residents": register.get(code, {}).get("residents", 0),
                     "households": register.get(code, {}).get("households", 0),
                     "meetings": figures.get("meetings", 0), "concerns": figures.get("concerns", 0),
                     "concerns_closed": figures.get("concerns_closed", 0), "concerns_due": due,
                     "concerns_closed_on_time": ok, "closing_rate": round(ok / due, 4) if due else None,
                     "notices": figures.get("notices", 0), "matters": figures.get("matters", 0),
                     "cases": register.get(code, {}).get("cases", 0),
                     "last_import_at": last_at, "to_rev": to_rev, "gap": gap})
    totals: dict[str, Any] = {key: sum(row[key] for row in rows) for key in FIGURES}
    totals["closing_rate"] = (round(totals["concerns_closed_on_time"] / totals["concerns_due"], 4)
                              if totals["concerns_due"] else None)
    totals["villages"] = len(rows)
    return {"villages": rows, "totals": totals, "on": on}


def village_records(session: Session, *, village_code: str, table: str, search: str = "",
                    limit: int = 200) -> dict[str, Any]:
    """One village's live rows of a table, read-only, newest first, only the columns of :data:`RECORD_COLUMNS`."""
    if table not in RECORD_COLUMNS:
        raise ValidationError({"table": _("The township lists meetings, concerns, notices and matters only.")})
    if session.get(TownshipVillage, village_code) is None:
        raise NotFound(_("Village {code} is not enrolled on this township.").format(code=village_code))
    model = _synced_tables()[table]
    columns = RECORD_COLUMNS[table]
    t = model.__table__
    query = (select(t.c.id, *[t.c[name] for name, _label in columns])
             .where(t.c.village_code == village_code, t.c.deleted_at.is_(None))
             .order_by(t.c.rev.desc()).limit(max(1, min(limit, 2000))))
    text = (search or "").strip()
    if text:
        query = query.where(or_(*[t.c[name].contains(text, autoescape=True) for name, _label in columns
                                  if name in ("title", "number", "place", "category")]))
    rows = [dict(row) for row in session.execute(query).mappings()]
    return {"columns": [(name, _(label)) for name, label in columns], "rows": rows}


def export_summary_excel(session: Session, *, to_file: Path, on: dt.date | None = None) -> Path:
    """The summary as an .xlsx (one row per village and a total), written to a temporary name and renamed."""
    import os

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    summary = township_summary(session, on=on)
    to_file = Path(to_file)
    if to_file.suffix.lower() != ".xlsx":
        to_file = to_file.with_suffix(".xlsx")
    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")[:31]
    headers = [_("Village code"), _("Village"), *[_(label) for label in FIGURES.values()], _("Closure rate"),
               _("Last import")]
    sheet.append(headers)
    for row in summary["villages"]:
        last = row["last_import_at"]
        sheet.append([row["village_code"], row["name"], *[row[key] for key in FIGURES], row["closing_rate"],
                      last.astimezone().replace(tzinfo=None) if last else None])
    totals = summary["totals"]
    sheet.append(["", _("Total"), *[totals[key] for key in FIGURES], totals["closing_rate"], None])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    rate_column = len(FIGURES) + 3
    for (cell,) in sheet.iter_rows(min_row=2, min_col=rate_column, max_col=rate_column):
        cell.number_format = "0.0%"
    for (cell,) in sheet.iter_rows(min_row=2, min_col=rate_column + 1, max_col=rate_column + 1):
        cell.number_format = "yyyy-mm-dd hh:mm"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(24, len(header) * 2 + 2))
    sheet.freeze_panes = "A2"
    tmp = to_file.with_name(f".{to_file.name}.part")
    try:
        book.save(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, to_file)
    finally:
        tmp.unlink(missing_ok=True)
    return to_file
