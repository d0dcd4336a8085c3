"""积分制: versioned rules, the append-only ledger, reversals, approvals, the 积美超市 (balance and
stock never below zero, two counters at once included), the passbook, rankings and the 红黑榜."""
from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest

from app import meetings, points
from app.auth import CLERK, GRID_WORKER, SHOP, Actor
from app.errors import PermissionDenied, StateError, ValidationError
from db.models.points import PointsEntry
from db.tracking import TrackingError

from test_meetings_support import at, populate

D = dt.date
TODAY = points.service.today()


def actor(role: str, name: str | None = None) -> Actor:
    return Actor(user_id="", username=name or role, display_name=name or role, role=role)


@pytest.fixture
def world(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        good = points.add_rule(session=session, actor=admin, category="environment", description="庭院整洁", points=5)
        bad = points.add_rule(session=session, actor=admin, category="environment", description="乱倒垃圾", points=-3)
        big = points.add_rule(session=session, actor=admin, category="civility", description="见义勇为", points=50,
                              needs_approval=True)
        soap = points.add_goods(session=session, actor=admin, name="洗衣粉", price=10, stock=3, unit="袋")
    return database, admin, pop, {"good": good.id, "bad": bad.id, "big": big.id, "soap": soap.id}


def earn(session, who, household, rule, times=1, on=None):
    for _ in range(times):
        points.record_entry(session=session, actor=who, household_id=household, rule_id=rule, entry_date=on or TODAY,
                            note="网格员巡查")


def test_changing_a_rule_never_changes_past_entries(world):
    database, admin, pop, ids = world
    household = pop.households[0].id
    with database.unit(admin) as session:
        first = points.record_entry(session=session, actor=admin, household_id=household, rule_id=ids["good"],
                                    entry_date=TODAY - dt.timedelta(days=10)).entry
        changed = points.change_rule(session=session, actor=admin, rule_id=ids["good"], points=8, reason="两委会调整")
        assert changed.version == 2 and changed.points == 8
        second = points.record_entry(session=session, actor=admin, household_id=household, rule_id=ids["good"]).entry
    with database.session() as session:
        book = points.passbook(session=session, actor=admin, household_id=household)
        history = points.rule_history(session=session, actor=admin, rule_id=ids["good"])
    assert (first.points, first.rule_version) == (5, 1)
    assert (second.points, second.rule_version) == (8, 2)
    assert [line.points for line in book.lines] == [5, 8] and [line.balance for line in book.lines] == [5, 13]
    assert "(version 1)" in book.lines[0].description or "第1版" in book.lines[0].description
    assert [(v.version, v.points) for v in history] == [(1, 5), (2, 8)]
    with database.unit(admin) as session, pytest.raises(ValidationError):
        points.change_rule(session=session, actor=admin, rule_id=ids["good"], points=9, reason="")


def test_the_ledger_is_append_only_and_corrected_by_reversals(world):
    database, admin, pop, ids = world
    household = pop.households[0].id
    with database.unit(admin) as session:
        earn(session, admin, household, ids["good"], times=2)
        wrong = points.record_entry(session=session, actor=admin, household_id=household, rule_id=ids["bad"],
                                    note="记错了户").entry
        assert points.balance(session=session, actor=admin, household_id=household) == 7
        reversal = points.reverse_entry(session=session, actor=admin, entry_id=wrong.id, reason="记错户，冲正")
        assert reversal.points == 3 and reversal.reverses_id == wrong.id and reversal.kind == points.REVERSAL
        assert points.balance(session=session, actor=admin, household_id=household) == 10
        with pytest.raises(StateError):
            points.reverse_entry(session=session, actor=admin, entry_id=wrong.id, reason="再冲一次")
        with pytest.raises(StateError):
            points.reverse_entry(session=session, actor=admin, entry_id=reversal.id, reason="冲正的冲正")
        actions = points.allowed_actions(session=session, actor=admin, entry_id=wrong.id)
        assert actions["reverse"]
    with database.session() as session:
        book = points.passbook(session=session, actor=admin, household_id=household)
        assert [line.balance for line in book.lines] == [5, 10, 7, 10]
        assert str(book.lines[2].seq) in book.lines[3].description  # names the entry it reverses
    with pytest.raises(TrackingError), database.unit(admin) as session:
        row = session.get(PointsEntry, wrong.id)
        row.points = -1
        session.add(row)
        session.flush()
    with pytest.raises(TrackingError), database.unit(admin) as session:
        session.delete(session.get(PointsEntry, wrong.id))
        session.flush()


def test_a_rule_that_needs_approval_makes_a_proposal(world):
    database, admin, pop, ids = world
    household = pop.households[1].id
    worker = actor(GRID_WORKER, "网格员小王")
    with database.unit(admin) as session:
        made = points.record_entry(session=session, actor=worker, household_id=household, rule_id=ids["big"],
                                   note="救起落水儿童")
        assert made.entry is None and made.proposal.state == points.PENDING
        assert points.balance(session=session, actor=admin, household_id=household) == 0
        with pytest.raises(PermissionDenied):
            points.approve_proposal(session=session, actor=worker, proposal_id=made.proposal.id)
        entry = points.approve_proposal(session=session, actor=admin, proposal_id=made.proposal.id)
        assert entry.points == 50 and entry.recorded_by == "网格员小王" and entry.approved_by == "李书记"
        with pytest.raises(StateError):
            points.reject_proposal(session=session, actor=admin, proposal_id=made.proposal.id, reason="重复")
        assert points.balance(session=session, actor=admin, household_id=household) == 50


def test_meeting_attendance_proposes_once_per_household(world):
    database, admin, pop, ids = world
    with database.unit(admin) as session:
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.REPRESENTATIVES_MEETING,
                                        title="村民代表会议", starts_at=at())
        roll = meetings.attendance(session=session, actor=admin, meeting_id=meeting.id)
        meetings.sign_in(session=session, actor=admin, meeting_id=meeting.id, attendance_ids=[a.id for a in roll][:3])
        with pytest.raises(StateError):
            points.propose_from_meeting(session=session, actor=admin, meeting_id=meeting.id, rule_id=ids["good"])
        meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id, held_on=at().date())
        made = points.propose_from_meeting(session=session, actor=admin, meeting_id=meeting.id, rule_id=ids["good"])
        again = points.propose_from_meeting(session=session, actor=admin, meeting_id=meeting.id, rule_id=ids["good"])
    representatives = [r.household_id for r in pop.representatives()]
    assert sorted(p.household_id for p in made) == sorted(representatives[:3]) and len(made) == 3
    assert again == []


