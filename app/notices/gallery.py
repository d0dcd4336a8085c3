"""模板库: notice templates a village clerk recognises, ready to edit.

Each :class:`Template` carries realistic Chinese body text (the words in 【】 are for the clerk to
replace), the table columns with their personal-data marks (so the printed copy is masked), the
closing paragraphs its kind prints (:class:`~app.printing.model.NoticeParts`: a 公示 has 公示期,
objection paragraph and contact line; a 通知 none of them), the register kind (村务 / 党务 /
村务通知) and the usual publicity period.

The body text is document data, not a user-interface string: it is Chinese in every language,
as the notice on the board is. Template names are translated.

``unmasked`` is the template's own per-field rule: the columns a 公示 exists to publish
(党员发展对象 names, award winners) print in full — masking them would defeat the notice. When
a draft is made from the template the rule is applied through
:func:`app.notices.set_unmasked`, so it is recorded in the audit trail with the template's reason.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlmodel import Session

from app.auth import Actor, require
from app.errors import NotFound
from app.i18n import N_, _
from app.notices.model import NOTICE_KINDS, NoticeForm, _table_of, normalise_table, publicity_end
from app.notices.queries import default_issuer, get_calendar
from app.people.queries import get_profile
from app.printing.model import Document, NoticeParts
from app.printing.templates import public_notice
from app.privacy import mask_document

_GROUP = "【组别】"


@dataclasses.dataclass(frozen=True)
class Template:
    """One gallery template (see the module docstring)."""

    key: str
    name: str  # msgid: how the clerk finds it in the list
    kind: str  # a key of NOTICE_KINDS
    title: str
    body: str  # paragraphs separated by blank lines
    columns: tuple[dict[str, str], ...] = ()  # {"key", "header", "sensitive"}
    rows: tuple[tuple[str, ...], ...] = ()
    publicity_days: int = 7
    working_days: bool = False
    summary_rows: int = 0  # the last rows are 合计: no 序号
    unmasked: tuple[str, ...] = ()  # column keys printed in full (the template's rule)
    unmask_reason: str = ""  # why, recorded with the choice
    objection: str = ""  # the kind's own objection paragraph (empty: the standard one), printed once
    joint: bool = False  # signed by the Party branch and the villagers' committee together
    landscape: bool = False

    @property
    def parts(self) -> NoticeParts:
        return NOTICE_KINDS[self.kind].parts

    @property
    def party(self) -> bool:
        return NOTICE_KINDS[self.kind].party

    def table(self) -> dict[str, Any] | None:
        if not self.columns:
            return None
        table: dict[str, Any] = {"columns": [dict(c) for c in self.columns], "rows": [list(r) for r in self.rows],
                                 "numbered": True}
        if self.summary_rows:
            table["summary_rows"] = self.summary_rows
        return normalise_table(table)


def _col(key: str, header: str, sensitive: str = "") -> dict[str, str]:
    return {"key": key, "header": header, "sensitive": sensitive}


TEMPLATES: tuple[Template, ...] = (
    Template(
        key="dibao", name=N_("Minimum living allowance / five-guarantee recipients (低保/五保 对象公示)"),
        kind="village_affairs", title="关于【2026年第三季度】低保、特困供养（五保）对象的公示",
        body=("根据《社会救助暂行办法》和【县（市、区）】最低生活保障、特困人员救助供养有关规定，经本人申请、"
              "入户调查、村民代表会议民主评议，拟将以下家庭纳入（保留）最低生活保障和特困人员供养范围，现予公示。\n\n"
              "公示对象的姓名已按规定作部分隐藏，家庭住址只公开到村民小组。"),
        columns=(_col("head", "户主姓名", "name"), _col("group", "所在组"), _col("size", "保障人数"),
                 _col("type", "保障类别"), _col("amount", "月保障金（元）"), _col("note", "备注")),
        rows=(("【姓名】", _GROUP, "【人数】", "低保", "【金额】", "新纳入"),
              ("【姓名】", _GROUP, "1", "特困供养（五保）", "【金额】", "保留")),
        publicity_days=7),
    Template(
        key="finance", name=N_("Village income and expenditure (村级财务收支公开)"), kind="village_affairs",
        title="青石村【2026年第三季度】财务收支公开",
        body=("根据村务公开和村级财务管理有关规定，现将本村【2026年7月1日至9月30日】财务收支情况公开如下："
              "上期结余【 】元，本期收入【 】元，本期支出【 】元，期末结余【 】元。\n\n"
              "以上收支均有原始凭证，已经村务监督委员会审核。"),
        columns=(_col("item", "收支项目"), _col("income", "收入（元）"), _col("spend", "支出（元）"),
                 _col("note", "说明")),
        rows=(("上级转移支付", "【金额】", "", "村级组织运转经费"),
              ("集体资产发包收入", "【金额】", "", "鱼塘、林地承包费"),
              ("村道维修", "", "【金额】", "【工程名称】"),
              ("办公及水电费", "", "【金额】", ""),
              ("合计", "【合计】", "【合计】", "")),
        summary_rows=1, publicity_days=10),
    Template(
        key="project", name=N_("Construction project (项目建设公示)"), kind="village_affairs",
        title="关于【项目名称】的公示",
        body=("【项目名称】已经“四议两公开”程序决定实施。为接受群众监督，现将项目建设有关情况公示如下。\n\n"
              "项目完工后将组织验收，并公开资金使用情况。"),
        columns=(_col("name", "项目名称"), _col("place", "建设地点"), _col("content", "建设内容及规模"),
                 _col("money", "投资（万元）"), _col("source", "资金来源"), _col("builder", "施工单位"),
                 _col("period", "计划工期")),
        rows=(("【项目名称】", _GROUP, "【长度、宽度、结构】", "【金额】", "【财政补助／一事一议】", "【单位名称】",
               "【2026年8月1日至10月31日】"),),
        publicity_days=7, landscape=True),
    Template(
        key="yishiyiyi", name=N_("One-matter-one-discussion fund and labour raising (一事一议筹资筹劳公示)"),
        kind="village_affairs", title="关于【项目名称】一事一议筹资筹劳方案的公示",
        body=("根据《村民一事一议筹资筹劳管理办法》，【项目名称】经【2026年7月20日】村民代表会议讨论通过，"
              "按每人【15】元筹资、每个劳动力【2】个工日筹劳。现将各户筹资筹劳情况公示如下。\n\n"
              "五保户、低保户、重度残疾人家庭按规定减免。"),
        columns=(_col("head", "户主姓名", "name"), _col("group", "所在组"), _col("people", "人口"),
                 _col("money", "筹资金额（元）"), _col("labour", "筹劳（工日）"), _col("note", "备注")),
        rows=(("【姓名】", _GROUP, "【人数】", "【金额】", "【工日】", ""),),
        publicity_days=7),
    Template(
        key="party_candidates", name=N_("Party membership candidates (党员发展对象公示)"), kind="party_affairs",
        title="关于【姓名】等同志确定为发展对象的公示",
        body=("根据《中国共产党发展党员工作细则》，经党小组推荐、支部委员会研究，拟将以下同志确定为发展对象，"
              "现予公示。"),
        objection=("公示期间，党员和群众可以通过来信、来访等方式，向村党支部或乡镇党委反映公示对象的有关情况和问题。"
                   "反映问题要实事求是，署名或当面反映的，我们将对反映人的情况严格保密。"),
        columns=(_col("name", "姓名", "name"), _col("gender", "性别"), _col("born", "出生年月"),
                 _col("education", "学历"), _col("applied", "申请入党时间"), _col("activist", "确定为积极分子时间")),
        rows=(("【姓名】", "【性别】", "【1995年3月】", "【高中】", "【2024年3月】", "【2024年6月】"),),
        publicity_days=5, working_days=True,
        # the notice exists to name the candidates so that members and villagers can speak about them
        unmasked=("name",), unmask_reason="党员发展对象公示须公开发展对象姓名，以便党员群众监督"),
    Template(
        key="award", name=N_("Honours and awards (评先评优公示)"), kind="village_affairs",
        title="关于【2026年度】“最美庭院”评选结果的公示",
        body=("为弘扬文明新风，经各村民小组推荐、村民代表会议评议，评选出【2026年度】“最美庭院”【10】户，"
              "现将评选结果公示如下。"),
        columns=(_col("name", "户主姓名", "name"), _col("group", "所在组"), _col("title", "荣誉称号"),
                 _col("deeds", "主要事迹")),
        rows=(("【姓名】", _GROUP, "【最美庭院】", "【庭院整洁、绿化美化】"),),
        publicity_days=7, joint=True,
        # an honours roll names the winners: that is its purpose, and they agreed to be nominated
        unmasked=("name",), unmask_reason="评先评优公示须公开获评人姓名，接受群众监督"),
    Template(
        key="meeting_notice", name=N_("Meeting notice (会议通知)"), kind="village_notification",
        title="关于召开【村民代表会议】的通知",
        body=("经村党支部、村民委员会研究，定于【2026年8月5日（星期三）上午9:00】在【村委会会议室】召开"
              "【村民代表会议】，现将有关事项通知如下：\n\n"
              "一、参会人员：【全体村民代表、村“两委”成员、村务监督委员会成员】。\n\n"
              "二、会议议题：1.【审议……方案】；2.【其他事项】。\n\n"
              "请参会人员准时参加，不得无故缺席；确有事不能参加的，请提前向村委会请假。"),
        publicity_days=1, joint=True),
    Template(
        key="outage", name=N_("Water or power cut (停水停电通知)"), kind="village_notification",
        title="停电通知",
        body=("因【供电所对10千伏线路进行检修】，定于【2026年8月5日8:00至18:00】对【三组、四组】停电。"
              "如检修提前完成，将提前恢复供电，不再另行通知。\n\n"
              "请各户提前做好储水和生产生活安排；停电期间请勿触碰线路，注意用电安全。"
              "如有疑问，请联系村委会办公室。"),
        publicity_days=1),
)


def templates() -> tuple[Template, ...]:
    return TEMPLATES


def get_template(key: str) -> Template:
    for template in TEMPLATES:
        if template.key == key:
            return template
    raise NotFound(_("There is no notice template {key}.").format(key=key))


def _issuers(session: Session, template: Template) -> list[str]:
    if template.joint:
        return [default_issuer(session, "party_affairs"), default_issuer(session, "village_affairs")]
    return [default_issuer(session, template.kind)]


def template_form(session: Session, template: Template, *, start: dt.date | None = None) -> NoticeForm:
    """The register's form pre-filled from ``template`` (joint issuers one per line)."""
    profile = get_profile(session)
    title = template.title
    if profile is not None:
        title = title.replace("青石村", profile.name)
    return NoticeForm(kind=template.kind, title=title, body=template.body, table=template.table(),
                      issuer="\n".join(_issuers(session, template)), publicity_days=template.publicity_days,
                      working_days=template.working_days, publicity_start=start, landscape=template.landscape,
                      objection=template.objection)


