"""四议两公开: six steps in order, each dated and linked; a failed vote stops the procedure; 一肩挑."""
from __future__ import annotations

import datetime as dt

import pytest

from app import deliberation as d
from app import meetings
from app.errors import StateError, ValidationError
from app.deliberation import queries as dq

from test_meetings_support import add_party_members, add_representatives, at

D = dt.date


class Village:
    """A village with 9 party members, 30 representatives and committees, and helpers to hold meetings."""

    def __init__(self, session, admin):
        self.session, self.admin = session, admin
        self.party = add_party_members(session, 9)
        self.reps = add_representatives(session, 30)
        meetings.set_committee_members(session=session, actor=admin, committee="branch_committee",
                                       resident_ids=[r.id for r in self.party[:3]])
        meetings.set_committee_members(session=session, actor=admin, committee="villagers_committee",
                                       resident_ids=[r.id for r in self.party[2:3] + self.reps[:4]])

    def meeting(self, kind, day, *, present=None, matter=None, vote=None):
        """Hold a meeting of ``kind`` on ``day``; with ``vote=(for, against, abstain)`` vote on ``matter``."""
        s, a = self.session, self.admin
        m = meetings.plan_meeting(session=s, actor=a, kind=kind, title=f"{kind}会议", starts_at=at(day))
        rows = [r for r in meetings.attendance(session=s, actor=a, meeting_id=m.id) if r.expected]
        n = len(rows) if present is None else present
        if n:
            meetings.sign_in(session=s, actor=a, meeting_id=m.id, attendance_ids=[r.id for r in rows[:n]])
        meetings.mark_held(session=s, actor=a, meeting_id=m.id)
        item = meetings.add_agenda_item(session=s, actor=a, meeting_id=m.id, title="修建村道",
                                        matter_id=matter.id if matter else None)
        v = None
        if vote:
            v = meetings.record_vote(session=s, actor=a, agenda_item_id=item.id, method="show_of_hands",
                                     in_favour=vote[0], against=vote[1], abstain=vote[2])
        return m, v

    def now(self, matter):
        """The matter as it is now (services hand out views: a snapshot each)."""
        return d.matter(session=self.session, actor=self.admin, matter_id=matter.id)

    def step(self, matter, step, day, **kw):
        return d.record_step(session=self.session, actor=self.admin, matter_id=matter.id, step=step, held_on=day, **kw)


@pytest.fixture
def v(village):
    database, admin = village
    with database.unit(admin) as session:
        yield Village(session, admin)


def test_full_procedure(v):
    matter = d.start_matter(session=v.session, actor=v.admin, title="硬化三组村道", description="长1.2公里，预算36万元")
    m1, _ = v.meeting(meetings.BRANCH_COMMITTEE, D(2024, 3, 1))
    v.step(matter, d.PROPOSAL, D(2024, 3, 1), meeting_id=m1.id)
    m2, _ = v.meeting(meetings.TWO_COMMITTEES, D(2024, 3, 5))
    v.step(matter, d.CONSULTATION, D(2024, 3, 5), meeting_id=m2.id)
    m3, vote3 = v.meeting(meetings.PARTY_ASSEMBLY, D(2024, 3, 10), present=7, matter=matter, vote=(6, 1, 0))
    v.step(matter, d.REVIEW, D(2024, 3, 10), meeting_id=m3.id, vote_id=vote3.id)
    m4, vote4 = v.meeting(meetings.REPRESENTATIVES_MEETING, D(2024, 3, 15), present=25, matter=matter, vote=(20, 3, 2))
    v.step(matter, d.RESOLUTION, D(2024, 3, 15), meeting_id=m4.id, vote_id=vote4.id)
    v.step(matter, d.PUBLISH_RESOLUTION, D(2024, 3, 16), notice_number="〔2024〕5号")
    assert v.now(matter).state == d.IN_PROGRESS
    v.step(matter, d.PUBLISH_RESULTS, D(2024, 9, 30), notice_number="〔2024〕21号")
    assert v.now(matter).state == d.COMPLETED
    progress = d.progress(session=v.session, actor=v.admin, matter_id=matter.id)
    assert progress.done_count == 6
    assert progress.steps[2].meeting_title and "通过" in progress.steps[2].vote_summary
    assert progress.steps[5].notice_number == "〔2024〕21号"
    with pytest.raises(StateError):
        v.step(matter, d.PUBLISH_RESULTS, D(2024, 10, 1), notice_number="x")


def test_no_step_before_the_previous_one(v):
    matter = d.start_matter(session=v.session, actor=v.admin, title="集体资产出租")
    m3, vote3 = v.meeting(meetings.PARTY_ASSEMBLY, D(2024, 3, 10), matter=matter, vote=(9, 0, 0))
    with pytest.raises(StateError) as err:
        v.step(matter, d.REVIEW, D(2024, 3, 10), meeting_id=m3.id, vote_id=vote3.id)
    assert "党支部提议" in err.value.message
    m1, _ = v.meeting(meetings.BRANCH_COMMITTEE, D(2024, 3, 1))
    v.step(matter, d.PROPOSAL, D(2024, 3, 1), meeting_id=m1.id)
    m2, _ = v.meeting(meetings.TWO_COMMITTEES, D(2024, 2, 20))
    with pytest.raises(ValidationError) as err:  # dated before the proposal
        v.step(matter, d.CONSULTATION, D(2024, 2, 20), meeting_id=m2.id)
    assert "held_on" in err.value.errors
    with pytest.raises(StateError):
        v.step(matter, d.PROPOSAL, D(2024, 3, 2), meeting_id=m1.id)  # done already


