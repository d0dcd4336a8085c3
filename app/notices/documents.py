"""The ``notice`` print kind: any notice of the register, exactly as issued (or as drafted)."""
from __future__ import annotations

from sqlmodel import Session

from app.auth import Actor, require
from app.i18n import N_
from app.notices.queries import document_of, find_notice
from app.printing import Document, PrintKind


def _print_notice(*, session: Session, actor: Actor, ident: str) -> Document:
    require(actor, "notices.view")
    return document_of(session, find_notice(session, ident))


PRINT_KINDS = (
    PrintKind("notice", public=True, description=N_("A notice from the register (村务公开 / 党务公开)"),
              builder=_print_notice),
)
