"""Issue 8, item 9: the role × action matrix of docs/roles.md, enforced in the core.

Every public function of every area package (``app.areas.AREAS`` → the package's ``__init__``
functions taking ``session`` and ``actor``) is *called* for every role on a small village, with
minimal arguments, inside a unit that is rolled back. A :class:`PermissionDenied` means refused;
returning, or any other expected error (a validation, state or not-found error: the permission
check passed), means allowed. The outcome must match the matrix below — written out by hand, not
derived from :data:`app.auth.PERMISSIONS` — and the table must name every public function, so a
new one cannot slip in unchecked. Row-level rules (a grid worker's own grid, masked numbers, the
private roster, deleting people) have their own tests below.
"""
from __future__ import annotations

import datetime as dt
import importlib
import inspect
from pathlib import Path

import pytest

from app import auth
from app.auth import CLERK, GRID_WORKER, MEDIATOR, SECRETARY, SHOP, TOWNSHIP, Actor
from app.errors import NotFound, PermissionDenied, StateError, ValidationError

ROLES = (SECRETARY, CLERK, MEDIATOR, GRID_WORKER, TOWNSHIP, SHOP)
S, C, M, G, T, K = ROLES
VILLAGE = {S, C, M, G}
OFFICE = {S, C}

# docs/roles.md, first table: permission → the roles that hold it.
MATRIX: dict[str, set[str]] = {
    "users.manage": {S},
    "village.edit": OFFICE,
    "people.view": VILLAGE,
    "people.edit": OFFICE | {G},
    "people.delete": OFFICE,
    "people.numbers": OFFICE,
    "notices.view": VILLAGE | {T},
    "notices.edit": OFFICE,
    "notices.unmask": {S},
    "meetings.view": VILLAGE,
    "meetings.edit": OFFICE,
    "minutes.approve": {S},
    "concerns.view": VILLAGE,
    "concerns.edit": OFFICE | {G},
    "deliberation.edit": OFFICE,
    "mediation.view": {S, M},
    "mediation.edit": {S, M},
    "volunteers.edit": OFFICE | {G},
    "points.edit": OFFICE | {G},
    "points.approve": {S},
    "points.redeem": OFFICE | {K},
    "points.view": VILLAGE | {K},
    "awards.edit": OFFICE,
    "awards.approve": {S},
    "stats.view": VILLAGE | {T},
    "sync.export": OFFICE,
    "sync.import": OFFICE | {T},
    "backup.run": OFFICE,
    "backup.restore": {S},
}
EVERYONE = set(ROLES)
VIEW_PEOPLE = VILLAGE
STATS = VILLAGE | {T}

