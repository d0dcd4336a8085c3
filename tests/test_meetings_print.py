"""Printed meeting documents: the text a person reads, de-identified where it goes on a board."""
from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from pypdf import PdfReader

from app import concerns, deliberation as d, meetings
from app.concerns import service as concerns_service
from app.errors import NotFound, StateError
from app.printing import build_document, get_kind, kinds, print_kind

import pdftools
from test_meetings_support import add_party_members, add_representatives, at, populate

D = dt.date


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "").replace(" ", "")


@pytest.fixture
def held(village):
    """A 村民代表会议 held, voted, with a concern and approved minutes; plus a planned 坝坝会."""
    database, admin = village
    with database.unit(admin) as session:
        pop = populate(session, households_per_grid=(3,), representatives=0)
        reps = add_representatives(session, 30)
        reps[0].name = "欧阳娜娜"
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.REPRESENTATIVES_MEETING,
                                        title="三月村民代表会议", starts_at=at(D(2025, 3, 15), 14), place="村委会会议室",
                                        host_name="李书记", recorder_name="王文书", guests=["驻村干部 赵强"])
        rows = meetings.attendance(session=session, actor=admin, meeting_id=meeting.id)
        members = [r for r in rows if r.expected]
        meetings.sign_in(session=session, actor=admin, meeting_id=meeting.id,
                         attendance_ids=[r.id for r in members[:22]] + [r.id for r in rows if not r.expected])
        meetings.sign_in(session=session, actor=admin, meeting_id=meeting.id, attendance_ids=[members[29].id],
                         present=False, note="请假")
        meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id)
        item = meetings.add_agenda_item(session=session, actor=admin, meeting_id=meeting.id, title="二组通组路硬化",
                                        proposer_name="村党支部", description="长800米，宽3.5米。")
        meetings.record_vote(session=session, actor=admin, agenda_item_id=item.id, method="secret_ballot",
                             in_favour=18, against=3, abstain=1, scrutineer="张监票", teller="刘计票")
        meetings.record_decision(session=session, actor=admin, agenda_item_id=item.id, decision="同意实施，四月开工。")
        concerns.raise_concern(session=session, actor=admin, title="三组路灯不亮", resident_id=pop.residents[0].id,
                               meeting_id=meeting.id, raised_on=D(2025, 3, 15), assignee="张组长")
        meetings.save_minutes(session=session, actor=admin, meeting_id=meeting.id, body="会议审议了通组路硬化方案。")
        open_air = meetings.plan_meeting(session=session, actor=admin, kind=meetings.OPEN_AIR, title="一组院坝会",
                                         starts_at=at(D(2025, 3, 20), 14), place="一组晒坝", scope="grid",
                                         grid_id=pop.grids[0].id)
        meetings.add_agenda_item(session=session, actor=admin, meeting_id=open_air.id, title="人居环境整治")
    return database, admin, meeting, open_air, pop


def test_kinds_are_listed_with_publicity():
    listed = {k.name: k.public for k in kinds()}
    assert listed["meeting_notice"] is True and listed["concerns_progress"] is True
    assert listed["deliberation_resolution"] is True and listed["deliberation_results"] is True
    assert listed["minutes"] is False and listed["sign_in_sheet"] is False


def test_minutes_hold_every_field_of_the_form(held):
    database, admin, meeting, _open_air, _pop = held
    with database.unit(admin) as session:
        text = text_of(print_kind("minutes", session=session, actor=admin, ident=meeting.id))
    for expected in ("三月村民代表会议会议记录", "时间：2025年3月15日14:00", "地点：村委会会议室", "主持人：李书记",
                     "记录人：王文书", "应到：30人", "实到：22人", "议题", "二组通组路硬化", "表决方式", "无记名投票",
                     "赞成", "反对", "弃权", "结果", "通过", "监票人／计票人", "张监票／刘计票", "同意实施",
                     "三组路灯不亮", "缺席", "请假", "列席：驻村干部赵强", "草稿"):
        assert expected in text, expected
    assert "至少20人" in text and "至少12票" in text  # the rule and its numbers, in words


def test_approved_minutes_lose_the_draft_mark_and_show_addenda(held):
    database, admin, meeting, _open_air, _pop = held
    with database.unit(admin) as session:
        meetings.approve_minutes(session=session, actor=admin, meeting_id=meeting.id)
        meetings.add_addendum(session=session, actor=admin, meeting_id=meeting.id, body="更正：路宽为4米。")
        text = text_of(print_kind("minutes", session=session, actor=admin, ident="latest"))
    assert "草稿" not in text
    assert "本记录经李书记于" in text and "更正：路宽为4米。" in text


