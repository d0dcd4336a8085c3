"""What is this file? Decided before anything is written to it.

The header is read as bytes and the schema through a connection that cannot write (``immutable``
when no ``-wal`` file exists, so not even a ``-shm`` file appears; ``mode=ro`` when one does,
because then the committed changes live in it). Only a file that is ours, sound and not newer
than this program is ever opened for writing; everything else is refused with a sentence saying
what it is, and left byte-identical.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from db.errors import DamagedStore, NotOurFile, SchemaTooNew, VillageDeskError
from db.errors import translate as _

SQLITE_MAGIC = b"SQLite format 3\x00"
#: ``PRAGMA application_id`` of every VillageDesk store: 'VDK1'.
APPLICATION_ID = 0x56444B31

#: Files up to this size get ``PRAGMA quick_check`` when opened (a village store is a few MB;
#: 120 MB, the large township-sized demo, takes ~1.5 s). A larger file relies on SQLite reporting
#: damage when it meets it (then :class:`db.engine.Database` refuses further writes) and on
#: ``villagedesk check``.
QUICK_CHECK_LIMIT = 32 * 1024 * 1024

MISSING, EMPTY, NOT_SQLITE, DAMAGED, FOREIGN, OURS, NEWER, CORRUPT = (
    "missing", "empty", "not-sqlite", "damaged", "foreign", "ours", "newer", "corrupt")


@dataclass(frozen=True)
class Identity:
    kind: str
    detail: str = ""
    revision: str | None = None  # alembic revision found (ours / newer)

    def error(self, path: Path) -> VillageDeskError | None:
        """The refusal for this kind of file, or None when it may be opened."""
        name = str(path)
        if self.kind == EMPTY:
            return NotOurFile(_("{path} is an empty file, not a VillageDesk database; nothing was changed. Remove it, or choose another file.").format(path=name))
        if self.kind == NOT_SQLITE:
            return NotOurFile(_("{path} is not a database (it may be a text or other document); nothing was changed.").format(path=name))
        if self.kind == FOREIGN:
            return NotOurFile(_("{path} is another program's database, not VillageDesk's; nothing was changed.").format(path=name))
        if self.kind == DAMAGED:
            return DamagedStore(_("{path} is damaged ({detail}); nothing was changed. Restore the newest good backup.").format(path=name, detail=self.detail))
        if self.kind == CORRUPT:
            return DamagedStore(_("{path} fails SQLite's integrity check ({detail}); it is not written to. Restore the newest good backup.").format(path=name, detail=self.detail))
        if self.kind == NEWER:
            return SchemaTooNew(_("This database was written by a newer VillageDesk (schema {rev}). Install the newer program to open it; nothing was changed.").format(rev=self.revision))
        return None


def read_only_uri(path: Path) -> str:
    """A URI that opens ``path`` without writing to it or beside it."""
    flag = "mode=ro" if Path(str(path) + "-wal").exists() else "immutable=1"
    return f"file:{quote(str(Path(path).resolve()))}?{flag}"


def _header_problem(path: Path, header: bytes, size: int) -> str | None:
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return _("impossible page size {n}").format(n=page_size)
    if header[18] not in (1, 2) or header[19] not in (1, 2):
        return _("unknown file format version")
    if header[21:24] != b"\x40\x20\x20":
        return _("bad payload fractions in the header")
    if size % page_size:
        return _("the file is cut off in the middle of a page")
    pages = int.from_bytes(header[28:32], "big")
    valid_for = int.from_bytes(header[92:96], "big")
    changes = int.from_bytes(header[24:28], "big")
    wal = Path(str(path) + "-wal")
    if pages and valid_for == changes and pages * page_size > size and not (wal.exists() and wal.stat().st_size):
        return _("the file is cut off: {have} of {want} bytes").format(have=size, want=pages * page_size)
    return None


def identify(path: str | Path, *, known_revisions: set[str], head: str, quick_check: bool = True) -> Identity:
    """Look at ``path`` without changing it (nor creating anything beside it)."""
    path = Path(path)
    if not path.exists():
        return Identity(MISSING)
    if path.is_dir():
        return Identity(NOT_SQLITE, "directory")
    size = path.stat().st_size
    if size == 0:
        return Identity(EMPTY)
    with path.open("rb") as fh:
        header = fh.read(100)
    if header[:16] != SQLITE_MAGIC or len(header) < 100:
        # Most of the magic still there: a database whose header was damaged, not some other file.
        alike = sum(a == b for a, b in zip(header[:16], SQLITE_MAGIC))
        return Identity(DAMAGED, _("bad header")) if alike >= 12 else Identity(NOT_SQLITE)
    problem = _header_problem(path, header, size)
    if problem:
        return Identity(DAMAGED, problem)
    app_id = int.from_bytes(header[68:72], "big")
    if app_id not in (0, APPLICATION_ID):
        return Identity(FOREIGN)
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as exc:
        return Identity(DAMAGED, str(exc))
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        if app_id == 0 and (revision is None or "rev_counter" not in tables):
            # Written before 0003 set the application id, or not ours at all.
            return Identity(FOREIGN)
        if revision is not None and revision not in known_revisions:
            return Identity(NEWER, revision=revision)
        if quick_check and path.stat().st_size <= QUICK_CHECK_LIMIT:
            result = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
            if result != ["ok"]:
                return Identity(CORRUPT, "; ".join(result[:3]), revision)
        return Identity(OURS, revision=revision)
    except sqlite3.DatabaseError as exc:
        return Identity(DAMAGED, str(exc))
    finally:
        conn.close()


def identify_store(path: str | Path, *, quick_check: bool = True) -> Identity:
    from db import revisions

    known, head = revisions.known_revisions(), revisions.head_revision()
    if known is None or head is None:  # not a plain chain of scripts on disk: Alembic reads them
        from db.migrate import head_revision, known_revisions

        known, head = known_revisions(), head_revision()
    return identify(path, known_revisions=known, head=head, quick_check=quick_check)
