"""照片与扫描件: evidence kept with a notice (张贴照片), a meeting (会议照片, the signed 签到表), a
concern or a mediation case.

Who may do what follows the record the attachment belongs to, so there is no permission of its
own: whoever may see the record may see its attachments, whoever may change the record may attach,
caption and remove. A mediation case is read only through :func:`app.mediation.service.read_case`,
so a refused look is refused and logged there, and every look at a case's pictures is in the
case's access log like a look at its details.

Removing tombstones the row (the recycle bin can put it back); the file stays where it is, since a
backup or that restore may still need it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from app.attachments import files
from app.auth import Actor, require
from app.concerns.queries import get_concern
from app.errors import NotFound, ReadOnlyStore, StorageError, ValidationError
from app.i18n import N_, _
from app.mediation.service import read_case
from app.meetings.queries import get_meeting
from app.notices.queries import get_notice
from app.paths import data_dir
from app.text import clean_text
from app.views import view, view_class
from db.base import soft_delete
from db.engine import sqlite_path
from db.models.attachments import Attachment

OWNER_KINDS: dict[str, str] = {
    "notice": N_("Notice"),
    "meeting": N_("Meeting"),
    "concern": N_("Concern"),
    "mediation_case": N_("Mediation case"),
}
# owner kind → (permission to see it, permission to change it)
_PERMISSIONS: dict[str, tuple[str, str]] = {
    "notice": ("notices.view", "notices.edit"),
    "meeting": ("meetings.view", "meetings.edit"),
    "concern": ("concerns.view", "concerns.edit"),
    "mediation_case": ("mediation.view", "mediation.edit"),
}
MAX_BYTES = files.MAX_BYTES
FILE_FILTER_PATTERNS = "*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff *.heic *.pdf"

AttachmentView = view_class(Attachment, "AttachmentView",
                            extra={"thumbnail": b"", "missing": False, "path": ""})


@dataclasses.dataclass(frozen=True)
class AttachmentFile:
    """One attachment opened for viewing: its particulars and its bytes (a JPEG, PNG or PDF)."""

    attachment: Any  # AttachmentView
    path: str
    data: bytes


def owner_kind_label(code: str) -> str:
    return _(OWNER_KINDS[code]) if code in OWNER_KINDS else code


# --- where the files are -----------------------------------------------------------------------------


def _root(session: Session) -> Path:
    """The folder holding the database: attachments live in ``attachments/`` beside it (a server
    store keeps them in the data folder)."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    path = sqlite_path(engine)
    if path is not None:
        return Path(os.path.abspath(path)).parent
    return data_dir()


# --- the owner and its doors -------------------------------------------------------------------------------


def _owner(session: Session, actor: Actor, owner_kind: str, owner_id: str, *, change: bool, shown: str) -> Any:
    """The record ``owner_kind``/``owner_id`` after checking that ``actor`` may see it (``change``:
    may change it); a case is read through mediation's logged door."""
    if owner_kind not in OWNER_KINDS:
        raise ValidationError({"owner_kind": _("Photos can be attached to notices, meetings, concerns and mediation "
                                               "cases only.")})
    see, edit = _PERMISSIONS[owner_kind]
    if owner_kind == "mediation_case":
        # mediation's one door: checks ``mediation.view`` and logs the look (a refusal too)
        found = read_case(session, actor, owner_id, shown)
        if change:
            require(actor, edit)
        return found
    require(actor, edit if change else see)
    getter = {"notice": get_notice, "meeting": get_meeting, "concern": get_concern}[owner_kind]
    return getter(session, owner_id)


def _get(session: Session, attachment_id: str) -> Attachment:
    found = session.get(Attachment, attachment_id) if attachment_id else None
    if found is None or found.deleted_at is not None:
        raise NotFound(_("No such photo or scan (it may have been removed)."))
    return found


def _view(session: Session, row: Attachment, *, thumbnail: bool = True) -> Any:
    root = _root(session)
    path = files.file_path(root, row.sha256, row.ext)
    thumb = files.thumbnail(root, row.sha256, row.ext, row.kind) if thumbnail else b""
    return view(AttachmentView, row, thumbnail=thumb, missing=not path.exists(), path=str(path))


def _default_date(owner_kind: str, owner: Any) -> dt.date | None:
    """张贴日期 of a notice's photo: the day it was posted; a meeting's: the day it was held."""
    if owner_kind == "notice":
        return owner.posted_on
    if owner_kind == "meeting":
        return owner.held_on or (owner.starts_at.date() if owner.starts_at else None)
    return None


def _clean_date(value: Any, field: str = "taken_on") -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({field: _("Enter a date such as 2026-03-01.")}) from None


def _check_date(value: dt.date | None) -> dt.date | None:
    if value is not None and value > dt.date.today() + dt.timedelta(days=1):
        raise ValidationError({"taken_on": _("The date is in the future.")})
    return value


