"""Mediation: reads that other modules of ``app`` need without an actor. Not for ``ui/``.

Nothing here returns a case's parties, facts or records: those are read through
:func:`app.mediation.service.read_case`, which logs every read.
"""
from __future__ import annotations

from sqlmodel import Session, select

from app.errors import NotFound
from app.i18n import _
from db.models.mediation import MediationCase
from db.models.people import VillageProfile


def get_case(session: Session, case_id: str) -> MediationCase:
    found = session.get(MediationCase, case_id) if case_id else None
    if found is None or found.deleted_at is not None:
        raise NotFound(_("No such mediation case."))
    return found


def resolve_case_id(session: Session, ident: str) -> str:
    """A case id from what the command line or the GUI gives: an id, a case number, or ``latest``
    (the case registered last)."""
    ident = (ident or "latest").strip()
    if ident == "latest":
        found = session.exec(select(MediationCase.id).order_by(
            MediationCase.registered_on.desc(), MediationCase.year.desc(), MediationCase.seq.desc()).limit(1)).first()
        if found is None:
            raise NotFound(_("No mediation case has been recorded yet."))
        return found
    if session.get(MediationCase, ident) is not None:
        return ident
    found = session.exec(select(MediationCase.id).where(MediationCase.number == ident)).first()
    if found is None:
        raise NotFound(_("No such mediation case: {ident}.").format(ident=ident))
    return found


def case_number_for_concern(session: Session, concern_id: str) -> str | None:
    """The number of the case a concern was turned into (the link is kept on the case)."""
    return session.exec(select(MediationCase.number).where(MediationCase.concern_id == concern_id)
                        .order_by(MediationCase.registered_on).limit(1)).first()


def village_short_name(session: Session) -> str:
    """青石村 → 青石: the village part of a case number."""
    profile = session.exec(select(VillageProfile)).first()
    name = profile.name if profile else ""
    for suffix in ("村民委员会", "村委会", "社区", "村"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def committee_name(session: Session) -> str:
    """人民调解委员会 of the village: 青石村人民调解委员会."""
    profile = session.exec(select(VillageProfile)).first()
    return f"{profile.name if profile else ''}人民调解委员会"


def export_aggregate(session: Session, village_code: str) -> list[dict[str, object]]:
    """What a bundle should carry of ``mediation_case``: live cases counted by month of
    registration, category, source and outcome (no number, no 案由, no party). For the sync
    exporter's ``aggregate`` policy, which today counts any table without a group by month of
    creation (``app.sync.service._aggregate``); wiring this in is the sync area's change."""
    from sqlalchemy import func

    month = func.substr(MediationCase.registered_on, 1, 7) if session.get_bind().dialect.name == "sqlite" \
        else func.to_char(MediationCase.registered_on, "YYYY-MM")
    rows = session.exec(
        select(month, MediationCase.category, MediationCase.source, MediationCase.outcome, func.count())
        .where(MediationCase.village_code == village_code)
        .group_by(month, MediationCase.category, MediationCase.source, MediationCase.outcome)
        .order_by(month, MediationCase.category, MediationCase.source, MediationCase.outcome)
        .execution_options(all_villages=True)).all()
    return [{"month": m, "category": c, "source": s, "outcome": o, "count": n} for m, c, s, o, n in rows]