def test_sign_in_sheet_has_a_line_per_person(held):
    database, admin, meeting, _open_air, _pop = held
    with database.unit(admin) as session:
        document = build_document("sign_in_sheet", session=session, actor=admin, ident=meeting.id)
        rows = [b for b in document.blocks if hasattr(b, "rows")][0].rows
        assert len(rows) == 31  # 30 representatives and the guest
        assert "欧阳娜娜" in [r[0] for r in rows]  # private: names in full for signing
        assert any(r[3] == "列席" for r in rows)
        text = text_of(print_kind("sign_in_sheet", session=session, actor=admin, ident=meeting.id))
        assert "签名" in text and "应到：30人" in text


def test_sign_in_sheet_of_an_open_meeting_lists_households(held):
    database, admin, _meeting, open_air, _pop = held
    with database.unit(admin) as session:
        document = build_document("sign_in_sheet", session=session, actor=admin, ident=open_air.id)
        rows = [b for b in document.blocks if hasattr(b, "rows")][0].rows
        assert [r[0] for r in rows] == ["户主1", "户主2", "户主3"]


def test_meeting_notice_is_public_and_latest_is_the_next_meeting(held):
    database, admin, _meeting, open_air, _pop = held
    with database.unit(admin) as session:
        document = build_document("meeting_notice", session=session, actor=admin, ident="latest")
        assert document.public
        text = text_of(print_kind("meeting_notice", session=session, actor=admin, ident="latest"))
    assert "关于召开一组院坝会的通知" in text
    assert "第1网格全体村民" in text and "时间：2025年3月20日14:00" in text and "人居环境整治" in text


def test_cancelled_meeting_has_no_notice(held):
    database, admin, _meeting, open_air, _pop = held
    with database.unit(admin) as session:
        meetings.cancel_meeting(session=session, actor=admin, meeting_id=open_air.id, reason="暴雨")
        with pytest.raises(StateError):
            build_document("meeting_notice", session=session, actor=admin, ident=open_air.id)
        with pytest.raises(NotFound):
            build_document("minutes", session=session, actor=admin, ident="no-such-id")


def test_concerns_progress_is_de_identified(held):
    database, admin, meeting, _open_air, pop = held
    with database.unit(admin) as session:
        from db.models.people import Resident

        session.get(Resident, pop.residents[3].id).name = "欧阳明月"
        session.flush()
        c = concerns.raise_concern(session=session, actor=admin, title="低保咨询", resident_id=pop.residents[3].id,
                                   source="visit", raised_on=D(2025, 3, 2), due_on=D(2025, 3, 10))
        concerns.close_concern(session=session, actor=admin, concern_id=c.id, resolution="已讲解政策",
                               closed_on=D(2025, 3, 8))
        month = text_of(print_kind("concerns_progress", session=session, actor=admin, ident="2025-03"))
        at_meeting = text_of(print_kind("concerns_progress", session=session, actor=admin, ident=meeting.id))
    assert "群众诉求办理情况公示" in month
    assert "欧阳**" in month and "欧阳明月" not in month
    assert "户*1" in month and "户主1" not in month
    assert "已讲解政策" in month and "共2件" in month and "已办结1件" in month
    assert "三组路灯不亮" in at_meeting and "低保咨询" not in at_meeting


