"""The notice register: numbering, publicity windows, states, reprints, corrections, unmasking."""
from __future__ import annotations

import datetime as dt
import io
import re
import threading

import pytest
from pypdf import PdfReader
from sqlmodel import func, select

from app import notices
from app.notices import queries as notice_queries
from app.notices import service as notices_service
from app.auth import Actor
from app.errors import NotFound, PermissionDenied, StateError, StorageError, ValidationError
from app.notices import NoticeForm, WorkCalendar, publicity_end
from app.printing import build_document, kinds, print_kind, sha256
from db.models.notices import Notice
from db.scope import NumberSequence
from db.tracking import AuditEntry

TABLE = {"columns": [{"key": "name", "header": "姓名", "sensitive": "name"},
                     {"key": "phone", "header": "电话", "sensitive": "phone"},
                     {"key": "id", "header": "身份证号", "sensitive": "id_number"},
                     {"key": "amount", "header": "金额（元）"}],
         "rows": [["张三丰", "13812341234", "51011219900101123X", "600"], ["欧阳娜娜", "13998765432", "", "800"]]}


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def form(**changes) -> NoticeForm:
    values = dict(kind="village_affairs", title="关于低保对象的公示", body="经村民代表会议评议，现将名单公示如下。",
                  table=TABLE, publicity_days=7)
    values.update(changes)
    return NoticeForm(**values)


def draft(database, actor, **changes) -> str:
    with database.unit(actor) as session:
        return notices.create_notice(session=session, actor=actor, form=form(**changes)).id


def issue(database, actor, notice_id, day=dt.date(2026, 1, 5)) -> Notice:
    with database.unit(actor) as session:
        return notices.issue_notice(session=session, actor=actor, notice_id=notice_id, issue_date=day)


# --- publicity window ------------------------------------------------------------------------


def test_calendar_days_include_the_first_day():
    assert publicity_end(dt.date(2026, 1, 5), 7) == dt.date(2026, 1, 11)
    assert publicity_end(dt.date(2026, 1, 5), 1) == dt.date(2026, 1, 5)


def test_working_days_skip_weekends():
    # Friday 9 January 2026 + 5 working days: Fri, Mon, Tue, Wed, Thu
    assert publicity_end(dt.date(2026, 1, 9), 5, working_days=True) == dt.date(2026, 1, 15)
    # starting on a Saturday, counting begins on Monday
    assert publicity_end(dt.date(2026, 1, 10), 1, working_days=True) == dt.date(2026, 1, 12)


def test_working_days_skip_holidays_and_count_make_up_days():
    spring = WorkCalendar(holidays=frozenset(dt.date(2026, 2, 15) + dt.timedelta(days=i) for i in range(9)),
                          workdays=frozenset({dt.date(2026, 2, 14), dt.date(2026, 2, 28)}))
    # Thu 12 Feb, Fri 13, Sat 14 (make-up working day), then the holiday to 23 Feb, Tue 24 …
    assert publicity_end(dt.date(2026, 2, 12), 5, working_days=True, calendar=spring) == dt.date(2026, 2, 25)
    assert publicity_end(dt.date(2026, 2, 12), 5, calendar=spring) == dt.date(2026, 2, 16)


def test_holidays_are_a_village_setting_used_when_issuing(village):
    database, admin = village
    with database.unit(admin) as session:
        notices.set_calendar(session=session, actor=admin, holidays=[dt.date(2026, 1, 6)], workdays=[])
    notice_id = draft(database, admin, publicity_days=3, working_days=True)
    notice = issue(database, admin, notice_id, dt.date(2026, 1, 5))  # Mon; Tue is a holiday
    assert notice.publicity_end == dt.date(2026, 1, 8)
    with database.unit(admin) as session, pytest.raises(ValidationError):
        notices.set_calendar(session=session, actor=admin, holidays=[dt.date(2026, 1, 6)], workdays=[dt.date(2026, 1, 6)])


# --- numbering -------------------------------------------------------------------------------


