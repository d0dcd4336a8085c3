"""Issue 8, item 10: one text normaliser at the boundary (app.text), dates in a sane range.

The fuzz tests feed random unicode — controls, NUL, bidi overrides, zero-width characters, lone
surrogates, decomposed accents, huge strings — and far-off dates to the create/update services of
every area and to account creation. No traceback other than the expected errors may come out, and
everything stored passes the normaliser unchanged (re-normalising it changes nothing) and fits its
column. Hypothesis runs derandomized (tests/conftest.py), so every run sees the same inputs.
"""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import NotFound, PermissionDenied, StateError, ValidationError
from app.text import check_date, clean_text, normalise

EXPECTED = (ValidationError, PermissionDenied, StateError, NotFound)
MULTILINE = {"description", "body", "objection", "note", "text", "resolution", "escalation_reason", "decision"}
STATS = {"inputs": 0, "refused": 0, "stored": 0}

# ---------------------------------------------------------------- the normaliser itself


def test_clean_text_strips_what_cannot_be_seen():
    assert clean_text("\u202e管理员\u200b\x00", field="name", max_length=32) == "管理员"
    assert clean_text(" a\u2066b\u2069c\ufeff ", field="name", max_length=32) == "abc"
    assert clean_text("e\u0301", field="name", max_length=32) == "\u00e9"  # NFC
    assert clean_text("行一\r\n\t行二\x07", field="body", max_length=99, multiline=True) == "行一\n\t行二"
    assert clean_text("行一\n行二", field="name", max_length=99) == "行一行二"


def test_clean_text_refuses_surrogates_and_long_text_by_field():
    with pytest.raises(ValidationError) as surrogate:
        clean_text("张\ud800三", field="name", max_length=32)
    assert list(surrogate.value.errors) == ["name"]
    with pytest.raises(ValidationError) as long:
        clean_text("字" * 1_000_000, field="description", max_length=2000)
    assert list(long.value.errors) == ["description"]


def test_max_length_is_read_from_the_column():
    from db.models.meetings import Meeting

    with pytest.raises(ValidationError):
        clean_text("x" * 129, field="title", model=Meeting)
    assert clean_text("x" * 128, field="title", model=Meeting) == "x" * 128


def test_dates_between_1900_and_ten_years_ahead():
    today = dt.date(2026, 5, 1)
    assert check_date(dt.date(1900, 1, 1), field="d", today=today) == dt.date(1900, 1, 1)
    assert check_date(dt.date(2036, 5, 1), field="d", today=today)
    for bad in (dt.date(1899, 12, 31), dt.date(2036, 5, 2), dt.date(9999, 12, 31), dt.date(1, 1, 1)):
        with pytest.raises(ValidationError) as refused:
            check_date(bad, field="held_on", today=today)
        assert "held_on" in refused.value.errors


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=("Cs",)), max_size=60))
def test_normalise_is_idempotent(value):
    once = normalise(value)
    assert normalise(once) == once
    twice = normalise(value, multiline=True)
    assert normalise(twice, multiline=True) == twice


# ---------------------------------------------------------------- fuzzing the services

NASTY = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u202a", "\u2066", "\u2069", "\u200b", "\u200d",
         "\ufeff", "\u2028", "\n", "\r", "\t", " ", "\u3000", "e", "\u0301", "\ud800", "\udfff", "张", "三", "1"]
