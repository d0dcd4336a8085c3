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