def test_numbers_run_per_kind_and_year_without_gaps(village):
    database, admin = village
    numbers = []
    for kind, day in (("village_affairs", dt.date(2026, 1, 5)), ("village_affairs", dt.date(2026, 2, 1)),
                      ("party_affairs", dt.date(2026, 2, 2)), ("village_affairs", dt.date(2026, 3, 1)),
                      ("village_affairs", dt.date(2027, 1, 4)), ("party_affairs", dt.date(2027, 1, 4))):
        numbers.append(issue(database, admin, draft(database, admin, kind=kind), day).number)
    assert numbers == ["青石村务〔2026〕1号", "青石村务〔2026〕2号", "青石党务〔2026〕1号", "青石村务〔2026〕3号",
                       "青石村务〔2027〕1号", "青石党务〔2027〕1号"]


def test_the_issue_confirmation_names_the_number_it_will_really_get(village):
    """印发后公告编号为青石村务〔2026〕N号: previewed without taking it, and the number the issue gets."""
    database, admin = village
    day = dt.date(2026, 1, 5)
    first, second, party = draft(database, admin), draft(database, admin), draft(database, admin, kind="party_affairs")

    def preview(notice_id: str) -> str:
        with database.session() as session:
            session.info["village_code"] = database.village_code
            return notices.next_number_preview(session=session, actor=admin, notice_id=notice_id, issue_date=day)

    assert preview(first) == preview(first) == preview(second) == "青石村务〔2026〕1号"  # looking takes nothing
    assert issue(database, admin, first, day).number == "青石村务〔2026〕1号"
    assert preview(second) == "青石村务〔2026〕2号"
    assert preview(party).endswith("〔2026〕1号") and preview(party) != preview(second)  # its own series
    assert issue(database, admin, second, day).number == "青石村务〔2026〕2号"
    with pytest.raises(StateError):
        preview(first)  # an issued notice has its number already


def test_two_notices_issued_at_once_get_consecutive_numbers(village, monkeypatch):
    database, admin = village
    ids = [draft(database, admin), draft(database, admin)]
    # both start together; the first to take the series renders while the other waits for it
    barrier = threading.Barrier(2, timeout=10)
    real_render = notices_service.render
    calls = []

    def render_together(document, **kwargs):
        calls.append(document.number)
        return real_render(document, **kwargs)

    monkeypatch.setattr(notices_service, "render", render_together)
    results, errors = {}, []

    def worker(notice_id):
        try:
            barrier.wait()
            results[notice_id] = issue(database, admin, notice_id).number
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert sorted(results.values()) == ["青石村务〔2026〕1号", "青石村务〔2026〕2号"]
    # the second issue waits for the first one's write lock, so it never renders a number in vain
    assert sorted(calls) == ["青石村务〔2026〕1号", "青石村务〔2026〕2号"]
    with database.session() as session:
        assert session.exec(select(NumberSequence.value).where(NumberSequence.name.like("notice-%"))).one() == 2
        for notice_id, number in results.items():  # each PDF carries the number it was registered with
            notice = session.get(Notice, notice_id)
            assert notice.snapshot["number"] == number


def test_a_failed_render_leaves_the_database_as_it_was(village, monkeypatch):
    database, admin = village
    notice_id = draft(database, admin)

    def counts():
        with database.session() as session:
            return (session.exec(select(func.count()).select_from(AuditEntry)).one(),
                    session.exec(select(func.count()).select_from(NumberSequence)).one(),
                    session.get(Notice, notice_id).state, session.get(Notice, notice_id).rev)

    before = counts()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(notices_service, "render", broken)
    with pytest.raises((OSError, StorageError)):  # classified as a storage error on its way out
        issue(database, admin, notice_id)
    assert counts() == before


# --- states, reprint, drafts -----------------------------------------------------------------


def test_life_cycle_and_identical_reprint(village):
    database, admin = village
    notice_id = draft(database, admin)
    with database.unit(admin) as session:
        draft_pdf = notices.notice_pdf(session=session, actor=admin, notice_id=notice_id)
    assert "草稿" in pdf_text(draft_pdf)
    notice = issue(database, admin, notice_id, dt.date(2026, 1, 5))
    assert (notice.state, notice.publicity_start, notice.publicity_end) == ("issued", dt.date(2026, 1, 5),
                                                                            dt.date(2026, 1, 11))
    with database.unit(admin) as session:
        first = notices.notice_pdf(session=session, actor=admin, notice_id=notice_id)
        text = pdf_text(first)
        assert "草稿" not in text and "青石村务〔2026〕1号" in text
        assert "公示期：2026年1月5日至2026年1月11日（共7天）。" in text.replace("\n", "")
        assert sha256(first) == notice.file_sha256
        notices.post_notice(session=session, actor=admin, notice_id=notice_id, posted_on=dt.date(2026, 1, 5))
    with database.unit(admin) as session:
        assert notices.notice_pdf(session=session, actor=admin, notice_id=notice_id) == first
        assert notices.reprint_matches(session=session, actor=admin, notice_id=notice_id)
        with pytest.raises(StateError):
            notices.post_notice(session=session, actor=admin, notice_id=notice_id)
        notices.take_down(session=session, actor=admin, notice_id=notice_id, taken_down_on=dt.date(2026, 1, 12))
    with database.session() as session:
        assert session.get(Notice, notice_id).state == "taken_down"