def template_document(session: Session, template: Template, *, today: dt.date | None = None) -> Document:
    """The template as it would print today (de-identified by its own rule, 草稿-free): what the
    gallery's preview shows."""
    day = today or dt.date.today()
    form = template_form(session, template, start=day)
    profile = get_profile(session)
    end = publicity_end(day, template.publicity_days, working_days=template.working_days,
                        calendar=get_calendar(session))
    phone = profile.supervision_phone if profile else ""
    document = public_notice(
        title=form.title, body=form.body, issuer=form.issuer.split("\n"), date=day, table=_table_of(form.table),
        publicity_start=day, publicity_end=end, publicity_days=template.publicity_days,
        working_days=template.working_days, objection=form.objection, supervision_phone=phone, party=template.party, landscape=template.landscape,
        parts=template.parts, contact_line=_("Contact: the office of {committee}.").format(
            committee=default_issuer(session, "village_affairs")))
    document.unmasked = list(template.unmasked)
    return mask_document(document)


def preview(*, session: Session, actor: Actor, key: str) -> Document:
    require(actor, "notices.view")
    return template_document(session, get_template(key))


def create_draft(*, session: Session, actor: Actor, key: str) -> Any:
    """A draft notice pre-filled from template ``key``, carrying the template's unmask rule (audited
    with its reason) whoever makes it: a clerk's 党员发展对象公示 names its candidates too."""
    from app.notices.service import apply_template_rule, create_notice

    require(actor, "notices.edit")
    template = get_template(key)
    notice = create_notice(session=session, actor=actor, form=template_form(session, template))
    if template.unmasked:
        notice = apply_template_rule(session=session, actor=actor, notice_id=notice.id, fields=template.unmasked,
                                     reason=template.unmask_reason, template=template.key)
    return notice
