"""设置: the language of the program, and what this store is."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app import i18n
from app.i18n import N_, _
from ui import language
from ui.pages.base import Page, PageContext, PageHeader


class SettingsPage(Page):
    def __init__(self, context: PageContext, area_key: str):
        super().__init__(context, area_key)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(14)
        self.header = PageHeader(N_("Settings"), N_("Language and this database."))
        layout.addWidget(self.header)

        self.language_box = QGroupBox()
        form = QFormLayout(self.language_box)
        self.language_label = QLabel()
        self.language = QComboBox()
        self.language.setObjectName("languageCombo")
        self.language.setMinimumWidth(200)
        self.language.setMaximumWidth(260)
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)  # each language named in itself
        self.language.setCurrentIndex(max(self.language.findData(i18n.get_language()), 0))
        self.language.currentIndexChanged.connect(self._language_chosen)
        form.addRow(self.language_label, self.language)
        self.language_hint = QLabel()
        self.language_hint.setObjectName("hint")
        form.addRow("", self.language_hint)
        layout.addWidget(self.language_box)

        self.store_box = QGroupBox()
        store = QFormLayout(self.store_box)
        self.village_label, self.village_value = QLabel(), QLabel(context.village_name)
        self.location_label, self.location_value = QLabel(), QLabel(context.location)
        self.user_label, self.user_value = QLabel(), QLabel()
        self.location_value.setWordWrap(True)
        village_row = QHBoxLayout()
        village_row.addWidget(self.village_value)
        self.village_button = QPushButton()
        self.village_button.setObjectName("openVillage")
        self.village_button.clicked.connect(lambda: self.context.open_area("village"))
        village_row.addWidget(self.village_button)
        village_row.addStretch(1)
        store.addRow(self.village_label, village_row)
        store.addRow(self.location_label, self.location_value)
        store.addRow(self.user_label, self.user_value)
        layout.addWidget(self.store_box)
        layout.addStretch(1)
        self.retranslate_ui()

    def _language_chosen(self, _index: Any) -> None:
        language.switch(self.language.currentData())

    def retranslate_ui(self) -> None:
        self.language_box.setTitle(_("Language"))
        self.language_label.setText(_("{label}:").format(label=_("Language")))
        self.language_hint.setText(_("Takes effect at once; open windows keep what you typed."))
        self.store_box.setTitle(_("This database"))
        self.village_label.setText(_("{label}:").format(label=_("Village")))
        self.village_value.setText(self.context.village_name)
        self.village_button.setText(_("Profile, groups and grids…"))
        self.village_button.setToolTip(_("Opens the Village page (村情)."))
        self.location_label.setText(_("{label}:").format(label=_("Location")))
        self.user_label.setText(_("{label}:").format(label=_("Signed in")))
        actor = self.context.actor
        self.user_value.setText(_("{name} ({role})").format(name=actor.display_name, role=actor.role_label))
        index = self.language.findData(i18n.get_language())
        if index != self.language.currentIndex():
            self.language.blockSignals(True)
            self.language.setCurrentIndex(index)
            self.language.blockSignals(False)
