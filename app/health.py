"""``villagedesk check``: is this store sound? Each problem comes back as a sentence for the user."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from app.i18n import _


def check_database(target: str | Path | None) -> list[str]:
    from db.engine import make_engine
    from db.migrate import current_revision, head_revision, schema_state

    engine = make_engine(target)
    problems: list[str] = []
    try:
        state = schema_state(engine)
        if state == "empty":
            return [_("The database is empty: run `villagedesk init` to set it up.")]
        if state == "newer":
            return [_("The schema ({rev}) is newer than this program ({head}).").format(
                rev=current_revision(engine), head=head_revision())]
        if state == "older":
            problems.append(_("The schema ({rev}) is older than this program ({head}); opening it will upgrade it after a backup.").format(
                rev=current_revision(engine), head=head_revision()))
        with engine.connect() as conn:
            if engine.url.get_backend_name() == "sqlite":
                result = [row[0] for row in conn.execute(text("PRAGMA integrity_check"))]
                if result != ["ok"]:
                    problems.append(_("SQLite integrity check failed: {detail}").format(detail="; ".join(result[:5])))
                broken = list(conn.execute(text("PRAGMA foreign_key_check")))
                if broken:
                    problems.append(_("{n} row(s) point to rows that do not exist (first in table {table}).").format(
                        n=len(broken), table=broken[0][0]))
            if state == "current":
                problems.extend(_check_revs(engine, conn))
                problems.extend(check_audit_chain(conn))
                profile = conn.execute(text("SELECT count(*) FROM village_profile WHERE deleted_at IS NULL")).scalar()
                if not profile:
                    problems.append(_("The village is not set up: run `villagedesk init`."))
    finally:
        engine.dispose()
    return problems


def _check_revs(engine, conn) -> list[str]:
    counter = conn.execute(text("SELECT value FROM rev_counter WHERE name = 'rev'")).scalar() or 0
    problems = []
    for table in inspect(engine).get_table_names():
        columns = {c["name"] for c in inspect(engine).get_columns(table)}
        if {"rev", "village_code", "deleted_at"} <= columns:
            top = conn.execute(text(f'SELECT max(rev) FROM "{table}"')).scalar() or 0
            if top > counter:
                problems.append(_("Table {table} has change number {rev}, beyond the counter {counter}.").format(
                    table=table, rev=top, counter=counter))
    return problems


def check_audit_chain(conn) -> list[str]:
    """The audit log's hash chain, in words: edited rows, deleted rows, a cut-off end."""
    from db.tracking import chain_breaks

    problems = []
    for kind, detail in chain_breaks(conn):
        if kind == "edited":
            problems.append(_("Audit log entry {id} was changed after it was written.").format(id=detail["id"]))
        elif kind == "unlinked" and detail["missing"] and detail["missing"][0] == detail["missing"][1]:
            problems.append(_("Audit log entry {first} was deleted (entry {id} no longer follows the one before it).").format(
                first=detail["missing"][0], id=detail["id"]))
        elif kind == "unlinked" and detail["missing"]:
            problems.append(_("Audit log entries {first}–{last} were deleted (entry {id} no longer follows the one before it).").format(
                first=detail["missing"][0], last=detail["missing"][1], id=detail["id"]))
        elif kind == "unlinked":
            problems.append(_("Audit log entry {id} does not follow the one before it: entries were removed or replaced.").format(id=detail["id"]))
        elif kind == "truncated":
            problems.append(_("The newest audit log entries ({first}–{last}) were deleted.").format(
                first=detail["missing"][0], last=detail["missing"][1]))
        else:
            problems.append(_("The audit log does not end where it was last written (entry {id}).").format(id=detail["id"]))
    return problems
