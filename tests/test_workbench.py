"""工作台 (issue 14, part 3): each to-do item appears exactly when its condition holds, mediation
details only for those who may read cases, and the month series equal a count done by hand."""
from __future__ import annotations

import datetime as dt
import random
import re
import xml.etree.ElementTree as ET

import pytest
from sqlmodel import select

from app import concerns, notices, people, workbench
from app.auth import CLERK, GRID_WORKER, MEDIATOR, SECRETARY, SHOP, TOWNSHIP, Actor
from app.errors import PermissionDenied
from app.notices import NoticeForm
from db.base import local_now
from db.models.awards import AwardCampaign
from db.models.concerns import Concern
from db.models.deliberation import DeliberationMatter, DeliberationStep
from db.models.meetings import Meeting
from db.models.notices import Notice
from db.models.points import PointsEntry
from db.models.sync import OutboxBundle
from db.models.volunteers import VolunteerHours

TODAY = workbench.today()
D = dt.timedelta


def actor(role: str) -> Actor:
    return Actor(user_id="", username=f"u-{role}", display_name=role, role=role)


def items(database, who, kind_prefix: str = "", on: dt.date | None = None) -> list[workbench.TodoItem]:
    with database.session() as session:
        found = workbench.todo(session=session, actor=who, on=on)
    return [i for i in found if i.kind.startswith(kind_prefix)]


def kinds(found) -> list[tuple[str, str]]:
    return sorted((i.kind, i.record_id) for i in found)


@pytest.fixture
def world(village):
    database, admin = village
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组")
        h1 = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王大明", number="010001", group_id=group.id))
        h2 = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="李小红", number="010002", group_id=group.id))
        r1 = people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="王大明", household_id=h1.id, relation="head", gender="M"))
        r2 = people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="李小红", gender="F", household_id=h2.id, relation="head"))
    return database, admin, r1, r2


def test_an_empty_village_has_nothing_to_do_and_stats_view_is_needed(world):
    database, admin, _r1, _r2 = world
    assert items(database, admin) == []
    with database.session() as session, pytest.raises(PermissionDenied):
        workbench.todo(session=session, actor=actor(SHOP))


def test_concerns_overdue_and_due_within_three_days(world):
    database, admin, _r1, _r2 = world
    with database.unit(admin) as session:
        def raise_(title, due):
            return concerns.raise_concern(session=session, actor=admin, source="visit", raised_by="王大明", title=title, raised_on=TODAY - D(20),
                                          due_on=due).id
        late = raise_("路灯不亮", TODAY - D(2))
        today = raise_("水渠堵塞", TODAY)
        soon = raise_("垃圾清运", TODAY + D(3))
        later = raise_("道路硬化", TODAY + D(4))
        closed = raise_("已经办结", TODAY - D(5))
        concerns.close_concern(session=session, actor=admin, concern_id=closed, resolution="已修好")
    found = items(database, admin, "concern.")
    assert kinds(found) == sorted([("concern.overdue", late), ("concern.due_soon", today), ("concern.due_soon", soon)])
    assert later not in {i.record_id for i in found}
    overdue = next(i for i in found if i.kind == "concern.overdue")
    assert overdue.severity == workbench.ALERT and overdue.page == "concerns" and "路灯不亮" in overdue.text
    assert "2" in overdue.text
    # the list runs most urgent first
    assert found[0].kind == "concern.overdue"
    # four days later: the one due in three days is overdue too, the one due in four is due now
    later_on = items(database, admin, "concern.", on=TODAY + D(4))
    assert {i.record_id for i in later_on if i.kind == "concern.overdue"} == {late, today, soon}
    assert {i.record_id for i in later_on if i.kind == "concern.due_soon"} == {later}