def test_redemption_checks_balance_and_stock(world):
    database, admin, pop, ids = world
    household = pop.households[2].id
    keeper = actor(SHOP, "超市管理员")
    with database.unit(admin) as session:
        earn(session, admin, household, ids["good"], times=5)  # 25 points
    with database.unit(admin) as session:
        with pytest.raises(StateError) as refused:
            points.redeem(session=session, actor=keeper, household_id=household, goods_id=ids["soap"], quantity=3)
        assert "25" in str(refused.value) and "30" in str(refused.value)
        entry = points.redeem(session=session, actor=keeper, household_id=household, goods_id=ids["soap"], quantity=2)
        assert entry.points == -20 and entry.kind == points.REDEEM and entry.quantity == 2
        assert points.balance(session=session, actor=keeper, household_id=household) == 5
        with pytest.raises(StateError):
            points.redeem(session=session, actor=keeper, household_id=household, goods_id=ids["soap"])
        with pytest.raises(PermissionDenied):
            points.record_entry(session=session, actor=keeper, household_id=household, rule_id=ids["good"])
        with pytest.raises(PermissionDenied):
            points.redeem(session=session, actor=actor(GRID_WORKER), household_id=household, goods_id=ids["soap"])
    other = pop.households[3].id
    with database.unit(admin) as session:
        earn(session, admin, other, ids["good"], times=10)
        with pytest.raises(StateError) as refused:  # 1 left, 2 wanted
            points.redeem(session=session, actor=actor(CLERK), household_id=other, goods_id=ids["soap"], quantity=2)
        assert "1" in str(refused.value)
        points.redeem(session=session, actor=actor(CLERK), household_id=other, goods_id=ids["soap"])
        assert points.goods(session=session, actor=admin)[0].stock == 0
        # a returned item: the reversal restores points and stock
        points.reverse_entry(session=session, actor=admin, entry_id=entry.id, reason="退货")
        assert points.goods(session=session, actor=admin)[0].stock == 2
        assert points.balance(session=session, actor=admin, household_id=household) == 25
    with database.session() as session:
        book = points.passbook(session=session, actor=admin, household_id=household)
    assert book.spent == 20 and book.closing == 25 and min(line.balance for line in book.lines) >= 0


def _redeem_in_another_process(path: str, household_id: str, goods_id: str, start, results) -> None:
    from app import points as p
    from app.errors import StateError as Refused
    from db.engine import Database

    database = Database(path, migrate=False)
    keeper = Actor(user_id="", username="shop", display_name="超市管理员", role=SHOP)
    start.wait(30)
    try:
        with database.unit(keeper) as session:
            p.redeem(session=session, actor=keeper, household_id=household_id, goods_id=goods_id)
        results.put("ok")
    except Refused as exc:
        results.put(f"refused: {exc}")
    finally:
        database.dispose()


