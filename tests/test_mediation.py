"""人民调解 (issue 12): the lifecycle, the numbering, the time limit, confidentiality and the access log."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlmodel import select

from app import concerns, mediation, people
from app.auth import CLERK, GRID_WORKER, MEDIATOR, SECRETARY, TOWNSHIP, Actor
from app.errors import PermissionDenied, StateError, ValidationError
from db.models.mediation import MediationAccessLog, MediationRecord
from db.tracking import AuditEntry, TrackingError

ROOT = Path(__file__).resolve().parent.parent
M = mediation


def actor(role: str) -> Actor:
    return Actor(user_id="", username=f"u-{role}", display_name=role, role=role)


@pytest.fixture
def world(village):
    """The village with two households and residents, and a mediator."""
    database, admin = village
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组")
        h1 = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王大明", number="010001", group_id=group.id, address="一组12号", phone="13812345678"))
        h2 = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="李小红", number="010002", group_id=group.id, address="一组15号"))
        r1 = people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="王大明", id_number="11010519491231002X", household_id=h1.id, relation="head"))
        r2 = people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="李小红", gender="F", household_id=h2.id, relation="head"))
    return database, admin, r1, r2


def form(r1, r2, **kw) -> mediation.CaseForm:
    values = dict(title="宅基地界址纠纷", category="housing", source="applied", facts="两家因院墙位置发生争执。",
                  people_involved=2, mediators="张调解", registered_on=M.today() - dt.timedelta(days=3),
                  parties=(M.PartyForm(role="applicant", resident_id=r1.id, request="拆除越界院墙"),
                           M.PartyForm(role="respondent", resident_id=r2.id, request="维持现状"),
                           M.PartyForm(role="other", name="赵外来", gender="M", ethnicity="回族", age=41,
                                       occupation="个体", phone="13900001111", address="邻村三组")))
    values.update(kw)
    return mediation.CaseForm(**values)


def record(**kw) -> mediation.RecordForm:
    kw.setdefault("content", "询问双方，查看现场。")
    kw.setdefault("place", "村调解室")
    kw.setdefault("held_on", M.today() - dt.timedelta(days=1))
    return mediation.RecordForm(**kw)


# every action as a call with valid arguments
def do(session, who, case_id, action):
    on = M.today()
    calls = {
        "edit": lambda: M.update_case(session=session, actor=who, case_id=case_id,
                                      form=mediation.CaseForm(title="改过的案由", category="neighbours",
                                                              people_involved=3)),
        "accept": lambda: M.accept_case(session=session, actor=who, case_id=case_id,
                                        accepted_on=on - dt.timedelta(days=2)),
        "reject": lambda: M.reject_case(session=session, actor=who, case_id=case_id, reason="不属于调解范围"),
        "investigate": lambda: M.record_investigation(session=session, actor=who, case_id=case_id, form=record()),
        "session": lambda: M.record_session(session=session, actor=who, case_id=case_id, form=record()),
        "agree": lambda: M.conclude_case(session=session, actor=who, case_id=case_id, outcome="agreed",
                                         clauses=["被申请人于2026年5月1日前拆除越界院墙。"],
                                         performance="当场履行", confirmation=True),
        "fail": lambda: M.conclude_case(session=session, actor=who, case_id=case_id, outcome="failed",
                                        reason="双方分歧过大"),
        "terminate": lambda: M.conclude_case(session=session, actor=who, case_id=case_id, outcome="terminated",
                                             reason="申请人撤回申请"),
        "fulfil": lambda: M.record_fulfilment(session=session, actor=who, case_id=case_id, fulfilment="on_time"),
        "visit": lambda: M.record_visit(session=session, actor=who, case_id=case_id,
                                        form=record(held_on=on, content="回访：双方关系缓和。")),
        "escalate": lambda: M.escalate_case(session=session, actor=who, case_id=case_id, to="justice_office",
                                            reason="涉及人数多"),
        "extend": lambda: M.extend_deadline(session=session, actor=who, case_id=case_id, days=15,
                                            reason="当事人外出务工"),
        "archive": lambda: M.archive_case(session=session, actor=who, case_id=case_id),
        "reopen": lambda: M.reopen_case(session=session, actor=who, case_id=case_id, reason="协议未履行，重新调解"),
    }
    return calls[action]()


# the paths that bring a new case to each state
PATHS = {
    M.REGISTERED: [], M.REJECTED: ["reject"], M.ACCEPTED: ["accept"], M.INVESTIGATING: ["accept", "investigate"],
    M.MEDIATING: ["accept", "investigate", "session"], M.AGREED: ["accept", "investigate", "session", "agree"],
    M.FAILED: ["accept", "investigate", "session", "fail"], M.TERMINATED: ["accept", "terminate"],
    M.PERFORMED: ["accept", "investigate", "session", "agree", "fulfil"],
    M.VISITED: ["accept", "investigate", "session", "agree", "fulfil", "visit"],
    M.ESCALATED: ["escalate"], M.ARCHIVED: ["reject", "archive"],
}
# state → the actions allowed there (everything else is refused with a message)
ALLOWED = {
    M.REGISTERED: {"edit", "accept", "reject", "escalate"},
    M.REJECTED: {"archive"},
    M.ACCEPTED: {"edit", "investigate", "terminate", "escalate", "extend"},
    M.INVESTIGATING: {"edit", "investigate", "session", "terminate", "escalate", "extend"},
    M.MEDIATING: {"edit", "session", "agree", "fail", "terminate", "escalate", "extend"},
    M.AGREED: {"fulfil"},
    M.FAILED: {"visit", "escalate", "archive"},
    M.TERMINATED: {"visit", "archive"},
    M.PERFORMED: {"visit"},
    M.VISITED: {"visit", "archive"},
    M.ESCALATED: {"archive"},
    M.ARCHIVED: {"reopen"},
}
AFTER = {"edit": None, "visit": None, "reopen": None, "accept": M.ACCEPTED, "reject": M.REJECTED, "investigate": M.INVESTIGATING,
         "session": M.MEDIATING, "agree": M.AGREED, "fail": M.FAILED, "terminate": M.TERMINATED,
         "fulfil": M.PERFORMED, "escalate": M.ESCALATED, "extend": None, "archive": M.ARCHIVED}


def new_case(database, admin, r1, r2, path=(), **kw):
    with database.unit(admin) as session:
        case = M.register_case(session=session, actor=admin, form=form(r1, r2, **kw))
        for action in path:
            do(session, admin, case.id, action)
    return case.id


def test_a_case_from_intake_to_archive_and_reopened(world):
    database, admin, r1, r2 = world
    with database.unit(admin) as session:
        case = M.register_case(session=session, actor=admin, form=form(r1, r2))
        year = case.registered_on.year
        assert case.number == f"（{year}）青石人调字第1号" and case.state == M.REGISTERED
        detail = M.case_detail(session=session, actor=admin, case_id=case.id)
        applicant, respondent, other = detail.parties
        # a resident's particulars come from the register; an outsider's as given
        assert (applicant.name, applicant.address, applicant.phone) == ("王大明", "一组12号", "13812345678")
        assert applicant.gender == "F" or applicant.gender in ("M", "")
        assert respondent.name == "李小红" and respondent.gender == "F"
        assert (other.name, other.ethnicity, other.age, other.occupation) == ("赵外来", "回族", 41, "个体")
        for action in PATHS[M.VISITED]:
            do(session, admin, case.id, action)
        archived = M.archive_case(session=session, actor=admin, case_id=case.id)
        assert archived.state == M.ARCHIVED and archived.outcome == M.AGREED
        with pytest.raises(ValidationError):
            M.reopen_case(session=session, actor=admin, case_id=case.id, reason="  ")
        back = M.reopen_case(session=session, actor=admin, case_id=case.id, reason="一方反悔，重新回访")
        assert back.state == M.VISITED and back.reopen_reason == "一方反悔，重新回访"
        kinds = [r.kind for r in M.case_detail(session=session, actor=admin, case_id=case.id).records]
        assert kinds == ["investigation", "session", "visit"]
    with database.session() as session:
        notes = session.exec(select(AuditEntry).where(AuditEntry.table_name == "mediation_case",
                                                      AuditEntry.action == "note")).all()
        assert [n.changes["note"] for n in notes] == ["reopened"]
        assert notes[0].changes["reason"] == "一方反悔，重新回访" and notes[0].actor == "admin"


@pytest.mark.parametrize("state", list(PATHS))
def test_every_action_in_every_state_is_allowed_or_refused_with_a_message(world, state):
    database, admin, r1, r2 = world
    case_id = new_case(database, admin, r1, r2, PATHS[state])
    with database.session() as session:
        actions = M.allowed_actions(session=session, actor=admin, case_id=case_id)
    assert {a for a, why in actions.items() if why is None} == ALLOWED[state]
    for action in M.ACTIONS:
        with database.session() as session:
            session.info["village_code"] = database.village_code
            if action in ALLOWED[state]:
                do(session, admin, case_id, action)
                if AFTER.get(action):
                    assert M.case_rows(session=session, actor=admin, ids=[case_id])[case_id].state == AFTER[action]
            else:
                with pytest.raises(StateError) as refused:
                    do(session, admin, case_id, action)
                assert str(refused.value) == actions[action] and str(refused.value)
            session.rollback()


def test_skipping_and_going_back_say_why(world):
    database, admin, r1, r2 = world
    registered = new_case(database, admin, r1, r2)
    mediating = new_case(database, admin, r1, r2, PATHS[M.MEDIATING])
    agreed = new_case(database, admin, r1, r2, PATHS[M.AGREED])
    accepted = new_case(database, admin, r1, r2, ["accept"])
    with database.session() as session:
        actions = M.allowed_actions(session=session, actor=admin, case_id=registered)
        assert actions["session"] == "先受理案件并完成调查。"
        assert M.allowed_actions(session=session, actor=admin, case_id=accepted)["session"] == "请先记录调查情况：调查之后才能调解。"
        assert M.allowed_actions(session=session, actor=admin, case_id=mediating)["investigate"] == \
            "案件目前为“调解中”，不能退回之前的步骤。"
        assert M.allowed_actions(session=session, actor=admin, case_id=agreed)["archive"] == \
            "归档前请先记录协议履行情况和回访。"


def test_records_are_kept_as_written(world):
    database, admin, r1, r2 = world
    case_id = new_case(database, admin, r1, r2, ["accept", "investigate"])
    with pytest.raises(TrackingError):
        with database.unit(admin) as session:
            row = session.exec(select(MediationRecord).where(MediationRecord.case_id == case_id)).one()
            row.content = "改写"
            session.add(row)


def test_bad_intake_is_refused_field_by_field(world):
    database, admin, r1, r2 = world
    with database.unit(admin) as session:
        with pytest.raises(ValidationError) as bad:
            M.register_case(session=session, actor=admin, form=mediation.CaseForm(
                title="", category="nope", people_involved=1,
                parties=(M.PartyForm(role="applicant", name="张三"),)))
        assert set(bad.value.errors) >= {"title", "category", "people_involved", "parties"}
        with pytest.raises(ValidationError) as bad:
            M.register_case(session=session, actor=admin, form=form(r1, r2, parties=(
                M.PartyForm(role="applicant", name=""), M.PartyForm(role="respondent", name="李四", age=300))))
        assert set(bad.value.errors) == {"parties.0", "parties.1"}


def test_agreement_needs_clauses_filled_and_reasons_are_required(world):
    database, admin, r1, r2 = world
    case_id = new_case(database, admin, r1, r2, PATHS[M.MEDIATING])
    with database.unit(admin) as session:
        with pytest.raises(ValidationError) as bad:
            M.conclude_case(session=session, actor=admin, case_id=case_id, outcome="agreed",
                            clauses=[M.DEFAULT_CLAUSES[0]], performance="")
        assert set(bad.value.errors) == {"clauses.0", "performance"}
        with pytest.raises(ValidationError):
            M.conclude_case(session=session, actor=admin, case_id=case_id, outcome="failed", reason="")
        with pytest.raises(ValidationError):
            M.escalate_case(session=session, actor=admin, case_id=case_id, to="township", reason="")
        with pytest.raises(ValidationError):
            M.extend_deadline(session=session, actor=admin, case_id=case_id, days=10, reason="")
        with pytest.raises(ValidationError):
            M.extend_deadline(session=session, actor=admin, case_id=case_id, days=90, reason="太久")


# ---------------------------------------------------------------- numbering


def test_numbers_are_gap_free_per_year_and_village(world):
    database, admin, r1, r2 = world
    this_year = M.today().year
    with database.unit(admin) as session:
        made = [M.register_case(session=session, actor=admin, form=form(r1, r2, registered_on=day)).number
                for day in (dt.date(this_year - 1, 12, 30), dt.date(this_year - 1, 12, 31), dt.date(this_year, 1, 1),
                            M.today())]
    assert made == [f"（{this_year - 1}）青石人调字第1号", f"（{this_year - 1}）青石人调字第2号",
                    f"（{this_year}）青石人调字第1号", f"（{this_year}）青石人调字第2号"]
    with pytest.raises(ValidationError):  # a refused case takes no number
        with database.unit(admin) as session:
            M.register_case(session=session, actor=admin, form=form(r1, r2, title=""))
    with database.unit(admin) as session:
        assert M.register_case(session=session, actor=admin, form=form(r1, r2)).number.endswith("第3号")
        session.info["village_code"] = "510112104202"  # another village of a township store: its own series
        from db.scope import next_number

        assert next_number(session, f"mediation-{this_year}") == 1
        session.rollback()


WRITER = textwrap.dedent("""
    import sys
    from app import mediation as M
    from app.auth import authenticate
    from db.engine import Database
    database = Database(sys.argv[1])
    with database.unit() as session:
        actor = authenticate(session=session, username="admin", password="correct-horse-1")
    numbers = []
    for i in range(int(sys.argv[2])):
        with database.unit(actor) as session:
            numbers.append(M.register_case(session=session, actor=actor, form=M.CaseForm(
                title=f"邻里纠纷{i}", parties=(M.PartyForm(role="applicant", name="张三"),
                                               M.PartyForm(role="respondent", name="李四")))).number)
    print(" ".join(numbers))