def test_more_than_five_of_a_kind_are_one_line_that_opens_the_page(world):
    database, admin, _r1, _r2 = world
    with database.unit(admin) as session:
        for n in range(8):
            concerns.raise_concern(session=session, actor=admin, source="visit", raised_by="王大明", title=f"诉求{n}", raised_on=TODAY - D(30),
                                   due_on=TODAY - D(10 - n))
    found = items(database, admin, "concern.overdue")
    assert len(found) == workbench.LIMIT + 1
    more = [i for i in found if not i.record_id]
    assert len(more) == 1 and "3" in more[0].text and more[0].page == "concerns"
    # the most overdue are the ones listed
    assert "诉求0" in next(i.text for i in found if i.record_id)


def _case(database, admin, r1, r2, accepted_days_ago):
    from app import mediation as M

    with database.unit(admin) as session:
        case = M.register_case(session=session, actor=admin, form=M.CaseForm(
            title="宅基地界址纠纷", category="housing", source="applied", facts="两家因院墙位置发生争执。",
            people_involved=2, mediators="张调解", registered_on=TODAY - D(accepted_days_ago + 1),
            parties=(M.PartyForm(role="applicant", resident_id=r1.id, request="拆除越界院墙"),
                     M.PartyForm(role="respondent", resident_id=r2.id, request="维持现状"))))
        M.accept_case(session=session, actor=admin, case_id=case.id, accepted_on=TODAY - D(accepted_days_ago))
    return case.id


def test_cases_near_the_limit_in_detail_for_mediators_and_as_a_count_for_others(world):
    database, admin, r1, r2 = world
    fresh = _case(database, admin, r1, r2, 2)
    near = _case(database, admin, r1, r2, 27)
    over = _case(database, admin, r1, r2, 31)
    for who in (actor(MEDIATOR), actor(SECRETARY)):
        found = items(database, who, "mediation.")
        assert kinds(found) == sorted([("mediation.near", near), ("mediation.overdue", over)])
        assert all("宅基地界址纠纷" in i.text for i in found)
        assert fresh not in {i.record_id for i in found}
    for role in (CLERK, GRID_WORKER, TOWNSHIP):
        found = items(database, actor(role), "mediation.")
        assert kinds(found) == [("mediation.near", ""), ("mediation.overdue", "")], role
        assert not any("宅基地" in i.text or "王大明" in i.text for i in found)
        assert all("1" in i.text for i in found)


def _posted(database, admin, title, end):
    with database.unit(admin) as session:
        notice = notices.create_notice(session=session, actor=admin, form=NoticeForm(
            title=title, body="经村民代表会议讨论通过，现予公示。", publicity_days=7))
        notices.issue_notice(session=session, actor=admin, notice_id=notice.id, issue_date=TODAY - D(10))
        notices.post_notice(session=session, actor=admin, notice_id=notice.id, posted_on=TODAY - D(10))
        row = session.get(Notice, notice.id)
        row.publicity_end = end
    return notice.id


def test_notices_ending_soon_and_ended_but_still_posted(world):
    database, admin, _r1, _r2 = world
    ended = _posted(database, admin, "低保评议结果公示", TODAY - D(1))
    ending = _posted(database, admin, "道路修缮项目公示", TODAY + D(2))
    _posted(database, admin, "集体收支公示", TODAY + D(20))
    taken = _posted(database, admin, "已揭下的公示", TODAY - D(5))
    with database.unit(admin) as session:
        notices.take_down(session=session, actor=admin, notice_id=taken)
    found = items(database, actor(CLERK), "notice.")
    assert kinds(found) == sorted([("notice.take_down", ended), ("notice.ending", ending)])
    assert next(i for i in found if i.record_id == ended).severity == workbench.WARNING


def _meeting(session, title, state, starts, held=None):
    row = Meeting(title=title, kind="open_air", state=state, starts_at=starts, held_on=held)
    session.add(row)
    session.flush()
    return row.id