# docs/roles.md, second table: every public function → the roles allowed to call it.
FUNCTIONS: dict[str, set[str]] = {
    # people
    "people.add_grid": OFFICE, "people.add_group": OFFICE, "people.update_grid": OFFICE,
    "people.update_group": OFFICE, "people.delete_grid": OFFICE, "people.delete_group": OFFICE,
    "people.update_profile": OFFICE,
    "people.allowed_actions": EVERYONE,  # without a record: what the role may do, asked by any role
    "people.delete_household": OFFICE, "people.delete_resident": OFFICE,
    "people.get_profile": VILLAGE | {T}, "people.village_profile": VILLAGE | {T},
    "people.grid_choices": VIEW_PEOPLE, "people.group_choices": VIEW_PEOPLE,
    "people.household_form": VIEW_PEOPLE, "people.household_ids": VIEW_PEOPLE,
    "people.household_rows": VIEW_PEOPLE, "people.resident_form": VIEW_PEOPLE,
    "people.resident_ids": VIEW_PEOPLE, "people.resident_rows": VIEW_PEOPLE, "people.resident_count": VIEW_PEOPLE,
    "people.resident_search_index": VIEW_PEOPLE,
    "people.village_overview": VIEW_PEOPLE,
    "people.save_household": OFFICE | {G}, "people.save_resident": OFFICE | {G},
    "people.setup_village": {S},
    "people.start_state": EVERYONE,
    "people.stats": STATS,
    "people.plan_excel_import": OFFICE, "people.import_excel": OFFICE,  # a whole register: the office
    # meetings
    "meetings.add_addendum": OFFICE, "meetings.add_agenda_item": OFFICE, "meetings.cancel_meeting": OFFICE,
    "meetings.invite_guest": OFFICE, "meetings.mark_held": OFFICE, "meetings.plan_meeting": OFFICE,
    "meetings.publish_meeting": OFFICE, "meetings.record_decision": OFFICE, "meetings.record_vote": OFFICE,
    "meetings.save_minutes": OFFICE, "meetings.set_head_count": OFFICE, "meetings.sign_in": OFFICE,
    "meetings.update_meeting": OFFICE, "meetings.set_committee_members": OFFICE,
    "meetings.approve_minutes": {S},
    "meetings.agenda": VILLAGE, "meetings.allowed_actions": VILLAGE, "meetings.attendance": VILLAGE,
    "meetings.attendance_summary": VILLAGE, "meetings.meeting": VILLAGE, "meetings.meeting_ids": VILLAGE,
    "meetings.meeting_record": VILLAGE, "meetings.meeting_rows": VILLAGE, "meetings.held_meeting_choices": VILLAGE, "meetings.meetings_by_day": VILLAGE,
    "meetings.minutes": VILLAGE, "meetings.scope_choices": VILLAGE, "meetings.votes": VILLAGE,
    "meetings.draft_minutes": VILLAGE,
    "meetings.stats": STATS,
    # concerns
    "concerns.add_progress_note": OFFICE | {G}, "concerns.assign_concern": OFFICE | {G},
    "concerns.close_concern": OFFICE | {G}, "concerns.escalate_concern": OFFICE | {G},
    "concerns.raise_concern": OFFICE | {G}, "concerns.raiser_choices": OFFICE | {G},
    "concerns.record_satisfaction": OFFICE | {G},
    "concerns.allowed_actions": VILLAGE, "concerns.concern": VILLAGE, "concerns.concern_ids": VILLAGE,
    "concerns.concern_rows": VILLAGE, "concerns.notes": VILLAGE,
    "concerns.closure_rates": STATS, "concerns.overall_rate": STATS, "concerns.stats": STATS,
    # deliberation (四议两公开)
    "deliberation.start_matter": OFFICE, "deliberation.record_step": OFFICE,
    "deliberation.publish_step_notice": OFFICE, "deliberation.set_yijiantiao": OFFICE,
    "deliberation.allowed_actions": VILLAGE, "deliberation.matter": VILLAGE, "deliberation.matter_ids": VILLAGE,
    "deliberation.matter_rows": VILLAGE, "deliberation.meeting_choices": VILLAGE,
    "deliberation.notice_content": VILLAGE, "deliberation.progress": VILLAGE,
    "deliberation.outcome_content": VILLAGE,
    "deliberation.stats": STATS,
    # mediation (人民调解): case details for the secretary and mediators only; counts for everyone
    "mediation.register_case": {S, M}, "mediation.update_case": {S, M}, "mediation.case_form_from_concern": {S, M},
    "mediation.party_choices": {S, M}, "mediation.accept_case": {S, M}, "mediation.reject_case": {S, M},
    "mediation.record_investigation": {S, M}, "mediation.record_session": {S, M}, "mediation.record_visit": {S, M},
    "mediation.conclude_case": {S, M}, "mediation.record_fulfilment": {S, M}, "mediation.escalate_case": {S, M},
    "mediation.extend_deadline": {S, M}, "mediation.archive_case": {S, M}, "mediation.reopen_case": {S, M},
    "mediation.session_defaults": {S, M}, "mediation.add_clause": {S, M}, "mediation.clause_library": {S, M},
    "mediation.case_detail": {S, M}, "mediation.case_ids": {S, M}, "mediation.case_rows": {S, M},
    "mediation.allowed_actions": EVERYONE,  # without a case: what the role may do, asked by any role
    "mediation.access_log": {S},
    "mediation.case_years": STATS, "mediation.counts": STATS, "mediation.statistics": STATS, "mediation.stats": STATS,
    "mediation.export_yearly_summary": STATS, "mediation.concern_link": VILLAGE,
    # notices
    "notices.correct_notice": OFFICE, "notices.create_notice": OFFICE, "notices.delete_draft": OFFICE,
    "notices.issue_notice": OFFICE, "notices.next_number_preview": OFFICE, "notices.post_notice": OFFICE,
    "notices.take_down": OFFICE,
    "notices.update_notice": OFFICE, "notices.set_calendar": OFFICE, "notices.set_ending_soon_days": OFFICE,
    "notices.set_unmasked": {S},
    "notices.allowed_actions": VILLAGE | {T}, "notices.ending_soon_window": VILLAGE | {T},
    "notices.notice_form": VILLAGE | {T}, "notices.notice_ids": VILLAGE | {T},
    "notices.notice_pdf": VILLAGE | {T}, "notices.notice_rows": VILLAGE | {T},
    "notices.notice_view": VILLAGE | {T}, "notices.reprint_matches": VILLAGE | {T},
    "notices.unmask_options": VILLAGE | {T}, "notices.stats": VILLAGE | {T},
    # attachments (photos and scans): the owning record's permissions — here a notice's
    "attachments.attachments": VILLAGE | {T}, "attachments.attachment_file": VILLAGE | {T},
    "attachments.attach": OFFICE, "attachments.update_attachment": OFFICE, "attachments.remove_attachment": OFFICE,
    "attachments.allowed_actions": EVERYONE,  # what the role may do with a kind of record, asked by any role
    # sync (reports to the township): the village exports, the township (and the office) imports
    "sync.export_bundle": OFFICE, "sync.trust_township_key": OFFICE,
    "sync.export_township_key": OFFICE | {T}, "sync.unlock_township_key": OFFICE | {T},
    "sync.import_bundle": OFFICE | {T}, "sync.imported_villages": OFFICE | {T},
    "sync.outbox_dir": OFFICE, "sync.outbox": OFFICE, "sync.mark_outbox": OFFICE, "sync.import_receipt": OFFICE,
    "sync.sync_status": OFFICE, "sync.set_push_target": OFFICE, "sync.push_target": OFFICE,
    "sync.receipt_for": OFFICE | {T}, "sync.write_receipt": OFFICE | {T}, "sync.enrolled_villages": OFFICE | {T},
    "sync.import_log": OFFICE | {T}, "sync.set_receiver_url": OFFICE | {T},
    "sync.store_kind": EVERYONE, "sync.setup_township": {S}, "sync.find_village_by_token": EVERYONE,
    "sync.township_summary": STATS, "sync.village_records": STATS, "sync.export_summary_excel": STATS,
    # excel (issue 14): a register as .xlsx for whoever may read it; full numbers need people.numbers
    "excel.export_kinds": EVERYONE, "excel.may_export_full": EVERYONE, "excel.export_table": VILLAGE,
    # volunteers: reading needs the people register (names); recording needs volunteers.edit
    "volunteers.add_team": OFFICE | {G}, "volunteers.add_member": OFFICE | {G},
    "volunteers.remove_member": OFFICE | {G}, "volunteers.add_activity": OFFICE | {G},
    "volunteers.assign": OFFICE | {G}, "volunteers.record_completion": OFFICE | {G},
    "volunteers.record_no_show": OFFICE | {G}, "volunteers.cancel_assignment": OFFICE | {G},
    "volunteers.correct_hours": OFFICE | {G},
    "volunteers.teams": VILLAGE, "volunteers.members": VILLAGE, "volunteers.activities": VILLAGE,
    "volunteers.activity": VILLAGE, "volunteers.assignments": VILLAGE, "volunteers.hours_ledger": VILLAGE,
    "volunteers.allowed_actions": VILLAGE,
    "volunteers.hours": STATS, "volunteers.yearly_totals": STATS, "volunteers.stats": STATS,
    # points (积分制, 积美超市): the shop keeper redeems and keeps stock, sees balances, nothing else
    "points.rules": VILLAGE | {K}, "points.rule_history": VILLAGE | {K}, "points.entries": VILLAGE | {K},
    "points.balance": VILLAGE | {K}, "points.passbook": VILLAGE | {K}, "points.proposals": VILLAGE | {K},
    "points.goods": VILLAGE | {K}, "points.household_choices": VILLAGE | {K},
    "points.board_settings": VILLAGE | {K}, "points.ranking": VILLAGE | {K}, "points.board": VILLAGE | {K},
    "points.allowed_actions": VILLAGE | {K}, "points.stats": STATS | {K},
    "points.record_entry": OFFICE | {G}, "points.reverse_entry": OFFICE | {G},
    "points.propose_from_volunteering": OFFICE | {G}, "points.propose_from_meeting": OFFICE | {G},
    "points.add_rule": {S}, "points.change_rule": {S}, "points.approve_proposal": {S},
    "points.reject_proposal": {S}, "points.set_board_settings": {S}, "points.record_board_decision": {S},
    "points.add_goods": OFFICE | {K}, "points.restock": OFFICE | {K}, "points.change_goods": OFFICE | {K},
    "points.redeem": OFFICE | {K},
    # awards (评选表彰)
    "awards.start_campaign": OFFICE, "awards.nominate": OFFICE, "awards.record_votes": OFFICE,
    "awards.start_publicity": OFFICE, "awards.record_objection": OFFICE,
    "awards.review": {S}, "awards.resolve_objection": {S}, "awards.make_roll": {S},
    "awards.campaigns": VILLAGE, "awards.campaign": VILLAGE, "awards.nominations": VILLAGE,
    "awards.objections": VILLAGE, "awards.allowed_actions": VILLAGE,
    "awards.honours": STATS, "awards.stats": STATS,
    # 工作台: the to-do list and the twelve months' figures; each area's items follow its own reading rights
    "workbench.todo": STATS, "workbench.backup_item": STATS, "workbench.month_series": STATS,
    "workbench.month_charts": STATS, "workbench.figures": STATS, "workbench.warm_up_reads": STATS,
}


