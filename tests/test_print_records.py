"""Seeing and printing a document are recorded (what, by whom, the hash of the bytes), and on a
read-only store the document is still shown and printed, with nothing written."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from sqlmodel import select

from app import notices
from app.printing import preview_document, print_kind, record_print, render
from db.engine import Database
from db.tracking import AuditEntry


def _notes(database: Database) -> list[AuditEntry]:
    with database.session() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.table_name == "print").order_by(AuditEntry.id)))


def _notice(database, admin) -> str:
    with database.unit(admin) as session:
        return notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            title="停水通知", body="明日停水。")).id


def test_a_preview_and_a_print_are_recorded_with_who_and_what(village, tmp_path):
    database, admin = village
    notice_id = _notice(database, admin)
    with database.unit(admin) as session:
        document = preview_document("notice", session=session, actor=admin, ident=notice_id)
    assert document.title == "停水通知"
    out = tmp_path / "n.pdf"
    with database.unit(admin) as session:
        data = print_kind("notice", session=session, actor=admin, ident=notice_id, out=out)
    seen, printed = _notes(database)
    assert (seen.changes["note"], seen.actor, seen.row_id) == ("previewed", "admin", f"notice:{notice_id}")
    assert printed.changes["note"] == "printed" and printed.changes["file"] == str(out)
    assert printed.changes["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()


def test_a_read_only_store_shows_and_prints_but_records_nothing(village, tmp_path):
    database, admin = village
    notice_id = _notice(database, admin)
    database.dispose()
    conn = sqlite3.connect(database.path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = Path(database.path).read_bytes()
    store = Database(database.path, read_only=True)
    with store.unit(admin) as session:
        document = preview_document("notice", session=session, actor=admin, ident=notice_id)
        record_print(session, "notice", notice_id, title=document.title, data=render(document), printer=True)
    store.dispose()
    assert Path(database.path).read_bytes() == before
    assert _notes(Database(database.path, read_only=True)) == []
