"""Demo meetings, concerns and 四议两公开 matters: years of a village's meeting life.

Proportions follow county reports: most meetings are 坝坝会 and 夜话屋场会 in the grids, where most
concerns are raised (about 2.5 per meeting overall), nearly all closed within the time limit; the
两委 and 支部 meet monthly or more; 党员大会 monthly (主题党日); 村民代表会议 about monthly; 村民会议
once or twice a year; several 四议两公开 matters a year, a few of them stopped by a vote.

``large`` is ten years (≈2,400 meetings, ≈6,000 concerns); ``small`` two years of a small village.
Rows go in with bulk INSERTs: each row still gets its own ``rev`` from :func:`db.tracking.next_revs`
(the same counter the flush listener uses), and one audit note per table records the generation;
per-row audit entries for generated data would only double the file.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from sqlmodel import Session, select

from app import concerns as c
from app import deliberation as d
from app import meetings as m
from app import rules
from app.search import stored_key
from app.auth import Actor
from app.notices.queries import next_notice_number
from db.base import local_now, new_id
from db.models.meetings import AgendaItem, Attendance, Meeting, Minutes, Vote
from db.models.concerns import Concern, ConcernNote
from db.models.deliberation import DeliberationMatter, DeliberationStep
from db.models.people import Grid, Household, Resident, VillageGroup
from db.scope import raise_number_to
from db.tracking import BulkWriter

# Meetings per year in a village of ~3,000 households (``small`` scales down).
PER_YEAR: dict[str, int] = {
    m.OPEN_AIR: 55, m.EVENING_TALK: 55, m.CONSULTATION: 20, m.DELIBERATION_COUNCIL: 15, m.PUBLIC_EVALUATION: 4,
    m.PARTY_ASSEMBLY: 12, m.VILLAGERS_MEETING: 2, m.REPRESENTATIVES_MEETING: 10, m.TWO_COMMITTEES: 24,
    m.BRANCH_COMMITTEE: 16,
}
MATTERS_PER_YEAR = 8  # each brings its own 支委会, 两委会, 党员大会 and 村民代表会议 (total ≈ 240 a year)
CONCERNS_PER_OPEN_MEETING = 3.4  # with visits and the office: ≈ 600 a year

PLACES = ["{grid}院坝", "{group}活动室", "村委会会议室", "村党群服务中心", "{grid}微阵地（老槐树下）", "村文化广场",
          "{group}晒坝", "村史馆"]
START_HOURS = {m.OPEN_AIR: 14, m.EVENING_TALK: 19, m.CONSULTATION: 15, m.DELIBERATION_COUNCIL: 9,
               m.PUBLIC_EVALUATION: 14, m.PARTY_ASSEMBLY: 9, m.VILLAGERS_MEETING: 9, m.REPRESENTATIVES_MEETING: 14,
               m.TWO_COMMITTEES: 9, m.BRANCH_COMMITTEE: 8}
TITLES = {
    m.OPEN_AIR: ["书记坝坝会：{topic}", "{grid}坝坝会", "院坝说事：{topic}"],
    m.EVENING_TALK: ["“夜话”屋场会：{topic}", "{grid}夜话会"],
    m.CONSULTATION: ["民情恳谈会：{topic}", "{group}民情恳谈会"],
    m.DELIBERATION_COUNCIL: ["民主议事会：{topic}"],
    m.PUBLIC_EVALUATION: ["群众评议会：评议村干部工作", "群众评议会：评议{year}年度星级文明户"],
    m.PARTY_ASSEMBLY: ["{month}月主题党日暨党员大会", "党员大会：{topic}"],
    m.VILLAGERS_MEETING: ["{year}年村民会议", "村民会议：审议村规民约修订"],
    m.REPRESENTATIVES_MEETING: ["村民代表会议：{topic}", "{month}月村民代表会议"],
    m.TWO_COMMITTEES: ["{month}月两委例会", "两委会：{topic}"],
    m.BRANCH_COMMITTEE: ["{month}月支委会", "支委会：{topic}"],
}
TOPICS = ["人居环境整治", "秸秆禁烧", "医保缴费动员", "防汛准备", "产业发展", "乡风文明", "矛盾纠纷排查", "安全生产",
          "集体经济收益分配", "森林防火", "饮水安全", "春耕备耕", "积分制管理", "移风易俗", "道路维护"]
MATTER_TITLES = ["{group}通组路硬化", "村集体鱼塘对外发包", "高标准农田建设项目", "村级光伏电站收益分配", "{group}饮水管网改造",
                 "村史馆修缮", "集体林地流转", "村卫生室搬迁", "文化广场扩建", "{group}河道清淤", "村集体经济合作社入股",
                 "路灯亮化工程", "一事一议筹资筹劳", "垃圾分类收集点建设"]
CONCERNS: dict[str, list[tuple[str, str]]] = {
    "roads_water": [("通组路坑洼积水，出行不便", "已组织人员填补坑洼并疏通边沟"),
                    ("路灯损坏，夜间不亮", "已联系电工更换灯具"),
                    ("自来水水压不足", "已协调水厂调压，更换老旧阀门"),
                    ("灌溉渠堵塞，影响春灌", "组织党员志愿者清淤疏通"),
                    ("入户便道泥泞", "纳入一事一议项目硬化")],
    "environment": [("垃圾收集点清运不及时", "已调整清运频次为每日一次"),
                    ("河沟有人乱倒建筑垃圾", "已清理并设置警示牌，加强巡查"),
                    ("养殖户粪污异味大", "督促养殖户建设化粪池，定期回访"),
                    ("房前屋后杂物堆放", "网格员上门劝导，已清理")],
    "welfare": [("咨询低保申请条件", "已讲解政策并协助提交材料"),
                ("老人医保报销不清楚", "已联系镇医保所上门解答"),
                ("残疾人补贴未到账", "已核实并协助办理补发"),
                ("独居老人需要定期探访", "已纳入党员结对关爱名单")],
    "land": [("承包地界线不清", "组织双方现场确认并重新埋桩"),
             ("林地确权信息有误", "已上报镇林业站更正"),
             ("宅基地申请进度", "已告知审批流程和进度")],
    "neighbours": [("邻里因排水沟发生争执", "调解员现场调解，双方达成一致"),
                   ("宠物犬扰民", "上门劝导，已拴养")],
    "farming": [("希望开展果树修剪技术培训", "已联系农技站开展培训"),
                ("农产品销路不畅", "对接电商服务站代销"),
                ("农机补贴申请", "已协助申报")],
    "safety": [("村口路段车速过快", "已设置减速带和警示标志"),
               ("空置危房存在安全隐患", "已通知户主并设置围挡")],
    "other": [("建议增设健身器材", "已向镇申请体育器材"), ("希望开设老年食堂", "纳入明年议事计划")],
}
CATEGORY_WEIGHTS = {"roads_water": 30, "environment": 22, "welfare": 18, "land": 8, "neighbours": 7, "farming": 8,
                    "safety": 4, "other": 3}
ASSIGNEES = ["村支书", "村主任", "村文书", "妇女主任", "治保主任", "网格长"]


def add_demo_data(*, session: Session, actor: Actor, rng: random.Random, size: str) -> None:
    years = 10 if size == "large" else 2
    scale = 1.0 if size == "large" else 0.25
    today = local_now().date()
    tz = local_now().tzinfo
    start = today - dt.timedelta(days=365 * years)

    groups = {g.id: g.name for g in session.exec(select(VillageGroup))}
    grids = list(session.exec(select(Grid)))
    households = session.exec(select(Household.id, Household.grid_id, Household.group_id, Household.head_name)
                              ).all()
    residents = session.exec(select(Resident.id, Resident.name, Resident.household_id, Resident.party_member,
                                    Resident.representative, Resident.birth_date)
                             .where(Resident.status == "resident")).all()
    if not households or not grids:
        return
    hh_by_grid: dict[str, list[Any]] = defaultdict(list)
    for hh in households:
        hh_by_grid[hh.grid_id].append(hh)
    people_by_hh: dict[str, list[Any]] = defaultdict(list)
    for r in residents:
        people_by_hh[r.household_id].append(r)
    party = [r for r in residents if r.party_member]
    reps = [r for r in residents if r.representative]
    adults = [r for r in residents if r.birth_date and r.birth_date <= m.adult_cutoff(today)]

    # The two committees: a secretary who also heads the villagers' committee (一肩挑), as is now usual.
    branch = rng.sample(party, min(5, len(party)))
    others = [r for r in adults if r.id not in {b.id for b in branch}]
    villagers_committee = branch[:1] + rng.sample(others, min(4, len(others)))
    m.set_committee_members(session=session, actor=actor, committee="branch_committee",
                            resident_ids=[r.id for r in branch])
    m.set_committee_members(session=session, actor=actor, committee="villagers_committee",
                            resident_ids=[r.id for r in villagers_committee])
    d.set_yijiantiao(session=session, actor=actor, value=True)
    secretary = branch[0].name if branch else "李书记"
    recorder = villagers_committee[-1].name if villagers_committee else "王文书"
    rule_set = rules.rule_set(session)
    bulk = BulkWriter(session, note="demo data")
    group_names = list(groups.values()) or ["一组"]

    def roster_for(kind: str) -> list[Any]:
        if kind == m.PARTY_ASSEMBLY:
            return party
        if kind == m.REPRESENTATIVES_MEETING:
            return reps
        if kind == m.BRANCH_COMMITTEE:
            return branch
        return list({r.id: r for r in branch + villagers_committee}.values())

    def when(day: dt.date, kind: str) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, START_HOURS[kind], rng.choice((0, 30)), tzinfo=tz)

    def fmt(template: str, day: dt.date, grid: Grid | None) -> str:
        return template.format(topic=rng.choice(TOPICS), grid=grid.name if grid else "", year=day.year,
                               month=day.month, group=groups.get(grid.group_id, "") if grid else rng.choice(group_names))

    def state_on(day: dt.date, kind: str) -> str:
        age = (today - day).days
        if age < 0:
            return m.PLANNED
        if rng.random() < 0.01:
            return m.CANCELLED
        if age < 10:
            return m.HELD
        if age < 25 or kind in (m.TWO_COMMITTEES, m.BRANCH_COMMITTEE):
            return m.MINUTES_APPROVED
        return m.PUBLISHED

    def vote(meeting_id: str, item_id: str, kind: str, expected: int, present: int, unit: str, day: dt.date,
             *, force_pass: bool | None = None) -> tuple[str, rules.Outcome]:
        rule = rule_set[m.KIND_RULE[kind]]
        if force_pass is False:
            in_favour = present // 3
        else:
            in_favour = max(present - rng.randint(0, max(present // 8, 0)), 0)
        against = rng.randint(0, present - in_favour) if present > in_favour else 0
        abstain = present - in_favour - against
        outcome = rules.evaluate(rule, expected=expected, present=present, in_favour=in_favour, against=against,
                                 abstain=abstain, expected_unit=unit, guests_allowed=kind in m.OPEN_KINDS)
        method = "secret_ballot" if kind == m.VILLAGERS_MEETING or rng.random() < 0.15 else "show_of_hands"
        vid = bulk.add(Vote, meeting_id=meeting_id, agenda_item_id=item_id, method=method, expected=expected,
                       present=present, in_favour=in_favour, against=against, abstain=abstain,
                       scrutineer=rng.choice(reps).name if reps else "监票人", teller=recorder,
                       rule_code=rule.code, approval_base=rule.approval_base, quorum_met=outcome.quorum_met,
                       passed=outcome.passed, voted_at=when(day, kind).astimezone(dt.UTC) + dt.timedelta(hours=1))
        return vid, outcome

    def meeting(kind: str, day: dt.date, *, title: str | None = None, matter: tuple[str, str] | None = None,
                force_pass: bool | None = None, state: str | None = None) -> dict[str, Any]:
        """One meeting with attendance, agenda, votes and minutes; returns ids for 四议两公开 steps."""
        grid = rng.choice(grids) if kind in m.OPEN_KINDS else None
        scope = "grid" if grid else "village"
        state = state or state_on(day, kind)
        mode, unit = m.default_mode(kind), m.default_unit(kind)
        if kind == m.VILLAGERS_MEETING:
            unit = "households"
        mid = new_id()
        place = rng.choice(PLACES).format(grid=grid.name if grid else "", group=rng.choice(group_names))
        if kind in m.OPEN_KINDS:
            expected = len(hh_by_grid.get(grid.id, []))
            present = max(3, int(expected * rng.uniform(0.4, 1.1))) if state != m.PLANNED else 0
        elif kind == m.VILLAGERS_MEETING:
            expected = len(households)
            present = int(expected * rng.uniform(0.68, 0.85)) if state != m.PLANNED else 0
        else:
            roster = roster_for(kind)
            expected = len(roster)
            share = rng.uniform(0.7, 0.97) if kind in (m.PARTY_ASSEMBLY, m.REPRESENTATIVES_MEETING) else rng.uniform(0.8, 1.0)
            present = min(expected, max(0, round(expected * share))) if state not in (m.PLANNED, m.CANCELLED) else 0
            for pos, person in enumerate(roster, start=1):
                here = pos <= present
                bulk.add(Attendance, meeting_id=mid, resident_id=person.id, household_id=person.household_id,
                         name=person.name, expected=True, present=here, position=pos,
                         signed_in_at=when(day, kind).astimezone(dt.UTC) if here else None,
                         note="" if here or rng.random() < 0.6 else "请假")
        held = state not in (m.PLANNED, m.CANCELLED)
        title = title or fmt(rng.choice(TITLES[kind]), day, grid)
        bulk.add(Meeting, id=mid, title=title, kind=kind, state=state,
                 starts_at=when(day, kind), place=place, scope=scope, grid_id=grid.id if grid else None,
                 host_name=secretary, recorder_name=recorder,
                 search_key=stored_key("meeting", {"title": title, "place": place, "host_name": secretary}),
                 description=rng.choice(["", "", "请自带笔记本。", "会后请各网格长留下碰头。", "请党员同志佩戴党徽。"]),
                 attendance_mode=mode, expected_unit=unit, expected_count=expected,
                 head_count=present if mode == "head_count" and held else None,
                 held_on=day if held else None, cancel_reason="天气原因，改期召开" if state == m.CANCELLED else "",
                 published_on=day + dt.timedelta(days=rng.randint(1, 5)) if state == m.PUBLISHED else None)
        result: dict[str, Any] = {"id": mid, "grid": grid, "vote": None, "passed": True, "held": held,
                                  "kind": kind, "day": day}
        if not held and state != m.PLANNED:
            return result
        decisions = []
        n_items = 1 if matter else rng.randint(1, 3)
        for pos in range(1, n_items + 1):
            topic = matter[1] if matter and pos == 1 else rng.choice(TOPICS)
            iid = new_id()
            decision = ""
            if held and kind not in (m.OPEN_AIR, m.EVENING_TALK, m.CONSULTATION, m.PUBLIC_EVALUATION):
                vid, outcome = vote(mid, iid, kind, expected, present, unit, day,
                                    force_pass=force_pass if pos == 1 else None)
                decision = f"{topic}：表决{outcome.result_label}。"
                decisions.append(decision)
                if pos == 1:
                    result.update(vote=vid, passed=outcome.passed, reason=outcome.reason())
            bulk.add(AgendaItem, id=iid, meeting_id=mid, position=pos, title=topic, proposer_name=secretary,
                     matter_id=matter[0] if matter and pos == 1 else None, decision=decision)
        if held:
            body = (f"{secretary}主持会议，通报了近期村务工作。与会人员围绕议题充分发言。"
                    + "".join(decisions) + "会议要求各网格抓好落实。")
            approved = state in (m.MINUTES_APPROVED, m.PUBLISHED)
            bulk.add(Minutes, meeting_id=mid, body=body, state="approved" if approved else "draft",
                     approved_by=secretary if approved else "",
                     approved_at=when(day, kind).astimezone(dt.UTC) + dt.timedelta(days=2) if approved else None)
        return result

    # --- ordinary meetings, spread over the years, and their concerns ---
    span = (today + dt.timedelta(days=14) - start).days
    open_meetings: list[dict[str, Any]] = []
    for kind, per_year in PER_YEAR.items():
        for _ in range(max(1, round(per_year * years * scale))):
            day = start + dt.timedelta(days=rng.randrange(span))
            info = meeting(kind, day)
            if kind in m.OPEN_KINDS and info["held"]:
                open_meetings.append(info)

    for kind, ahead in ((m.OPEN_AIR, 3), (m.PARTY_ASSEMBLY, 6)):  # the notices now on the board
        meeting(kind, today + dt.timedelta(days=ahead))

    # --- 四议两公开 matters, each with its own four meetings and two notices ---
    n_matters = max(2, round(MATTERS_PER_YEAR * years * scale))
    # the 公开 notices are numbered after all matters are drawn, in date order, from the register's series
    pending_steps: list[tuple[str, dict[str, Any]]] = []
    for i in range(n_matters):
        day = start + dt.timedelta(days=rng.randrange(max(span - 30, 1)))
        title = rng.choice(MATTER_TITLES).format(group=rng.choice(group_names))
        matter_id = new_id()
        stopped = rng.random() < 0.06
        joint = rng.random() < 0.5
        steps: list[dict[str, Any]] = []
        state, stop_reason = d.IN_PROGRESS, ""
        plan = [(d.PROPOSAL, m.TWO_COMMITTEES if joint else m.BRANCH_COMMITTEE, 0),
                (d.CONSULTATION, m.TWO_COMMITTEES, 0 if joint else rng.randint(2, 7)),
                (d.REVIEW, m.PARTY_ASSEMBLY, rng.randint(3, 10)),
                (d.RESOLUTION, m.REPRESENTATIVES_MEETING, rng.randint(3, 10)),
                (d.PUBLISH_RESOLUTION, None, rng.randint(1, 3)),
                (d.PUBLISH_RESULTS, None, rng.randint(60, 240))]
        joint_info = None
        for step, kind, gap in plan:
            day = day + dt.timedelta(days=gap)
            if day > today or state != d.IN_PROGRESS:
                break
            row: dict[str, Any] = {"step": step, "held_on": day}
            if kind is None:
                pass  # numbered below
            elif step == d.CONSULTATION and joint:
                row["meeting_id"] = joint_info["id"]
            else:
                info = meeting(kind, day, title=f"{m.kind_label(kind, short=True)}：{title}",
                               matter=(matter_id, title), force_pass=False if stopped and step == d.RESOLUTION else None,
                               state=m.PUBLISHED if (today - day).days > 25 else m.HELD)
                joint_info = info
                row.update(meeting_id=info["id"], vote_id=info["vote"])
                if info["vote"] and not info["passed"]:
                    state = d.STOPPED
                    stop_reason = info["reason"]
            steps.append(row)
        if steps and steps[-1]["step"] == d.PUBLISH_RESULTS:
            state = d.COMPLETED
        bulk.add(DeliberationMatter, id=matter_id, title=title, description=f"{title}，按“四议两公开”程序办理。",
                 state=state, stop_reason=stop_reason, joint_first_steps=joint,
                 started_on=steps[0]["held_on"] if steps else None)
        pending_steps += [(matter_id, row) for row in steps]
    # The same series and form as a notice issued from the register (青石村务〔2026〕7号): a real notice
    # issued after the demo takes the next number, never one of these.
    for _matter_id, row in sorted((p for p in pending_steps if p[1]["step"] in d.NOTICE_STEPS),
                                  key=lambda p: p[1]["held_on"]):
        row["notice_number"] = next_notice_number(session, "village_affairs", row["held_on"].year)[1]
    for matter_id, row in pending_steps:
        bulk.add(DeliberationStep, matter_id=matter_id, position=d.STEP_ORDER.index(row["step"]) + 1, **row)

    # --- concerns: mostly raised at open meetings, the rest on visits and at the office ---
    categories, weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    numbers: dict[int, int] = defaultdict(int)
    target = round(600 * years * scale)
    at_meetings = int(target * 0.72)
    sources: list[tuple[str, dict[str, Any] | None]] = [("meeting", rng.choice(open_meetings)) for _ in range(at_meetings)
                                                        if open_meetings]
    sources += [("visit" if rng.random() < 0.7 else "office", None) for _ in range(target - len(sources))]
    rows = []
    for source, info in sources:
        if info is not None:
            raised_on = info["day"]
            grid = info["grid"]
        else:
            raised_on = start + dt.timedelta(days=rng.randrange((today - start).days + 1))
            grid = rng.choice(grids)
        if raised_on > today:
            continue
        rows.append((raised_on, source, info, grid))
    rows.sort(key=lambda r: r[0])
    for raised_on, source, info, grid in rows:
        category = rng.choices(categories, weights)[0]
        title, resolution = rng.choice(CONCERNS[category])
        family = rng.choice(hh_by_grid.get(grid.id) or households)
        person = rng.choice(people_by_hh.get(family.id) or [None])
        due_on = raised_on + dt.timedelta(days=rng.choice((7, 10, 15, 15, 15, 30)))
        numbers[raised_on.year] += 1
        fate = rng.random()
        state, closed_on, satisfaction, escalated_on, reason = c.OPEN, None, "", None, ""
        age = (today - raised_on).days
        if fate < 0.025 and age > 5:
            state, escalated_on, reason = c.ESCALATED, raised_on + dt.timedelta(days=rng.randint(2, 5)), \
                "超出村级权限，需乡镇相关部门协调解决"
            if age > 60 and rng.random() < 0.8:
                state, closed_on = c.CLOSED, raised_on + dt.timedelta(days=rng.randint(20, 60))
        elif fate < 0.995:
            late = rng.random() < 0.04
            closed_on = due_on + dt.timedelta(days=rng.randint(1, 20)) if late else \
                raised_on + dt.timedelta(days=rng.randint(0, (due_on - raised_on).days))
            if closed_on <= today:
                state = c.CLOSED
            else:
                closed_on = None
        if state == c.CLOSED:
            satisfaction = rng.choices(("satisfied", "basically", "unsatisfied", ""), (82, 12, 2, 4))[0]
        number = f"{raised_on.year}-{numbers[raised_on.year]:04d}"
        raised_by, assignee = (person.name if person else family.head_name), rng.choice(ASSIGNEES)
        cid = bulk.add(Concern, number=number, title=title,
                       description=title, category=category, source=source, meeting_id=info["id"] if info else None,
                       resident_id=person.id if person else None, household_id=family.id,
                       raised_by=raised_by, grid_id=family.grid_id,
                       raised_on=raised_on, assignee=assignee, due_on=due_on, state=state,
                       search_key=stored_key("concern", {"title": title, "number": number, "raised_by": raised_by,
                                                         "assignee": assignee}),
                       closed_on=closed_on, resolution=resolution if state == c.CLOSED else "",
                       satisfaction=satisfaction, escalated_on=escalated_on, escalation_reason=reason)
        if rng.random() < 0.35:
            bulk.add(ConcernNote, concern_id=cid, noted_on=min(raised_on + dt.timedelta(days=rng.randint(1, 5)), today),
                     text="已上门了解情况，正在协调处理。", author=rng.choice(ASSIGNEES))
    bulk.write(order=[DeliberationMatter, Meeting, Attendance, AgendaItem, Vote, Minutes, DeliberationStep, Concern,
                      ConcernNote])
    for year, last in numbers.items():  # the concern series go on after the generated numbers
        raise_number_to(session, f"concern-{year}", last)