def public_functions() -> dict[str, object]:
    from app.areas import AREAS, SHARED_DOORS

    found = {}
    for key in [area.key for area in AREAS] + list(SHARED_DOORS):
        package = importlib.import_module(f"app.{key}")
        for name in sorted(dir(package)):  # dir: a package's names loaded on first use too (app.notices)
            value = getattr(package, name)
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            params = inspect.signature(value).parameters
            if "session" in params and "actor" in params:
                found[f"{key}.{name}"] = value
    return found


def test_the_documented_permission_matrix_is_the_one_enforced():
    assert {p: set(r) for p, r in auth.PERMISSIONS.items()} == MATRIX


def test_every_public_function_is_in_the_matrix():
    assert set(public_functions()) == set(FUNCTIONS)


@pytest.fixture(scope="module")
def world(tmp_path_factory, _migrated_template):
    """A small village: a group, two grids, a household and resident in each grid, a meeting with
    an agenda item, a concern, a 四议两公开 matter, a notice draft."""
    import shutil

    from app import concerns, deliberation, meetings, notices, people
    from app.notices import NoticeForm
    from db.engine import Database

    path = tmp_path_factory.mktemp("matrix") / "village.sqlite3"
    shutil.copyfile(_migrated_template, path)
    database = Database(path, backup_dir=path.parent / "backups")
    with database.unit() as session:
        admin = people.setup_village(
            session=session, name="青石村", code="510112104201", township="龙泉镇", committee_name="",
            supervision_phone="028-84851234", admin_username="admin", admin_password="secret-pass",
            admin_display_name="李书记")
    database.refresh_village_code()
    ids: dict[str, object] = {}
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组")
        own = people.add_grid(session=session, actor=admin, name="一组第1网格", group_id=group.id)
        other = people.add_grid(session=session, actor=admin, name="一组第2网格", group_id=group.id)
        h1 = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王大明", number="010001", group_id=group.id, grid_id=own.id, phone="13812345678"))
        h2 = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="李小红", number="010002", group_id=group.id, grid_id=other.id, phone="13912345678"))
        r1 = people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="王大明", id_number="11010519491231002X", gender="", phone="13812345678", household_id=h1.id,
            relation="head"))
        r2 = people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="李小红", id_number="510112198001011236", phone="13912345678", household_id=h2.id,
            relation="head"))
        meeting = meetings.plan_meeting(session=session, actor=admin, kind="bbh" if "bbh" in meetings.KINDS
                                        else next(iter(meetings.KINDS)), title="坝坝会",
                                        starts_at=dt.datetime(2026, 3, 1, 19, 0, tzinfo=dt.UTC))
        item = meetings.add_agenda_item(session=session, actor=admin, meeting_id=meeting.id, title="修路")
        concern = concerns.raise_concern(session=session, actor=admin, title="路灯坏了", source="visit",
                                         resident_id=r1.id)
        matter = deliberation.start_matter(session=session, actor=admin, title="修建文化广场")
        notice = notices.create_notice(session=session, actor=admin, form=NoticeForm(title="通知", body="明天开会。"))
        from app import mediation

        case = mediation.register_case(session=session, actor=admin, form=mediation.CaseForm(
            title="邻里纠纷", parties=(mediation.PartyForm(role="applicant", resident_id=r1.id),
                                      mediation.PartyForm(role="respondent", resident_id=r2.id))))
        from PIL import Image

        from app import attachments

        picture = path.parent / "posted.jpg"
        Image.new("RGB", (64, 48), (200, 30, 30)).save(picture, "JPEG")
        attachment = attachments.attach(session=session, actor=admin, owner_kind="notice", owner_id=notice.id,
                                        file=picture)
        ids.update(attachment_id=attachment.id)
        ids.update(group_id=group.id, grid_id=own.id, other_grid_id=other.id, household_id=h1.id,
                   other_household_id=h2.id, resident_id=r1.id, other_resident_id=r2.id, meeting_id=meeting.id,
                   agenda_item_id=item.id, concern_id=concern.id, matter_id=matter.id, notice_id=notice.id,
                   case_id=case.id)
    yield database, admin, ids
    database.dispose()