def test_meetings_of_the_next_week_and_minutes_waiting_for_approval(world):
    database, admin, _r1, _r2 = world
    now = local_now()
    with database.unit(admin) as session:
        soon = _meeting(session, "三组坝坝会", "planned", now + D(days=3))
        far = _meeting(session, "年终总结会", "planned", now + D(days=12))
        held = _meeting(session, "夜话屋场会", "held", now - D(days=5), (now - D(days=5)).date())
        _meeting(session, "已批准的会", "minutes_approved", now - D(days=9), (now - D(days=9)).date())
        _meeting(session, "取消的会", "cancelled", now + D(days=2))
    found = items(database, actor(GRID_WORKER), "meeting.")
    assert kinds(found) == sorted([("meeting.upcoming", soon), ("meeting.minutes", held)])
    assert far not in {i.record_id for i in found}


def test_deliberation_matters_wait_for_their_next_step(world):
    database, admin, _r1, _r2 = world
    with database.unit(admin) as session:
        waiting = DeliberationMatter(title="修建村级活动室", state="in_progress", started_on=TODAY - D(10))
        done = DeliberationMatter(title="已完成的事项", state="completed", started_on=TODAY - D(90))
        session.add_all([waiting, done])
        session.flush()
        session.add(DeliberationStep(matter_id=waiting.id, step="proposal", position=1, held_on=TODAY - D(10)))
    found = items(database, admin, "deliberation.")
    assert kinds(found) == [("deliberation.waiting", waiting.id)]
    assert "两委商议" in found[0].text or "Committees" in found[0].text or "商议" in found[0].text


def test_award_campaigns_whose_publicity_ended(world):
    database, admin, _r1, _r2 = world
    with database.unit(admin) as session:
        ended = AwardCampaign(number="2026-01", kind="courtyard", title="最美庭院评选", period_start=TODAY - D(60),
                              period_end=TODAY - D(20), places=3, state="publicity", publicity_start=TODAY - D(8),
                              publicity_end=TODAY - D(1))
        running = AwardCampaign(number="2026-02", kind="filial", title="十大孝星评选", period_start=TODAY - D(60),
                                period_end=TODAY - D(20), places=10, state="publicity", publicity_start=TODAY - D(2),
                                publicity_end=TODAY + D(5))
        session.add_all([ended, running])
    found = items(database, actor(CLERK), "award.")
    assert kinds(found) == [("award.publicity_ended", ended.id)]


def test_bundles_not_acknowledged_by_the_township(world):
    database, admin, _r1, _r2 = world
    assert items(database, admin, "sync.") == []
    with database.unit(admin) as session:
        session.add(OutboxBundle(bundle_id="00000000-0000-0000-0000-000000000001", village_code="510112104201",
                                 acknowledged_at=dt.datetime.now(dt.UTC)))
    assert items(database, admin, "sync.") == []
    with database.unit(admin) as session:
        session.add(OutboxBundle(bundle_id="00000000-0000-0000-0000-000000000002", village_code="510112104201"))
    found = items(database, admin, "sync.")
    assert [(i.kind, i.page) for i in found] == [("sync.unacknowledged", "sync")] and "1" in found[0].text
    assert items(database, actor(GRID_WORKER), "sync.") == []  # not theirs to send


def test_the_last_backup_none_recent_and_old(world):
    from app import backup
    from app.paths import backups_dir

    database, admin, _r1, _r2 = world
    folder = backups_dir()
    with database.session() as session:
        none = workbench.backup_item(session=session, actor=admin, folders=[folder])
    assert none.kind == "backup.none" and none.severity == workbench.ALERT and none.page == "settings"
    backup.backup(database=database, actor=admin, to_dir=folder)
    with database.session() as session:
        recent = workbench.backup_item(session=session, actor=admin, folders=[folder])
        week = workbench.backup_item(session=session, actor=admin, folders=[folder], on=TODAY + D(7))
        old = workbench.backup_item(session=session, actor=admin, folders=[folder], on=TODAY + D(8))
    assert recent.kind == "backup.recent" and recent.severity == workbench.INFO
    assert week.kind == "backup.recent" and "7" in week.text
    assert old.kind == "backup.old" and old.severity == workbench.ALERT and "8" in old.text


