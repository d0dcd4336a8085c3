"""概况: the village at a glance, from the same statistics as ``villagedesk stats``."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from app import stats
from app.i18n import N_, _, format_number
from ui.ops import DbOp
from ui.pages.base import Page, PageContext, PageHeader

# (section, key) → label, for the figures shown as cards; other sections add theirs here.
CARDS: list[tuple[str, str, str]] = [
    ("people", "households", N_("Number of households")),
    ("people", "residents", N_("Residents living in the village")),
    ("people", "party_members", N_("Party members")),
    ("people", "groups", N_("Villagers' groups")),
    ("people", "grids", N_("Grids")),
]


class StatCard(QWidget):
    def __init__(self, label_msgid: str):
        super().__init__()
        self.setObjectName("statCard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMinimumSize(180, 92)
        self.setMaximumWidth(240)
        self._label_msgid = label_msgid
        self._value: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.value = QLabel("—")
        self.value.setObjectName("statValue")
        self.label = QLabel()
        self.label.setObjectName("statLabel")
        self.label.setWordWrap(True)
        layout.addWidget(self.value)
        layout.addWidget(self.label)
        self.retranslate_ui()

    def set_value(self, value: Any) -> None:
        self._value = value
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.label.setText(_(self._label_msgid))
        self.value.setText(format_number(self._value) if isinstance(self._value, (int, float)) else "—")


class DashboardPage(Page):
    def __init__(self, context: PageContext, area_key: str):
        super().__init__(context, area_key)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(14)
        self.header = PageHeader(N_("Dashboard"))
        layout.addWidget(self.header)
        self.welcome = QLabel()
        self.welcome.setObjectName("hint")
        layout.addWidget(self.welcome)
        grid = QGridLayout()
        grid.setSpacing(12)
        self.cards: dict[tuple[str, str], StatCard] = {}
        for index, (section, key, label) in enumerate(CARDS):
            card = StatCard(label)
            self.cards[(section, key)] = card
            grid.addWidget(card, index // 4, index % 4)
        grid.setColumnStretch(4, 1)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.welcome.setText(_("{village} — signed in as {name}.").format(
            village=self.context.village_name, name=self.context.actor.display_name))

    def page_shown(self) -> None:
        actor = self.context.actor
        if not actor.can("stats.view"):
            return
        DbOp(self, lambda s: stats.collect(session=s, actor=actor), read_only=True).success(self._show).run()

    def _show(self, figures: dict[str, Any]) -> None:
        for (section, key), card in self.cards.items():
            card.set_value(figures.get(section, {}).get(key))
