"""Concerns: reads that other modules of ``app`` need without an actor. Not for ``ui/``."""
from __future__ import annotations

from sqlmodel import Session, select

from app.errors import NotFound
from app.i18n import _
from db.models.concerns import Concern


def get_concern(session: Session, concern_id: str) -> Concern:
    found = session.get(Concern, concern_id)
    if found is None or found.deleted_at is not None:
        raise NotFound(_("No such concern."))
    return found


def latest_concern_id(session: Session) -> str | None:
    return session.exec(select(Concern.id).order_by(Concern.raised_on.desc(), Concern.number.desc()).limit(1)).first()
