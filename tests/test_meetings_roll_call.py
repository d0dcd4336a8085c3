"""Roll-call (记名) votes: each named voter's ballot is kept and the counts come from the ballots."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlmodel import select

from app import meetings
from app.errors import ValidationError
from app.meetings import BallotInput
from app.printing import print_kind
from db.models.meetings import Ballot, Vote

from test_meetings_support import add_representatives, at, populate

D = dt.date


@pytest.fixture
def held(village):
    """A 村民代表会议 of 30 representatives with 20 signed in, held, with one agenda item."""
    database, admin = village
    with database.unit(admin) as session:
        add_representatives(session, 30)
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.REPRESENTATIVES_MEETING,
                                        title="记名表决会议", starts_at=at(D(2025, 5, 10), 9))
        lines = [x for x in meetings.attendance(session=session, actor=admin, meeting_id=meeting.id) if x.expected]
        meetings.sign_in(session=session, actor=admin, meeting_id=meeting.id, attendance_ids=[x.id for x in lines[:20]])
        meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id)
        item = meetings.add_agenda_item(session=session, actor=admin, meeting_id=meeting.id, title="村道维护方案")
        ids = (meeting.id, item.id, [x.id for x in lines[:20]], [x.id for x in lines[20:]])
    return database, admin, ids


def ballots(ids, choices):
    return [BallotInput(choice=c, attendance_id=i) for i, c in zip(ids, choices, strict=False)]


def vote(session, admin, item_id, items, **kw):
    return meetings.record_vote(session=session, actor=admin, agenda_item_id=item_id, method="roll_call",
                                ballots=items, **kw)


@pytest.mark.parametrize(("in_favour", "passed"), [(10, False), (11, True)])
def test_counts_come_from_the_ballots_and_the_rule_judges_them(held, in_favour, passed):
    database, admin, (_m, item_id, present, _absent) = held
    choices = ["for"] * in_favour + ["against"] * 5 + ["abstain"] * 2
    with database.unit(admin) as session:
        v = vote(session, admin, item_id, ballots(present, choices))
        stored = session.exec(select(Ballot).where(Ballot.vote_id == v.id).order_by(Ballot.position)).all()
    assert (v.in_favour, v.against, v.abstain, v.present) == (in_favour, 5, 2, 20)
    assert v.passed is passed  # of 20 present, 10 for fails and 11 passes
    assert [b.choice for b in stored] == choices
    assert all(b.name.startswith("代表") and b.resident_id for b in stored)


def test_counts_given_as_well_must_agree(held):
    database, admin, (_m, item_id, present, _absent) = held
    with database.unit(admin) as session:
        with pytest.raises(ValidationError) as err:
            vote(session, admin, item_id, ballots(present, ["for"] * 12), in_favour=13)
        assert "in_favour" in err.value.errors
        v = vote(session, admin, item_id, ballots(present, ["for"] * 12 + ["against"]), in_favour=12, against=1)
        assert (v.in_favour, v.against, v.abstain) == (12, 1, 0)


@pytest.mark.parametrize("case", ["absent", "twice", "none", "bad_choice", "free_name", "stranger"])
def test_impossible_ballots_are_refused_and_nothing_is_stored(held, case):
    database, admin, (_m, item_id, present, absent) = held
    items = {
        "absent": ballots(present[:3] + absent[:1], ["for"] * 4),
        "twice": ballots(present[:3] + present[:1], ["for"] * 4),
        "none": [],
        "bad_choice": ballots(present[:3], ["for", "maybe", "for"]),
        "free_name": [BallotInput(choice="for", name="路过的人")],
        "stranger": [BallotInput(choice="for", attendance_id="no-such-line")],
    }[case]
    with database.unit(admin) as session:
        with pytest.raises(ValidationError) as err:
            vote(session, admin, item_id, items)
        assert "ballots" in err.value.errors
        assert session.exec(select(Vote)).all() == [] and session.exec(select(Ballot)).all() == []


def test_other_methods_keep_no_names(held):
    database, admin, (_m, item_id, present, _absent) = held
    with database.unit(admin) as session:
        with pytest.raises(ValidationError) as err:
            meetings.record_vote(session=session, actor=admin, agenda_item_id=item_id, method="secret_ballot",
                                 in_favour=3, against=0, abstain=0, scrutineer="甲", teller="乙",
                                 ballots=ballots(present, ["for"] * 3))
        assert "ballots" in err.value.errors
        with pytest.raises(ValidationError) as err:
            meetings.record_vote(session=session, actor=admin, agenda_item_id=item_id, method="show_of_hands")
        assert "in_favour" in err.value.errors


def test_head_count_meeting_takes_ballots_by_name_but_not_more_than_present(village):
    database, admin = village
    with database.unit(admin) as session:
        populate(session, households_per_grid=(2,))  # 应到 2 households: a head count of 2 is within it
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.OPEN_AIR, title="院坝会",
                                        starts_at=at(D(2025, 5, 10), 19))
        meetings.set_head_count(session=session, actor=admin, meeting_id=meeting.id, count=2)
        meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id)
        item = meetings.add_agenda_item(session=session, actor=admin, meeting_id=meeting.id, title="垃圾清运")
        with pytest.raises(ValidationError) as err:  # three ballots, two present
            vote(session, admin, item.id, [BallotInput("for", name=n) for n in ("张三", "李四", "王五")])
        assert "in_favour" in err.value.errors
        v = vote(session, admin, item.id, [BallotInput("for", name="张三"), BallotInput("against", name="李四")])
        assert (v.in_favour, v.against) == (1, 1)


def test_minutes_list_the_named_ballots(held):
    database, admin, (meeting_id, item_id, present, _absent) = held
    with database.unit(admin) as session:
        vote(session, admin, item_id, ballots(present, ["for"] * 18 + ["against", "abstain"]))
        record = meetings.meeting_record(session=session, actor=admin, meeting_id=meeting_id)
        assert len(next(iter(record.ballots.values()))) == 20
        pdf = print_kind("minutes", session=session, actor=admin, ident=meeting_id)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "").replace(" ", "")
    text = re.sub(r"—\d+—(草稿)?", "", text)  # a line may go on after the page number and watermark
    assert "记名投票" in text and "代表00" in text
    assert "反对：代表18" in text and "弃权：代表19" in text


def test_a_guests_ballot_is_refused_by_the_service(held):
    """列席 guests attend without counting in 应到: the service refuses their ballot (the widget used
    to drop it, so a direct call counted it)."""
    database, admin, (meeting_id, item_id, present, _absent) = held
    with database.unit(admin) as session:
        guest = meetings.invite_guest(session=session, actor=admin, meeting_id=meeting_id, name="驻村干部王某")
        meetings.sign_in(session=session, actor=admin, meeting_id=meeting_id, attendance_ids=[guest.id])
        with pytest.raises(ValidationError) as err:
            vote(session, admin, item_id, ballots(present[:11], ["for"] * 11) + ballots([guest.id], ["for"]))
        assert "ballots" in err.value.errors and "驻村干部王某" in err.value.errors["ballots"]
        assert session.exec(select(Vote).where(Vote.agenda_item_id == item_id)).all() == []
        v = vote(session, admin, item_id, ballots(present[:11], ["for"] * 11))
    assert (v.in_favour, v.present) == (11, 20)