def test_the_last_backup_is_verified_once_while_unchanged_and_again_when_it_changes(world, monkeypatch):
    """The 工作台 asks for the last backup at every visit: an unchanged file is not verified again
    (issue 16), a changed one is, and one that no longer verifies is no longer offered."""
    import os

    from app import backup
    from app.paths import backups_dir

    database, admin, _r1, _r2 = world
    folder = backups_dir()
    made = backup.backup(database=database, actor=admin, to_dir=folder)
    path = made.path if hasattr(made, "path") else next(folder.glob("*" + backup.SUFFIX))
    checked: list[str] = []
    real_verify = backup.verify
    monkeypatch.setattr(backup, "verify", lambda p, **kw: (checked.append(str(p)), real_verify(p, **kw))[1])

    with database.session() as session:
        first = workbench.backup_item(session=session, actor=admin, folders=[folder])
        again = workbench.backup_item(session=session, actor=admin, folders=[folder])
    assert first.kind == again.kind == "backup.recent"
    assert len(checked) == 1

    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # damaged after it was verified
    path.write_bytes(bytes(data))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    with database.session() as session:
        damaged = workbench.backup_item(session=session, actor=admin, folders=[folder])
    assert len(checked) == 2  # changed: read again
    assert damaged.kind == "backup.none"  # and no longer offered
    assert backup.newest_backup([folder]) is None  # a restore always verifies


def test_month_series_equal_a_count_by_hand(world):
    database, admin, _r1, _r2 = world
    rng = random.Random(14)
    end = TODAY
    with database.unit(admin) as session:
        for n in range(60):
            raised = TODAY - D(rng.randint(0, 420))
            concern = concerns.raise_concern(session=session, actor=admin, source="visit", raised_by="王大明", title=f"诉求{n}", raised_on=raised,
                                             due_on=raised + D(15))
            if rng.random() < 0.6:
                closed_on = min(TODAY, raised + D(rng.randint(0, 40)))
                concerns.close_concern(session=session, actor=admin, concern_id=concern.id, resolution="办结",
                                       closed_on=closed_on)
        zone = local_now().tzinfo
        for n in range(40):
            day = TODAY - D(rng.randint(0, 420))
            state = rng.choice(["held", "minutes_approved", "planned", "cancelled"])
            _meeting(session, f"会议{n}", state, dt.datetime.combine(day, dt.time(19), tzinfo=zone),
                     day if state in ("held", "minutes_approved") else None)
            session.get(Meeting, session.exec(select(Meeting.id).where(Meeting.title == f"会议{n}")).one()).kind = \
                rng.choice(["open_air", "evening_talk", "two_committees"])
    with database.session() as session:
        series = workbench.month_series(session=session, actor=actor(CLERK), end=end)
        all_concerns = session.exec(select(Concern)).all()
        all_meetings = session.exec(select(Meeting)).all()
        hours = session.exec(select(VolunteerHours)).all()
        entries = session.exec(select(PointsEntry)).all()
    keys = series.months
    assert len(keys) == 12 and keys[-1] == f"{end.year:04d}-{end.month:02d}" and keys == sorted(keys)

    def key(day):
        return f"{day.year:04d}-{day.month:02d}" if day else None

    raised = [sum(1 for c in all_concerns if key(c.raised_on) == k) for k in keys]
    closed = [sum(1 for c in all_concerns if c.state == "closed" and key(c.closed_on) == k) for k in keys]
    closed_of_raised = [sum(1 for c in all_concerns if key(c.raised_on) == k and c.state == "closed") for k in keys]
    assert series.concerns_raised == raised and sum(raised) > 0
    assert series.concerns_closed == closed
    assert series.closure_rate == [round(c / r, 4) if r else None for c, r in zip(closed_of_raised, raised, strict=True)]
    by_kind: dict[str, list[int]] = {}
    for m in all_meetings:
        if m.state in ("held", "minutes_approved", "published") and key(m.held_on) in keys:
            by_kind.setdefault(m.kind, [0] * 12)[keys.index(key(m.held_on))] += 1
    assert series.meetings_by_kind == by_kind and by_kind
    assert series.figures["volunteer_hours"] == [0] * 12 and not hours and not entries
    assert set(series.figures) == {"mediation_cases", "volunteer_hours", "points_issued", "points_redeemed"}


