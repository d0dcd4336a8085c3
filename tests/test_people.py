"""The people register's rules: forms refused field by field, nothing saved on error."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from app import auth, people
from app.people import queries as people_queries
from app.errors import PermissionDenied, StateError, ValidationError
from db.models.people import Household, Resident, VillageProfile

VALID_ID = "11010519491231002X"


def count(database, model):
    with database.session() as session:
        return session.exec(select(func.count()).select_from(model).where(model.deleted_at.is_(None))).one()


def test_setup_village_creates_profile_and_admin(village):
    database, admin = village
    assert admin.role == auth.SECRETARY
    assert database.village_code == "510112104201"
    with database.session() as session:
        profile = people_queries.get_profile(session)
        assert profile.name == "青石村" and profile.supervision_phone == "02884851234"
        assert profile.village_code == profile.code


def test_setup_refuses_bad_fields_all_at_once_and_saves_nothing(database):
    with pytest.raises(ValidationError) as info:
        with database.unit() as session:
            people.setup_village(session=session, name="", code="123", township="镇", supervision_phone="12",
                                 admin_username="a b", admin_password="short")
    assert set(info.value.errors) == {"name", "code", "supervision_phone", "admin_username", "admin_password"}
    assert count(database, VillageProfile) == 0
    with database.session() as session:
        assert auth.user_count(session) == 0


def test_setup_twice_is_refused(village):
    database, _admin = village
    with pytest.raises(StateError):
        with database.unit() as session:
            people.setup_village(session=session, name="x", code="510112104202", township="t",
                                 admin_username="other", admin_password="long-enough")


def test_resident_derives_birth_date_and_gender_from_id(village):
    database, admin = village
    with database.unit(admin) as session:
        resident = people.save_resident(session=session, actor=admin,
                                        form=people.ResidentForm(name="王芳", id_number=VALID_ID.lower()))
    assert resident.gender == "F" and str(resident.birth_date) == "1949-12-31"
    assert resident.id_number == VALID_ID


def test_invalid_resident_is_refused_field_by_field_and_nothing_saved(village):
    database, admin = village
    form = people.ResidentForm(name="", id_number="110105194912310021", phone="12345", relation="cousin", status="x")
    with pytest.raises(ValidationError) as info:
        with database.unit(admin) as session:
            people.save_resident(session=session, actor=admin, form=form)
    assert set(info.value.errors) == {"name", "id_number", "phone", "relation", "status"}
    assert count(database, Resident) == 0


def test_gender_must_match_id_number(village):
    database, admin = village
    with pytest.raises(ValidationError) as info:
        with database.unit(admin) as session:
            people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="王芳", id_number=VALID_ID, gender="M"))
    assert set(info.value.errors) == {"gender"}


def test_duplicate_id_number_is_refused_but_editing_oneself_is_fine(village):
    database, admin = village
    with database.unit(admin) as session:
        first = people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="王芳", id_number=VALID_ID))
    with pytest.raises(ValidationError) as info:
        with database.unit(admin) as session:
            people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="王芳芳", id_number=VALID_ID))
    assert "id_number" in info.value.errors
    with database.unit(admin) as session:
        people.save_resident(session=session, actor=admin, resident_id=first.id,
                             form=people.ResidentForm(name="王芳", id_number=VALID_ID, phone="13800001111"))
    assert count(database, Resident) == 1


def test_deleted_resident_frees_the_id_number(village):
    database, admin = village
    with database.unit(admin) as session:
        first = people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="王芳", id_number=VALID_ID))
    with database.unit(admin) as session:
        people.delete_resident(session=session, actor=admin, resident_id=first.id)
    with database.unit(admin) as session:
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="王芳", id_number=VALID_ID))
    assert count(database, Resident) == 1


def test_head_of_household_names_the_household(village):
    """A new head (relation 户主) names the household; the former head stays a member, so there
    is always exactly one 户主 (issue 10, item 5)."""
    database, admin = village
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组")
        household = people.save_household(session=session, actor=admin,
                                          form=people.HouseholdForm(head_name="赵大", group_id=group.id))
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="赵六", gender="M", household_id=household.id, relation="head"))
    with database.session() as session:
        assert session.get(Household, household.id).head_name == "赵六"
        rows = people.household_rows(session=session, actor=admin, ids=[household.id])
        assert rows[0].members == 2 and rows[0].group_name == "一组"
        heads = session.exec(select(Resident.name).where(Resident.household_id == household.id,
                                                         Resident.relation == "head")).all()
        assert heads == ["赵六"]


def test_household_with_members_cannot_be_deleted(village):
    database, admin = village
    with database.unit(admin) as session:
        household = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="钱七"))
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="钱七", gender="M", household_id=household.id, relation="head"))
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="钱小七", gender="M", household_id=household.id, relation="son"))
    with pytest.raises(StateError):  # a 户主 alone goes with the household; other members do not
        with database.unit(admin) as session:
            people.delete_household(session=session, actor=admin, household_id=household.id)
    assert count(database, Household) == 1


def test_household_number_is_unique_and_tags_known(village):
    database, admin = village
    with database.unit(admin) as session:
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="孙八", number="A1"))
    with pytest.raises(ValidationError) as info:
        with database.unit(admin) as session:
            people.save_household(session=session, actor=admin,
                                  form=people.HouseholdForm(head_name="孙九", number="A1", tags=["rich"]))
    assert set(info.value.errors) == {"number", "tags"}


def test_roles_are_enforced(village):
    database, admin = village
    with database.unit(admin) as session:
        viewer = auth.create_user(session=session, actor=admin, username="town", password="long-enough", role=auth.TOWNSHIP)
        own = people.add_grid(session=session, actor=admin, name="一组第1网格")
        home = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="周大", grid_id=own.id))
        grid = auth.create_user(session=session, actor=admin, username="grid", password="long-enough", role=auth.GRID_WORKER,
                                grid_id=own.id)
    with database.unit(grid) as session:  # a grid worker: the households of their own grid (docs/roles.md)
        people.save_resident(session=session, actor=grid, form=people.ResidentForm(name="周一", gender="M",
                                                                                  household_id=home.id))
        with pytest.raises(PermissionDenied):
            auth.create_user(session=session, actor=grid, username="x", password="long-enough", role=auth.CLERK)
    with database.session() as session:
        with pytest.raises(PermissionDenied) as info:
            people.resident_ids(session=session, actor=viewer)
    assert info.value.message  # a sentence for the user


def test_wrong_password_is_refused(village):
    database, _admin = village
    from app.errors import AuthenticationFailed

    with database.unit() as session:
        assert auth.authenticate(session=session, username="admin", password="secret-pass").role == auth.SECRETARY
        with pytest.raises(AuthenticationFailed):
            auth.authenticate(session=session, username="admin", password="Secret-pass")
        with pytest.raises(AuthenticationFailed):
            auth.authenticate(session=session, username="nobody", password="secret-pass")


def test_stored_password_is_an_argon2id_hash(village):
    database, _admin = village
    from db.models.accounts import User

    with database.session() as session:
        stored = session.exec(select(User)).one().password_hash
    assert stored.startswith("$argon2id$") and "secret-pass" not in stored


def test_township_reads_summaries_but_not_the_register(village):
    from app.stats import collect

    database, admin = village
    with database.unit(admin) as session:
        viewer = auth.create_user(session=session, actor=admin, username="town2", password="long-enough",
                                  role=auth.TOWNSHIP)
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(name="吴一", gender="M"))
    with database.session() as session:
        summary = collect(session=session, actor=viewer)
        assert summary["people"]["residents"] == 1
        assert {"meetings", "concerns", "notices"} <= set(summary)
        with pytest.raises(PermissionDenied):
            people.resident_ids(session=session, actor=viewer)