""")


def test_two_writers_at_once_never_share_a_number(world, tmp_path):
    database, _admin, _r1, _r2 = world
    with database.unit() as session:
        from app.auth import hash_password
        from db.models.accounts import User

        session.exec(select(User).where(User.username == "admin")).one().password_hash = hash_password("correct-horse-1")
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {"VILLAGEDESK_HOME": str(tmp_path), "PATH": "", "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, str(script), str(database.path), "25"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=240) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _out, err in outputs]
    numbers = [n for out, _err in outputs for n in out.split()]
    year = M.today().year
    assert sorted(numbers, key=lambda n: int(n.split("第")[1][:-1])) == [
        f"（{year}）青石人调字第{i}号" for i in range(1, 51)]


# ---------------------------------------------------------------- the time limit


def test_thirty_days_from_acceptance_near_over_and_extended(world):
    database, admin, r1, r2 = world
    today = M.today()
    with database.unit(admin) as session:
        fresh = M.register_case(session=session, actor=admin, form=form(r1, r2, registered_on=today - dt.timedelta(days=40)))
        near = M.register_case(session=session, actor=admin, form=form(r1, r2, registered_on=today - dt.timedelta(days=40)))
        over = M.register_case(session=session, actor=admin, form=form(r1, r2, registered_on=today - dt.timedelta(days=40)))
        done = M.register_case(session=session, actor=admin, form=form(r1, r2, registered_on=today - dt.timedelta(days=40)))
        a = M.accept_case(session=session, actor=admin, case_id=fresh.id, accepted_on=today - dt.timedelta(days=2))
        b = M.accept_case(session=session, actor=admin, case_id=near.id, accepted_on=today - dt.timedelta(days=27))
        c = M.accept_case(session=session, actor=admin, case_id=over.id, accepted_on=today - dt.timedelta(days=31))
        M.accept_case(session=session, actor=admin, case_id=done.id, accepted_on=today - dt.timedelta(days=35))
        M.conclude_case(session=session, actor=admin, case_id=done.id, outcome="terminated", reason="撤回",
                        on=today - dt.timedelta(days=20))
    assert a.due_on == today + dt.timedelta(days=28) and a.deadline == "" and a.days_left == 28
    assert b.deadline == "near" and b.days_left == 3
    assert c.deadline == "overdue" and c.days_left == -1
    with database.session() as session:
        ids = M.case_ids(session=session, actor=admin)
        assert ids[:2] == [over.id, near.id]  # over the limit first, then near it
        assert M.case_ids(session=session, actor=admin, overdue_only=True) == [over.id]
        counts = M.counts(session=session, actor=actor(CLERK))
        assert (counts.overdue, counts.near, counts.open) == (1, 1, 3)
    with database.unit(admin) as session:
        warnings = M.case_detail(session=session, actor=admin, case_id=over.id).warnings
        assert any("30" in w for w in warnings)
        extended = M.extend_deadline(session=session, actor=admin, case_id=over.id, days=15, reason="当事人外出务工")
        assert extended.deadline == "" and extended.due_on == c.due_on + dt.timedelta(days=15)
        assert "当事人外出务工" in extended.extension_reason


def list_shapes_hold(database, admin, r1, r2) -> None:
    """The list's ids for each kind of filter, its values bound each time it runs (the statement of
    each shape is built once: app.mediation.service._case_ids_statement): a second call with other
    values finds other cases; the day the deadlines are counted from moves the order."""
    today = M.today()
    with database.unit(admin) as session:
        old = M.register_case(session=session, actor=admin, form=form(r1, r2, registered_on=today - dt.timedelta(days=40)))
        new = M.register_case(session=session, actor=admin, form=form(r1, r2, category="marriage", title="婚姻纠纷",
                                                                      registered_on=today - dt.timedelta(days=1)))
        M.accept_case(session=session, actor=admin, case_id=old.id, accepted_on=today - dt.timedelta(days=20))
    with database.session() as session:
        def ids(**filters):
            return M.case_ids(session=session, actor=admin, **filters)

        assert ids() == [new.id, old.id]  # newest first: nothing near or over its limit today
        assert ids(on=today + dt.timedelta(days=8)) == [old.id, new.id]  # near its limit then
        assert ids(on=today + dt.timedelta(days=11), overdue_only=True) == [old.id]
        assert ids(overdue_only=True) == []
        assert ids(state=M.REGISTERED) == [new.id] and ids(state=M.ACCEPTED) == [old.id]
        assert ids(state="open") == [new.id, old.id]
        assert ids(category="marriage") == [new.id] and ids(category="housing") == [old.id]
        assert ids(category="family") == [new.id]
        assert ids(year=new.year) == [cid for cid, year in ((new.id, new.year), (old.id, old.year)) if year == new.year]
        assert ids(year=new.year - 5) == []
        assert ids(limit=1) == [new.id] and ids(limit=2) == [new.id, old.id]
        assert ids(search="婚姻") == [new.id] and ids(search="宅基地", state=M.ACCEPTED) == [old.id]


def test_the_list_binds_its_filters_each_time(world):
    list_shapes_hold(*world)


def test_a_group_dispute_is_flagged_for_escalation(world):
    database, admin, r1, r2 = world
    case_id = new_case(database, admin, r1, r2, people_involved=12)
    with database.unit(admin) as session:
        assert any("群体性" in w for w in M.case_detail(session=session, actor=admin, case_id=case_id).warnings)
        up = M.escalate_case(session=session, actor=admin, case_id=case_id, to="township", reason="涉及12户村民")
        assert up.state == M.ESCALATED and up.escalated_to == "township"


# ---------------------------------------------------------------- concerns become cases


def test_a_concern_becomes_a_case_and_both_know_it(world):
    database, admin, r1, r2 = world
    with database.unit(admin) as session:
        concern = concerns.raise_concern(session=session, actor=admin, title="邻居占道堆放柴草", category="neighbours",
                                         source="visit", resident_id=r1.id, description="王家柴草堆在通道上。")
        prefilled = M.case_form_from_concern(session=session, actor=actor(MEDIATOR), concern_id=concern.id)
        assert (prefilled.title, prefilled.category, prefilled.source, prefilled.facts) == (
            "邻居占道堆放柴草", "neighbours", "concern", "王家柴草堆在通道上。")
        assert prefilled.parties[0].resident_id == r1.id
        filled = mediation.CaseForm(**{**prefilled.__dict__, "parties": (
            *prefilled.parties, M.PartyForm(role="respondent", resident_id=r2.id))})
        case = M.register_case(session=session, actor=actor(MEDIATOR), form=filled)
        assert case.concern_id == concern.id and case.source == "concern"
        assert M.case_detail(session=session, actor=admin, case_id=case.id).concern_number == concern.number
        # the concern side asks mediation for the number only (the concerns area never imports mediation)
        for role in (CLERK, GRID_WORKER, MEDIATOR, SECRETARY):
            assert M.concern_link(session=session, actor=actor(role), concern_id=concern.id) == case.number
    import app.concerns.service as concern_service

    assert "mediation" not in Path(concern_service.__file__).read_text(encoding="utf-8")


# ---------------------------------------------------------------- confidentiality and the access log


@pytest.mark.parametrize("role", [CLERK, GRID_WORKER, TOWNSHIP])
def test_other_roles_are_refused_the_details_and_the_refusal_is_logged(world, role):
    database, admin, r1, r2 = world
    case_id = new_case(database, admin, r1, r2, ["accept"])
    who = actor(role)
    for call in (lambda s: M.case_detail(session=s, actor=who, case_id=case_id),
                 lambda s: M.case_ids(session=s, actor=who),
                 lambda s: M.case_rows(session=s, actor=who, ids=[case_id]),
                 lambda s: M.allowed_actions(session=s, actor=who, case_id=case_id),
                 lambda s: M.accept_case(session=s, actor=who, case_id=case_id),
                 lambda s: M.record_session(session=s, actor=who, case_id=case_id, form=record())):
        with pytest.raises(PermissionDenied):
            with database.unit(who) as session:
                call(session)
    with database.session() as session:
        counts = M.counts(session=session, actor=who)  # counts and categories: yes
        assert counts.total == 1 and counts.by_category == {"housing": 1}
        assert M.statistics(session=session, actor=who).cases == 1
        log = session.exec(select(MediationAccessLog)).all()
        assert [(r.username, r.role, r.case_id, r.shown) for r in log] == [(who.username, role, case_id,
                                                                            "refused:details")]
        refusals = session.exec(select(AuditEntry).where(AuditEntry.action == "refused")).all()
        assert len(refusals) == 6 and {r.row_id for r in refusals} == {"mediation.view", "mediation.edit"}
        assert all(r.actor == who.username for r in refusals)
        assert M.allowed_actions(session=session, actor=who)["view"]  # asked without a case: says why not


def test_every_allowed_read_is_logged_and_the_secretary_reads_the_log(world):
    database, admin, r1, r2 = world
    case_id = new_case(database, admin, r1, r2)
    mediator = actor(MEDIATOR)
    with database.unit(mediator) as session:
        M.case_detail(session=session, actor=mediator, case_id=case_id)
    with database.unit(admin) as session:
        M.case_detail(session=session, actor=admin, case_id=case_id)
        log = M.access_log(session=session, actor=admin)
        assert [(r.username, r.role, r.shown) for r in log] == [("admin", SECRETARY, "details"),
                                                                ("u-mediator", MEDIATOR, "details")]
        assert log[0].case_number.endswith("第1号") and log[0].at is not None
        assert M.access_log(session=session, actor=admin, case_id="other") == []
    with database.unit(mediator) as session, pytest.raises(PermissionDenied):
        M.access_log(session=session, actor=mediator)
    # the list shows no parties and no facts, and reading it is no read of a case's details
    with database.session() as session:
        row = M.case_rows(session=session, actor=mediator, ids=[case_id])[case_id]
        assert "王大明" not in repr(row) and "院墙" not in repr(row)


def test_reading_on_a_read_only_store_records_nothing(world):
    database, admin, r1, r2 = world
    case_id = new_case(database, admin, r1, r2)
    with database.session() as session:
        session.info["read_only"] = True
        assert M.case_detail(session=session, actor=admin, case_id=case_id).case.id == case_id
        assert session.exec(select(MediationAccessLog)).all() == []


def test_minimal_typing_remembers_place_and_mediators_and_clauses_grow(world):
    database, admin, r1, r2 = world
    case_id = new_case(database, admin, r1, r2, ["accept", "investigate"])
    with database.unit(admin) as session:
        M.record_session(session=session, actor=admin, case_id=case_id,
                         form=record(place="二组院坝", mediators="张调解、刘调解"))
        defaults = M.session_defaults(session=session, actor=admin)
        assert (defaults.place, defaults.mediators, defaults.held_on) == ("二组院坝", "张调解、刘调解", M.today())
        library = M.add_clause(session=session, actor=admin, text="双方共同出资____元修缮共用排水沟。")
        assert library[-1] == "双方共同出资____元修缮共用排水沟。" and library[0] == M.DEFAULT_CLAUSES[0]
        assert M.clause_library(session=session, actor=actor(MEDIATOR)) == library
        choices = M.party_choices(session=session, actor=admin, query="wdm")
        assert [c.name for c in choices] == ["王大明"] and choices[0].address == "一组12号"


def test_statistics_and_stats(world):
    database, admin, r1, r2 = world
    year = M.today().year
    for path in (PATHS[M.VISITED], PATHS[M.FAILED], PATHS[M.TERMINATED], PATHS[M.ESCALATED], PATHS[M.MEDIATING]):
        new_case(database, admin, r1, r2, path)
    with database.session() as session:
        figures = M.statistics(session=session, actor=actor(TOWNSHIP), year=year)
        assert figures.cases == 5 and figures.concluded == 3 and figures.agreed == 1
        assert figures.success_rate == round(1 / 3, 4) and figures.fulfilment_rate == 1.0
        assert figures.escalations == 1 and figures.by_outcome == {"agreed": 1, "failed": 1, "terminated": 1,
                                                                   "escalated": 1}
        assert figures.by_source == {"applied": 5} and sum(figures.by_month.values()) == 5
        assert figures.average_days_to_close is not None and figures.average_days_to_close >= 0
        stats = M.stats(session=session, actor=actor(GRID_WORKER))
        assert stats["cases"] == 5 and stats["by_category"] == {"housing": 5}
        assert stats["by_outcome"]["agreed"] == 1


# ---------------------------------------------------------------- documents


def agreed_case(database, admin, r1, r2):
    return new_case(database, admin, r1, r2, PATHS[M.AGREED])


def test_the_agreement_prints_one_numbered_copy_per_party_and_one_kept(world, tmp_path):
    import pdftools

    from app.printing import print_kind

    database, admin, r1, r2 = world
    case_id = agreed_case(database, admin, r1, r2)
    with database.unit(admin) as session:
        data = print_kind("mediation_agreement", session=session, actor=admin, ident="latest",
                          out=tmp_path / "agreement.pdf")
    pages = pdftools.page_texts(tmp_path / "agreement.pdf")
    assert data.pages == len(pages)
    squeezed = ["".join(p.split()) for p in pages]
    labels = [next((f"第{n}份" for n in range(1, 5) if f"共4份第{n}份" in p), None) for p in squeezed]
    # three parties (applicant, respondent, an outsider) and the committee's copy: four copies, in order,
    # every page labelled with its copy
    assert None not in labels and sorted(set(labels)) == ["第1份", "第2份", "第3份", "第4份"]
    assert labels == sorted(labels)
    copies = ["".join(squeezed[i] for i, label in enumerate(labels) if label == f"第{n}份") for n in range(1, 5)]
    assert "（申请人王大明执）" in copies[0] and "（被申请人李小红执）" in copies[1]
    assert "（其他当事人赵外来执）" in copies[2] and "（调委会存档）" in copies[3]
    for copy in copies:
        assert copy.count("人民调解协议书") == 1
        for needed in ("申请人：王大明", "被申请人：李小红", "其他当事人：赵外来，男，回族，41岁，个体，住邻村三组",
                       "纠纷主要事实、争议事项", "两家因院墙位置发生争执。", "王大明请求：拆除越界院墙",
                       "经调解，自愿达成如下协议", "1．被申请人于2026年5月1日前拆除越界院墙。", "履行方式、时限",
                       "当场履行", "本协议一式4份，当事人各执一份，人民调解委员会留存一份。",
                       "申请人王大明（签名并捺印）：", "被申请人李小红（签名并捺印）：", "其他当事人赵外来（签名并捺印）：",
                       "人民调解员（签名）：", "青石村人民调解委员会", "申请司法确认。"):
            assert needed in copy, needed
    with database.session() as session:
        printed = session.exec(select(AuditEntry).where(AuditEntry.table_name == "print")).one()
        assert printed.row_id == "mediation_agreement:latest" and printed.changes["public"] is False
        log = session.exec(select(MediationAccessLog)).all()
        assert [(r.case_id, r.shown) for r in log] == [(case_id, "document:mediation_agreement")]


def test_every_document_kind_builds_for_a_visited_case_and_is_private(world, tmp_path):
    from app.mediation.documents import KIND_NAMES
    from app.printing import build_document, get_kind, render

    database, admin, r1, r2 = world
    case_id = new_case(database, admin, r1, r2, PATHS[M.VISITED])
    with database.unit(admin) as session:
        for kind in KIND_NAMES:
            assert get_kind(kind).public is False
            document = build_document(kind, session=session, actor=admin, ident=case_id if kind != "mediation_yearly"
                                      else str(M.today().year))
            assert render(document).pages >= 1
            assert document.public is False
    with database.session() as session:
        shown = [r.shown for r in session.exec(select(MediationAccessLog))]
    assert shown == [f"document:{k}" for k in KIND_NAMES if k != "mediation_yearly"]


@pytest.mark.parametrize("role", [CLERK, GRID_WORKER, TOWNSHIP])
def test_other_roles_cannot_print_a_case_document_and_it_is_logged(world, role):
    from app.printing import print_kind

    database, admin, r1, r2 = world
    case_id = agreed_case(database, admin, r1, r2)
    who = actor(role)
    with pytest.raises(PermissionDenied), database.unit(who) as session:
        print_kind("mediation_agreement", session=session, actor=who, ident=case_id)
    with database.unit(who) as session:  # the yearly counts: yes
        assert print_kind("mediation_yearly", session=session, actor=who, ident="latest")
    with database.session() as session:
        assert [(r.role, r.shown) for r in session.exec(select(MediationAccessLog))] == [
            (role, "refused:document:mediation_agreement")]


def test_no_agreement_no_agreement_document(world):
    from app.errors import StateError as Refused
    from app.printing import build_document

    database, admin, r1, r2 = world
    case_id = new_case(database, admin, r1, r2, PATHS[M.FAILED])
    with database.unit(admin) as session, pytest.raises(Refused):
        build_document("mediation_agreement", session=session, actor=admin, ident=case_id)
    with database.unit(admin) as session, pytest.raises(Refused):
        build_document("mediation_confirmation", session=session, actor=admin, ident=case_id)


# ---------------------------------------------------------------- nothing leaves through a notice, Excel or a bundle

from test_sync import export as sync_export  # noqa: E402
from test_sync import stores, templates  # noqa: E402,F401,F811  (fixtures: a demo village and a township)

SECRET_NAMES = ("欧阳外乡", "司马远客")
SECRET_TEXT = ("界址秘案", "秘密事实甲乙丙")


def _secret_case(database, admin):
    with database.unit(admin) as session:
        case = M.register_case(session=session, actor=admin, form=mediation.CaseForm(
            title=SECRET_TEXT[0], facts=SECRET_TEXT[1], category="housing",
            registered_on=M.today() - dt.timedelta(days=3),
            parties=(M.PartyForm(role="applicant", name=SECRET_NAMES[0], phone="13511112222"),
                     M.PartyForm(role="respondent", name=SECRET_NAMES[1], address="外村五组"))))
        for action in PATHS[M.AGREED]:
            do(session, admin, case.id, action)
    return case.id


def test_no_public_notice_excel_or_bundle_holds_a_party_or_the_facts(stores, tmp_path):
    import io
    import zipfile

    import pyrage
    from openpyxl import load_workbook

    from app.errors import VillageDeskError
    from app.printing import build_document, kinds
    from app.printing.rendering import document_text
    from db.models.mediation import MediationParty

    (database, admin), _township, key = stores
    _secret_case(database, admin)
    with database.session() as session:
        party_names = set(session.exec(select(MediationParty.name)).all())
    assert set(SECRET_NAMES) <= party_names and len(party_names) > 20  # the demo's cases too
    # every public notice the program can print
    public = [k for k in kinds() if k.public]
    assert public
    with database.unit(admin) as session:
        for kind in public:
            try:
                text = document_text(build_document(kind.name, session=session, actor=admin, ident="latest"))
            except VillageDeskError:
                continue
            assert not [s for s in (*SECRET_NAMES, *SECRET_TEXT) if s in text], kind.name
    # the Excel export other roles may make: counts only, not one party's name
    clerk = actor(CLERK)
    with database.unit(clerk) as session:
        path = M.export_yearly_summary(session=session, actor=clerk, year=M.today().year, to_file=tmp_path / "s.xlsx")
    cells = [str(c.value) for row in load_workbook(path).active.iter_rows() for c in row if c.value is not None]
    assert any("婚姻家庭" in c for c in cells)
    assert not [c for c in cells for n in party_names if n in c]
    assert not [c for c in cells for s in SECRET_TEXT if s in c]
    # the bundle for the township: the area's policy, decrypted member by member
    result = sync_export((database, admin), tmp_path / "usb", full=True)
    plain = pyrage.decrypt(Path(result.path).read_bytes(), [key.identity])
    members = {info.filename: zipfile.ZipFile(io.BytesIO(plain)).read(info.filename)
               for info in zipfile.ZipFile(io.BytesIO(plain)).infolist()}
    import json

    manifest = json.loads(members["manifest.json"])
    assert manifest["policies"]["mediation_case"] == "aggregate"
    assert manifest["policies"]["mediation_party"] == manifest["policies"]["mediation_record"] == "never"
    assert "mediation_access_log" not in manifest["policies"]  # a local table: not even named
    assert not [m for m in members if m.startswith(("mediation_party", "mediation_record", "mediation_access"))]
    counts = [json.loads(line) for line in members["mediation_case.aggregate.jsonl"].decode().splitlines()]
    # counts only: by month, category, source and outcome (no number, no 案由, no party)
    assert counts and all(set(row) <= {"month", "count", "category", "source", "outcome"} for row in counts)
    everything = b"".join(members.values()).decode("utf-8", "replace")
    assert not [s for s in (*SECRET_NAMES, *SECRET_TEXT, "外村五组", "13511112222") if s in everything]


def test_the_demo_has_cases_of_every_stage_and_stats_report_them(stores):
    from app.stats import collect

    (database, admin), _township, _key = stores
    with database.session() as session:
        figures = collect(session=session, actor=admin)["mediation"]
        states = M.counts(session=session, actor=admin).by_state
    assert 30 <= figures["cases"] <= 60
    family = sum(figures["by_category"].get(c, 0) for c in M.FAMILY)
    others = sorted((n for c, n in figures["by_category"].items() if c not in M.FAMILY and c != "neighbours"),
                    reverse=True)
    assert min(family, figures["by_category"]["neighbours"]) >= others[0]  # the two commonest kinds
    assert figures["by_outcome"]["agreed"] > 0.8 * sum(figures["by_outcome"].values())
    assert figures["success_rate"] > 0.85 and figures["average_days_to_close"] > 0
    assert states.get(M.ARCHIVED, 0) > 10 and sum(states.get(s, 0) for s in M.OPEN_STATES) >= 1


def test_the_aggregate_for_the_township_counts_by_month_category_source_and_outcome(world):
    from app.mediation.queries import export_aggregate

    database, admin, r1, r2 = world
    for path in (PATHS[M.VISITED], PATHS[M.FAILED], PATHS[M.FAILED]):
        new_case(database, admin, r1, r2, path)
    with database.session() as session:
        rows = export_aggregate(session, database.village_code)
    month = (M.today() - dt.timedelta(days=3)).isoformat()[:7]
    assert rows == [{"month": month, "category": "housing", "source": "applied", "outcome": "agreed", "count": 1},
                    {"month": month, "category": "housing", "source": "applied", "outcome": "failed", "count": 2}]
    assert "王大明" not in repr(rows) and "宅基地" not in repr(rows)