SVG = "{http://www.w3.org/2000/svg}"


def svg_parts(svg: str, legend: int) -> tuple[list[list[tuple[float, float]]], list[str], list[str]]:
    """Of a chart's SVG: each series' bars as (x, height) left to right, found by the colour of
    its legend swatch (the last ``legend`` rectangles drawn); the texts; the rate line's markers'
    colours. A chart of one series has no legend: every rectangle is a bar."""
    root = ET.fromstring(svg.encode("utf-8"))

    def fill(element: ET.Element) -> str:
        return re.search(r"fill: ([^;]+);", element.get("style", "")).group(1)

    rects = [(float(r.get("x")), float(r.get("height")), fill(r)) for r in root.iter(SVG + "rect")]
    bars, swatches = (rects[:-legend], rects[-legend:]) if legend else (rects, [])
    colours = [s[2] for s in swatches] or sorted({r[2] for r in bars})
    per_series = [sorted((x, h) for x, h, f in bars if f == colour) for colour in colours]
    texts = [t.text or "" for t in root.iter(SVG + "text")]
    return per_series, texts, [fill(c) for c in root.iter(SVG + "circle")]


def assert_bars_are(bars: list[tuple[float, float]], values: list[float]) -> None:
    """One bar per month with a figure, as tall as its figure (zero draws none), left to right."""
    shown = [v for v in values if v]
    assert len(bars) == len(shown)
    if shown:
        unit = bars[0][1] / shown[0]
        assert [round(h / unit, 6) for _x, h in bars] == [round(float(v), 6) for v in shown]