def test_step_needs_the_right_meeting_and_vote(v):
    matter = d.start_matter(session=v.session, actor=v.admin, title="土地调整")
    other = d.start_matter(session=v.session, actor=v.admin, title="别的事项")
    wrong, _ = v.meeting(meetings.PARTY_ASSEMBLY, D(2024, 3, 1))
    with pytest.raises(ValidationError) as err:
        v.step(matter, d.PROPOSAL, D(2024, 3, 1), meeting_id=wrong.id)
    assert "meeting_id" in err.value.errors
    with pytest.raises(ValidationError):
        v.step(matter, d.PROPOSAL, D(2024, 3, 1))
    planned = meetings.plan_meeting(session=v.session, actor=v.admin, kind=meetings.BRANCH_COMMITTEE, title="未开",
                                    starts_at=at(D(2024, 3, 1)))
    with pytest.raises(ValidationError):
        v.step(matter, d.PROPOSAL, D(2024, 3, 1), meeting_id=planned.id)
    m1, _ = v.meeting(meetings.BRANCH_COMMITTEE, D(2024, 3, 1))
    v.step(matter, d.PROPOSAL, D(2024, 3, 1), meeting_id=m1.id)
    m2, _ = v.meeting(meetings.TWO_COMMITTEES, D(2024, 3, 2))
    v.step(matter, d.CONSULTATION, D(2024, 3, 2), meeting_id=m2.id)
    m3, vote_other = v.meeting(meetings.PARTY_ASSEMBLY, D(2024, 3, 3), matter=other, vote=(9, 0, 0))
    with pytest.raises(ValidationError) as err:
        v.step(matter, d.REVIEW, D(2024, 3, 3), meeting_id=m3.id, vote_id=vote_other.id)
    assert "vote_id" in err.value.errors
    with pytest.raises(ValidationError) as err:
        v.step(matter, d.REVIEW, D(2024, 3, 3), meeting_id=m3.id)
    assert "vote_id" in err.value.errors


def test_invalid_vote_stops_the_procedure_with_the_reason(v):
    matter = d.start_matter(session=v.session, actor=v.admin, title="村集体经济合作项目")
    m1, _ = v.meeting(meetings.BRANCH_COMMITTEE, D(2024, 3, 1))
    v.step(matter, d.PROPOSAL, D(2024, 3, 1), meeting_id=m1.id)
    m2, _ = v.meeting(meetings.TWO_COMMITTEES, D(2024, 3, 2))
    v.step(matter, d.CONSULTATION, D(2024, 3, 2), meeting_id=m2.id)
    # 9 members, 5 present: fewer than two thirds (6) — the assembly is not valid.
    m3, vote3 = v.meeting(meetings.PARTY_ASSEMBLY, D(2024, 3, 3), present=5, matter=matter, vote=(5, 0, 0))
    v.step(matter, d.REVIEW, D(2024, 3, 3), meeting_id=m3.id, vote_id=vote3.id)
    assert v.now(matter).state == d.STOPPED
    assert "应到9人，实到5人" in v.now(matter).stop_reason and "无效" in v.now(matter).stop_reason
    m4, vote4 = v.meeting(meetings.REPRESENTATIVES_MEETING, D(2024, 3, 4), matter=matter, vote=(30, 0, 0))
    with pytest.raises(StateError) as err:
        v.step(matter, d.RESOLUTION, D(2024, 3, 4), meeting_id=m4.id, vote_id=vote4.id)
    assert "中止" in err.value.message


def test_rejected_resolution_stops_too(v):
    matter = d.start_matter(session=v.session, actor=v.admin, title="一事一议筹资")
    m1, _ = v.meeting(meetings.BRANCH_COMMITTEE, D(2024, 3, 1))
    v.step(matter, d.PROPOSAL, D(2024, 3, 1), meeting_id=m1.id)
    m2, _ = v.meeting(meetings.TWO_COMMITTEES, D(2024, 3, 2))
    v.step(matter, d.CONSULTATION, D(2024, 3, 2), meeting_id=m2.id)
    m3, vote3 = v.meeting(meetings.PARTY_ASSEMBLY, D(2024, 3, 3), matter=matter, vote=(5, 4, 0))
    v.step(matter, d.REVIEW, D(2024, 3, 3), meeting_id=m3.id, vote_id=vote3.id)
    m4, vote4 = v.meeting(meetings.REPRESENTATIVES_MEETING, D(2024, 3, 4), present=20, matter=matter, vote=(10, 10, 0))
    v.step(matter, d.RESOLUTION, D(2024, 3, 4), meeting_id=m4.id, vote_id=vote4.id)
    assert v.now(matter).state == d.STOPPED and "未通过" in v.now(matter).stop_reason