def test_deliberation_notices(village):
    database, admin = village
    with database.unit(admin) as session:
        add_party_members(session, 9)
        add_representatives(session, 30)
        d.set_yijiantiao(session=session, actor=admin, value=True)
        matter = d.start_matter(session=session, actor=admin, title="二组通组路硬化", description="预算36万元。")

        def hold(kind, day, vote=None):
            meeting = meetings.plan_meeting(session=session, actor=admin, kind=kind, title=f"{day}会议",
                                            starts_at=at(day, 9))
            rows = [r.id for r in meetings.attendance(session=session, actor=admin, meeting_id=meeting.id)]
            if rows:
                meetings.sign_in(session=session, actor=admin, meeting_id=meeting.id, attendance_ids=rows)
            meetings.mark_held(session=session, actor=admin, meeting_id=meeting.id)
            item = meetings.add_agenda_item(session=session, actor=admin, meeting_id=meeting.id, title=matter.title,
                                            matter_id=matter.id)
            v = meetings.record_vote(session=session, actor=admin, agenda_item_id=item.id, method="show_of_hands",
                                     in_favour=vote[0], against=vote[1], abstain=0) if vote else None
            return meeting, v

        with pytest.raises(NotFound):
            build_document("deliberation_resolution", session=session, actor=admin, ident="latest")
        joint, _ = hold(meetings.TWO_COMMITTEES, D(2025, 3, 1))
        d.record_step(session=session, actor=admin, matter_id=matter.id, step=d.PROPOSAL, held_on=D(2025, 3, 1),
                      meeting_id=joint.id, joint=True)
        with pytest.raises(StateError):
            build_document("deliberation_resolution", session=session, actor=admin, ident=matter.id)
        m3, v3 = hold(meetings.PARTY_ASSEMBLY, D(2025, 3, 5), (8, 1))
        d.record_step(session=session, actor=admin, matter_id=matter.id, step=d.REVIEW, held_on=D(2025, 3, 5),
                      meeting_id=m3.id, vote_id=v3.id)
        m4, v4 = hold(meetings.REPRESENTATIVES_MEETING, D(2025, 3, 9), (26, 4))
        d.record_step(session=session, actor=admin, matter_id=matter.id, step=d.RESOLUTION, held_on=D(2025, 3, 9),
                      meeting_id=m4.id, vote_id=v4.id)
        with pytest.raises(StateError):  # results are reported once the resolution has been made public
            build_document("deliberation_results", session=session, actor=admin, ident=matter.id)
        d.record_step(session=session, actor=admin, matter_id=matter.id, step=d.PUBLISH_RESOLUTION,
                      held_on=D(2025, 3, 10), notice_number="〔2025〕3号")
        resolution = text_of(print_kind("deliberation_resolution", session=session, actor=admin, ident="latest"))
        d.record_step(session=session, actor=admin, matter_id=matter.id, step=d.PUBLISH_RESULTS,
                      held_on=D(2025, 9, 30), notice_number="〔2025〕17号")
        results = text_of(print_kind("deliberation_results", session=session, actor=admin, ident="latest"))
    assert "关于二组通组路硬化的决议公告" in resolution and "〔2025〕3号" in resolution
    assert "赞成26票" in resolution and "党员大会审议" in resolution and "2025年3月5日" in resolution
    assert "关于二组通组路硬化实施结果的公告" in results and "〔2025〕17号" in results and "2025年9月30日" in results