def test_month_charts_draw_the_series_as_svg_once_for_screen_and_paper(world):
    """The 工作台's pictures are SVG of the same Chart blocks the 月报 prints: every month named,
    one bar per figure and as tall as it, the 办结率 a marker per month that has one, in the
    font the SVG names by its family."""
    database, admin, _r1, _r2 = world
    rng = random.Random(15)
    with database.unit(admin) as session:
        for n in range(30):
            raised = TODAY - D(rng.randint(0, 330))
            concern = concerns.raise_concern(session=session, actor=admin, source="visit", raised_by="王大明",
                                             title=f"诉求{n}", raised_on=raised, due_on=raised + D(15))
            if rng.random() < 0.6:
                concerns.close_concern(session=session, actor=admin, concern_id=concern.id, resolution="办结",
                                       closed_on=min(TODAY, raised + D(rng.randint(0, 40))))
        zone = local_now().tzinfo
        for n in range(20):
            day = TODAY - D(rng.randint(0, 330))
            session.add(Meeting(title=f"会议{n}", kind=rng.choice(["open_air", "two_committees", "party_assembly"]),
                                state="held", starts_at=dt.datetime.combine(day, dt.time(19), tzinfo=zone), held_on=day))
    with database.session() as session:
        charts = workbench.month_charts(session=session, actor=actor(CLERK))
        from app.printing import build_document

        report = build_document("monthly-report", session=session, actor=actor(CLERK), ident=TODAY.strftime("%Y-%m"))
        with pytest.raises(PermissionDenied):
            workbench.month_charts(session=session, actor=actor(SHOP))
    series = charts.series
    months = [workbench.month_label(k, short=True) for k in series.months]
    assert charts.months == months and len(months) == 12
    pictures = {p.key: p for p in charts.pictures}
    assert list(pictures) == ["meetings", "concerns", "mediation_cases", "volunteer_hours", "points"]
    for picture in charts.pictures:
        assert picture.svg.startswith("<?xml") and f'viewBox="0 0 {picture.width:g} {picture.height:g}"' in picture.svg
        families = set(re.findall(r"font-family: ([^;]+);", picture.svg))
        assert families == {"'WenQuanYi Micro Hei'"}  # the font file's family: what QtSvg looks up
        assert "fill: None" not in picture.svg  # not SVG: QtSvg filled the 办结率 line black

    # concerns: raised and closed side by side, the closure rate a line of markers
    (raised, closed, _rate), texts, markers = svg_parts(pictures["concerns"].svg, legend=3)
    assert texts[0] == pictures["concerns"].title
    assert [t for t in texts if t in months] == months  # every month named, in order
    blocks = workbench.month_chart_blocks(series)
    assert texts[-3:] == [s.name for s in blocks["concerns"].series]  # the legend
    assert_bars_are(raised, series.concerns_raised)
    assert_bars_are(closed, series.concerns_closed)
    assert sum(series.concerns_raised) == 30 and sum(series.concerns_closed) > 0
    assert len(markers) == sum(1 for r in series.closure_rate if r is not None) > 0

    # meetings held by kind: stacked, one legend entry and one segment per kind and month held
    kinds = sorted(series.meetings_by_kind)
    segments, texts, _m = svg_parts(pictures["meetings"].svg, legend=len(kinds))
    assert len(kinds) == 3 and texts[-3:] == [s.name for s in blocks["meetings"].series]
    for bars, kind in zip(segments, kinds, strict=True):
        assert_bars_are(bars, series.meetings_by_kind[kind])

    # the single figures name every other month, ending with this one; no data draws no bar
    bars, texts, _m = svg_parts(pictures["mediation_cases"].svg, legend=0)
    assert bars == [] and [t for t in texts if t in months] == months[1::2]

    # the 月报 prints the same two charts, defined once
    printed = [b for b in report.blocks if type(b).__name__ == "Chart"]
    assert printed == [blocks["meetings"], blocks["concerns"]]


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_chart_label_stays_inside_its_picture(world, language):
    """Ten kinds of meeting in the legend, in Chinese and in English (longer names): no label runs
    past the picture's edge (the screen clips it there), on the screen's sizes and on paper's."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from app import i18n
    from app.meetings.codes import KINDS
    from app.printing.charts import chart_svg

    database, admin, _r1, _r2 = world
    zone = local_now().tzinfo
    with database.unit(admin) as session:
        for n, kind in enumerate(KINDS):
            day = TODAY - D(n * 20)
            session.add(Meeting(title=f"会议{n}", kind=kind, state="held", held_on=day,
                                starts_at=dt.datetime.combine(day, dt.time(19), tzinfo=zone)))
    i18n.set_language(language)
    try:
        with database.session() as session:
            charts = workbench.month_charts(session=session, actor=actor(CLERK))
        blocks = workbench.month_chart_blocks(charts.series)
        paper = [chart_svg(blocks[k], width=170 * 72 / 25.4, height=52 * 72 / 25.4, size=9) for k in ("meetings", "concerns")]
        this_month = workbench.month_label(charts.series.months[-1], short=True)
    finally:
        i18n.set_language("zh_CN")
    assert len(charts.series.meetings_by_kind) == 10

    def texts(element: ET.Element, dx: float = 0.0):
        """(text, left, right) of every text, moved by its groups' translations (ReportLab's axes
        draw each label in a group ``matrix(1,0,0,1,x,y)``)."""
        for child in element:
            move = re.search(r"matrix\(1,0,0,1,([-0-9.e]+),", child.get("transform", ""))
            offset = dx + (float(move.group(1)) if move else 0.0)
            if child.tag == SVG + "text" and child.text:
                size = float(re.search(r"font-size: ([0-9.]+)px", child.get("style")).group(1))
                left = offset + float(child.get("x"))
                yield child.text, left, left + stringWidth(child.text, "VD-Hei", size)
            yield from texts(child, offset)

    for svg in [p.svg for p in charts.pictures] + paper:
        root = ET.fromstring(svg.encode("utf-8"))
        width = float(root.get("width"))
        found = list(texts(root))
        assert this_month in {t for t, _l, _r in found}
        for text, left, right in found:
            assert left >= -0.5 and right <= width + 0.5, (text, left, right, width)


def test_month_keys_cross_the_year():
    assert workbench.month_keys(dt.date(2026, 2, 10), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert workbench.month_of("latest", dt.date(2026, 1, 15)) == dt.date(2025, 12, 1)
    assert workbench.month_of("2026-11") == dt.date(2026, 11, 1)


# ---------------------------------------------------------------- the figure cards (issue 16)


def _card_keys() -> dict[str, list[str]]:
    return {"people": ["households", "residents", "party_members", "groups", "grids"],
            "meetings": ["meetings", "held", "attendance_rate"],
            "concerns": ["raised", "closed", "escalated", "overdue", "closure_rate_last_12_months"],
            "mediation": ["cases", "open", "overdue", "near_limit", "success_rate"],
            "notices": ["posted", "ending_soon", "issued_this_year"]}


def test_the_cards_figures_are_the_statistics_figures_with_tombstones_and_another_village(village):
    """workbench.figures counts each card group in one statement; it must give exactly what
    ``villagedesk stats`` (app.stats.collect) gives, tombstones and another village's rows aside."""
    cards_equal_statistics(*village)