@pytest.mark.parametrize("scarce", ["stock", "balance"])
def test_two_counters_at_once_never_overdraw(world, scarce):
    """Two processes redeem at the same moment: with one item left (two households), or with
    points for one item only (one household), exactly one redemption goes through."""
    database, admin, pop, ids = world
    first, second = pop.households[4].id, pop.households[5].id
    with database.unit(admin) as session:
        earn(session, admin, first, ids["good"], times=2)  # 10 points: one item
        earn(session, admin, second, ids["good"], times=4)
        if scarce == "stock":
            points.restock(session=session, actor=admin, goods_id=ids["soap"], quantity=-2)  # 1 left
    buyers = [first, second] if scarce == "stock" else [first, first]
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=_redeem_in_another_process,
                               args=(str(database.path), buyer, ids["soap"], start, results)) for buyer in buyers]
    for worker in workers:
        worker.start()
    start.set()
    outcomes = sorted(results.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(30)
    assert outcomes[0] == "ok" and outcomes[1].startswith("refused"), outcomes
    with database.session() as session:
        stock = points.goods(session=session, actor=admin)[0].stock
        balances = [points.balance(session=session, actor=admin, household_id=h) for h in (first, second)]
    assert stock == (0 if scarce == "stock" else 2)
    assert min(balances) >= 0 and (scarce == "stock" or balances[0] == 0)


def test_rankings_and_the_board_are_opt_in_and_the_black_list_is_masked_unless_decided(world):
    database, admin, pop, ids = world
    start, end = D(TODAY.year, 1, 1), TODAY
    with database.unit(admin) as session:
        earn(session, admin, pop.households[0].id, ids["good"], times=3)
        earn(session, admin, pop.households[1].id, ids["good"], times=1)
        for _ in range(2):
            points.record_entry(session=session, actor=admin, household_id=pop.households[2].id, rule_id=ids["bad"],
                                note="乱倒垃圾，照片存档")
        with pytest.raises(StateError):
            points.ranking(session=session, actor=admin, start=start, end=end)
        with pytest.raises(StateError):
            points.board(session=session, actor=admin, start=start, end=end)
        with pytest.raises(PermissionDenied):
            points.set_board_settings(session=session, actor=actor(CLERK), ranking=True, red_black=True)
        points.set_board_settings(session=session, actor=admin, ranking=True, red_black=True, black_deducted=5)
        ranked = points.ranking(session=session, actor=admin, start=start, end=end)
        assert [(r.rank, r.points) for r in ranked][:2] == [(1, 15), (2, 5)]
        shown = points.board(session=session, actor=admin, start=start, end=end)
        assert [r.household_id for r in shown.black] == [pop.households[2].id] and shown.black[0].points == -6
        assert not shown.name_black and shown.decision is None
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.TWO_COMMITTEES, title="两委会",
                                        starts_at=at())
        with pytest.raises(ValidationError):  # not held yet
            points.record_board_decision(session=session, actor=admin, meeting_id=meeting.id, period_start=start,
                                         period_end=end, name_red=True, name_black=True)
        meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id, held_on=at().date())
        points.record_board_decision(session=session, actor=admin, meeting_id=meeting.id, period_start=start,
                                     period_end=end, name_red=False, name_black=True, summary="经两委会研究，黑榜实名公布")
        shown = points.board(session=session, actor=admin, start=start, end=end)
        assert shown.name_black and not shown.name_red and shown.decision.meeting_id == meeting.id


def test_household_search_by_pinyin_and_number(world):
    database, admin, pop, ids = world
    with database.unit(admin) as session:
        earn(session, admin, pop.households[0].id, ids["good"])
        found = points.household_choices(session=session, actor=actor(SHOP), query=pop.households[0].number)
    assert found and found[0].household_id == pop.households[0].id and found[0].balance == 5


# ---------------------------------------------------------------- printed documents (all three areas)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory, _migrated_template):
    import shutil

    from app import demo, people
    from db.engine import Database

    path = tmp_path_factory.mktemp("points-demo") / "village.sqlite3"
    shutil.copyfile(_migrated_template, path)
    database = Database(path)
    with database.unit() as session:
        admin = people.setup_village(session=session, name="青石村", code="510112104201", township="龙泉镇",
                                     committee_name="", supervision_phone="028-84851234", admin_username="admin",
                                     admin_password="secret-pass", admin_display_name="李书记")
    database.refresh_village_code()
    with database.unit(admin) as session:
        demo.generate(session=session, actor=admin, size="small", seed=5)
    yield database, admin
    database.dispose()