# any code point including lone surrogates, plus the characters attackers like best
chars = st.one_of(st.characters(codec=None, exclude_categories=()), st.sampled_from(NASTY))
texts = st.one_of(
    st.text(alphabet=chars, max_size=40),
    st.builds(lambda piece, n: piece * n, st.text(alphabet=chars, min_size=1, max_size=4),
              st.sampled_from([70, 300, 3000, 1_000_000])),  # past every column, up to a million characters
)
dates = st.one_of(st.none(), st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def store(tmp_path_factory, _migrated_template):
    from app import meetings, people
    from db.engine import Database

    path = tmp_path_factory.mktemp("fuzz") / "village.sqlite3"
    shutil.copyfile(_migrated_template, path)
    database = Database(path, backup_dir=path.parent / "backups")
    with database.unit() as session:
        admin = people.setup_village(
            session=session, name="青石村", code="510112104201", township="龙泉镇", committee_name="",
            supervision_phone="", admin_username="admin", admin_password="secret-pass", admin_display_name="李书记")
    database.refresh_village_code()
    with database.unit(admin) as session:
        grid = people.add_grid(session=session, actor=admin, name="一组第1网格")
        household = people.save_household(session=session, actor=admin,
                                          form=people.HouseholdForm(head_name="王大明", grid_id=grid.id))
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=next(iter(meetings.KINDS)), title="会",
                                        starts_at=dt.datetime(2026, 3, 1, 19, tzinfo=dt.UTC))
    yield database, admin, {"household_id": household.id, "grid_id": grid.id, "meeting_id": meeting.id}
    database.dispose()
    print(f"\nfuzz: {STATS['inputs']} inputs, {STATS['refused']} refused with a field/state error, "
          f"{STATS['stored']} stored, 0 tracebacks")


def _check_stored(session) -> None:
    """Every text column of every row written in this unit passes the normaliser unchanged."""
    from app.areas import AREAS
    from db.models.accounts import User

    models = {m for area in AREAS for m in area.models} | {User}
    for row in list(session.identity_map.values()):
        if type(row) not in models:
            continue
        for column in row.__table__.columns:
            value = getattr(row, column.key)
            if not isinstance(value, str):
                continue
            multiline = column.key in MULTILINE
            assert normalise(value, multiline=multiline) == value, (type(row).__name__, column.key, value[:80])
            assert "\n" not in value or multiline, (type(row).__name__, column.key)
            length = getattr(column.type, "length", None)
            assert length is None or len(value) <= length, (type(row).__name__, column.key, len(value))


def _run(store, call) -> None:
    database, admin, ids = store
    STATS["inputs"] += 1
    with database.session() as session:
        session.info["actor"] = admin.username
        session.info["village_code"] = database.village_code
        try:
            call(session, admin, ids)
            session.flush()
            _check_stored(session)
            STATS["stored"] += 1
        except EXPECTED:
            STATS["refused"] += 1
        finally:
            session.rollback()


@SETTINGS
@given(name=texts, number=texts, address=texts, phone=texts, note=texts, id_number=texts)
def test_fuzz_people(store, name, number, address, phone, note, id_number):
    from app import people

    def household(session, admin, ids):
        people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name=name, number=number, address=address, phone=phone))

    def resident(session, admin, ids):
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name=name, gender="F", phone=phone, note=note, id_number=id_number, household_id=ids["household_id"]))

    def group_and_grid(session, admin, ids):
        group = people.add_group(session=session, actor=admin, name=number, leader_name=name)
        people.add_grid(session=session, actor=admin, name=address, group_id=group.id, leader_name=name,
                        leader_phone=phone, area_leader_name=note)

    def profile(session, admin, ids):
        people.update_profile(session=session, actor=admin, name=name, township=address, committee_name=note,
                              supervision_phone=phone)

    for call in (household, resident, group_and_grid, profile):
        _run(store, call)


@SETTINGS
@given(title=texts, place=texts, host=texts, description=texts, body=texts,
       starts=st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30),
                           timezones=st.just(dt.UTC)))
def test_fuzz_meetings(store, title, place, host, description, body, starts):
    from app import meetings

    def plan(session, admin, ids):
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=next(iter(meetings.KINDS)), title=title,
                                        starts_at=starts, place=place, host_name=host, recorder_name=host,
                                        description=description, guests=[host])
        meetings.update_meeting(session=session, actor=admin, meeting_id=meeting.id, title=place,
                                description=body)

    def agenda(session, admin, ids):
        meetings.add_agenda_item(session=session, actor=admin, meeting_id=ids["meeting_id"], title=title,
                                 description=description, proposer_name=host)

    for call in (plan, agenda):
        _run(store, call)


