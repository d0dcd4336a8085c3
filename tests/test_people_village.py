"""村情: the village profile, 村民小组 and 网格 — changed field by field, removed only when empty."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from app import auth, people
from app.people import queries as people_queries
from app.errors import NotFound, PermissionDenied, StateError, ValidationError
from db.models.people import Grid, VillageGroup, VillageProfile
from db.tracking import AuditEntry


def live(database, model):
    with database.session() as session:
        return session.exec(select(func.count()).select_from(model).where(model.deleted_at.is_(None))).one()


@pytest.fixture
def clerk_and_grid_worker(village):
    database, admin = village
    with database.unit(admin) as session:
        clerk = auth.create_user(session=session, actor=admin, username="clerk", password="long-enough", role=auth.CLERK)
        worker = auth.create_user(session=session, actor=admin, username="grid", password="long-enough",
                                  role=auth.GRID_WORKER)
    return clerk, worker


# ---------------------------------------------------------------- profile


def test_profile_is_changed_but_its_code_stays(village):
    database, admin = village
    with database.unit(admin) as session:
        people.update_profile(session=session, actor=admin, name="青石社区", township="龙泉街道",
                              committee_name="", supervision_phone="13800001111")
    with database.session() as session:
        profile = people_queries.get_profile(session)
        assert (profile.name, profile.township, profile.supervision_phone) == ("青石社区", "龙泉街道", "13800001111")
        assert profile.code == "510112104201"
        assert profile.committee_name == "青石社区村民委员会"  # an empty committee name gets the usual one
        overview = people.village_overview(session=session, actor=admin)
        assert overview.name == "青石社区" and overview.code == "510112104201"


def test_bad_profile_is_refused_field_by_field_and_nothing_changes(village):
    database, admin = village
    with pytest.raises(ValidationError) as info:
        with database.unit(admin) as session:
            people.update_profile(session=session, actor=admin, name=" ", township="镇" * 65,
                                  committee_name="会" * 129, supervision_phone="12")
    assert set(info.value.errors) == {"name", "township", "committee_name", "supervision_phone"}
    with database.session() as session:
        assert people_queries.get_profile(session).name == "青石村"


def test_only_the_office_changes_the_village(village, clerk_and_grid_worker):
    database, _admin = village
    clerk, grid_worker = clerk_and_grid_worker
    with database.unit(clerk) as session:
        people.update_profile(session=session, actor=clerk, name="青石村", township="龙泉镇",
                              committee_name="青石村民委员会", supervision_phone="")
        people.add_group(session=session, actor=clerk, name="一组")
    for call in (
        lambda s: people.update_profile(session=s, actor=grid_worker, name="x", township="", committee_name="",
                                        supervision_phone=""),
        lambda s: people.add_group(session=s, actor=grid_worker, name="二组"),
        lambda s: people.add_grid(session=s, actor=grid_worker, name="一号网格"),
    ):
        with pytest.raises(PermissionDenied):
            with database.unit(grid_worker) as session:
                call(session)
    assert live(database, VillageGroup) == 1 and live(database, Grid) == 0


# ---------------------------------------------------------------- groups


def test_group_numbers_default_to_the_next_free_one_and_must_be_unique(village):
    database, admin = village
    with database.unit(admin) as session:
        first = people.add_group(session=session, actor=admin, name="一组")
        third = people.add_group(session=session, actor=admin, name="三组", number="3")
        fourth = people.add_group(session=session, actor=admin, name="四组", leader_name="王组长")
    assert (first.number, third.number, fourth.number) == (1, 3, 4)
    with pytest.raises(ValidationError) as info:
        with database.unit(admin) as session:
            people.add_group(session=session, actor=admin, name="一组", number=3, leader_name="王2")
    assert set(info.value.errors) == {"name", "number", "leader_name"}
    assert "三组" in info.value.errors["number"]
    for bad in ("0", "x", "1000", -2):
        with pytest.raises(ValidationError) as info:
            with database.unit(admin) as session:
                people.add_group(session=session, actor=admin, name="五组", number=bad)
        assert set(info.value.errors) == {"number"}
    assert live(database, VillageGroup) == 3


def test_update_group_checks_every_field_and_keeps_its_own_name_and_number(village):
    database, admin = village
    with database.unit(admin) as session:
        one = people.add_group(session=session, actor=admin, name="一组")
        people.add_group(session=session, actor=admin, name="二组")
    with database.unit(admin) as session:  # unchanged name and number are not a clash with itself
        people.update_group(session=session, actor=admin, group_id=one.id, name="一组", number=1, leader_name="李明")
    with pytest.raises(ValidationError) as info:
        with database.unit(admin) as session:
            people.update_group(session=session, actor=admin, group_id=one.id, name="二组", number=2,
                                leader_name="x" * 40)
    assert set(info.value.errors) == {"name", "number", "leader_name"}
    with pytest.raises(ValidationError) as info:
        with database.unit(admin) as session:
            people.update_group(session=session, actor=admin, group_id=one.id, name="", number="")
    assert set(info.value.errors) == {"name"}
    with database.session() as session:
        group = session.get(VillageGroup, one.id)
        assert (group.name, group.number, group.leader_name) == ("一组", 1, "李明")


def test_group_with_households_or_grids_is_not_deleted(village):
    database, admin = village
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组")
        grid = people.add_grid(session=session, actor=admin, name="一组第1网格", group_id=group.id)
        home = people.save_household(session=session, actor=admin,
                                     form=people.HouseholdForm(head_name="张三", group_id=group.id))
    with pytest.raises(StateError) as info:
        with database.unit(admin) as session:
            people.delete_group(session=session, actor=admin, group_id=group.id)
    assert "1" in info.value.message and "一组" in info.value.message
    with database.unit(admin) as session:
        people.save_household(session=session, actor=admin, household_id=home.id,
                              form=people.HouseholdForm(head_name="张三"))
    with pytest.raises(StateError):  # the grid still belongs to it
        with database.unit(admin) as session:
            people.delete_group(session=session, actor=admin, group_id=group.id)
    with database.unit(admin) as session:
        people.update_grid(session=session, actor=admin, grid_id=grid.id, name="一组第1网格", group_id=None)
        people.delete_group(session=session, actor=admin, group_id=group.id)
    assert live(database, VillageGroup) == 0
    with database.session() as session:  # soft: tombstoned, still there, and the deletion audited
        assert session.get(VillageGroup, group.id, execution_options={"include_deleted": True}).deleted_at is not None
        actions = [e.action for e in session.exec(select(AuditEntry).where(AuditEntry.row_id == group.id))]
        assert actions[0] == "insert" and actions[-1] == "delete"
    with pytest.raises(NotFound):
        with database.unit(admin) as session:
            people.update_group(session=session, actor=admin, group_id=group.id, name="一组", number=1)
    with pytest.raises(ValidationError) as info:  # a stale dialog cannot put a household in it
        with database.unit(admin) as session:
            people.save_household(session=session, actor=admin,
                                  form=people.HouseholdForm(head_name="李四", group_id=group.id))
    assert set(info.value.errors) == {"group_id"}
    with database.unit(admin) as session:  # the name is free again
        assert people.add_group(session=session, actor=admin, name="一组").number == 1


# ---------------------------------------------------------------- grids


def test_grid_is_added_and_changed_field_by_field(village):
    database, admin = village
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组")
        grid = people.add_grid(session=session, actor=admin, name="一号网格", group_id=group.id, leader_name="王五",
                               leader_phone="138 0000 1111", area_leader_name="赵六")
    assert grid.leader_phone == "13800001111"
    with pytest.raises(ValidationError) as info:
        with database.unit(admin) as session:
            people.add_grid(session=session, actor=admin, name="一号网格", group_id="no-such-group",
                            leader_name="王5", leader_phone="123", area_leader_name="赵" * 40)
    assert set(info.value.errors) == {"name", "group_id", "leader_name", "leader_phone", "area_leader_name"}
    with database.unit(admin) as session:
        people.add_grid(session=session, actor=admin, name="二号网格")
    with pytest.raises(ValidationError) as info:
        with database.unit(admin) as session:
            people.update_grid(session=session, actor=admin, grid_id=grid.id, name="二号网格", group_id=group.id,
                               leader_phone="12")
    assert set(info.value.errors) == {"name", "leader_phone"}
    with database.unit(admin) as session:
        people.update_grid(session=session, actor=admin, grid_id=grid.id, name="一号网格", group_id=None,
                           leader_name="孙七", leader_phone="", area_leader_name="")
    with database.session() as session:
        stored = session.get(Grid, grid.id)
        assert (stored.group_id, stored.leader_name, stored.leader_phone, stored.area_leader_name) == (None, "孙七", "", "")


def test_grid_with_households_is_not_deleted(village):
    database, admin = village
    with database.unit(admin) as session:
        grid = people.add_grid(session=session, actor=admin, name="一号网格")
        for name in ("张三", "李四"):
            people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name=name, grid_id=grid.id))
    with pytest.raises(StateError) as info:
        with database.unit(admin) as session:
            people.delete_grid(session=session, actor=admin, grid_id=grid.id)
    assert "2" in info.value.message
    assert live(database, Grid) == 1
    with database.session() as session:
        overview = people.village_overview(session=session, actor=admin)
    assert [(g.name, g.households) for g in overview.grids] == [("一号网格", 2)]


def test_deleting_an_empty_grid_and_a_deleted_grid_cannot_be_picked(village):
    database, admin = village
    with database.unit(admin) as session:
        grid = people.add_grid(session=session, actor=admin, name="一号网格")
    with database.unit(admin) as session:
        people.delete_grid(session=session, actor=admin, grid_id=grid.id)
    assert live(database, Grid) == 0
    with pytest.raises(ValidationError) as info:
        with database.unit(admin) as session:
            people.save_household(session=session, actor=admin,
                                  form=people.HouseholdForm(head_name="张三", grid_id=grid.id))
    assert set(info.value.errors) == {"grid_id"}
    with pytest.raises(NotFound):
        with database.unit(admin) as session:
            people.delete_grid(session=session, actor=admin, grid_id=grid.id)


def test_overview_lists_groups_in_number_order_with_their_counts(village):
    database, admin = village
    with database.unit(admin) as session:
        two = people.add_group(session=session, actor=admin, name="二组", number=2)
        one = people.add_group(session=session, actor=admin, name="一组", number=1)
        people.add_grid(session=session, actor=admin, name="无组网格")
        people.add_grid(session=session, actor=admin, name="二组网格", group_id=two.id)
        people.add_grid(session=session, actor=admin, name="一组网格", group_id=one.id)
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="张三", group_id=two.id))
    with database.session() as session:
        overview = people.village_overview(session=session, actor=admin)
        assert [(g.number, g.name, g.households, g.grids) for g in overview.groups] == [
            (1, "一组", 0, 1), (2, "二组", 1, 1)]
        assert [(g.name, g.group_name) for g in overview.grids] == [("一组网格", "一组"), ("二组网格", "二组"), ("无组网格", "")]
        assert overview.supervision_phone == "02884851234"
        assert live(database, VillageProfile) == 1


def test_overview_counts_each_live_household_once_by_its_group_and_its_grid(village):
    """The households are counted in one pass by group and grid together: a household in a group
    and a grid counts for both, one in a grid only (or a group only) for that one, a deleted one
    for none."""
    database, admin = village
    with database.unit(admin) as session:
        one = people.add_group(session=session, actor=admin, name="一组", number=1)
        in_one = people.add_grid(session=session, actor=admin, name="一组网格", group_id=one.id)
        loose = people.add_grid(session=session, actor=admin, name="无组网格")
        form = people.HouseholdForm
        people.save_household(session=session, actor=admin, form=form(head_name="张一", group_id=one.id, grid_id=in_one.id))
        people.save_household(session=session, actor=admin, form=form(head_name="张二", group_id=one.id))
        people.save_household(session=session, actor=admin, form=form(head_name="张三", grid_id=loose.id))
        gone = people.save_household(session=session, actor=admin, form=form(head_name="张四", group_id=one.id,
                                                                              grid_id=loose.id))
    with database.unit(admin) as session:
        household_id = gone if isinstance(gone, str) else gone.id
        people.delete_household(session=session, actor=admin, household_id=household_id)
    with database.session() as session:
        overview = people.village_overview(session=session, actor=admin)
    assert [(g.name, g.households, g.grids) for g in overview.groups] == [("一组", 2, 1)]
    assert sorted((g.name, g.households) for g in overview.grids) == [("一组网格", 1), ("无组网格", 1)]