def test_yijiantiao_joins_the_first_two_steps(v):
    matter = d.start_matter(session=v.session, actor=v.admin, title="村务公开栏改造")
    joint, _ = v.meeting(meetings.TWO_COMMITTEES, D(2024, 3, 1))
    with pytest.raises(StateError):  # not a 一肩挑 village yet
        v.step(matter, d.CONSULTATION, D(2024, 3, 1), meeting_id=joint.id, joint=True)
    d.set_yijiantiao(session=v.session, actor=v.admin, value=True)
    recorded = v.step(matter, d.CONSULTATION, D(2024, 3, 1), meeting_id=joint.id, joint=True)
    assert [s.step for s in recorded] == [d.PROPOSAL, d.CONSULTATION]
    assert v.now(matter).joint_first_steps
    assert dq.next_step(v.session, matter) == d.REVIEW
    with pytest.raises(StateError):  # later steps are never joined
        v.step(matter, d.REVIEW, D(2024, 3, 2), meeting_id=joint.id, joint=True)


def test_notice_steps_need_a_notice_number(v):
    matter = d.start_matter(session=v.session, actor=v.admin, title="路灯安装")
    d.set_yijiantiao(session=v.session, actor=v.admin, value=True)
    joint, _ = v.meeting(meetings.TWO_COMMITTEES, D(2024, 3, 1))
    v.step(matter, d.PROPOSAL, D(2024, 3, 1), meeting_id=joint.id, joint=True)
    m3, vote3 = v.meeting(meetings.PARTY_ASSEMBLY, D(2024, 3, 3), matter=matter, vote=(9, 0, 0))
    v.step(matter, d.REVIEW, D(2024, 3, 3), meeting_id=m3.id, vote_id=vote3.id)
    m4, vote4 = v.meeting(meetings.VILLAGERS_MEETING, D(2024, 3, 4), matter=matter)  # no adults: head count 0
    with pytest.raises(ValidationError):
        v.step(matter, d.RESOLUTION, D(2024, 3, 4), meeting_id=m4.id)
    m5, vote5 = v.meeting(meetings.REPRESENTATIVES_MEETING, D(2024, 3, 5), matter=matter, vote=(28, 1, 1))
    v.step(matter, d.RESOLUTION, D(2024, 3, 5), meeting_id=m5.id, vote_id=vote5.id)
    with pytest.raises(ValidationError) as err:
        v.step(matter, d.PUBLISH_RESOLUTION, D(2024, 3, 6))
    assert "notice_number" in err.value.errors
    with pytest.raises(ValidationError):
        v.step(matter, d.PUBLISH_RESOLUTION, dt.date.today() + dt.timedelta(days=3), notice_number="〔2024〕6号")


def test_lists_and_stats(v):
    a = d.start_matter(session=v.session, actor=v.admin, title="甲")
    b = d.start_matter(session=v.session, actor=v.admin, title="乙")
    m1, _ = v.meeting(meetings.BRANCH_COMMITTEE, D(2024, 3, 1))
    v.step(b, d.PROPOSAL, D(2024, 3, 1), meeting_id=m1.id)
    ids = d.matter_ids(session=v.session, actor=v.admin)
    assert set(ids) == {a.id, b.id}
    rows = d.matter_rows(session=v.session, actor=v.admin, ids=ids)
    assert rows[b.id][1] == 1 and rows[a.id][1] == 0
    assert dq.latest_matter_id(v.session, reached=d.PROPOSAL) == b.id
    assert d.stats(session=v.session, actor=v.admin) == {"in_progress": 2, "stopped": 0, "completed": 0}


def test_meeting_choices_offer_held_meetings_of_the_right_kind_with_their_votes(v):
    matter = d.start_matter(session=v.session, actor=v.admin, title="丙")
    held, _ = v.meeting(meetings.BRANCH_COMMITTEE, D(2024, 3, 1))
    meetings.plan_meeting(session=v.session, actor=v.admin, kind=meetings.BRANCH_COMMITTEE, title="未开",
                          starts_at=at(D(2024, 3, 2)))
    v.meeting(meetings.PARTY_ASSEMBLY, D(2024, 3, 3))
    choices = d.meeting_choices(session=v.session, actor=v.admin, matter_id=matter.id, step=d.PROPOSAL)
    assert [c.meeting_id for c in choices] == [held.id]
    assembly, vote = v.meeting(meetings.PARTY_ASSEMBLY, D(2024, 3, 4), matter=matter, vote=(9, 0, 0))
    review = d.meeting_choices(session=v.session, actor=v.admin, matter_id=matter.id, step=d.REVIEW)
    assert review[0].meeting_id == assembly.id and review[0].votes[0][0] == vote.id
    assert review[1].votes == []  # the other assembly voted on nothing of this matter
    assert d.meeting_choices(session=v.session, actor=v.admin, matter_id=matter.id, step=d.PUBLISH_RESULTS) == []
