"""Issue 10, item 8: English counts through plural-aware messages, times without seconds, and the
四议两公开 page in English too."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import Qt

from app import deliberation, i18n, meetings, people
from app.i18n import ngettext
from db.base import local_now

SECONDS = re.compile(r"\d:\d\d:\d\d")


@pytest.fixture
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("zh_CN")


def test_counts_take_the_plural_form_of_the_language(english):
    assert meetings.count_label(1, "persons") == "1 person"
    assert meetings.count_label(12, "persons") == "12 people"
    assert meetings.count_label(1, "households") == "1 household"
    assert meetings.count_label(20, "households") == "20 households"
    i18n.set_language("zh_CN")
    # Chinese has one form, read from the compiled catalog's plural entry
    assert meetings.count_label(1, "persons") == "1人"
    assert meetings.count_label(12, "households") == "12户"
    assert ngettext("{n} matter", "{n} matters", 4).format(n=4) == "共4个事项"


def test_times_are_shown_to_the_minute(english):
    evening = dt.datetime(2026, 11, 30, 19, 30, 48)
    # CLDR puts a narrow no-break space before PM
    assert i18n.format_datetime(evening) == "Nov 30, 2026, 7:30\u202fPM"
    assert i18n.format_time(evening) == "7:30\u202fPM"
    i18n.set_language("zh_CN")
    assert i18n.format_datetime(evening) == "2026年11月30日 19:30"


def test_the_catalogs_hold_counted_messages_as_plural_entries():
    from babel.messages.pofile import read_po

    from app.paths import LOCALE_DIR

    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "meetings.po").open("rb") as fh:
        english = read_po(fh, locale="en")
    assert english["{n} person"].id == ("{n} person", "{n} people")
    assert english["{n} person"].string == ("{n} person", "{n} people")
    assert english.plural_forms.startswith("nplurals=2;")


@pytest.mark.gui
def test_english_pages_count_in_words_and_show_no_seconds(village, sign_in, gui, english):
    from ui import language

    database, admin = village
    starts = dt.datetime(2026, 3, 1, 19, 30, 48, tzinfo=local_now().tzinfo)
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组")
        household = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王大明", group_id=group.id))
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="王大明", id_number="11010519491231002X", household_id=household.id, relation="head"))
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=meetings.EVENING_TALK, title="夜话会",
                                        starts_at=starts, scope="group", group_id=group.id)
        deliberation.start_matter(session=session, actor=admin, title="修建文化广场")
    win = sign_in(database)
    language.switch("en")

    page = win.open_area("meetings")
    gui.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    column = next(i for i, c in enumerate(page.columns) if c.header == "Should attend")
    assert page.model.index(0, column).data(Qt.ItemDataRole.DisplayRole) == "1 household"
    assert page.count_label.text() == "1 meeting"
    page.open_item(meeting.id)
    gui.waitUntil(lambda: page.view is not None and page.view.record is not None, timeout=10000)
    facts = page.view.facts.text()
    assert "7:30\u202fPM" in facts and not SECONDS.search(facts), facts
    assert page.view.attendance_label.text().startswith("Should attend 1 household, present 0 households")
    page.view.close()

    households = win.open_area("households")
    gui.waitUntil(lambda: households.count_label.text() == "Total: 1 household", timeout=10000)

    matters = win.open_area("deliberation")
    gui.waitUntil(lambda: matters.count_label.text() == "1 matter", timeout=10000)
    assert matters.header.description.text().startswith("Party branch proposes → two committees discuss")
    language.switch("zh_CN")  # a count shown before the switch follows the language
    assert matters.count_label.text() == "共1个事项"
    assert matters.header.description.text().startswith("党支部提议 → 两委商议")