def attach(*, session: Session, actor: Actor, owner_kind: str, owner_id: str, file: str | os.PathLike[str],
           name: str = "", caption: str = "", taken_on: dt.date | str | None = None) -> Any:
    """Attach the photo or scan at ``file`` to a record; returns its :data:`AttachmentView`.

    ``name`` is the name to keep (the file's own name by default). ``taken_on`` defaults to the
    date in the photo, else the notice's posting day or the meeting's day. Nothing is written when
    anything is refused (the file is checked and shrunk before it is stored).
    """
    owner = _owner(session, actor, owner_kind, owner_id, change=True, shown="attachment:add")
    if session.info.get("read_only"):
        raise ReadOnlyStore(_("This store is open read-only; nothing can be attached."))
    original = files.check_name(name or Path(os.fspath(file)).name)
    caption = clean_text(caption, field="caption", model=Attachment)
    taken_on = _check_date(_clean_date(taken_on))
    prepared = files.prepare(files.read_source(file))
    duplicate = session.exec(select(Attachment.id).where(
        Attachment.owner_kind == owner_kind, Attachment.owner_id == owner.id,
        Attachment.sha256 == prepared.sha256)).first()
    if duplicate is not None:
        raise files.refuse(_("This picture is already attached to this record."))
    try:
        files.store(_root(session), prepared)
    except OSError as exc:
        raise StorageError(_("The photo could not be saved in the data folder: {error}")
                           .format(error=exc.strerror or exc)) from exc
    row = Attachment(owner_kind=owner_kind, owner_id=owner.id, sha256=prepared.sha256, ext=prepared.ext,
                     original_name=original, mime=prepared.mime, kind=prepared.kind, byte_size=len(prepared.data),
                     width=prepared.width, height=prepared.height, pages=prepared.pages, caption=caption,
                     taken_on=taken_on or prepared.taken_on or _default_date(owner_kind, owner),
                     added_by=actor.display_name or actor.username)
    session.add(row)
    session.flush()
    return _view(session, row)


def attachments(*, session: Session, actor: Actor, owner_kind: str, owner_id: str) -> list[Any]:
    """The photos and scans of one record, oldest first, each with its thumbnail."""
    owner = _owner(session, actor, owner_kind, owner_id, change=False, shown="attachments")
    rows = session.exec(select(Attachment).where(Attachment.owner_kind == owner_kind, Attachment.owner_id == owner.id)
                        .order_by(Attachment.added_at, Attachment.created_at)).all()
    return [_view(session, row) for row in rows]


def attachment_file(*, session: Session, actor: Actor, attachment_id: str) -> AttachmentFile:
    """One attachment's bytes, for the viewer (a look at a case's picture is logged)."""
    row = _get(session, attachment_id)
    _owner(session, actor, row.owner_kind, row.owner_id, change=False, shown=f"attachment:{row.id}")
    found = _view(session, row, thumbnail=False)
    try:
        data = Path(found.path).read_bytes()
    except OSError as exc:
        raise NotFound(_("The file of “{name}” is missing from the data folder ({path}); restore it from a backup.")
                       .format(name=row.original_name, path=found.path)) from exc
    return AttachmentFile(attachment=found, path=found.path, data=data)


def update_attachment(*, session: Session, actor: Actor, attachment_id: str, caption: str,
                      taken_on: dt.date | str | None = None) -> Any:
    """Change the caption and the date (taken / posted) of an attachment."""
    row = _get(session, attachment_id)
    _owner(session, actor, row.owner_kind, row.owner_id, change=True, shown="attachment:edit")
    row.caption = clean_text(caption, field="caption", model=Attachment)
    row.taken_on = _check_date(_clean_date(taken_on))
    session.add(row)
    session.flush()
    return _view(session, row)


def remove_attachment(*, session: Session, actor: Actor, attachment_id: str) -> None:
    """Move an attachment to the recycle bin. The file stays: a backup or a restore may need it."""
    row = _get(session, attachment_id)
    _owner(session, actor, row.owner_kind, row.owner_id, change=True, shown="attachment:remove")
    soft_delete(row)
    session.add(row)
    session.flush()


def allowed_actions(*, session: Session, actor: Actor, owner_kind: str) -> dict[str, str | None]:
    """What ``actor`` may do with the attachments of a kind of record: ``view``, ``add``,
    ``edit`` (caption and date), ``remove`` → None when allowed, else why not."""
    if owner_kind not in OWNER_KINDS:
        raise ValidationError({"owner_kind": _("Photos can be attached to notices, meetings, concerns and mediation "
                                               "cases only.")})
    see, edit = _PERMISSIONS[owner_kind]
    return {"view": actor.refusal(see), "add": actor.refusal(edit), "edit": actor.refusal(edit),
            "remove": actor.refusal(edit)}

