"""四议两公开 公开 steps issue their notices through the notice register and reprint identically."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlmodel import select

from app import deliberation as d
from app import meetings, notices
from app.errors import StateError, ValidationError
from app.printing import print_kind, sha256
from app.deliberation import queries as dq
from db.models.notices import Notice

from test_deliberation import Village

D = dt.date


def text_of(pdf: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "").replace(" ", "")


@pytest.fixture
def resolved(village):
    """A matter through 村民代表会议决议 (20 of 25 for) on 2024-03-15."""
    database, admin = village
    with database.unit(admin) as session:
        v = Village(session, admin)
        matter = d.start_matter(session=session, actor=admin, title="硬化三组村道", description="长1.2公里，预算36万元")
        m1, _ = v.meeting(meetings.BRANCH_COMMITTEE, D(2024, 3, 1))
        v.step(matter, d.PROPOSAL, D(2024, 3, 1), meeting_id=m1.id)
        m2, _ = v.meeting(meetings.TWO_COMMITTEES, D(2024, 3, 5))
        v.step(matter, d.CONSULTATION, D(2024, 3, 5), meeting_id=m2.id)
        m3, v3 = v.meeting(meetings.PARTY_ASSEMBLY, D(2024, 3, 10), present=7, matter=matter, vote=(6, 1, 0))
        v.step(matter, d.REVIEW, D(2024, 3, 10), meeting_id=m3.id, vote_id=v3.id)
        m4, v4 = v.meeting(meetings.REPRESENTATIVES_MEETING, D(2024, 3, 15), present=25, matter=matter,
                           vote=(20, 3, 2))
        v.step(matter, d.RESOLUTION, D(2024, 3, 15), meeting_id=m4.id, vote_id=v4.id)
        matter_id = matter.id
    return database, admin, matter_id


def publish(session, admin, matter_id, step, day, **kw):
    return d.publish_step_notice(session=session, actor=admin, matter_id=matter_id, step=step, held_on=day, **kw)


def test_publishing_issues_a_registered_notice_and_links_it(resolved):
    database, admin, matter_id = resolved
    with database.unit(admin) as session:
        step = publish(session, admin, matter_id, d.PUBLISH_RESOLUTION, D(2024, 3, 16), publicity_days=7)
        notice = session.get(Notice, step.notice_id)
        assert notice.state == notices.ISSUED and notice.issue_date == D(2024, 3, 16)
        assert notice.number.endswith("〔2024〕1号") and step.notice_number == notice.number
        assert (notice.publicity_start, notice.publicity_end) == (D(2024, 3, 16), D(2024, 3, 22))
        assert len(notice.file_sha256) == 64
        assert notices.reprint_matches(session=session, actor=admin, notice_id=notice.id)
        progress = d.progress(session=session, actor=admin, matter_id=matter_id)
        assert progress.steps[4].notice_id == notice.id and progress.steps[4].notice_number == notice.number
        text = text_of(notices.notice_pdf(session=session, actor=admin, notice_id=notice.id))
    assert "关于硬化三组村道的决议公告" in text and notice.number.replace(" ", "") in text
    assert "赞成20票" in text and "党员大会审议" in text and "2024年3月10日" in text
    assert "2024年3月16日至2024年3月22日" in text  # the publicity window


def test_print_kinds_reprint_the_registered_notice_byte_for_byte(resolved):
    database, admin, matter_id = resolved
    with database.unit(admin) as session:
        first = publish(session, admin, matter_id, d.PUBLISH_RESOLUTION, D(2024, 3, 16))
        second = publish(session, admin, matter_id, d.PUBLISH_RESULTS, D(2024, 9, 30), publicity_days=10,
                         working_days=True)
        resolution_notice, results_notice = session.get(Notice, first.notice_id), session.get(Notice, second.notice_id)
        resolution = print_kind("deliberation_resolution", session=session, actor=admin, ident=matter_id)
        results = print_kind("deliberation_results", session=session, actor=admin, ident="latest")
        assert dq.get_matter(session, matter_id).state == d.COMPLETED
    assert sha256(resolution) == resolution_notice.file_sha256
    assert sha256(results) == results_notice.file_sha256
    assert results_notice.number.endswith("〔2024〕2号")
    text = text_of(results)
    assert "实施结果的公告" in text and resolution_notice.number.replace(" ", "") in text  # the steps table


def test_nothing_is_numbered_when_the_step_is_refused(resolved):
    database, admin, matter_id = resolved
    with database.unit(admin) as session:
        with pytest.raises(StateError):  # results before the resolution is public
            publish(session, admin, matter_id, d.PUBLISH_RESULTS, D(2024, 3, 16))
        with pytest.raises(ValidationError) as err:
            publish(session, admin, matter_id, d.PUBLISH_RESOLUTION, dt.date.today() + dt.timedelta(days=2))
        assert "held_on" in err.value.errors
        with pytest.raises(ValidationError) as err:
            publish(session, admin, matter_id, d.PUBLISH_RESOLUTION, D(2024, 3, 14))  # before the resolution
        assert "held_on" in err.value.errors
        with pytest.raises(ValidationError) as err:
            publish(session, admin, matter_id, d.PUBLISH_RESOLUTION, D(2024, 3, 16), publicity_days=0)
        assert "publicity_days" in err.value.errors
        assert session.exec(select(Notice)).all() == []
        step = publish(session, admin, matter_id, d.PUBLISH_RESOLUTION, D(2024, 3, 16))
        assert session.get(Notice, step.notice_id).number.endswith("〔2024〕1号")  # no number was used up


def test_a_step_links_only_an_issued_notice_not_yet_linked(resolved):
    database, admin, matter_id = resolved
    with database.unit(admin) as session:
        draft = notices.create_notice(session=session, actor=admin, form=notices.NoticeForm(title="决议公告", body="正文"))
        with pytest.raises(ValidationError) as err:
            d.record_step(session=session, actor=admin, matter_id=matter_id, step=d.PUBLISH_RESOLUTION,
                          held_on=D(2024, 3, 16), notice_id=draft.id)
        assert "notice_id" in err.value.errors
        draft = notices.issue_notice(session=session, actor=admin, notice_id=draft.id, issue_date=D(2024, 3, 16))
        step = d.record_step(session=session, actor=admin, matter_id=matter_id, step=d.PUBLISH_RESOLUTION,
                             held_on=D(2024, 3, 16), notice_id=draft.id)[0]
        assert step.notice_number == draft.number  # the register's number, not a typed one
        with pytest.raises(ValidationError) as err:
            d.record_step(session=session, actor=admin, matter_id=matter_id, step=d.PUBLISH_RESULTS,
                          held_on=D(2024, 9, 30), notice_id=draft.id)
        assert "notice_id" in err.value.errors


def test_typed_number_of_a_notice_issued_elsewhere_still_prints(resolved):
    database, admin, matter_id = resolved
    with database.unit(admin) as session:
        d.record_step(session=session, actor=admin, matter_id=matter_id, step=d.PUBLISH_RESOLUTION,
                      held_on=D(2024, 3, 16), notice_number="乡政〔2024〕9号")
        text = text_of(print_kind("deliberation_resolution", session=session, actor=admin, ident=matter_id))
        assert session.exec(select(Notice)).all() == []
    assert "乡政〔2024〕9号" in text and "关于硬化三组村道的决议公告" in text
