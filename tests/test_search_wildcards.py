"""A search box's ``%``, ``_`` and ``!`` mean those characters in every area's name search, not
LIKE's wildcards: the quick pickers of 积分制, 人民调解 and 群众诉求 find nobody for them (no name
holds them), and still find people by pinyin."""
from __future__ import annotations

import pytest

from app import concerns, mediation, points
from test_ui_village import add_many_residents

PICKERS = [
    ("points", lambda session, actor, query: points.household_choices(session=session, actor=actor, query=query)),
    ("mediation", lambda session, actor, query: mediation.party_choices(session=session, actor=actor, query=query)),
    ("concerns", lambda session, actor, query: concerns.raiser_choices(session=session, actor=actor, query=query)),
]


@pytest.mark.parametrize("name, pick", PICKERS, ids=[name for name, _pick in PICKERS])
def test_wildcards_in_a_pickers_search_mean_themselves(village, name, pick):
    database, admin = village
    add_many_residents(database, admin, 30)
    with database.unit(admin) as session:
        for query in ("%", "_", "%%", "z_", "!", "!%"):
            assert pick(session, admin, query) == [], (name, query)
        assert pick(session, admin, "zhao"), name  # 赵… are found as before
