"""评选表彰: nominations → 村民代表 votes by the meetings' quorum rules → 两委复审 with reasons →
公示 with its window and objections → honours roll, never before the window has ended nor with
an objection unresolved."""
from __future__ import annotations

import datetime as dt

import pytest

from app import awards, meetings, notices
from app.auth import CLERK, Actor
from app.errors import PermissionDenied, StateError, ValidationError
from app.notices.queries import get_calendar

from test_meetings_support import at, populate

TODAY = awards.service.today()
CLERK_ACTOR = Actor("", "clerk", "王文书", CLERK)


def held_meeting(session, admin, kind=meetings.REPRESENTATIVES_MEETING, present=3):
    meeting = meetings.plan_meeting(session=session, actor=admin, kind=kind, title="村民代表会议", starts_at=at())
    roll = meetings.attendance(session=session, actor=admin, meeting_id=meeting.id)
    meetings.sign_in(session=session, actor=admin, meeting_id=meeting.id, attendance_ids=[a.id for a in roll][:present])
    meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id, held_on=at().date())
    return meeting


@pytest.fixture
def world(village):
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session)
        campaign = awards.start_campaign(session=session, actor=CLERK_ACTOR, kind="courtyard", title="2025年度最美庭院评选",
                                         period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31), places=2)
        picks = [awards.nominate(session=session, actor=CLERK_ACTOR, campaign_id=campaign.id, channel=channel,
                                 household_id=pop.households[i].id, nominated_by="一组妇女小组" if channel != "self" else "",
                                 reason="庭院整洁，四季有花")
                 for i, channel in enumerate(["organisation", "person", "self"])]
    return database, admin, pop, campaign, picks


def vote(session, admin, campaign, picks, meeting, counts=(3, 2, 1), present=3):
    return awards.record_votes(session=session, actor=CLERK_ACTOR, campaign_id=campaign.id, meeting_id=meeting.id,
                               tallies={p.id: awards.Tally(in_favour=n, against=present - n)
                                        for p, n in zip(picks, counts)})


def test_nominations(world):
    database, admin, pop, campaign, picks = world
    assert picks[2].nominated_by == picks[2].name == f"{pop.households[2].head_name}户"
    assert [p.channel for p in picks] == ["organisation", "person", "self"]
    with database.unit(admin) as session:
        with pytest.raises(ValidationError):  # twice
            awards.nominate(session=session, actor=admin, campaign_id=campaign.id, channel="person",
                            household_id=pop.households[0].id, nominated_by="张三", reason="好")
        with pytest.raises(ValidationError):  # no reason, nobody recommending
            awards.nominate(session=session, actor=admin, campaign_id=campaign.id, channel="person",
                            household_id=pop.households[4].id)


def test_votes_follow_the_representatives_meeting_rule(world):
    database, admin, pop, campaign, picks = world
    with database.unit(admin) as session:
        wrong_kind = held_meeting(session, admin, kind=meetings.TWO_COMMITTEES)
        with pytest.raises(ValidationError):
            vote(session, admin, campaign, picks, wrong_kind)
        thin = held_meeting(session, admin, present=2)  # 2 of 4 representatives: below two thirds
        with pytest.raises(StateError) as refused:
            vote(session, admin, campaign, picks, thin, counts=(2, 1, 0), present=2)
        assert "2" in str(refused.value)
    with database.unit(admin) as session:
        meeting = held_meeting(session, admin)
        results = vote(session, admin, campaign, picks, meeting)
        # 3 present: more than half means 2 in favour; two places
        assert [(r.passed, r.elected) for r in results] == [(True, True), (True, True), (False, False)]
        assert "3" in results[0].reason
        shown = awards.campaign(session=session, actor=admin, campaign_id=campaign.id)
        assert shown.state == awards.VOTED and (shown.vote_expected, shown.vote_present) == (4, 3)


def test_a_tie_for_the_last_place_is_voted_again(world):
    database, admin, pop, campaign, picks = world
    with database.unit(admin) as session:
        meeting = held_meeting(session, admin)
        with pytest.raises(StateError):
            vote(session, admin, campaign, picks, meeting, counts=(3, 2, 2))


def test_the_roll_waits_for_the_publicity_window_and_the_objections(world):
    database, admin, pop, campaign, picks = world
    with database.unit(admin) as session:
        vote(session, admin, campaign, picks, held_meeting(session, admin))
        with pytest.raises(PermissionDenied):
            awards.review(session=session, actor=CLERK_ACTOR, campaign_id=campaign.id, decisions={})
        with pytest.raises(ValidationError):  # a decision without a reason
            awards.review(session=session, actor=admin, campaign_id=campaign.id,
                          decisions={picks[0].id: awards.Review(True, ""), picks[1].id: awards.Review(True, "属实")})
        with pytest.raises(StateError):  # steps in order
            awards.start_publicity(session=session, actor=admin, campaign_id=campaign.id)
        awards.review(session=session, actor=admin, campaign_id=campaign.id, reviewed_on=TODAY - dt.timedelta(days=30),
                      decisions={picks[0].id: awards.Review(True, "经实地查看，属实"),
                                 picks[1].id: awards.Review(True, "经实地查看，属实")})
        # a window still running: no roll
        shown = awards.start_publicity(session=session, actor=admin, campaign_id=campaign.id, start=TODAY, days=5,
                                       working_days=True)
        calendar = get_calendar(session)
        assert shown.publicity_end == notices.publicity_end(TODAY, 5, working_days=True, calendar=calendar)
        with pytest.raises(StateError) as refused:
            awards.make_roll(session=session, actor=admin, campaign_id=campaign.id)
        assert shown.publicity_end.isoformat() in str(refused.value)
        assert awards.allowed_actions(session=session, actor=admin, campaign_id=campaign.id)["roll"]
        session.rollback()
    # a window that has ended, with an objection
    start = TODAY - dt.timedelta(days=20)
    with database.unit(admin) as session:
        vote(session, admin, campaign, picks, held_meeting(session, admin))
        awards.review(session=session, actor=admin, campaign_id=campaign.id, reviewed_on=start,
                      decisions={picks[0].id: awards.Review(True, "属实"), picks[1].id: awards.Review(True, "属实")})
        shown = awards.start_publicity(session=session, actor=admin, campaign_id=campaign.id, start=start, days=7)
        assert shown.publicity_end == start + dt.timedelta(days=6)
        with pytest.raises(ValidationError):  # received after the window
            awards.record_objection(session=session, actor=CLERK_ACTOR, campaign_id=campaign.id, text="有异议",
                                    received_on=TODAY)
        objection = awards.record_objection(session=session, actor=CLERK_ACTOR, campaign_id=campaign.id,
                                            nomination_id=picks[1].id, raised_by="村民",
                                            text="其庭院杂物堆放，不符合条件", received_on=start + dt.timedelta(days=2))
        with pytest.raises(StateError) as refused:
            awards.make_roll(session=session, actor=admin, campaign_id=campaign.id)
        assert "objection" in str(refused.value) or "异议" in str(refused.value)
        awards.resolve_objection(session=session, actor=admin, objection_id=objection.id, upheld=True,
                                 resolution="经核实属实，取消其评选资格", resolved_on=start + dt.timedelta(days=4))
        roll = awards.make_roll(session=session, actor=admin, campaign_id=campaign.id)
        assert [(h.place, h.name) for h in roll] == [(1, picks[0].name)]
        assert awards.campaign(session=session, actor=admin, campaign_id=campaign.id).state == awards.CLOSED
        with pytest.raises(StateError):
            awards.make_roll(session=session, actor=admin, campaign_id=campaign.id)