def test_issued_notices_cannot_be_edited_and_corrections_name_the_original(village):
    database, admin = village
    notice_id = draft(database, admin)
    issue(database, admin, notice_id)
    with database.unit(admin) as session:
        with pytest.raises(StateError):
            notices.update_notice(session=session, actor=admin, notice_id=notice_id, form=form(title="改过的标题"))
        with pytest.raises(StateError):
            notices.delete_draft(session=session, actor=admin, notice_id=notice_id)
        correction = notices.correct_notice(session=session, actor=admin, notice_id=notice_id)
        assert correction.corrects_id == notice_id and correction.state == "draft"
        assert correction.title == "关于《关于低保对象的公示》的更正公告"
    corrected = issue(database, admin, correction.id, dt.date(2026, 1, 8))
    assert corrected.number == "青石村务〔2026〕2号"
    with database.unit(admin) as session:
        text = pdf_text(notices.notice_pdf(session=session, actor=admin, notice_id=correction.id)).replace("\n", "")
        assert "本公告对青石村务〔2026〕1号《关于低保对象的公示》予以更正" in text
        row = notices.notice_rows(session=session, actor=admin, ids=[correction.id])[0]
        assert row.corrects_number == "青石村务〔2026〕1号"


def test_drafts_are_edited_and_validated_field_by_field(village):
    database, admin = village
    notice_id = draft(database, admin)
    with database.unit(admin) as session:
        notices.update_notice(session=session, actor=admin, notice_id=notice_id, form=form(title="新标题"))
        with pytest.raises(ValidationError) as caught:
            notices.update_notice(session=session, actor=admin, notice_id=notice_id,
                                  form=form(title=" ", body="", table=None, publicity_days=0, style="fancy"))
        assert set(caught.value.errors) == {"title", "body", "publicity_days", "style"}
    with database.session() as session:
        assert session.get(Notice, notice_id).title == "新标题"


# --- privacy ---------------------------------------------------------------------------------


def test_public_notices_never_show_full_phone_or_id_numbers(village):
    database, admin = village
    notice_id = draft(database, admin, body="联系人张三丰（13812341234），身份证号51011219900101123X。")
    issue(database, admin, notice_id)
    with database.unit(admin) as session:
        text = pdf_text(notices.notice_pdf(session=session, actor=admin, notice_id=notice_id))
    for secret in ("13812341234", "13998765432", "51011219900101123X"):
        assert secret not in text
    for masked in ("张*丰", "欧阳**", "138****1234", "139****5432", "510112********123X"):
        assert masked in text


def test_unmasking_is_an_audited_choice_of_the_secretary(village):
    database, admin = village
    clerk = Actor(user_id="", username="clerk", display_name="文书", role="clerk")
    notice_id = draft(database, clerk)
    with database.unit(clerk) as session, pytest.raises(PermissionDenied):
        notices.set_unmasked(session=session, actor=clerk, notice_id=notice_id, field="name", unmasked=True,
                             reason="荣誉榜")
    with database.unit(admin) as session:
        with pytest.raises(ValidationError):
            notices.set_unmasked(session=session, actor=admin, notice_id=notice_id, field="amount", unmasked=True,
                                 reason="x")
        with pytest.raises(ValidationError):
            notices.set_unmasked(session=session, actor=admin, notice_id=notice_id, field="name", unmasked=True,
                                 reason=" ")
        notices.set_unmasked(session=session, actor=admin, notice_id=notice_id, field="name", unmasked=True,
                             reason="表彰名单须公布全名")
    issue(database, admin, notice_id)
    with database.unit(admin) as session:
        text = pdf_text(notices.notice_pdf(session=session, actor=admin, notice_id=notice_id))
        notes = session.exec(select(AuditEntry).where(AuditEntry.action == "note", AuditEntry.row_id == notice_id)).all()
    assert "张三丰" in text and "欧阳娜娜" in text and "138****1234" in text  # only the name column is shown
    assert [(n.actor, n.changes["note"], n.changes["field"], n.changes["reason"]) for n in notes] == [
        ("admin", "unmask", "name", "表彰名单须公布全名")]


