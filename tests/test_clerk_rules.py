"""Issue 10, items 3, 4, 5 and the 已超期 card: dates checked against each other and today,
attendance within 应到, minutes drafted from the meeting, households whose head is a person."""
from __future__ import annotations

import datetime as dt

import pytest

from app import concerns, meetings, people, stats
from app.errors import StateError, ValidationError

from test_meetings_support import at, populate

D = dt.date


# --- the 已超期 card and the list agree -------------------------------------------------------------


def test_overdue_card_equals_the_overdue_list_and_never_exceeds_those_being_handled(village):
    database, admin = village
    today = concerns.today()
    with database.unit(admin) as session:
        pop = populate(session)

        def raise_(title, days_ago, due_days_ago):
            return concerns.raise_concern(session=session, actor=admin, title=title, source="visit",
                                          resident_id=pop.residents[0].id,
                                          raised_on=today - dt.timedelta(days=days_ago),
                                          due_on=today - dt.timedelta(days=due_days_ago))

        raise_("逾期一", 40, 10)
        raise_("逾期二", 30, 5)
        raise_("未到期", 3, -10)
        escalated = raise_("上报乡镇", 40, 10)
        concerns.escalate_concern(session=session, actor=admin, concern_id=escalated.id, reason="超出村级权限")
        closed = raise_("已办结", 40, 10)
        concerns.close_concern(session=session, actor=admin, concern_id=closed.id, resolution="已修好")
    with database.session() as session:
        figures = stats.collect(session=session, actor=admin)["concerns"]
        listed = concerns.concern_ids(session=session, actor=admin, overdue_only=True)
        being_handled = figures["raised"] - figures["closed"] - figures["escalated"]
        rows = concerns.concern_rows(session=session, actor=admin, ids=listed)
    assert figures["overdue"] == len(listed) == 2
    assert figures["overdue"] <= being_handled == 3
    assert {rows[i].title for i in listed} == {"逾期一", "逾期二"}
    assert all(concerns.is_overdue(rows[i]) for i in listed)
