"""四议两公开: reads that other modules of ``app`` need without an actor. Not for ``ui/``."""
from __future__ import annotations

from sqlmodel import Session, select

from app.deliberation.codes import STEP_ORDER, YIJIANTIAO_KEY
from app.errors import NotFound
from app.i18n import _
from db.models.accounts import Setting
from db.models.deliberation import DeliberationMatter, DeliberationStep


def yijiantiao(session: Session) -> bool:
    setting = session.get(Setting, YIJIANTIAO_KEY)
    return bool(setting and setting.value)


def get_matter(session: Session, matter_id: str) -> DeliberationMatter:
    matter = session.get(DeliberationMatter, matter_id)
    if matter is None or matter.deleted_at is not None:
        raise NotFound(_("No such matter."))
    return matter


def steps_of(session: Session, matter_id: str) -> list[DeliberationStep]:
    return list(session.exec(select(DeliberationStep).where(DeliberationStep.matter_id == matter_id)
                             .order_by(DeliberationStep.position)))


def next_step(session: Session, matter: DeliberationMatter) -> str | None:
    done = {s.step for s in steps_of(session, matter.id)}
    for step in STEP_ORDER:
        if step not in done:
            return step
    return None


def latest_matter_id(session: Session, *, reached: str | None = None) -> str | None:
    """The newest matter (that has reached step ``reached``, when given)."""
    query = select(DeliberationMatter.id)
    if reached:
        query = query.join(DeliberationStep, DeliberationStep.matter_id == DeliberationMatter.id).where(
            DeliberationStep.step == reached)
        query = query.order_by(DeliberationStep.held_on.desc())
    else:
        query = query.order_by(DeliberationMatter.created_at.desc())
    return session.exec(query.limit(1)).first()
