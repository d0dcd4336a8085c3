"""What other areas and the print kinds read from the notice register without an actor: ORM
rows and documents inside their own unit of work. ``ui/`` may not import this module
(tests/test_boundary.py); the GUI goes through :mod:`app.notices`."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from app.errors import NotFound
from app.i18n import _
from app.notices.model import (
    CALENDAR_SETTING,
    DRAFT,
    ENDING_SOON_DAYS,
    ENDING_SOON_SETTING,
    MAX_ENDING_SOON_DAYS,
    NOTICE_KINDS,
    WorkCalendar,
    _table_of,
    publicity_end,
)
from app.printing import Document
from app.printing.templates import public_notice
from app.privacy import mask_document, registered_names
from db.models.accounts import Setting
from db.models.notices import Notice
from db.scope import next_number


def get_calendar(session: Session) -> WorkCalendar:
    setting = session.get(Setting, CALENDAR_SETTING)
    value = setting.value if setting and isinstance(setting.value, dict) else {}
    return WorkCalendar(
        holidays=frozenset(dt.date.fromisoformat(d) for d in value.get("holidays", [])),
        workdays=frozenset(dt.date.fromisoformat(d) for d in value.get("workdays", [])),
    )


def get_notice(session: Session, notice_id: str) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None or notice.deleted_at is not None:
        raise NotFound(_("No such notice."))
    return notice


def default_issuer(session: Session, kind: str) -> str:
    from app.people.queries import get_profile  # the people register only when a notice needs its village

    profile = get_profile(session)
    if profile is None:
        return ""
    if NOTICE_KINDS.get(kind, NOTICE_KINDS["village_affairs"]).party:
        return _("CPC {village} Branch Committee").format(village=profile.name)
    return profile.committee_name or profile.name


def format_number(session: Session, kind: str, year: int, seq: int) -> str:
    """青石村务〔2026〕7号: village name without 村, the kind's code, year in 〔〕, number."""
    from app.people.queries import get_profile  # the people register only when a notice needs its village

    profile = get_profile(session)
    village = (profile.name if profile else "").removesuffix("村")
    prefix = NOTICE_KINDS[kind].prefix if kind in NOTICE_KINDS else ""
    return f"{village}{prefix}〔{year}〕{seq}号"


def series_key(kind: str, year: int) -> str:
    """The number series a kind draws from: its own, or the one it shares (a 村务通知 is numbered
    in the 村务 series, so 青石村务〔2026〕N号 never repeats)."""
    shared = NOTICE_KINDS[kind].series if kind in NOTICE_KINDS else ""
    return f"notice-{shared or kind}-{year}"


def next_notice_number(session: Session, kind: str, year: int) -> tuple[int, str]:
    """The next number of ``kind``'s series in ``year`` (claimed in this transaction) and how it
    is written (青石村务〔2026〕7号): the one way any notice gets a number — issuing from the
    register, and the demo's 四议两公开 notices."""
    seq = next_number(session, series_key(kind, year))
    return seq, format_number(session, kind, year, seq)


def build_document(session: Session, notice: Notice, *, number: str = "", issue_date: dt.date | None = None,
                   draft: bool | None = None) -> Document:
    """The (de-identified) document of ``notice`` as it would be issued on ``issue_date``;
    drafts carry the 草稿 watermark."""
    kind = NOTICE_KINDS.get(notice.kind, NOTICE_KINDS["village_affairs"])
    day = issue_date or dt.date.today()
    start = max(notice.publicity_start or day, day)
    end = publicity_end(start, notice.publicity_days, working_days=notice.working_days, calendar=get_calendar(session))
    from app.people.queries import get_profile  # the people register only when a notice needs its village

    profile = get_profile(session)
    corrects = ""
    if notice.corrects_id:
        original = get_notice(session, notice.corrects_id)
        corrects = _("This notice corrects notice {number} “{title}”; where they differ, this notice applies.").format(
            number=original.number, title=original.title)
    document = public_notice(
        # one issuer per line: joint issuers (党支部 and 村委会) sign side by side, one seal each
        title=notice.title, body=notice.body,
        issuer=[i.strip() for i in (notice.issuer or default_issuer(session, notice.kind)).split("\n") if i.strip()],
        date=day, number=number, table=_table_of(notice.table), publicity_start=start, publicity_end=end,
        publicity_days=notice.publicity_days, working_days=notice.working_days, objection=notice.objection,
        supervision_phone=notice.supervision_phone or (profile.supervision_phone if profile else ""),
        party=kind.party, corrects=corrects, style=notice.style, paper=notice.paper, landscape=notice.landscape,
        parts=kind.parts,
        # a notice with no supervision phone still says where to go: the committee's office
        contact_line=_("Contact: the office of {committee}.").format(
            committee=default_issuer(session, "village_affairs")),
    )
    document.unmasked = list(notice.unmasked)
    if notice.state == DRAFT if draft is None else draft:
        document.watermark = _("Draft")
    return mask_document(document, names=registered_names(session))


def document_of(session: Session, notice: Notice) -> Document:
    """The document to print: the frozen one of an issued notice, the current draft otherwise."""
    if notice.state != DRAFT and notice.snapshot:
        return Document.from_dict(notice.snapshot)
    return build_document(session, notice)


def ending_soon_days(session: Session) -> int:
    """How many days before its publicity period ends a posted notice is highlighted (a setting
    of this store, default :data:`ENDING_SOON_DAYS`)."""
    setting = session.get(Setting, ENDING_SOON_SETTING)
    value = setting.value if setting is not None else None
    return value if isinstance(value, int) and 0 <= value <= MAX_ENDING_SOON_DAYS else ENDING_SOON_DAYS


def latest_issued(session: Session) -> Notice | None:
    return session.exec(select(Notice).where(Notice.state != DRAFT)
                        .order_by(col(Notice.issued_at).desc(), col(Notice.seq).desc())).first()


def find_notice(session: Session, ident: str) -> Notice:
    """A notice by id, by number (青石村务〔2026〕7号) or ``latest`` (the last one issued)."""
    if ident in ("", "latest"):
        notice = latest_issued(session)
        if notice is None:
            raise NotFound(_("No notice has been issued yet."))
        return notice
    notice = session.get(Notice, ident)
    if notice is None or notice.deleted_at is not None:
        notice = session.exec(select(Notice).where(Notice.number == ident)).first()
    if notice is None:
        raise NotFound(_("No notice {ident}.").format(ident=ident))
    return notice