@SETTINGS
@given(title=texts, description=texts, raised_by=texts, assignee=texts, text=texts, raised_on=dates, due_on=dates)
def test_fuzz_concerns(store, title, description, raised_by, assignee, text, raised_on, due_on):
    from app import concerns

    def concern(session, admin, ids):
        made = concerns.raise_concern(session=session, actor=admin, title=title, description=description,
                                      source="visit", household_id=ids["household_id"], raised_by=raised_by,
                                      raised_on=raised_on, assignee=assignee, due_on=due_on)
        concerns.add_progress_note(session=session, actor=admin, concern_id=made.id, text=text, noted_on=due_on)
        concerns.close_concern(session=session, actor=admin, concern_id=made.id, resolution=description,
                               closed_on=raised_on)

    _run(store, concern)


@SETTINGS
@given(title=texts, description=texts, note=texts, held_on=dates)
def test_fuzz_deliberation(store, title, description, note, held_on):
    from app import deliberation

    def matter(session, admin, ids):
        made = deliberation.start_matter(session=session, actor=admin, title=title, description=description)
        deliberation.record_step(session=session, actor=admin, matter_id=made.id, step="proposal",
                                 held_on=held_on or dt.date(2026, 1, 5), note=note)

    _run(store, matter)


@SETTINGS
@given(title=texts, body=texts, issuer=texts, objection=texts, cell=texts, start=dates)
def test_fuzz_notices(store, title, body, issuer, objection, cell, start):
    from app import notices

    def notice(session, admin, ids):
        table = {"columns": [{"key": "name", "header": "姓名"}], "rows": [[cell]]}
        made = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(
            title=title, body=body, issuer=issuer, objection=objection, table=table, publicity_start=start))
        notices.update_notice(session=session, actor=admin, notice_id=made.id, form=notices.NoticeForm(
            title=issuer, body=objection, table=table))

    _run(store, notice)


@SETTINGS
@given(username=texts, display_name=texts)
def test_fuzz_accounts(store, username, display_name):
    from app.auth import CLERK, authenticate, create_user

    def account(session, admin, ids):
        create_user(session=session, actor=admin, username=username, password="good-pass-1", role=CLERK,
                    display_name=display_name)

    def sign_in(session, admin, ids):
        from app.errors import AuthenticationFailed

        try:
            authenticate(session=session, username=username, password=display_name)
        except AuthenticationFailed:
            pass

    _run(store, account)
    _run(store, sign_in)


def test_bidi_user_name_cannot_impersonate_the_admin(store):
    """``\\u202e管理员`` was stored as typed; now the invisible characters go, so a look-alike of an
    existing name is a clash."""
    from app.auth import CLERK, create_user

    database, admin, _ids = store
    with database.session() as session:
        with pytest.raises(ValidationError) as taken:
            create_user(session=session, actor=admin, username="\u202eadmin\u200b", password="good-pass-1",
                        role=CLERK)
        session.rollback()
    assert "username" in taken.value.errors


def test_year_9999_and_year_1_are_field_errors(store):
    from app import concerns, meetings

    database, admin, _ids = store
    with database.session() as session:
        for starts in (dt.datetime(9999, 1, 1, tzinfo=dt.UTC), dt.datetime(1, 1, 2, tzinfo=dt.UTC)):
            with pytest.raises(ValidationError) as refused:
                meetings.plan_meeting(session=session, actor=admin, kind=next(iter(meetings.KINDS)), title="会",
                                      starts_at=starts)
            assert "starts_at" in refused.value.errors
        with pytest.raises(ValidationError) as refused:
            concerns.raise_concern(session=session, actor=admin, title="事", source="visit", raised_by="王",
                                   raised_on=dt.date(9999, 12, 31))
        assert "raised_on" in refused.value.errors
        session.rollback()
