"""The template gallery (模板库): templates clerks recognise, each printing its own closing parts,
masked by its own rule, on one sheet; a draft made from one; the chooser dialog fits the office
screen."""
from __future__ import annotations

import pytest

from app import notices
from app.notices import gallery
from app.printing import render
from app.printing.pages import page_texts

EXPECTED = {"dibao", "finance", "project", "yishiyiyi", "party_candidates", "award", "meeting_notice", "outage"}


def _text(data: bytes) -> str:
    return "".join(page_texts(data)).replace("\n", "").replace(" ", "")


def test_the_gallery_has_the_templates_clerks_know():
    assert {t.key for t in gallery.templates()} == EXPECTED
    for template in gallery.templates():
        assert template.kind in notices.NOTICE_KINDS
        assert "【" in template.title + template.body  # something for the clerk to fill in
        assert 1 <= template.publicity_days <= notices.MAX_PUBLICITY_DAYS
        for field in template.unmasked:
            assert template.unmask_reason, template.key
            assert any(c["key"] == field and c["sensitive"] for c in template.columns)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_template_prints_its_own_parts_on_one_sheet(village, key):
    database, admin = village
    template = gallery.get_template(key)
    with database.unit(admin) as session:
        document = gallery.preview(session=session, actor=admin, key=key)
    data = render(document)
    assert data.pages == 1, key
    text = _text(data)
    roles = [b.role for b in document.blocks if getattr(b, "role", "")]
    if template.parts.publicity:
        assert roles == ["publicity", "objection", "contact"]  # each once, in this order
        assert text.count("公示期：") == 1 and text.count("公示期间") == 1 and "监督电话" in text
    else:
        assert roles == []
        assert "公示期" not in text and "异议" not in text and "监督电话" not in text
    if template.joint:
        assert len(document.issuers) == 2
    if template.unmasked:  # the names a 公示 exists to publish are printed in full
        assert "【姓名】" in text
    elif any(c["sensitive"] == "name" for c in template.columns):
        assert "【姓名】" not in text


def test_finance_total_row_has_no_serial_number(village):
    database, admin = village
    with database.unit(admin) as session:
        table = gallery.preview(session=session, actor=admin, key="finance").blocks[-4]
    assert table.summary_rows == 1 and table.rows[-1][0] == "合计"


def test_a_draft_from_a_template_keeps_its_rule_audited(village):
    database, admin = village
    with database.unit(admin) as session:
        notice = gallery.create_draft(session=session, actor=admin, key="party_candidates")
        assert notice.state == notices.DRAFT and notice.kind == "party_affairs"
        assert notice.unmasked == ["name"]
        options = notices.unmask_options(session=session, actor=admin, notice_id=notice.id)
        shown = next(o for o in options if o.field == "name")
        assert shown.unmasked and "发展对象" in shown.reason
        outage = gallery.create_draft(session=session, actor=admin, key="outage")
        assert outage.kind == "village_notification"
        award = gallery.create_draft(session=session, actor=admin, key="award")
        assert award.issuer.split("\n") == ["中共青石村支部委员会", "青石村民委员会"]


@pytest.mark.gui
def test_new_from_template_previews_fits_the_screen_and_opens_the_draft(sign_in, village, gui):
    from PySide6.QtCore import Qt

    database, admin = village
    win = sign_in(database)
    page = win.open_area("notices")
    if not page._loaded_once:
        with gui.waitSignal(page.ids_loaded, timeout=10000):
            pass
    assert page.gallery_button.isEnabled()
    gui.mouseClick(page.gallery_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    hint = dialog.sizeHint()
    assert hint.width() <= 1366 and hint.height() <= 728
    gui.waitUntil(lambda: dialog.preview.page_count() == 1, timeout=15000)
    assert dialog.preview.fonts_label.text()  # says which fonts the document used
    dialog.list.setCurrentRow(7)  # 停水停电通知
    gui.waitUntil(lambda: dialog.preview.page_count() == 1 and dialog.current_key() == "outage", timeout=15000)
    gui.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: page.view is not None and page.view.record is not None, timeout=15000)
    assert page.view.record.kind == "village_notification" and page.view.record.state == "draft"


def test_a_clerks_candidates_notice_names_the_candidates_and_masks_their_numbers(village):
    """The clerk makes a 党员发展对象公示 from the gallery and fills in the candidates (registered
    villagers): their names used to print masked — the template's rule was applied only for the
    secretary, and a shown name column still went through the register's names. ID and phone
    numbers stay masked; other villagers named in the text too."""
    from app.auth import Actor
    from app.printing import build_document
    from db.models.people import Household, Resident

    database, admin = village
    clerk = Actor(user_id="", username="clerk", display_name="文书", role="clerk")
    with database.unit(admin) as session:
        for name in ("王小华", "李建国", "赵大海"):
            household = Household(number=f"{len(name)}{name}", head_name=name)
            session.add(household)
            session.flush()
            session.add(Resident(name=name, gender="M", household_id=household.id, relation="head"))
        session.flush()
    with database.unit(clerk) as session:
        notice = gallery.create_draft(session=session, actor=clerk, key="party_candidates")
        assert notice.unmasked == ["name"]
        form = notices.notice_form(session=session, actor=clerk, notice_id=notice.id)
        form.title = "关于王小华、李建国同志确定为发展对象的公示"
        form.body = "经党小组推荐（联系人赵大海，电话13812345678），拟将以下同志确定为发展对象，现予公示。"
        form.table["rows"] = [["王小华", "男", "1995年3月", "高中", "2024年3月", "2024年6月"],
                              ["李建国", "男", "1990年8月", "大专", "2024年4月", "2024年7月"]]
        notices.update_notice(session=session, actor=clerk, notice_id=notice.id, form=form)
        text = _text(render(build_document("notice", session=session, actor=clerk, ident=notice.id)))
    assert text.count("王小华") == 2 and text.count("李建国") == 2  # title and table, in full
    assert "赵大海" not in text and "赵*海" in text  # not a candidate: masked
    assert "13812345678" not in text and "138****5678" in text