def actor_for(role: str, ids: dict) -> Actor:
    return Actor(user_id="", username=role, display_name=role, role=role,
                 grid_id=ids["grid_id"] if role == GRID_WORKER else None)


def arguments(key: str, function, ids: dict) -> dict:
    """Minimal arguments by parameter name (and a few by function)."""
    from app import notices, people

    values = {
        "meeting_id": ids["meeting_id"], "agenda_item_id": ids["agenda_item_id"], "concern_id": ids["concern_id"],
        "matter_id": ids["matter_id"], "notice_id": ids["notice_id"], "household_id": ids["household_id"],
        "resident_id": ids["resident_id"], "grid_id": ids["grid_id"], "group_id": ids["group_id"],
        "name": "二组", "title": "一件事", "body": "正文", "reason": "原因", "text": "进展", "assignee": "张三",
        "resolution": "已修好", "decision": "同意", "satisfaction": "satisfied", "query": "王", "number": 2,
        "township": "龙泉镇", "committee_name": "", "supervision_phone": "", "code": "510112104201",
        "admin_username": "x", "admin_password": "secret-pass-2", "kind": None, "starts_at":
            dt.datetime(2026, 4, 1, 19, 0, tzinfo=dt.UTC), "first": dt.date(2026, 1, 1), "last": dt.date(2026, 12, 31),
        "count": 10, "attendance_ids": [], "committee": "party_branch", "resident_ids": [], "value": False,
        "holidays": [], "workdays": [], "days": 3, "field": "title", "unmasked": False, "method": "show_of_hands",
        "step": "proposal", "held_on": dt.date(2026, 3, 2), "changes": {},
        # sync: no trusted key, no township key, no such file: refused after the permission check
        "to_dir": "/nonexistent/villagedesk-sync", "to_file": "/nonexistent/villagedesk-sync/key.txt",
        "file": "/nonexistent/villagedesk-sync/bundle.vdbundle.age", "passphrase": "short", "key": None,
        "bundle_id": "00000000-0000-0000-0000-000000000000", "state": "sending", "url": "http://127.0.0.1:9/",
        "village_code": "510112104201", "table": "meeting", "token": "no-such-token",
        # volunteers, points, awards: ids that do not exist are refused after the permission check
        "team_id": "no-such-team", "member_id": "no-such-member", "activity_id": "no-such-activity",
        "assignment_id": "no-such-assignment", "rule_id": "no-such-rule", "entry_id": "no-such-entry",
        "proposal_id": "no-such-proposal", "goods_id": "no-such-goods", "campaign_id": "no-such-campaign",
        "objection_id": "no-such-objection", "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31),
        "minutes": 60, "ends_at": dt.datetime(2026, 4, 1, 21, 0, tzinfo=dt.UTC), "category": "environment",
        "description": "庭院整洁", "points": 5, "price": 10, "quantity": 1, "ranking": True, "red_black": True,
        "period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 12, 31), "name_red": False,
        "name_black": True, "channel": "organisation", "tallies": {}, "decisions": {}, "upheld": False,
        "places": 3,
        "owner_kind": "notice", "owner_id": ids["notice_id"], "attachment_id": ids["attachment_id"], "caption": "",
        "case_id": ids["case_id"], "outcome": "terminated", "fulfilment": "on_time", "to": "township", "year": 2026,
    }
    from app import meetings

    values["kind"] = next(iter(meetings.KINDS))
    if key.startswith("people.") and key.endswith("_rows"):
        values["ids"] = [ids["household_id"] if "household" in key else ids["resident_id"]]
    else:
        values["ids"] = [ids[f"{key.split('.')[0][:-1]}_id"]] if f"{key.split('.')[0][:-1]}_id" in ids else []
    if key == "people.save_household":
        values["form"] = people.HouseholdForm(head_name="赵六", grid_id=ids["grid_id"])
    elif key == "people.save_resident":
        values["form"] = people.ResidentForm(name="赵六", gender="M", household_id=ids["household_id"])
    elif key in ("notices.create_notice", "notices.update_notice"):
        values["form"] = notices.NoticeForm(title="通知", body="正文")
    elif key == "people.update_profile":
        values["name"] = "青石村"
    elif key in ("mediation.register_case", "mediation.update_case"):
        from app import mediation

        values["form"] = mediation.CaseForm(title="邻里纠纷")  # refused by validation after the check
    elif key.startswith("mediation.record_"):
        from app import mediation

        values["form"] = mediation.RecordForm(content="记录")
    elif key == "excel.export_table":
        import tempfile

        values["kind"] = "residents"
        values["to_file"] = str(Path(tempfile.mkdtemp()) / "residents.xlsx")
    elif key in ("people.plan_excel_import", "people.import_excel"):
        values["path"] = "/nonexistent/villagedesk-excel/register.xlsx"  # refused after the permission check
    elif key == "mediation.export_yearly_summary":
        import tempfile

        values["to_file"] = str(Path(tempfile.mkdtemp()) / "summary.xlsx")
    params = inspect.signature(function).parameters
    return {name: values[name] for name, p in params.items()
            if name not in ("session", "actor") and p.default is inspect.Parameter.empty
            and p.kind is not inspect.Parameter.VAR_KEYWORD}