def test_grid_workers_may_read_but_not_write_notices(village):
    database, admin = village
    worker = Actor(user_id="", username="grid", display_name="网格员", role="grid_worker")
    with database.unit(worker) as session, pytest.raises(PermissionDenied):
        notices.create_notice(session=session, actor=worker, form=form())
    notice_id = draft(database, admin)
    with database.unit(worker) as session:
        assert notices.notice_ids(session=session, actor=worker) == [notice_id]


# --- print kind, list, CLI -------------------------------------------------------------------


def test_print_kind_latest_gives_the_issued_file(village, tmp_path):
    database, admin = village
    with database.unit(admin) as session, pytest.raises(NotFound):
        print_kind("notice", session=session, actor=admin, ident="latest")
    first = issue(database, admin, draft(database, admin), dt.date(2026, 1, 5))
    second = issue(database, admin, draft(database, admin, title="第二份"), dt.date(2026, 1, 6))
    with database.unit(admin) as session:
        data = print_kind("notice", session=session, actor=admin, ident="latest", out=tmp_path / "n.pdf")
        assert sha256(data) == second.file_sha256 == sha256((tmp_path / "n.pdf").read_bytes())
        by_number = print_kind("notice", session=session, actor=admin, ident=first.number)
        assert sha256(by_number) == first.file_sha256
        doc = build_document("notice", session=session, actor=admin, ident=first.id)
        assert doc.public and doc.number == first.number
    assert {k.name: k.public for k in kinds()}.items() >= {"notice": True, "resident_roster": False}.items()


def test_list_marks_notices_ending_soon(village):
    database, admin = village
    notice_id = draft(database, admin, publicity_days=3)
    issue(database, admin, notice_id, dt.date(2026, 1, 5))
    with database.unit(admin) as session:
        notices.post_notice(session=session, actor=admin, notice_id=notice_id, posted_on=dt.date(2026, 1, 5))
        ids = notices.notice_ids(session=session, actor=admin)
        def soon(day):
            return notices.notice_rows(session=session, actor=admin, ids=ids, today=day)[0].ending_soon

        # the period ends on 7 January; by default it stands out from three days before
        assert notice_queries.ending_soon_days(session) == 3
        assert [soon(dt.date(2026, 1, d)) for d in (3, 4, 6, 9)] == [False, True, True, True]
        stats = notices.stats(session=session, actor=admin)
        assert stats["posted"] == 1 and stats["total"] == 1


def test_the_ending_soon_window_is_a_setting(village):
    database, admin = village
    clerk = Actor(user_id="", username="clerk", display_name="文书", role="clerk")
    worker = Actor(user_id="", username="grid", display_name="网格员", role="grid_worker")
    notice_id = draft(database, admin, publicity_days=10)
    issue(database, admin, notice_id, dt.date(2026, 1, 5))  # ends 14 January
    with database.unit(admin) as session:
        notices.post_notice(session=session, actor=admin, notice_id=notice_id, posted_on=dt.date(2026, 1, 5))
    with database.unit(clerk) as session:
        assert notices.set_ending_soon_days(session=session, actor=clerk, days=7) == 7
    with database.unit(admin) as session:
        assert notice_queries.ending_soon_days(session) == 7
        row = notices.notice_rows(session=session, actor=admin, ids=[notice_id], today=dt.date(2026, 1, 7))[0]
        assert row.ending_soon
        for bad in (-1, 31, "三", 2.5, True, None):
            with pytest.raises(ValidationError) as caught:
                notices.set_ending_soon_days(session=session, actor=admin, days=bad)
            assert set(caught.value.errors) == {"ending_soon_days"}
    with database.unit(worker) as session, pytest.raises(PermissionDenied):
        notices.set_ending_soon_days(session=session, actor=worker, days=1)
    with database.unit(admin) as session:
        assert notice_queries.ending_soon_days(session) == 7  # refusals changed nothing
        notices.set_ending_soon_days(session=session, actor=admin, days="0")
        row = notices.notice_rows(session=session, actor=admin, ids=[notice_id], today=dt.date(2026, 1, 13))[0]
        assert not row.ending_soon