def cards_equal_statistics(database, admin) -> None:
    """A demo village, then tombstones, a guest, attendance changed after it was written (marked
    absent, late, made a guest, purged, merged by sync) and another village's rows: the cards'
    figures equal app.stats.collect's (tests/test_postgres.py runs it on PostgreSQL too)."""
    from app import demo, stats
    from db.models.mediation import MediationCase
    from db.models.meetings import Attendance
    from db.models.people import Household, Resident

    with database.unit(admin) as session:
        demo.generate(session=session, actor=admin, size="small", seed=7)
    other = "510112104202"
    with database.unit(admin) as session:
        now = local_now()
        for model in (Resident, Household, Meeting, Attendance, Concern, MediationCase, Notice):
            rows = session.exec(select(model).limit(3)).all()
            assert rows, model  # the demo has some of each: the test can tell a tombstone from none
            rows[0].deleted_at = now  # a tombstone of each kind
            session.add(rows[0])
        held = session.exec(select(Meeting).where(Meeting.state == "published", Meeting.attendance_mode == "roster")
                            .limit(1)).one()
        session.add(Attendance(meeting_id=held.id, name="乡镇驻村干部", expected=False, present=True))  # a guest
        # the attendance rows change after they were written (the tally follows: migration 0013's triggers)
        signed = session.exec(select(Attendance).where(Attendance.meeting_id == held.id, Attendance.expected.is_(True))
                              .order_by(Attendance.position)).all()
        present = [row for row in signed if row.present]
        absent = [row for row in signed if not row.present]
        assert len(present) >= 3 and absent, "the demo's meeting has attendees present and absent"
        present[0].deleted_at = now  # a present attendee's row tombstoned
        present[1].present = False  # marked absent after all
        absent[0].present = True  # signed in late
        present[2].expected = False  # turned out to be a guest
        session.add_all([present[0], present[1], absent[0], present[2]])
        session.flush()
        gone = session.exec(select(Attendance).where(Attendance.meeting_id == held.id, Attendance.present.is_(True),
                                                     Attendance.expected.is_(True))).first()
        session.expunge(gone)
        table = Attendance.__table__
        session.connection().execute(table.delete().where(table.c.id == gone.id))  # purged outright
        # another village's rows, in this store (a township's copy): never counted here
        session.add_all([Resident(name="邻村人", status="resident", party_member=True, village_code=other),
                         Household(number="9999", head_name="邻村户", village_code=other),
                         Concern(number="2026-9999", title="邻村诉求", state="open", raised_on=TODAY - D(40),
                                 due_on=TODAY - D(9), village_code=other),
                         Notice(kind="affairs", state="posted", title="邻村公告", year=TODAY.year,
                                publicity_end=TODAY + D(1), village_code=other)])
        kind, starts_at = held.kind, held.starts_at
    with database.unit(admin) as session:
        from db.scope import for_village

        for_village(session, other)  # written as a township's copy of that village's rows
        theirs = Meeting(title="邻村会议", kind=kind, state="published", starts_at=starts_at,
                         attendance_mode="roster", expected_count=2, village_code=other)
        session.add(theirs)
        session.flush()
        session.add_all([Attendance(meeting_id=theirs.id, name=f"邻村{n}", present=True, village_code=other)
                         for n in range(2)])
        theirs_id = theirs.id
    with database.unit(admin) as session:  # a bundle's rows merged as sync writes them (an upsert)
        from db.tracking import BulkWriter

        row = session.exec(select(Attendance).where(Attendance.meeting_id == held.id, Attendance.present.is_(False),
                                                    Attendance.expected.is_(True))).first()
        merged = {column.name: getattr(row, column.name) for column in Attendance.__table__.columns}
        BulkWriter(session, note="test").upsert(Attendance, [{**merged, "present": True, "rev": row.rev + 1000}])
    with database.session() as session:
        from db.models.meetings import AttendanceTally

        tallied = {row.village_code: row.present for row in session.exec(
            select(AttendanceTally).where(AttendanceTally.meeting_id == theirs_id))}
        assert tallied == {other: 2}  # the other village's attendance is tallied too, under its own village
        cards = workbench.figures(session=session, actor=admin)
        expected = stats.collect(session=session, actor=admin)
    assert list(cards) == ["people", "meetings", "concerns", "mediation", "notices"]
    for section, keys in _card_keys().items():
        assert cards[section] == {key: expected[section][key] for key in keys}, section
    assert cards["meetings"]["attendance_rate"] is not None and cards["people"]["residents"] > 0
    assert cards["concerns"]["raised"] > 0 and cards["notices"]["issued_this_year"] >= 0


