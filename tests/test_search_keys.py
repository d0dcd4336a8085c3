"""Issue 10: concerns and meetings keep a pinyin ``search_key`` (filled on save, by the demo's bulk
inserts and by migration 0006), and their search reads it instead of running pypinyin per row."""
from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlmodel import select

from app import concerns, meetings, search
from app.search import stored_key
from db.models.concerns import Concern
from db.models.meetings import Meeting
from test_meetings_support import at


def _raise_and_plan(database, admin):
    with database.unit(admin) as session:
        concern = concerns.raise_concern(session=session, actor=admin, title="路灯坏了", raised_by="陈磊",
                                         source="visit", assignee="谢志荣")
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.EVENING_TALK, title="夜话会",
                                        starts_at=at(dt.date.today() + dt.timedelta(days=3)), place="曾家院坝",
                                        host_name="单小明")
    return concern, meeting


def _keys(database) -> tuple[dict[str, str], dict[str, str]]:
    with database.session() as session:
        return ({c.id: c.search_key for c in session.exec(select(Concern))},
                {m.id: m.search_key for m in session.exec(select(Meeting))})


def test_keys_are_kept_on_save(village):
    database, admin = village
    concern, meeting = _raise_and_plan(database, admin)
    concern_keys, meeting_keys = _keys(database)
    assert "|chen|lei|" in concern_keys[concern.id] and "|xie|zhi|rong|" in concern_keys[concern.id]
    assert "|lu|deng|huai|le|" in concern_keys[concern.id]
    assert "|shan|xiao|ming|" in meeting_keys[meeting.id]  # the host's surname read as a surname
    with database.unit(admin) as session:
        concerns.assign_concern(session=session, actor=admin, concern_id=concern.id, assignee="欧阳娜")
        meetings.update_meeting(session=session, actor=admin, meeting_id=meeting.id, place="村委会")
    concern_keys, meeting_keys = _keys(database)
    assert "|ou|yang|na|" in concern_keys[concern.id] and "xie" not in concern_keys[concern.id]
    assert "|cun|wei|hui|" in meeting_keys[meeting.id] and "|jia|" not in meeting_keys[meeting.id]


@pytest.fixture
def no_pinyin_at_search_time(monkeypatch):
    """Any pinyin computed from here on fails the test: the keys must come from the store."""
    search._row_keys.cache_clear()

    def refuse(_text: str) -> str:
        raise AssertionError("pinyin computed at search time")

    monkeypatch.setattr(search, "text_key", refuse)
    monkeypatch.setattr(search, "name_key", refuse)


def test_search_reads_the_stored_keys(village, request):
    database, admin = village
    concern, meeting = _raise_and_plan(database, admin)
    request.getfixturevalue("no_pinyin_at_search_time")
    with database.session() as session:
        for query in ("chenlei", "xiezr", "ldhl", "路灯"):
            assert concerns.concern_ids(session=session, actor=admin, search=query) == [concern.id], query
        assert concerns.concern_ids(session=session, actor=admin, search="wangwu") == []
        for query in ("yhh", "shanxm", "jiayuanba"):
            assert meetings.meeting_ids(session=session, actor=admin, search=query) == [meeting.id], query


def test_the_demo_writes_the_keys(village):
    from app import demo

    database, admin = village
    with database.unit(admin) as session:
        demo.generate(session=session, actor=admin, size="small", seed=1)
    with database.session() as session:
        rows = session.exec(select(Concern)).all() + session.exec(select(Meeting)).all()
        assert rows and all(r.search_key == stored_key(type(r).__tablename__, r) for r in rows)


def test_migration_0006_fills_the_keys_of_an_older_store(village):
    from db.engine import Database

    database, admin = village
    concern, meeting = _raise_and_plan(database, admin)
    path = database.path
    database.dispose()
    from alembic import command

    from db.engine import make_engine
    from db.migrate import alembic_config

    engine = make_engine(path)  # the store as 0005 left it: no keys (and none of the later tables)
    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    engine.dispose()
    upgraded = Database(path, backup_dir=path.parent / "backups")
    try:
        concern_keys, meeting_keys = _keys(upgraded)
    finally:
        upgraded.dispose()
    assert "|chen|lei|" in concern_keys[concern.id]
    assert "|shan|xiao|ming|" in meeting_keys[meeting.id]


def test_a_row_without_a_key_is_still_found(village):
    """Rows written by a path that does not fill the key are keyed on the fly."""
    database, admin = village
    concern, _meeting = _raise_and_plan(database, admin)
    with sqlite3.connect(database.path) as conn:
        conn.execute("UPDATE concern SET search_key = ''")
    with database.session() as session:
        assert concerns.concern_ids(session=session, actor=admin, search="chenlei") == [concern.id]