def outcome(database, function, actor: Actor, kwargs: dict) -> str:
    with database.session() as session:
        session.info["actor"] = actor.username
        session.info["village_code"] = database.village_code
        try:
            function(session=session, actor=actor, **kwargs)
        except PermissionDenied:
            return "refused"
        except (ValidationError, StateError, NotFound):
            return "allowed"  # past the permission check: the arguments did not suit the record
        finally:
            session.rollback()
    return "allowed"


def test_every_function_for_every_role(world):
    database, _admin, ids = world
    functions = public_functions()
    cells = []
    wrong = []
    for key, function in sorted(functions.items()):
        kwargs = arguments(key, function, ids)
        for role in ROLES:
            got = outcome(database, function, actor_for(role, ids), kwargs)
            expected = "allowed" if role in FUNCTIONS[key] else "refused"
            cells.append((key, role))
            if got != expected:
                wrong.append(f"{key} as {role}: {got}, matrix says {expected}")
    assert not wrong, "\n".join(wrong)
    assert len(cells) == len(FUNCTIONS) * len(ROLES) >= 480  # 98 functions × 5 roles when written


# ---------------------------------------------------------------- row-level rules


def test_grid_worker_works_only_on_their_grid(world):
    from app import people

    database, _admin, ids = world
    worker = actor_for(GRID_WORKER, ids)
    with database.session() as session:
        assert people.household_ids(session=session, actor=worker) == [ids["household_id"]]
        assert people.resident_ids(session=session, actor=worker) == [ids["resident_id"]]
        # a search and its filters keep the scope (the search's statement is built once per shape)
        admin_sees = people.resident_ids(session=session, actor=_admin, query="1")
        assert set(admin_sees) == {ids["resident_id"], ids["other_resident_id"]}
        assert people.resident_ids(session=session, actor=worker, query="1") == []  # no ID digits for them
        for query in ("d", "wdm", "lxh"):
            assert people.resident_ids(session=session, actor=worker, query=query, include_inactive=False,
                                       order="-age") == ([ids["resident_id"]] if query != "lxh" else [])
        assert people.resident_ids(session=session, actor=worker, household_id=ids["other_household_id"]) == []
        # the search held in memory keeps the same scope: their grid, no numbers
        index = people.resident_search_index(session=session, actor=worker)
        assert list(index.ids) == [ids["resident_id"]] and index.numbers is None
        assert index.match("1") == ([], 0) and index.match("d") == ([ids["resident_id"]], 1)
        assert people.resident_search_index(session=session, actor=_admin).match("1")[1] == 2
        assert people.resident_ids(session=session, actor=_admin, household_id=ids["other_household_id"],
                                   query="lxh") == [ids["other_resident_id"]]
        assert people.household_rows(session=session, actor=worker, ids=[ids["other_household_id"]]) == []
        assert people.resident_rows(session=session, actor=worker, ids=[ids["other_resident_id"]]) == []
        with pytest.raises(PermissionDenied):
            people.resident_form(session=session, actor=worker, resident_id=ids["other_resident_id"])
        with pytest.raises(PermissionDenied):
            people.household_form(session=session, actor=worker, household_id=ids["other_household_id"])
        actions = people.allowed_actions(session=session, actor=worker, record_id=ids["other_resident_id"])
        assert actions["edit"] and actions["delete"]
        assert people.allowed_actions(session=session, actor=worker, record_id=ids["resident_id"])["edit"] is None
    with database.session() as session:
        with pytest.raises(PermissionDenied):
            people.save_household(session=session, actor=worker, household_id=ids["other_household_id"],
                                  form=people.HouseholdForm(head_name="李小红", grid_id=ids["other_grid_id"]))
        with pytest.raises(ValidationError):  # moving a household out of their grid, or into another
            people.save_household(session=session, actor=worker, form=people.HouseholdForm(
                head_name="新户", grid_id=ids["other_grid_id"]))
        with pytest.raises(ValidationError):
            people.save_resident(session=session, actor=worker, form=people.ResidentForm(
                name="新人", gender="F", household_id=ids["other_household_id"]))
        with pytest.raises(PermissionDenied):
            people.delete_resident(session=session, actor=worker, resident_id=ids["resident_id"])
        added = people.save_resident(session=session, actor=worker, form=people.ResidentForm(
            name="新人", gender="F", household_id=ids["household_id"]))
        assert added.household_id == ids["household_id"]
        session.rollback()