def test_the_cards_need_the_statistics_right(village):
    database, _admin = village
    with database.session() as session:
        for role in (SECRETARY, CLERK, GRID_WORKER, MEDIATOR, TOWNSHIP):
            assert set(workbench.figures(session=session, actor=actor(role))) == set(_card_keys()), role
        assert workbench.figures(session=session, actor=actor(SECRETARY), only=("people",)).keys() == {"people"}
        with pytest.raises(PermissionDenied):
            workbench.figures(session=session, actor=actor(SHOP))


def test_the_first_reads_statements_are_built_ahead_for_a_village_that_does_not_exist(village):
    """While the password is typed the figures' and to-do list's statements are run once for no
    village (app.workbench.warm_up_reads): SQLAlchemy builds them then, not at sign-in, and none of
    the store's village rows is in scope for them."""
    from app import demo
    from app.workbench.cards import NO_VILLAGE
    from db.scope import for_village

    database, admin = village
    with database.unit(admin) as session:
        demo.generate(session=session, actor=admin, size="small", seed=7)
    with database.session() as session:
        for_village(session, NO_VILLAGE)
        nothing = workbench.figures(session=session, actor=admin)
    assert nothing["people"] == {"households": 0, "residents": 0, "party_members": 0, "groups": 0, "grids": 0}
    assert nothing["meetings"] == {"meetings": 0, "held": 0, "attendance_rate": None}
    cache = database.engine._compiled_cache
    cache.clear()
    with database.session() as session:
        workbench.warm_up_reads(session=session)
    built = len(cache)
    with database.session() as session:
        figures = workbench.figures(session=session, actor=admin)
        listed = workbench.todo(session=session, actor=admin)
    assert figures["people"]["residents"] > 0 and built > 0 and listed
    assert len(cache) == built  # every statement of the figures and the to-do list was built ahead
