"""The small demo: realistic proportions, every stored vote agrees with its rule, every matter in order."""
from __future__ import annotations

import random

import pytest
from sqlmodel import func, select

from app import concerns, deliberation, demo, meetings, stats
from app.meetings import queries as mq
from app.concerns import queries as cq
from db.models.meetings import Meeting, Vote
from db.models.concerns import Concern
from db.models.deliberation import DeliberationStep


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    import os

    os.environ.setdefault("VILLAGEDESK_HOME", str(tmp_path_factory.mktemp("home")))
    from app import people
    from db.engine import Database

    db = Database(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
    with db.unit() as session:
        admin = people.setup_village(session=session, name="青石村", code="510112104201", township="龙泉镇",
                                     admin_username="admin", admin_password="secret-pass", admin_display_name="李书记")
    db.refresh_village_code()
    with db.unit(admin) as session:
        demo.generate(session=session, actor=admin, size="small", seed=7)
    yield db, admin
    db.dispose()


def test_proportions(demo_db):
    db, admin = demo_db
    with db.session() as session:
        result = stats.collect(session=session, actor=admin)
    m, c = result["meetings"], result["concerns"]
    assert 100 <= m["meetings"] <= 160
    by_kind = m["by_kind"]
    assert by_kind[meetings.OPEN_AIR]["total"] + by_kind[meetings.EVENING_TALK]["total"] > m["meetings"] / 3
    assert by_kind[meetings.VILLAGERS_MEETING]["total"] >= 1
    assert 250 <= c["raised"] <= 350
    assert 0.85 <= c["closure_rate"] <= 1.0
    assert c["overdue"] < c["raised"] * 0.05
    assert sum(m["deliberation_matters"].values()) >= 2


def test_every_vote_agrees_with_its_rule(demo_db):
    db, admin = demo_db
    with db.session() as session:
        votes = session.exec(select(Vote)).all()
        assert votes
        for vote in votes:
            outcome = mq.vote_outcome(session, vote)
            assert (outcome.quorum_met, outcome.passed) == (vote.quorum_met, vote.passed)
            assert vote.in_favour + vote.against + vote.abstain <= vote.present


def test_matters_walk_their_steps_in_order(demo_db):
    db, admin = demo_db
    with db.session() as session:
        for matter_id in deliberation.matter_ids(session=session, actor=admin):
            steps = session.exec(select(DeliberationStep).where(DeliberationStep.matter_id == matter_id)
                                 .order_by(DeliberationStep.position)).all()
            assert [s.step for s in steps] == list(deliberation.STEP_ORDER[:len(steps)])
            assert [s.held_on for s in steps] == sorted(s.held_on for s in steps)
            progress = deliberation.progress(session=session, actor=admin, matter_id=matter_id)
            assert progress.done_count == len(steps)


def test_rows_carry_revs_and_the_village(demo_db):
    db, admin = demo_db
    with db.session() as session:
        for model in (Meeting, Concern, Vote):
            rows = session.exec(select(model.rev, model.village_code)).all()
            assert all(rev > 0 and code == "510112104201" for rev, code in rows)
            assert len({rev for rev, _ in rows}) == len(rows)
        planned = session.exec(select(func.count()).where(Meeting.state == meetings.PLANNED)).one()
        assert planned >= 2
        assert cq.latest_concern_id(session) is not None


def test_demo_is_repeatable(tmp_path):
    """Same seed, same data: the demo for acceptance checks does not drift."""
    from app import people
    from app.meetings import demo as meetings_demo
    from app.people import demo as people_demo
    from db.engine import Database

    titles = []
    for run in range(2):
        db = Database(tmp_path / f"r{run}.sqlite3")
        with db.unit() as session:
            admin = people.setup_village(session=session, name="青石村", code="510112104201", township="龙泉镇",
                                         admin_username="admin", admin_password="secret-pass")
        db.refresh_village_code()
        with db.unit(admin) as session:
            rng = random.Random(3)
            people_demo.add_demo_data(session=session, actor=admin, rng=rng, size="small")
            session.flush()
            meetings_demo.add_demo_data(session=session, actor=admin, rng=rng, size="small")
        with db.session() as session:
            titles.append(session.exec(select(Concern.number, Concern.title).order_by(Concern.number)).all())
        db.dispose()
    assert titles[0] == titles[1]


def test_demo_notice_numbers_come_from_the_register_series(demo_db):
    """The 公开 steps of the demo matters used to carry numbers of their own (〔2026〕11号, no
    village prefix, a series beside the register's): a real notice issued later could repeat one."""
    import datetime as dt
    import re

    from app import notices

    db, admin = demo_db
    with db.unit(admin) as session:
        numbers = [n for n in session.exec(select(DeliberationStep.notice_number)
                                           .where(DeliberationStep.notice_number != "")) if n]
        assert numbers
        assert all(re.fullmatch(r"青石村务〔\d{4}〕\d+号", n) for n in numbers), numbers
        registered = set(session.exec(select(notices.queries.Notice.number).where(
            notices.queries.Notice.number != "")))
        assert len(set(numbers) | registered) == len(numbers) + len(registered)  # no number twice
        draft = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            title="低保公示", body="现予公示。"))
        issued = notices.issue_notice(session=session, actor=admin, notice_id=draft.id)
        session.rollback()
    assert issued.number not in numbers and issued.number not in registered
    this_year = [int(re.search(r"〕(\d+)号", n).group(1)) for n in set(numbers) | registered
                 if f"村务〔{dt.date.today().year}〕" in n]
    assert issued.number == f"青石村务〔{dt.date.today().year}〕{max(this_year, default=0) + 1}号"
