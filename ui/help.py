"""F1: a short help page inside the program (no browser, no network).

The pages are plain HTML in ``resources/help/<language>.html``: what each page is for and the first
week's steps. Shown in a QTextBrowser; links between sections stay inside the dialog.
"""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app import i18n
from app.i18n import _
from app.paths import RESOURCES

HELP_DIR = RESOURCES / "help"


def help_html(language: str | None = None) -> str:
    language = language or i18n.get_language()
    path = HELP_DIR / f"{language}.html"
    if not path.exists():
        path = HELP_DIR / "zh_CN.html"
    return path.read_text(encoding="utf-8")


class HelpDialog(QDialog):
    """The help page; a second F1 brings the same window to the front."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("helpDialog")
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setOpenExternalLinks(False)
        layout.addWidget(self.browser, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(720, 560)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("VillageDesk help"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.browser.setHtml(help_html())