def test_cli_print_latest(held, tmp_path, monkeypatch):
    """``villagedesk print KIND --id latest`` writes each kind (a real process, like a township script)."""
    import sys

    database, _admin, _m, _o, _p = held
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    out = tmp_path / "minutes.pdf"
    run = subprocess.run([sys.executable, "-m", "app.cli", "--db", str(database.path), "print", "minutes",
                          "--id", "latest", "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "三月村民代表会议" in text_of(out.read_bytes())
    pdftools.render_png(out, tmp_path, 30, first=1, last=1, prefix="p")
    assert list(tmp_path.glob("p*.png"))
    assert get_kind("minutes").public is False


def test_cli_saves_a_public_document_as_a_picture_and_refuses_a_private_one(held, tmp_path, monkeypatch):
    """``print KIND --format png``: the WeChat picture is the printed page, de-identified as printed."""
    import sys

    from PIL import Image

    database, _admin, _m, _o, _p = held
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    out = tmp_path / "notice.png"
    run = subprocess.run([sys.executable, "-m", "app.cli", "--db", str(database.path), "print", "meeting_notice",
                          "--id", "latest", "--format", "png", "--out", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    with Image.open(out) as image:
        assert image.width > 500 and image.height > image.width  # an A4 page, portrait
        assert image.convert("L").getextrema()[0] < 100  # there is ink on it
    refused = subprocess.run([sys.executable, "-m", "app.cli", "--db", str(database.path), "print", "minutes",
                              "--id", "latest", "--format", "png", "--out", str(tmp_path / "m.png")],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert not (tmp_path / "m.png").exists()


def test_concerns_progress_rate_counts_only_concerns_now_due(village, monkeypatch):
    """Closed early but not yet due: counted as closed, not in 办结率 (which would pass 100%)."""
    database, admin = village
    monkeypatch.setattr(concerns, "today", lambda: D(2026, 11, 20))
    monkeypatch.setattr(concerns_service, "today", lambda: D(2026, 11, 20))
    with database.unit(admin) as session:
        due_done = concerns.raise_concern(session=session, actor=admin, title="已到期已办", raised_by="甲",
                                          source="visit", raised_on=D(2026, 11, 1), due_on=D(2026, 11, 10))
        concerns.close_concern(session=session, actor=admin, concern_id=due_done.id, resolution="办好",
                               closed_on=D(2026, 11, 9))
        concerns.raise_concern(session=session, actor=admin, title="已到期未办", raised_by="乙", source="visit",
                               raised_on=D(2026, 11, 2), due_on=D(2026, 11, 12))
        for n in range(3):
            early = concerns.raise_concern(session=session, actor=admin, title=f"未到期{n}", raised_by="丙",
                                           source="visit", raised_on=D(2026, 11, 15), due_on=D(2026, 11, 30))
            concerns.close_concern(session=session, actor=admin, concern_id=early.id, resolution="提前办好",
                                   closed_on=D(2026, 11, 16))
        text = text_of(print_kind("concerns_progress", session=session, actor=admin, ident="2026-11"))
    assert "共5件" in text and "已办结4件" in text
    assert "50.0%" in text and "200" not in text and "400" not in text


def test_concerns_progress_is_portrait_and_compact(village, monkeypatch):
    """Six concerns of a month: one portrait sheet (it used to be forced landscape and spread over
    two to four half-empty pages), numbers and dates whole in their cells."""
    from app.printing import render
    from app.printing.pages import page_lines

    database, admin = village
    monkeypatch.setattr(concerns, "today", lambda: D(2026, 11, 30))
    monkeypatch.setattr(concerns_service, "today", lambda: D(2026, 11, 30))
    with database.unit(admin) as session:
        for n, (title, resolution) in enumerate([("养殖户粪污异味大", "督促养殖户建设化粪池，定期回访"),
                                                 ("空置危房存在安全隐患", "已通知户主并设置围挡"),
                                                 ("垃圾收集点清运不及时", ""), ("宅基地申请进度", "已告知审批流程和进度"),
                                                 ("邻里因排水沟发生争执", "调解员现场调解，双方达成一致"),
                                                 ("老人医保报销不清楚", "")]):
            concern = concerns.raise_concern(session=session, actor=admin, title=title, raised_by=f"张{n}丰",
                                             source="visit", raised_on=D(2026, 11, 3 + n), due_on=D(2026, 12, 9))
            if resolution:
                concerns.close_concern(session=session, actor=admin, concern_id=concern.id, resolution=resolution,
                                       closed_on=D(2026, 11, 13 + n))
        document = build_document("concerns_progress", session=session, actor=admin, ident="2026-11")
    pdf = render(document)
    assert not pdf.landscape and pdf.pages == 1
    lines = ["".join(line.split()) for page in page_lines(pdf) for line in page]
    for n in range(1, 7):
        assert sum(line.count(f"2026-{n:04d}") for line in lines) == 1
    assert sum(line.count("2026年12月9日") for line in lines) == 2  # the two still open: due whole


def test_minutes_saved_from_the_draft_print_each_fact_once(held):
    """The recorder saves the generated draft with the discussion added: the printed minutes used
    to state time, place, host, recorder and attendance in the header and again in the record."""
    database, admin, meeting, _open_air, _pop = held
    with database.unit(admin) as session:
        draft = meetings.draft_minutes(session=session, actor=admin, meeting_id=meeting.id)
        assert "时间：" in draft and "应到：" in draft
        meetings.save_minutes(session=session, actor=admin, meeting_id=meeting.id,
                              body=draft + "\n与会代表一致认为路面宽度应满足会车需要。")
        text = text_of(print_kind("minutes", session=session, actor=admin, ident=meeting.id))
    for fact in ("时间：2025年3月15日14:00", "地点：村委会会议室", "主持人：李书记", "记录人：王文书", "应到：30人",
                 "列席：驻村干部赵强"):
        assert text.count(fact) == 1, fact
    assert text.count("三组路灯不亮") == 1  # the concerns table, not again as a line of the record
    assert "与会代表一致认为路面宽度应满足会车需要。" in text


def test_english_minutes_set_their_facts_flush_left(held):
    """A fact line that wraps in English (a long place, the attendance line) was justified into
    gaps of several spaces between its few words."""
    from app.i18n import set_language
    from app.printing.pages import page_chars
    from db.models.meetings import Meeting

    database, admin, meeting, _open_air, _pop = held
    set_language("en")
    with database.unit(admin) as session:
        session.get(Meeting, meeting.id).place = ("the meeting room on the second floor of the village Party and "
                                                  "public service centre")
        session.flush()
        pdf = print_kind("minutes", session=session, actor=admin, ident=meeting.id)
    chars = page_chars(pdf)
    text = "".join(c.text for c in chars)
    start = text.index("Place:")
    line = [c for c in chars[start:start + 60] if abs(c.bottom - chars[start].bottom) < 1]
    gaps = [b.left - a.right for a, b in zip(line, line[1:])]
    assert len(line) > 30 and max(gaps) < 16 * 0.6, gaps  # a space, not a hole
