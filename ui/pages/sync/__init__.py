"""数据报送: reports to the township. The page asks the store what it is and shows that side:

* a village's store: the township's key, export to a USB stick, the outbox and its receipts;
* a township's store: import the villages' bundles, the villages, the summary, their records, the key.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app import sync
from app.i18n import N_, _
from ui.ops import DbOp
from ui.pages.base import Page, PageContext, PageHeader
from ui.pages.sync.common import hint

VILLAGE, TOWNSHIP = "village", "township"


class SyncPage(Page):
    def __init__(self, context: PageContext, area_key: str):
        super().__init__(context, area_key)
        self.kind = getattr(context, "store_kind", "") or ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(8)
        self.header = PageHeader(N_("Sync"), N_("Reports to the township: export, import, receipts."))
        layout.addWidget(self.header)
        self.waiting = hint()
        layout.addWidget(self.waiting)
        self.body: QWidget | None = None
        self._layout = layout
        self._warm_taken = False
        if self.kind:
            self._build()
        else:
            DbOp(self, lambda session: sync.store_kind(session=session), read_only=True) \
                .success(self._kind_known).run()
        self.retranslate_ui(body=False)  # the body translated itself as it was built

    @classmethod
    def warm_reads(cls, session: Any, actor: Any) -> Any:
        """What a village's page first shows (:meth:`VillageSync.first_read`: the status and the outbox), kept
        for its first open; nothing for a township's store, or a role that may not export."""
        if sync.store_kind(session=session) != VILLAGE:
            return None
        from ui.pages.sync.village import VillageSync

        return VillageSync.first_read(session, actor)

    def _kind_known(self, kind: str) -> None:
        self.kind = kind
        self._build()
        self.retranslate_ui(body=False)
        if self.isVisible():
            self.page_shown()

    def _build(self) -> None:
        if self.kind == TOWNSHIP:
            from ui.pages.sync.township import TownshipSync

            self.body = TownshipSync(self.context.actor, township_name=self.context.village_name, parent=self)
        elif self.kind == VILLAGE:
            from ui.pages.sync.village import VillageSync

            self.body = VillageSync(self.context.actor, parent=self)  # made inside the page: styled once
        if self.body is not None:
            self.waiting.setVisible(False)
            self._layout.addWidget(self.body, 1)

    def retranslate_ui(self, body: bool = True) -> None:
        self.header.retranslate_ui()
        self.waiting.setText(_("Reading…") if not self.kind else
                             _("This database is not set up yet.") if self.body is None else "")
        if body and self.body is not None:
            self.body.retranslate_ui()

    def page_shown(self) -> None:
        if self.body is None:
            return
        if self.kind == VILLAGE:
            kept, self._warm_taken = (None if self._warm_taken else self.take_warm()), True
            self.body.reload(kept=kept)  # what the warm read found, if it still holds (Page.take_warm): once
        else:
            self.body.reload()

    def refresh(self) -> Any:
        self.page_shown()
