"""The GUI side of languages: Qt's own strings (QTranslator), live re-translation, the saved choice.

``switch(language)`` changes the language for the whole window without losing work: every live
widget that defines ``retranslate_ui()`` re-reads its texts; nothing is rebuilt, so an open
dialog keeps what was typed into it.
"""
from __future__ import annotations

import logging
import os

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication

from app import i18n

log = logging.getLogger(__name__)

_qt_translators: list[QTranslator] = []
_installed = False


def settings() -> QSettings:
    """The program's settings: an INI file beside the user's data (portable, per-user)."""
    from app.paths import data_dir

    return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def saved_language() -> str:
    value = settings().value("ui/language", i18n.DEFAULT_LANGUAGE)
    return value if value in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def _install_qt_translator(language: str) -> None:
    app = QApplication.instance()
    if app is None:
        return
    for translator in _qt_translators:
        app.removeTranslator(translator)
    _qt_translators.clear()
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if language == "zh_CN"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    if language == "en":
        return
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase", "qt"):
        translator = QTranslator()
        if translator.load(f"{name}_{language}", folder):
            app.installTranslator(translator)
            _qt_translators.append(translator)
            break  # qt_xx includes qtbase_xx; one is enough


def retranslate_all() -> None:
    """Ask every live widget to re-read its texts in the current language."""
    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.allWidgets():
        retranslate = getattr(widget, "retranslate_ui", None)
        if callable(retranslate):
            try:
                retranslate()
            except Exception:  # a half-destroyed widget must not stop the others
                log.exception("re-translating %r", widget)


def _on_language_changed(language: str) -> None:
    _install_qt_translator(language)
    retranslate_all()


def install(language: str | None = None) -> str:
    """At start-up: choose the language and follow every later change.

    A language already chosen for this run (``villagedesk --lang en`` or ``VILLAGEDESK_LANG``)
    wins over the one saved in the settings.
    """
    global _installed
    chosen = os.environ.get("VILLAGEDESK_LANG")
    if chosen not in i18n.LANGUAGES and i18n.get_language() != i18n.DEFAULT_LANGUAGE:
        chosen = i18n.get_language()
    language = language or (chosen if chosen in i18n.LANGUAGES else None) or saved_language()
    if not _installed:
        i18n.on_language_changed(_on_language_changed)
        _installed = True
    i18n.set_language(language)  # also installs Qt's translator through the listener
    return language


def switch(language: str) -> None:
    """The settings page's language switch: takes effect at once and is remembered."""
    if language == i18n.get_language():
        return
    i18n.set_language(language)
    store = settings()
    store.setValue("ui/language", language)
    store.sync()