def test_cli_print_list_and_notice(village, tmp_path, monkeypatch, capsys):
    from app.cli import main

    database, admin = village
    issue(database, admin, draft(database, admin))
    monkeypatch.setenv("VILLAGEDESK_PASSWORD", "secret-pass")
    assert main(["print", "--list", "--db", str(database.path)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert "notice\tpublic\t" in "\n".join(listing)
    assert all(re.fullmatch(r"[a-z_\-]+\t(public|private)\t.+", line) for line in listing)
    out = tmp_path / "latest.pdf"
    assert main(["print", "notice", "--id", "latest", "--out", str(out), "--db", str(database.path)]) == 0
    assert "青石村务〔2026〕1号" in pdf_text(out.read_bytes())
    assert main(["print", "nothing", "--out", str(out), "--db", str(database.path)]) == 1
    assert "nothing" in capsys.readouterr().err


def test_demo_data_issues_realistic_notices(village):
    import random

    from app.notices import demo as notices_demo
    from app.people import demo as people_demo

    database, admin = village
    with database.unit(admin) as session:
        people_demo.add_demo_data(session=session, actor=admin, rng=random.Random(1), size="small")
        notices_demo.add_demo_data(session=session, actor=admin, rng=random.Random(1), size="small")
    with database.unit(admin) as session:
        states = [r.state for r in notices.notice_rows(session=session, actor=admin,
                                                        ids=notices.notice_ids(session=session, actor=admin))]
        assert sorted(states) == ["draft", "issued", "posted", "posted", "taken_down"]
        text = pdf_text(print_kind("notice", session=session, actor=admin, ident="latest"))
        # the latest is a 会议通知 (村务通知): numbered in the 村务 series, no 公示期, no objection
        assert "青石村务〔" in text and "公示期" not in text and "异议" not in text


def _register(database, admin, *people):
    """Put (household head, [members]) into the people register."""
    from db.models.people import Household, Resident

    with database.unit(admin) as session:
        for index, (head, members) in enumerate(people):
            household = Household(number=f"H{index:03d}-{head}", head_name=head, address="青石村三组")
            session.add(household)
            session.flush()
            for name in members:
                session.add(Resident(name=name, gender="F", household_id=household.id))
        session.flush()


def test_registered_names_in_the_text_of_a_public_notice_are_masked(village):
    database, admin = village
    # 王建国 is a household head only; 欧阳娜娜 a compound surname; 张 a one-character "name"
    _register(database, admin, ("王建国", ["赵丽华", "欧阳娜娜"]), ("张", ["张明"]))
    body = ("经村民代表会议评议，拟将赵丽华、欧阳娜娜、王建国三户纳入低保，由张明负责入户核查。\n\n"
            "王牌农资店和张家湾合作社不在此列。")
    notice_id = draft(database, admin, body=body, table={
        "columns": [{"key": "name", "header": "户主"}, {"key": "note", "header": "说明"}],
        "rows": [["王建国", "赵丽华代领"]]})  # a name column the clerk forgot to mark
    with database.unit(admin) as session:
        public = pdf_text(notices.notice_pdf(session=session, actor=admin, notice_id=notice_id)).replace("\n", "")
        private = pdf_text(print_kind("resident_roster", session=session, actor=admin, ident="all")).replace("\n", "")
    for name in ("赵丽华", "欧阳娜娜", "王建国", "张明"):
        assert name not in public
        assert name in private  # the office's own roster keeps the full names
    for masked in ("赵*华", "欧阳**", "王*国", "张*负责"):
        assert masked in public
    assert "王牌农资店和张家湾合作社" in public  # words that merely start with a surname stay


def test_names_in_the_text_are_unmasked_only_by_the_secretarys_audited_choice(village):
    database, admin = village
    _register(database, admin, ("王建国", ["赵丽华"]))
    notice_id = draft(database, admin, body="表彰赵丽华同志，电话13812341234。", table=None)
    with database.unit(admin) as session:
        notices.set_unmasked(session=session, actor=admin, notice_id=notice_id, field="names", unmasked=True,
                             reason="表彰先进须公布全名")
    notice = issue(database, admin, notice_id)
    _register(database, admin, ("钱多多", ["表彰"]))  # the register changes after the notice was issued
    with database.unit(admin) as session:
        text = pdf_text(notices.notice_pdf(session=session, actor=admin, notice_id=notice_id)).replace("\n", "")
        reprint = print_kind("notice", session=session, actor=admin, ident=notice.number)
        notes = session.exec(select(AuditEntry).where(AuditEntry.action == "note", AuditEntry.row_id == notice_id)).all()
    assert "表彰赵丽华同志" in text and "138****1234" in text
    assert sha256(reprint) == notice.file_sha256  # a reprint is identical: the issued copy is not masked again
    assert [(n.changes["field"], n.changes["reason"]) for n in notes] == [("names", "表彰先进须公布全名")]


# --- the notice's table ------------------------------------------------------------------------


def test_cells_pasted_from_excel_or_wps_are_read_with_quotes_and_line_breaks():
    text = '姓名\t住址\t备注\r\n张三丰\t三组15号\t"患病""在家""\r\n需照顾"\r\n欧阳娜娜\t\t\r\n'
    assert notices.parse_pasted_table(text) == [["姓名", "住址", "备注"], ["张三丰", "三组15号", '患病"在家"\n需照顾'],
                                                 ["欧阳娜娜", "", ""]]
    assert notices.parse_pasted_table("a\tb\nc") == [["a", "b"], ["c", ""]]  # ragged rows are padded
    assert notices.parse_pasted_table(" \r\n") == []


@pytest.mark.parametrize("header, kind", [("姓名", "name"), ("户主姓名", "name"), ("联系电话", "phone"),
                                          ("身份证号码", "id_number"), ("家庭住址", "address"), ("金额（元）", ""),
                                          ("所在小组", ""), ("Phone", "phone")])
def test_headings_announce_personal_data(header, kind):
    assert notices.guess_sensitive(header) == kind


def test_table_problems_name_their_cells():
    table = {"columns": [{"key": "a", "header": "姓名"}, {"key": "b", "header": " "}, {"key": "c", "header": "姓名"},
                         {"key": "d", "header": "金额", "sensitive": "salary"}],
             "rows": [["张三", "", "", ""], ["", "", "", "", "多出来的"], ["李四", "", "", "字" * 201]]}
    problems = {(p.row, p.column): p.message for p in notices.table_problems(table)}
    assert problems == {
        (None, 1): "第2列没有填写列名。",
        (None, 2): "第1列和第3列都叫“姓名”，请改用不同的列名。",
        (None, 3): "第4列：个人信息类别无法识别。",
        (1, None): "第2行的单元格比表格的列数多。",
        (2, 3): "第3行“金额”列：最多200个字。",
    }
    assert notices.table_problems(None) == []
    assert [p.message for p in notices.table_problems({"columns": [{"header": "姓名"}], "rows": [["", ""]]})] == [
        "表格还没有内容：请至少填写一行，或删除表格。"]


def test_a_refused_table_saves_nothing_and_a_good_one_is_stored_tidily(village):
    database, admin = village
    notice_id = draft(database, admin)
    bad = {"columns": [{"key": "name", "header": ""}], "rows": [["张三"]]}
    with database.unit(admin) as session, pytest.raises(ValidationError) as caught:
        notices.update_notice(session=session, actor=admin, notice_id=notice_id, form=form(title="改了", table=bad))
    assert caught.value.errors == {"table": "第1列没有填写列名。"}
    with database.session() as session:
        stored = session.get(Notice, notice_id)
        assert (stored.title, stored.table) == ("关于低保对象的公示", notices.normalise_table(TABLE))
        assert [r[0] for r in stored.table["rows"]] == ["张三丰", "欧阳娜娜"]
    tidy = {"columns": [{"key": "", "header": " 姓名 ", "sensitive": "name"}, {"header": "金额"}],
            "rows": [[" 张三 ", "600", "  "], ["", ""], ["李四"]], "caption": "名单"}
    with database.unit(admin) as session:
        notices.update_notice(session=session, actor=admin, notice_id=notice_id, form=form(table=tidy))
    with database.session() as session:
        assert session.get(Notice, notice_id).table == {
            "columns": [{"key": "c1", "header": "姓名", "sensitive": "name", "align": "left"},
                        {"key": "c2", "header": "金额", "sensitive": "", "align": "left"}],
            "rows": [["张三", "600"], ["李四", ""]], "caption": "名单"}