PUBLIC_KINDS = ("volunteer_hours", "points_ranking", "points_board", "award_publicity", "award_honours")


@pytest.mark.parametrize("kind", PUBLIC_KINDS)
def test_every_public_poster_is_de_identified_except_the_names_it_publishes(demo_store, kind, tmp_path):
    """Print each public kind (``--id latest``) and read the PDF's text: no registered name in full,
    except the nominees of a 公示 and the honoured on a roll; no phone or ID number."""
    import re

    from pdftools import text as pdf_text
    from sqlmodel import select

    from app.printing import print_kind
    from db.models.awards import AwardHonour, AwardNomination
    from db.models.people import Household, Resident

    database, admin = demo_store
    out = tmp_path / f"{kind}.pdf"
    with database.unit(admin) as session:
        print_kind(kind, session=session, actor=admin, ident="latest", out=out)
        names = {n for n in session.exec(select(Resident.name)) if len(n) >= 2}
        names |= {n for n in session.exec(select(Household.head_name)) if len(n) >= 2}
        published: set[str] = set()
        if kind == "award_publicity":
            published = {n.name.removesuffix("户") for n in session.exec(
                select(AwardNomination).where(AwardNomination.review == "approved"))}
        elif kind == "award_honours":
            published = {h.name.removesuffix("户") for h in session.exec(select(AwardHonour))}
    printed = pdf_text(out).replace("\n", "")
    assert "*" in printed or published, "nothing was masked: the poster names nobody?"
    # a published 何超杰 contains a registered 何超: look for leaks outside the published names
    rest = printed
    for name in sorted(published, key=len, reverse=True):
        rest = rest.replace(name, "")
    shown = {n for n in names - published if n in rest}
    assert not shown, f"{kind} prints registered names in full: {sorted(shown)[:5]}"
    if published:
        assert any(n in printed for n in published), "the names the 公示 exists to publish are printed in full"
    assert not re.search(r"1[3-9]\d{9}", printed) and not re.search(r"\d{17}[\dXx]", printed)


def test_the_black_list_is_named_only_by_a_recorded_decision(demo_store, tmp_path):
    from pdftools import text as pdf_text

    from app.printing import build_document

    database, admin = demo_store
    start, end = D(TODAY.year, 1, 1), min(D(TODAY.year, 12, 31), TODAY)
    with database.unit(admin) as session:
        shown = points.board(session=session, actor=admin, start=start, end=end)
        assert shown.black, "the demo has households on the black list"
        heads = [r.head for r in shown.black if len(r.head) >= 2]
        masked = build_document("points_board", session=session, actor=admin, ident=str(TODAY.year))
        session.rollback()
    # one sheet: one table, the 红榜 and the 黑榜 side by side (No., red, earned, black, deducted)
    table = next(b for b in masked.blocks if getattr(b, "columns", None) and b.column("black"))
    black = [row[3] for row in table.rows if row[3]]
    assert black and all("*" in name for name in black)
    with database.unit(admin) as session:
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.TWO_COMMITTEES, title="两委会",
                                        starts_at=at(TODAY - dt.timedelta(days=1)))
        meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id, held_on=TODAY - dt.timedelta(days=1))
        points.record_board_decision(session=session, actor=admin, meeting_id=meeting.id, period_start=start,
                                     period_end=end, name_red=False, name_black=True, summary="黑榜实名公布")
        named = build_document("points_board", session=session, actor=admin, ident=str(TODAY.year))
        session.rollback()
    table = next(b for b in named.blocks if getattr(b, "columns", None) and b.column("black"))
    assert [row[3] for row in table.rows][:len(heads)] == [r.head for r in shown.black][:len(heads)]
    assert any("两委会" in getattr(b, "text", "") for b in named.blocks)
    assert all("*" in row[1] or row[1] in ("—", "") for row in table.rows)


def test_the_passbook_prints_every_movement_with_its_running_balance(demo_store, tmp_path):
    from pdftools import text as pdf_text

    from app.printing import print_kind

    database, admin = demo_store
    with database.unit(admin) as session:
        household = points.household_choices(session=session, actor=admin, query="0")[0]
        book = points.passbook(session=session, actor=admin, household_id=household.household_id)
        print_kind("points_passbook", session=session, actor=admin, ident=household.household_id,
                   out=tmp_path / "book.pdf")
    printed = pdf_text(tmp_path / "book.pdf")
    assert book.lines and book.closing == household.balance
    assert all(line.balance == sum(x.points for x in book.lines[:i + 1]) for i, line in enumerate(book.lines))
    assert str(book.lines[-1].balance) in printed