def test_a_grid_worker_without_a_grid_sees_no_household(world):
    from app import people

    database, _admin, _ids = world
    worker = Actor(user_id="", username="g", display_name="g", role=GRID_WORKER, grid_id=None)
    with database.session() as session:
        assert people.household_ids(session=session, actor=worker) == []
        assert people.resident_ids(session=session, actor=worker) == []
        assert people.resident_search_index(session=session, actor=worker).ids == ()


@pytest.mark.parametrize("role", ROLES)
def test_numbers_are_masked_in_lists_for_every_role_and_full_in_the_record_for_the_office(world, role):
    """Issue 10, item 7: a list (the register's rows, a search's results) shows masked numbers to
    everyone, the clerk and the secretary too; the record's form shows them in full to the roles
    that may see them (people.numbers)."""
    from app import people

    database, _admin, ids = world
    actor = actor_for(role, ids)
    if not actor.can("people.view"):
        return
    full = role in (SECRETARY, CLERK)
    with database.session() as session:
        row = people.resident_rows(session=session, actor=actor, ids=[ids["resident_id"]])[0]
        form = people.resident_form(session=session, actor=actor, resident_id=ids["resident_id"])
        house = people.household_rows(session=session, actor=actor, ids=[ids["household_id"]])[0]
        hform = people.household_form(session=session, actor=actor, household_id=ids["household_id"])
    assert row.id_number == "110105********002X"
    assert row.phone == house.phone == "138****5678"
    if full:
        assert form.id_number == "11010519491231002X"
        assert form.phone == hform.phone == "13812345678"
    else:
        assert form.id_number == "110105********002X"
        assert form.phone == hform.phone == "138****5678"


