"""Demo notices: issued, posted and taken-down ones, and a draft."""
from __future__ import annotations

import datetime as dt
import random

from sqlmodel import Session, col, select

from app.auth import Actor
from app.notices.model import ISSUED, POSTED, TAKEN_DOWN, NoticeForm
from app.notices.service import create_notice, issue_notice, post_notice, take_down
from app.people.queries import get_profile


def add_demo_data(*, session: Session, actor: Actor, rng: random.Random, size: str) -> None:
    """A few realistic notices: issued, posted and taken down ones, and a draft."""
    from db.models.people import Household, Resident, VillageGroup

    profile = get_profile(session)
    village = profile.name if profile else "青石村"
    residents = list(session.exec(select(Resident, Household, VillageGroup)
                                  .join(Household, col(Resident.household_id) == Household.id)
                                  .join(VillageGroup, col(Household.group_id) == VillageGroup.id, isouter=True)
                                  .limit(400)))
    rng.shuffle(residents)
    today = dt.date.today()
    year = today.year
    last_quarter = (today.month - 1) // 3  # the quarter that has ended: 0 means last year's fourth
    quarter = (f"{year}年第{'一二三'[last_quarter - 1]}季度" if last_quarter else f"{year - 1}年第四季度")

    def people_rows(count: int, amount: tuple[int, int]) -> list[list[str]]:
        rows = []
        for resident, household, group in residents[:count]:
            rows.append([resident.name, group.name if group else "", household.address, resident.phone,
                         str(rng.randrange(*amount) * 10)])
        return rows

    relief = {
        "columns": [{"key": "name", "header": "姓名", "sensitive": "name"},
                    {"key": "group", "header": "所在小组"},
                    {"key": "address", "header": "住址", "sensitive": "address"},
                    {"key": "phone", "header": "联系电话", "sensitive": "phone"},
                    {"key": "amount", "header": "月保障金（元）", "align": "right"}],
        "rows": people_rows(6, (40, 90)),
        "caption": f"{year}年第一批城乡低保拟纳入对象名单",
    }
    finance = {
        "columns": [{"key": "item", "header": "项目"}, {"key": "income", "header": "收入（元）", "align": "right"},
                    {"key": "spend", "header": "支出（元）", "align": "right"}, {"key": "note", "header": "说明"}],
        "rows": [["上级转移支付", "156,000.00", "", "村级组织运转经费"],
                 ["集体资产发包", "48,500.00", "", "鱼塘、林地承包费"],
                 ["村道硬化", "", "132,400.00", "三组至五组，长1.2公里"],
                 ["办公经费", "", "8,760.00", "水电、打印、报刊"],
                 ["合计", "204,500.00", "141,160.00", ""]],
        "caption": "村级财务收支明细",
        "summary_rows": 1,  # 合计 gets no 序号
    }
    drafts = [
        (NoticeForm(kind="village_affairs", title=f"关于{year}年第一批城乡低保拟纳入对象的公示",
                    body=(f"根据《社会救助暂行办法》和低保工作有关规定，经本人申请、入户调查、村民代表会议民主评议，"
                          f"现将{year}年第一批城乡低保拟纳入对象名单予以公示。"),
                    table=relief, publicity_days=7, working_days=True), POSTED),
        (NoticeForm(kind="village_affairs", title=f"{village}{quarter}村级财务收支情况公开",
                    body="为进一步加强村级财务管理，保障村民的知情权、参与权和监督权，经村务监督委员会审核，"
                         "现将本季度村级财务收支情况公开如下。",
                    table=finance, publicity_days=15), TAKEN_DOWN),
        (NoticeForm(kind="party_affairs", title="关于确定发展对象的公示",
                    body="经党员推荐、群团组织推优，支部委员会研究，拟将王*华、李*同志确定为发展对象，"
                         "现予以公示。",
                    # the objection paragraph is the notice's own: printed once, in the closing block
                    objection="公示期间，党员和群众可通过来信、来电或当面反映等方式，"
                              "对公示对象提出意见和建议。反映问题要实事求是，以个人名义反映的请署真实姓名。",
                    publicity_days=5, working_days=True), POSTED),
        (NoticeForm(kind="village_notification", title="关于召开村民代表会议审议村道维护方案的通知",
                    body=f"定于{today.month}月{min(today.day + 3, 28)}日上午9时在村委会议室召开村民代表会议，"
                         "审议村道维护及筹资筹劳方案，请各位村民代表准时参加。",
                    publicity_days=3), ISSUED),
    ]
    for index, (form, state) in enumerate(drafts):
        notice = create_notice(session=session, actor=actor, form=form)
        issued_on = today - dt.timedelta(days=(len(drafts) - index) * 6)
        notice = issue_notice(session=session, actor=actor, notice_id=notice.id, issue_date=issued_on)
        if state in (POSTED, TAKEN_DOWN):
            post_notice(session=session, actor=actor, notice_id=notice.id, posted_on=issued_on)
        if state == TAKEN_DOWN:
            take_down(session=session, actor=actor, notice_id=notice.id,
                      taken_down_on=min((notice.publicity_end or issued_on) + dt.timedelta(days=1), today))
    create_notice(session=session, actor=actor, form=NoticeForm(
        kind="village_notification", title="关于开展人居环境整治“最美庭院”评选活动的通知",
        body="为持续改善农村人居环境，经村“两委”研究，决定在全村开展“最美庭院”评选活动。"
             "请各户于本月底前向所在小组组长报名。联系人：村文书，电话见监督电话。"))
