"""The service says what a role may do with a record and why not; the GUI only shows it."""
from __future__ import annotations

import pytest

from app import notices, people
from app.auth import Actor
from app.errors import PermissionDenied

CLERK = Actor(user_id="", username="clerk", display_name="文书", role="clerk")
TOWNSHIP = Actor(user_id="", username="town", display_name="乡镇", role="township")
WORKER = Actor(user_id="", username="grid", display_name="网格员", role="grid_worker")

TABLE = {"columns": [{"key": "name", "header": "姓名", "sensitive": "name"},
                     {"key": "phone", "header": "电话", "sensitive": "phone"},
                     {"key": "id", "header": "身份证号", "sensitive": "id_number"},
                     {"key": "note", "header": "备注"}],
         "rows": [["张三丰", "13812341234", "51011219900101123X", "联系 13998765432"]]}


def test_notice_actions_follow_state_and_role(village):
    database, admin = village
    with database.unit(admin) as session:
        notice = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            title="公示", body="正文", table=TABLE))
        draft = notices.allowed_actions(session=session, actor=admin, record_id=notice.id)
        assert draft["edit"] is None and draft["issue"] is None and draft["delete"] is None
        assert draft["unmask"] is None and draft["post"] and draft["take_down"] and draft["correct"]
        clerk = notices.allowed_actions(session=session, actor=CLERK, record_id=notice.id)
        assert clerk["edit"] is None and clerk["unmask"]  # only the secretary unmasks
        town = notices.allowed_actions(session=session, actor=TOWNSHIP, record_id=notice.id)
        assert all(town[key] for key in ("edit", "issue", "delete", "unmask", "new")) and town["open"] is None
        issued = notices.issue_notice(session=session, actor=admin, notice_id=notice.id)
        after = notices.allowed_actions(session=session, actor=admin, record_id=notice.id)
        assert after["post"] is None and after["correct"] is None
        assert issued.number in after["edit"] and after["delete"] and after["take_down"]
        row = notices.notice_rows(session=session, actor=admin, ids=[notice.id])[0]
        assert row.actions == after


def test_notice_form_is_masked_for_those_who_may_not_edit(village):
    database, admin = village
    with database.unit(admin) as session:
        notice_id = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            title="公示", body="正文", table=TABLE)).id
        full = notices.notice_form(session=session, actor=admin, notice_id=notice_id).table["rows"][0]
        assert full == TABLE["rows"][0]
        seen = notices.notice_form(session=session, actor=TOWNSHIP, notice_id=notice_id).table["rows"][0]
        assert "13812341234" not in seen[1] and "51011219900101123X" not in seen[2]
        assert "13998765432" not in seen[3] and seen[0] == "张三丰"
        # and the stored notice is untouched
        assert notices.notice_form(session=session, actor=admin, notice_id=notice_id).table["rows"][0] == full


def test_household_actions_explain_why_not(village):
    database, admin = village
    with database.unit(admin) as session:
        household = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="王大"))
        empty = people.allowed_actions(session=session, actor=admin, record_id=household.id, kind="household")
        assert empty["delete"] is None and empty["edit"] is None
        # the 户主 made by the household form goes with the household; another member does not
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="王小", gender="M", household_id=household.id, relation="son"))
        full = people.allowed_actions(session=session, actor=admin, record_id=household.id, kind="household")
        assert "2" in full["delete"]
        row = people.household_rows(session=session, actor=admin, ids=[household.id])[0]
        assert row.actions == full
        assert people.allowed_actions(session=session, actor=WORKER, kind="resident")["new"] is None
        assert people.allowed_actions(session=session, actor=WORKER, kind="village")["edit"]
        assert people.allowed_actions(session=session, actor=TOWNSHIP, kind="resident")["new"]
        with pytest.raises(PermissionDenied):
            people.allowed_actions(session=session, actor=TOWNSHIP, record_id=household.id, kind="household")


def test_returned_records_are_plain_data(village):
    database, admin = village
    with database.unit(admin) as session:
        household = people.save_household(session=session, actor=admin, form=people.HouseholdForm(head_name="王大"))
        assert isinstance(household, people.HouseholdView) and household.head_name == "王大"
        with pytest.raises(AttributeError):
            household.head_name = "李四"  # frozen: cannot be saved back by accident
        assert people.get_profile(session=session, actor=admin).name == "青石村"


@pytest.mark.parametrize("role", ["secretary", "clerk", "mediator", "grid_worker", "township"])
def test_every_register_says_who_may_add_to_it(village, role):
    """The register-level question (no record) is the area's, for every area: ``new`` is allowed
    exactly when the role holds the area's edit permission, and a refusal says why."""
    from app import concerns, deliberation, meetings

    database, admin = village
    actor = Actor(user_id="", username=role, display_name=role, role=role)
    asked = {"concerns.edit": lambda s: concerns.allowed_actions(session=s, actor=actor),
             "meetings.edit": lambda s: meetings.allowed_actions(session=s, actor=actor),
             "deliberation.edit": lambda s: deliberation.allowed_actions(session=s, actor=actor),
             "notices.edit": lambda s: notices.allowed_actions(session=s, actor=actor),
             "people.edit": lambda s: people.allowed_actions(session=s, actor=actor, kind="resident")}
    with database.unit(admin) as session:
        for permission, ask in asked.items():
            try:
                new = ask(session)["new"]
            except PermissionDenied:
                assert not actor.can(permission)  # may not even look at the register
                continue
            assert (new is None) == actor.can(permission), permission
            assert new is None or new.strip()


@pytest.mark.gui
def test_new_buttons_follow_the_area_not_the_widget(sign_in, village):
    from app import auth

    database, admin = village
    with database.unit(admin) as session:
        auth.create_user(session=session, actor=admin, username="tiaojie", password="long-enough",
                         role=auth.MEDIATOR)  # reads meetings and concerns, adds none
    win = sign_in(database, username="tiaojie", password="long-enough")
    for key in ("concerns", "meetings", "deliberation"):
        page = win.open_area(key)
        assert not page.new_button.isEnabled(), key
        assert page.new_button.toolTip(), key  # and says why
        assert page.new_item() is False