def test_masked_roles_cannot_search_by_number(world):
    from app import people

    database, _admin, ids = world
    with database.session() as session:
        for role, expected in ((CLERK, [ids["resident_id"]]), (MEDIATOR, []), (GRID_WORKER, [])):
            found = people.resident_ids(session=session, actor=actor_for(role, ids), query="19491231")
            assert found == expected, role


def test_grid_worker_saving_a_masked_form_keeps_the_numbers(world):
    from app import people

    database, admin, ids = world
    worker = actor_for(GRID_WORKER, ids)
    with database.session() as session:
        session.info["village_code"] = database.village_code
        form = people.resident_form(session=session, actor=worker, resident_id=ids["resident_id"])
        saved = people.save_resident(session=session, actor=worker, resident_id=ids["resident_id"], form=form)
        assert saved.id_number == "110105********002X"  # masked in the answer too
        full = people.resident_form(session=session, actor=admin, resident_id=ids["resident_id"])
        assert full.id_number == "11010519491231002X" and full.phone == "13812345678"
        session.rollback()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_office_prints_the_private_roster(world, role):
    from app.people.documents import PRINT_KINDS

    database, _admin, ids = world
    kind = next(k for k in PRINT_KINDS if k.name == "resident_roster")
    with database.session() as session:
        if role in (SECRETARY, CLERK):
            assert kind.builder(session=session, actor=actor_for(role, ids), ident="all") is not None
        else:
            with pytest.raises(PermissionDenied):
                kind.builder(session=session, actor=actor_for(role, ids), ident="all")
