"""What every page of the main window is: a widget that knows the signed-in user and the worker."""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from app.i18n import _
from ui.ops import DatabaseWorker, worker


@dataclasses.dataclass
class PageContext:
    """Handed to each page: who is signed in, which village, and a way to talk to the window."""

    actor: Any
    village_name: str
    location: str = ""
    show_status: Callable[[str], None] = lambda _text: None
    open_area: Callable[..., None] = lambda _key, **_kw: None
    village_renamed: Callable[[str], None] = lambda _name: None  # the window shows the new name
    store_kind: str = ""  # "village" or "township" (app.sync.store_kind); "" when not known
    # Where the pages are built (the workspace's stack): a page made inside the window is styled
    # as its widgets are added, not all over again when it is added to the stack.
    pages_parent: QWidget | None = None
    # What the page's warm read found, if it is still as the store is (Workspace.take_warm), once;
    # None: read as usual
    take_warm: Callable[[str], Any] = lambda _key: None

    @property
    def ops(self) -> DatabaseWorker:
        return worker()


class Page(QWidget):
    """Base of the pages in the navigation.

    Override ``retranslate_ui`` (called on a language switch), ``page_shown`` (each time the page
    becomes current), the keyboard actions ``new_item`` (Ctrl+N) and ``open_current`` (Enter), and
    ``open_record`` (a link to one record, from the dashboard's to-do list).
    ``focus_search`` (Ctrl+F) focuses the child QLineEdit named ``search`` when there is one.
    """

    def __init__(self, context: PageContext, area_key: str):
        super().__init__(context.pages_parent)
        self.context = context
        self.area_key = area_key

    def retranslate_ui(self) -> None:
        pass

    def page_shown(self) -> None:
        pass

    @classmethod
    def warm_reads(cls, session: Any, actor: Any) -> Any:
        """Read what the page's first open reads: run on the database worker in a pause after
        sign-in (ui/warmup.py), before the page is built. What it returns (not None) is kept for
        the page's first read (:meth:`take_warm`): a page built by a click before the warm-up did
        shows it without a trip to the worker, as long as nothing was saved since. Either way its
        statements are compiled (SQLAlchemy's cache, 30–45 % of a first read). Reads only, through
        the same app functions as the actor: what the actor may not read is refused here as on the
        page (and nothing kept). Default: nothing."""
        return None

    def take_warm(self) -> Any:
        """What :meth:`warm_reads` found for this page, once, if nothing was saved in this window
        since it was read and it is recent (``Workspace.take_warm``); else None: read as usual."""
        return self.context.take_warm(self.area_key)

    def preload(self) -> None:
        """Read what the page first shows while it is still hidden (a pause after sign-in, when the
        database worker is idle: ui/warmup.py), for a page that reads only on its first show; its
        first open then only paints. Reads only (nothing is written or logged). Default: nothing,
        the page reads when it is shown."""

    def focus_search(self) -> bool:
        search = self.findChild(QLineEdit, "search")
        if search is None:
            return False
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()
        return True

    def new_item(self) -> bool:
        return False

    def open_current(self) -> bool:
        return False

    def open_record(self, record_id: str) -> None:
        """Show one record of this page (the dashboard's to-do items open theirs through
        ``context.open_area(key, record=id)``). A page with records overrides it; the default
        shows the page alone."""


class KeptRead:
    """A page's warm read (``Page.take_warm``), taken when the page is built (its actions decide
    which buttons it has) and handed to its first read by :meth:`take`: once, and only while
    nothing that may write was submitted since it was taken (a page built in the warm-up is read
    in a later pause) and for at most :attr:`HELD_S` after. ``kind``: what the page's
    ``warm_reads`` returns; anything else is none."""

    HELD_S = 10.0  # a page built in the warm-up is preloaded in one of its next pauses

    def __init__(self, page: Any, kind: type):
        value = page.take_warm()
        self.value = value if isinstance(value, kind) else None
        self._writes, self._taken = worker().writes_submitted, time.monotonic()

    def take(self) -> Any:
        """The kept read, once, if it still is what the store holds; else None (read as usual)."""
        value, self.value = self.value, None
        return value if value is not None and self.holds() else None

    def holds(self) -> bool:
        """Whether what was kept still is what the store holds (nothing that may write submitted
        since, not held too long): a page filled from it as it was built need not read again when
        it is shown."""
        return worker().writes_submitted == self._writes and time.monotonic() - self._taken <= self.HELD_S


class PageHeader(QWidget):
    """Title and one-line description at the top of a page."""

    def __init__(self, title_msgid: str, description_msgid: str = ""):
        super().__init__()
        self._title_msgid, self._description_msgid = title_msgid, description_msgid
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        layout.addWidget(self.title)
        self.description = QLabel()
        self.description.setObjectName("hint")
        layout.addWidget(self.description)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(_(self._title_msgid))
        self.description.setText(_(self._description_msgid) if self._description_msgid else "")
        self.description.setVisible(bool(self._description_msgid))


class NotAvailablePage(Page):
    """An area of the design that this version does not have yet. Says so plainly; no fake data."""

    def __init__(self, context: PageContext, area_key: str):
        super().__init__(context, area_key)
        from ui.pages import area

        self._area = area(area_key)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 22)
        self.header = PageHeader(self._area.title, self._area.description)
        layout.addWidget(self.header)
        self.message = QLabel()
        self.message.setObjectName("notAvailable")
        self.message.setWordWrap(True)
        layout.addSpacing(12)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.message.setText(_("{area} is not available yet in this version of VillageDesk.").format(
            area=_(self._area.title)))
