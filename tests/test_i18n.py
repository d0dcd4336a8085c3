"""Every user-visible string has a translation in both languages; formats follow the locale."""
from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest

from app import i18n

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import i18n as i18n_tool  # noqa: E402  (tools/i18n.py)


def test_every_message_is_translated_in_every_language():
    used = i18n_tool.extract()
    assert len(used) > 100  # the extractor really read the code
    for language in i18n.LANGUAGES:
        catalog = i18n.read_catalog(language)
        missing = [f"{locs[0]}: {msgid!r}" for msgid, locs in used.items() if msgid not in catalog]
        assert missing == [], f"{language} lacks {len(missing)} translation(s):\n" + "\n".join(missing[:40])


PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")


def test_translations_keep_their_placeholders():
    for language in i18n.LANGUAGES:
        for msgid, msgstr in i18n.read_catalog(language).items():
            # a translation may repeat a placeholder, but must use exactly the same set
            assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(msgstr)), (language, msgid, msgstr)


def test_chinese_is_the_default_and_switching_works():
    assert i18n.get_language() == "zh_CN"
    assert i18n._("Wrong user name or password.") == "用户名或密码错误。"
    seen = []
    remove = i18n.on_language_changed(seen.append)
    try:
        i18n.set_language("en")
        assert i18n._("Wrong user name or password.") == "Wrong user name or password."
        assert seen == ["en"]
    finally:
        remove()
        i18n.set_language("zh_CN")


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        i18n.set_language("xx")


def test_dates_and_numbers_follow_the_language():
    day = dt.date(2026, 11, 23)
    assert i18n.format_date(day) == "2026年11月23日"
    assert i18n.official_date(dt.date(2026, 1, 5)) == "2026年1月5日"
    assert i18n.format_number(12345) == "12,345"
    assert i18n.format_percent(0.993) == "99.3%"
    i18n.set_language("en")
    try:
        assert i18n.format_date(day) == "November 23, 2026"
    finally:
        i18n.set_language("zh_CN")


def test_compiled_catalog_is_rebuilt_when_a_po_file_changes(tmp_path, monkeypatch):
    locale = tmp_path / "locale" / "zh_CN" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    po = locale / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Hello"\nmsgstr "你好"\n',
                  encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    monkeypatch.setattr(i18n, "_catalogs", {})
    assert i18n.translations("zh_CN").gettext("Hello") == "你好"
    import os
    import time

    po.write_text(po.read_text(encoding="utf-8").replace("你好", "您好"), encoding="utf-8")
    later = time.time() + 5
    os.utime(po, (later, later))
    monkeypatch.setattr(i18n, "_catalogs", {})
    assert i18n.translations("zh_CN").gettext("Hello") == "您好"


def test_a_cache_made_from_another_copys_catalogs_is_not_used_even_when_newer(tmp_path, monkeypatch):
    """Two copies of the program (an old install, a second checkout) share the data folder's cache:
    catalogs older than the cache, but not the ones it was made from, are compiled anew."""
    import os
    import time

    def catalog(root, text):
        folder = root / "zh_CN" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po = folder / "ui.po"
        po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                      f'msgid "Hello"\nmsgstr "{text}"\n', encoding="utf-8")
        return po

    ours = catalog(tmp_path / "ours", "你好")
    past = time.time() - 3600
    os.utime(ours, (past, past))  # ours is older than the cache the other copy is about to write
    catalog(tmp_path / "theirs", "别人的")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "theirs")
    monkeypatch.setattr(i18n, "_catalogs", {})
    assert i18n.translations("zh_CN").gettext("Hello") == "别人的"
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "ours")
    monkeypatch.setattr(i18n, "_catalogs", {})
    assert i18n.translations("zh_CN").gettext("Hello") == "你好"


def test_a_date_formatted_again_follows_the_language_and_style():
    """format_date remembers what it formatted (a list's dates repeat): per language and style."""
    day = dt.date(2026, 11, 3)
    previous = i18n.get_language()
    try:
        i18n.set_language("zh_CN")
        assert i18n.format_date(day) == i18n.format_date(day) == "2026年11月3日"
        i18n.set_language("en")
        assert i18n.format_date(day) == "November 3, 2026"
        assert i18n.format_date(day, style="short") == "11/3/26"
        assert i18n.format_date(dt.datetime(2026, 11, 3, 23, 59)) == "November 3, 2026"
        i18n.set_language("zh_CN")
        assert i18n.format_date(day) == "2026年11月3日"
    finally:
        i18n.set_language(previous)
