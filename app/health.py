"""``villagedesk check``: is this store sound? Each problem comes back as a sentence for the user.

The file is identified first (:mod:`db.identify`) and every check runs on a read-only connection,
so ``check`` never changes the file, whatever it is. What it finds:

* a file that is not ours, empty, a text, damaged in its header or cut short, or newer;
* ``PRAGMA integrity_check`` and ``foreign_key_check`` failures;
* a change number in a table beyond the change counter;
* committed changes lost after the fact: the program notes the change counter and the audit log's
  last id beside the file after each commit it makes while holding the store lock
  (``<file>.mark``); a store behind that note lost changes (its ``-wal`` file was deleted or
  truncated, or an older copy was put in its place).

What it cannot see: a lost ``-wal`` when no note was written (changes made without the store lock,
e.g. by an older program) or the note was lost too; damage inside a text value, which SQLite does
not checksum.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import inspect, text

from app.i18n import _


def check_database(target: str | Path | None) -> list[str]:
    from db.engine import STORE_KIND_KEY, _target_path, make_engine, read_mark
    from db.errors import VillageDeskError, classify
    from db.identify import CORRUPT, MISSING, identify_store
    from db.migrate import current_revision, head_revision, schema_state

    path = _target_path(target)
    if path is not None:
        identity = identify_store(path)
        if identity.kind == MISSING:
            return [_("There is no database at {path}: run `villagedesk init` to create one.").format(path=path)]
        refusal = identity.error(path)
        if refusal is not None and identity.kind != CORRUPT:
            return [refusal.message]
    engine = make_engine(path if path is not None else target, read_only=path is not None)
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
                    return problems
                broken = list(conn.execute(text("PRAGMA foreign_key_check")))
                if broken:
                    problems.append(_("{n} row(s) point to rows that do not exist (first in table {table}).").format(
                        n=len(broken), table=broken[0][0]))
            if state == "current":
                problems.extend(_check_revs(engine, conn))
                if path is not None:
                    problems.extend(_check_mark(conn, read_mark(path)))
                problems.extend(check_audit_chain(conn))
                profile = conn.execute(text("SELECT count(*) FROM village_profile WHERE deleted_at IS NULL")).scalar()
                township = conn.execute(text("SELECT count(*) FROM setting WHERE key = :k"),
                                        {"k": STORE_KIND_KEY}).scalar()
                if not profile and not township:
                    problems.append(_("The village is not set up: run `villagedesk init`."))
    except (sqlite3.Error, Exception) as exc:  # noqa: BLE001 - sorted below: known damage in words, else a bug
        known = classify(exc)
        if known is None or isinstance(exc, VillageDeskError):
            raise
        problems.append(known.message)
    finally:
        engine.dispose()
    return problems


def _check_mark(conn, mark: tuple[int, int] | None) -> list[str]:
    if mark is None:
        return []
    counter = conn.execute(text("SELECT value FROM rev_counter WHERE name = 'rev'")).scalar() or 0
    audit = conn.execute(text("SELECT max(id) FROM audit_log")).scalar() or 0
    if counter < mark[0] or audit < mark[1]:
        return [_("Committed changes are missing: the database is at change {rev} (log entry {audit}), but the program had saved up to change {want} (log entry {want_audit}). Its -wal file was probably deleted or cut short, or an older copy was put in its place. Restore the newest good backup.").format(
            rev=counter, audit=audit, want=mark[0], want_audit=mark[1])]
    return []


def _check_revs(engine, conn) -> list[str]:
    """No row's change number beyond the store's counter; on a township store (whose rows carry
    their villages' numbers) none beyond the newest bundle imported from its village."""
    counter = conn.execute(text("SELECT value FROM rev_counter WHERE name = 'rev'")).scalar() or 0
    from db.engine import STORE_KIND_KEY

    township = bool(conn.execute(text("SELECT count(*) FROM setting WHERE key = :k"), {"k": STORE_KIND_KEY}).scalar())
    held = dict(conn.execute(text("SELECT village_code, to_rev FROM township_village")).all()) if township else {}
    problems = []
    for table in inspect(engine).get_table_names():
        columns = {c["name"] for c in inspect(engine).get_columns(table)}
        if not {"rev", "village_code", "deleted_at"} <= columns:
            continue
        if township:
            for village, top in conn.execute(text(f'SELECT village_code, max(rev) FROM "{table}" GROUP BY village_code')):
                if top > held.get(village, 0):
                    problems.append(_("Table {table} has change number {rev} of village {village}, beyond the newest "
                                      "bundle imported from it ({held}).").format(
                        table=table, rev=top, village=village, held=held.get(village, 0)))
            continue
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


def quick_check(database) -> list[str]:
    """``PRAGMA quick_check`` of an open store, on a connection of its own that cannot write; each
    problem as a sentence for the user (the classification of :mod:`db.errors`), [] when sound.

    The window runs it on the database worker after it shows (on the large demo store it costs
    ~0.2 s warm and seconds cold, too long to wait for); a small store was already checked when
    it was identified (:data:`db.identify.QUICK_CHECK_LIMIT`). A store found damaged is marked
    so (``database.damage``): nothing more is written to it, what is there stays."""
    from db.errors import DamagedStore, classify
    from db.identify import read_only_uri

    path = getattr(database, "path", None)
    if path is None:
        return []
    try:
        conn = sqlite3.connect(read_only_uri(Path(path)), uri=True)
        try:
            result = [row[0] for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        known = classify(exc)
        if known is None:
            raise
        if isinstance(known, DamagedStore):
            database.damage = known
        return [known.message]
    if result == ["ok"]:
        return []
    damage = DamagedStore(_("The database file is damaged ({detail}). Nothing more is written to it; what is there "
                            "is kept. Restore the newest good backup (Settings → Backup).").format(detail="; ".join(result[:3])))
    database.damage = damage
    return [damage.message]


def check_on_start(database) -> list[str]:
    """The window's start-up check: :func:`quick_check` for a store larger than
    :data:`db.identify.QUICK_CHECK_LIMIT` (a smaller one was checked when it was identified, before
    it was opened); [] when sound."""
    from db.identify import QUICK_CHECK_LIMIT

    path = getattr(database, "path", None)
    if path is None or not Path(path).exists() or Path(path).stat().st_size <= QUICK_CHECK_LIMIT:
        return []
    return quick_check(database)
