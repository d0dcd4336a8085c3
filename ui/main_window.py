"""The main window: the start panel until someone signs in, then navigation + pages.

Importing this module must stay cheap (no sqlmodel, no database layer): the window is shown
before those are loaded. Pages are imported when first opened.
"""
from __future__ import annotations

import functools
import gc
import importlib
import logging
import sys
import time
from typing import Any

import shiboken6
from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QCloseEvent, QColor, QFont, QFontMetrics, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from ui.background_push import BackgroundPush
from ui.background_push import describe as describe_push
from ui.idle_lock import IdleWatcher, LockScreen
from ui.ops import DbOp, worker
from ui.pages import AREAS, PAGES
from ui.pages.base import NotAvailablePage, Page, PageContext
from ui import style, warmup
from ui.start import StartPanel

log = logging.getLogger(__name__)

# Quitting waits this long for queued writes before asking whether to quit without them.
CLOSE_GRACE_S = 3.0

# A township's store (`villagedesk init --kind township`) holds the villages' bundles, read-only:
# it has no register of its own to keep, so only these areas are offered there.
TOWNSHIP_AREAS = ("sync", "settings")

# The start-up check (``PRAGMA quick_check``, then the daily backup: seconds of a processor core
# and the disk on a large store) waits for the pages to be warmed (ui/warmup.py) and then for a
# pause of this long in the clerk's clicks: the pages opened right after sign-in are built and read
# without it. It starts at the latest this long after the first screen, however busy the clerk is.
CHECKS_QUIET_S = 2.0
# A warm read's result (Workspace.take_warm) is shown by a page built within this long of it, as
# the 工作台 keeps its figures shown (DashboardPage.UNCHANGED_FOR_S); then it is dropped
WARM_KEPT_S = 120.0
CHECKS_LATEST_S = 30.0


def offered_areas(store_kind: str, actor: Any = None) -> list[str]:
    """The areas the navigation lists for a store of this kind, and the role signed in: only the
    pages it may see (the points shop keeper sees 积分制, not the people register)."""
    keys = [area.key for area in AREAS if actor is None or area.offered_to(actor)]
    return [key for key in keys if key in TOWNSHIP_AREAS] if store_kind == "township" else keys


class NavDelegate(QStyledItemDelegate):
    """The navigation's lines: the page open in white, in the accent colour and bold, with a bar
    on its left; the line under the pointer light grey."""

    def paint(self, painter, option, index) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
        rect, state = option.rect, option.state
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, QColor("#ffffff"))
            painter.fillRect(QRect(rect.left(), rect.top(), 3, rect.height()), QColor(style.ACCENT))
        elif state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, QColor("#e6eaf0"))
        font = QFont(option.font)
        font.setBold(selected)
        painter.save()
        painter.setFont(font)
        painter.setPen(QColor(style.ACCENT) if selected else option.palette.color(QPalette.ColorRole.Text))
        painter.drawText(rect.adjusted(20, 0, -14, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         index.data(Qt.ItemDataRole.DisplayRole) or "")
        painter.restore()


class Workspace(QWidget):
    """Left navigation listing every area; pages created on first visit."""

    def __init__(self, context: PageContext):
        super().__init__()
        self.context = context
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        nav = QFrame()
        nav.setObjectName("navPanel")
        nav.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.nav_panel = nav
        nav_layout = QVBoxLayout(nav)
        nav_layout.setContentsMargins(0, 16, 1, 10)  # keep the right border line visible
        nav_layout.setSpacing(4)
        self.nav_title = QLabel()
        self.nav_title.setObjectName("navTitle")
        self.nav_title.setContentsMargins(16, 0, 12, 0)
        nav_layout.addWidget(self.nav_title)
        self.nav_village = QLabel()
        self.nav_village.setObjectName("navVillage")
        self.nav_village.setContentsMargins(16, 0, 12, 8)
        self.nav_village.setWordWrap(True)
        nav_layout.addWidget(self.nav_village)
        self.nav = QListWidget()
        self.nav.setObjectName("navList")
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        self.nav.setItemDelegate(NavDelegate(self.nav))
        self.nav.setMouseTracking(True)  # the line under the pointer
        nav_palette = self.nav.palette()
        nav_palette.setColor(QPalette.ColorRole.Base, QColor(style.NAV_BG))
        self.nav.setPalette(nav_palette)
        nav_font = QFont(self.nav.font())
        nav_font.setPointSizeF(10.5)
        self.nav.setFont(nav_font)
        self.nav.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for area in AREAS:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, area.key)
            item.setSizeHint(QSize(200, 36))
            self.nav.addItem(item)
        self.offer_areas()
        nav_layout.addWidget(self.nav, 1)
        self.user_label = QLabel()
        self.user_label.setObjectName("navVillage")
        self.user_label.setContentsMargins(16, 4, 12, 0)
        self.user_label.setWordWrap(True)
        nav_layout.addWidget(self.user_label)
        self.sign_out_button = QPushButton()
        self.sign_out_button.setFlat(True)
        sign_out_row = QHBoxLayout()
        sign_out_row.setContentsMargins(12, 0, 12, 0)
        sign_out_row.addWidget(self.sign_out_button)
        sign_out_row.addStretch(1)
        nav_layout.addLayout(sign_out_row)
        layout.addWidget(nav)

        self.stack = PageStack()
        layout.addWidget(self.stack, 1)
        context.pages_parent = self.stack  # pages are built in it (PageContext.pages_parent)
        context.take_warm = self.take_warm
        self.pages: dict[str, Page] = {}
        # what warm_reads found for pages not built yet: (writes submitted before it was read, when,
        # what), taken once by the page's first read (take_warm)
        self._kept: dict[str, tuple[int, float, Any]] = {}
        self.last_opened = time.monotonic()  # when a page was last opened (the start-up check waits)
        self.warming_reads = False  # the pages' first reads being warmed on the worker (warm_reads)
        self.nav.currentRowChanged.connect(self._on_nav)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self._kept.clear()  # read in the other language (labels made on the worker): read afresh
        self.nav_title.setText(_("VillageDesk"))
        self.nav_village.setText(self.context.village_name)
        self.nav.ensurePolished()  # polished now (ui.style.OfficeStyle), not on its first show
        bold = QFont(self.nav.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        widest = 0
        for row, area in enumerate(AREAS):
            item = self.nav.item(row)
            item.setText(_(area.title))
            item.setToolTip(_(area.description))
            widest = max(widest, metrics.horizontalAdvance(item.text()))
        self.nav_panel.setFixedWidth(max(200, widest + 56))  # English titles are longer
        self.show_user()
        self.sign_out_button.setText(_("Sign out"))

    def show_user(self) -> None:
        actor = self.context.actor  # None while the password is checked (MainWindow._prepare_workspace)
        self.user_label.setText(_("{name} ({role})").format(name=actor.display_name, role=actor.role_label)
                                if actor is not None else "")

    def offer_areas(self) -> None:
        """List the areas this store and the role signed in are offered (all, before sign-in: the
        workspace prepared behind the login form is offered to whoever signs in)."""
        self.offered = offered_areas(self.context.store_kind, self.context.actor)
        for row, area in enumerate(AREAS):
            self.nav.item(row).setHidden(area.key not in self.offered)

    @property
    def home_area(self) -> str:
        """The page shown after signing in: the dashboard, or 数据报送 on a township's store."""
        return "dashboard" if "dashboard" in self.offered else self.offered[0]

    def open_area(self, key: str) -> Page:
        if key not in self.offered:  # a link to a village's register on a township's store
            key = self.home_area
        row = next(i for i, area in enumerate(AREAS) if area.key == key)
        self.nav.setCurrentRow(row)
        return self.pages[key]

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        key = AREAS[row].key
        self.last_opened = time.monotonic()
        page = self.pages.get(key)
        if page is None:
            page = self._create_page(key)
            self.pages[key] = page
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        page.page_shown()
        self.last_opened = time.monotonic()

    def prebuild(self, key: str) -> None:
        """Build page ``key`` now, hidden, in a pause while the clerk reads the 工作台: its widgets
        made, styled and laid out at the page's size; no data is read until it is opened."""
        if key in self.pages or key not in self.offered or not shiboken6.isValid(self):
            return
        page = self._create_page(key)
        self.pages[key] = page
        self.stack.addWidget(page)
        page.ensurePolished()  # the style's fonts and colours applied to every child now, not on the first show
        page.resize(self.stack.size())
        if page.layout() is not None:
            page.layout().activate()

    def warm_reads(self, keys: list[str]) -> None:
        """Run the reads of these pages' first opens on the database worker, one page at a time
        (Page.warm_reads), beside the warm-up's imports and builds on this thread. What each finds
        is kept for its page's first read (:meth:`take_warm`), and its statements are compiled: a
        page a click builds before the warm-up did shows it at once. Each waits until the worker
        has nothing else to do (the clerk's own reads go first); its page's code is loaded here if
        the warm-up has not yet (a module that fails to load is skipped, as is a page built
        meanwhile)."""
        todo = [key for key in keys if key in PAGES and key in self.offered]
        self.warming_reads = True

        def next_one() -> None:
            while todo and (todo[0] in self.pages or not shiboken6.isValid(self)):
                todo.pop(0)
            if not todo:
                self.warming_reads = False
                return
            if worker().pending():
                QTimer.singleShot(warmup.STEP_PAUSE_MS, self, next_one)  # in the next pause
                return
            key = todo.pop(0)
            module_name, class_name = PAGES[key].split(":")
            warmup.import_quietly(module_name)  # loaded by the warm-up already, as a rule
            warm = getattr(sys.modules.get(module_name), class_name, None)
            if warm is None:  # it failed to load: the page says so when opened
                QTimer.singleShot(0, self, next_one)
                return
            warm, actor, writes = warm.warm_reads, self.context.actor, worker().writes_submitted

            def read(session: Any) -> Any:
                try:
                    return warm(session, actor)
                except Exception:  # noqa: BLE001 - refused or failed: the page says so when opened
                    log.debug("warm reads of %s", key, exc_info=True)
                    return None

            def found(result: Any, key: str = key) -> None:
                if result is not None and key not in self.pages:
                    if not self._kept:  # whatever no page took is not held for ever
                        QTimer.singleShot(int(WARM_KEPT_S * 1000), self, self._kept.clear)
                    self._kept[key] = (writes, time.monotonic(), result)
                    # the names and titles it holds drawn and measured, in a pause (ui.warmup)
                    QTimer.singleShot(warmup.STEP_PAUSE_MS, self, functools.partial(warmup.warm_data, result))

            worker().submit(read, mode="read", actor=actor, parent=self, on_success=found, on_finally=next_one)

        next_one()

    def take_warm(self, key: str) -> Any:
        """What the warm read of page ``key`` found (:meth:`warm_reads`), once, if nothing that may
        write was submitted since it was read and it is less than :data:`WARM_KEPT_S` old; else
        None (the page reads as usual). A page shown later than that reads afresh."""
        kept = self._kept.pop(key, None)
        if kept is None:
            return None
        writes, when, result = kept
        if writes != worker().writes_submitted or time.monotonic() - when > WARM_KEPT_S:
            return None
        return result

    def preload(self, key: str) -> bool:
        """Let page ``key``, built and hidden, read what it first shows (Page.preload). False when
        the database worker is busy (the clerk's own work goes first): asked again in the next pause."""
        if worker().pending():
            return False
        page = self.pages.get(key)
        if page is not None and shiboken6.isValid(self) and page is not self.stack.currentWidget():
            page.preload()
        return True

    def paint_hidden(self, key: str) -> bool:
        """Paint page ``key``, built and hidden, once into a picture nobody sees: Qt lays out its
        rows and draws its characters' glyphs now, not on the page's first show. False while the
        database worker is busy (its preload may still be coming): asked again in the next pause."""
        if worker().pending():
            return False
        page = self.pages.get(key)
        if page is not None and shiboken6.isValid(self) and page is not self.stack.currentWidget():
            page.resize(self.stack.size())
            page.grab()
        return True

    def _create_page(self, key: str) -> Page:
        target = PAGES.get(key)
        if target is None:
            return NotAvailablePage(self.context, key)
        module_name, class_name = target.split(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        return cls(self.context, key)


def _make_item_types() -> None:
    """PySide6 makes a Qt enum type the first time it is used (a few ms each, a dozen for a brush
    made from a colour): those the 工作台 uses when its to-do list is filled after signing in are
    made now, while the password is typed."""
    item = QListWidgetItem()
    item.setData(Qt.ItemDataRole.UserRole, None)
    item.setForeground(QBrush(QColor("#000000")))


class PageStack(QStackedWidget):
    """The window's pages, one shown at a time, as tall as the window makes them: it never asks
    its pages for a height for a width.

    Qt's QStackedLayout asks *every* page built so far for its height at a width (each laying
    itself out again at that width, shown or not) whenever the one shown has a word-wrapped label
    (a hint, a summary): the mediation page's first open spent a quarter of its time on the pages
    opened before it, and each page built added to every later one (issue 16). The window's
    height is the clerk's; a page lays itself out in it (its tables take what is left)."""

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return False

    def heightForWidth(self, _width: int) -> int:  # noqa: N802 - Qt's name
        return -1


class ReadOnlyBanner(QFrame):
    """The yellow strip across the top while the store is read-only (another window or command has
    it, or read-only media): the reason in words. It cannot be closed: it stays as long as the
    store is read-only."""

    def __init__(self):
        super().__init__()
        self.setObjectName("readOnlyBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 8)
        row.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("readOnlyTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.title)
        self.reason = QLabel()
        self.reason.setObjectName("readOnlyReason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.reason, 1)
        self.setVisible(False)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(_("Read-only:"))

    def show_reason(self, reason: str) -> None:
        self.reason.setText(reason)
        self.setVisible(bool(reason))


class HealthBanner(ReadOnlyBanner):
    """The strip that says the start-up check (``PRAGMA quick_check``) found the store damaged,
    or that the daily backup could not be made: what is wrong and what to do."""

    def __init__(self):
        super().__init__()
        self.setObjectName("healthBanner")

    def retranslate_ui(self) -> None:
        self.title.setText(_("Check the database:"))


class MainWindow(QMainWindow):
    def __init__(self, db_target: Any = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self._db_target = db_target
        self.resize(1280, 800)
        self.setMinimumSize(960, 600)
        self.central = PageStack()
        frame = QWidget()
        column = QVBoxLayout(frame)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.read_only_banner = ReadOnlyBanner()
        column.addWidget(self.read_only_banner)
        self.health_banner = HealthBanner()
        column.addWidget(self.health_banner)
        self._start_checked = False
        column.addWidget(self.central, 1)
        self.setCentralWidget(frame)
        self.read_only_reason = ""
        self.start_panel = StartPanel()
        self.central.addWidget(self.start_panel)
        self.start_panel.signed_in.connect(self._signed_in)
        self.start_panel.login.submitted.connect(self._sign_in_submitted)
        self.start_panel.login.refused.connect(self._drop_prepared)
        self.start_panel.ready.connect(lambda card: self._prepare_soon() if card == "login" else None)
        self._prepared: Workspace | None = None  # built while the password is typed or checked, hidden
        self.start_panel.store_opened.connect(self._store_opened)
        self.start_panel.read_only.connect(self._read_only)
        self.start_panel.quit_requested.connect(self.close)
        self.workspace: Workspace | None = None
        self.actor: Any = None
        self.village_name = ""
        self.location = ""

        self.village_label = QLabel()
        self.location_label = QLabel()
        self.user_label = QLabel()
        for label in (self.village_label, self.location_label, self.user_label):
            label.setContentsMargins(8, 0, 8, 0)
            self.statusBar().addPermanentWidget(label)
        self.statusBar().setSizeGripEnabled(False)

        self.help_dialog: QWidget | None = None
        # Idle lock: after the store's idle_lock_minutes without input the windows are covered.
        self.idle_watcher = IdleWatcher(self)
        self.idle_watcher.idle.connect(self.lock_now)
        self.lock_screen: LockScreen | None = None
        self.warmup: warmup.PageWarmup | None = None
        # The outbox goes to the township's receiver by itself when one is reachable.
        self.background_push = BackgroundPush(self)
        self.background_push.finished.connect(self._pushed)
        worker().operation_did_execute.connect(self._data_changed)
        self._build_menus()
        self.retranslate_ui()

    # ------------------------------------------------------------ menus

    def _action(self, menu: QMenu, slot: Any, shortcut: Any = None, name: str = "") -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())  # never hand Qt's `checked` to the slot
        menu.addAction(action)
        self.addAction(action)  # the shortcut works while the menu bar is hidden too
        return action

    def _build_menus(self) -> None:
        """文件 / 编辑 / 视图 / 帮助, as a Windows user expects them."""
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.backup_action = self._action(self.file_menu, lambda: self.open_area("settings"), name="backupAction")
        self.file_menu.addSeparator()
        self.sign_out_action = self._action(self.file_menu, self.sign_out, name="signOutAction")
        self.quit_action = self._action(self.file_menu, self.close, "Ctrl+Q", "quitAction")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.edit_menu = bar.addMenu("")
        self.new_action = self._action(self.edit_menu, self._new, QKeySequence.StandardKey.New, "newAction")
        self.find_action = self._action(self.edit_menu, self._find, QKeySequence.StandardKey.Find, "findAction")
        self.view_menu = bar.addMenu("")
        self.area_actions: dict[str, QAction] = {}
        for area in AREAS:
            if area.key in PAGES:
                self.area_actions[area.key] = self._action(self.view_menu, lambda key=area.key: self.open_area(key),
                                                           name=f"view-{area.key}")
        self.help_menu = bar.addMenu("")
        self.help_action = self._action(self.help_menu, self.show_help, QKeySequence.StandardKey.HelpContents,
                                        "helpAction")
        if self.help_action.shortcut().isEmpty():
            self.help_action.setShortcut(QKeySequence("F1"))
        self.about_action = self._action(self.help_menu, self.show_about, name="aboutAction")
        self._update_menus()

    def _update_menus(self) -> None:
        signed_in = self.workspace is not None
        for action in (self.backup_action, self.sign_out_action, self.new_action, self.find_action,
                       *self.area_actions.values()):
            action.setEnabled(signed_in)
        for key, action in self.area_actions.items():
            action.setVisible(self.workspace is None or key in self.workspace.offered)

    def _retranslate_menus(self) -> None:
        from ui.pages import area as area_of

        self.file_menu.setTitle(_("&File"))
        self.backup_action.setText(_("&Back up and restore…"))
        self.sign_out_action.setText(_("Sign &out"))
        self.quit_action.setText(_("&Quit"))
        self.edit_menu.setTitle(_("&Edit"))
        self.new_action.setText(_("&New"))
        self.find_action.setText(_("&Find"))
        self.view_menu.setTitle(_("&View"))
        for key, action in self.area_actions.items():
            action.setText(_(area_of(key).title))
        self.help_menu.setTitle(_("&Help"))
        self.help_action.setText(_("VillageDesk &help"))
        self.about_action.setText(_("&About VillageDesk"))

    def show_help(self) -> None:
        """F1: the short help page, inside the program."""
        from ui.help import HelpDialog

        if self.help_dialog is None:
            self.help_dialog = HelpDialog(self)
        self.help_dialog.show()
        self.help_dialog.raise_()
        self.help_dialog.activateWindow()

    def show_about(self) -> None:
        QMessageBox.about(self, _("About VillageDesk"), _("VillageDesk — an offline office for village committees."))

    # ------------------------------------------------------------ start-up

    def start(self) -> None:
        """Open the store on the database worker (after the window is shown)."""
        self.start_panel.open_store(self._db_target)

    def _store_opened(self, location: str) -> None:
        self.location = location
        self._update_status()
        warmup.preload_for_sign_in(worker().submit)  # while the clerk types the password

    def _read_only(self, reason: str) -> None:
        """Opened read-only (another VillageDesk has the store, or read-only media): say so on top
        for as long as this window runs; a save is refused with the same reason (ui.ops)."""
        self.read_only_reason = reason
        self.read_only_banner.show_reason(reason)

    def _context(self, actor: Any, village_name: str) -> PageContext:
        return PageContext(actor=actor, village_name=village_name, location=self.location,
                           show_status=lambda text: self.statusBar().showMessage(text, 5000),
                           open_area=self.open_area, village_renamed=self._village_renamed,
                           store_kind=self.start_panel.store_kind)

    def _prepare_soon(self) -> None:
        """The login form is ready: build the workspace in the first pause, while the password is
        typed (signing in then only shows it)."""
        QTimer.singleShot(0, self, lambda: self._prepare_workspace())

    def _prepare_workspace(self) -> Workspace | None:
        """The workspace with its 工作台, hidden behind the login form, for whoever signs in next:
        no actor, nothing read. It is shown by ``_signed_in``; a refused sign-in drops it."""
        if self.workspace is not None or self.start_panel.current_card is not self.start_panel.login:
            return None
        village, kind = self.start_panel.village_name, self.start_panel.store_kind
        prepared = self._prepared
        if prepared is not None and (prepared.context.village_name, prepared.context.store_kind) == (village, kind):
            return prepared
        self._drop_prepared()
        workspace = Workspace(self._context(None, village))
        if workspace.home_area == "dashboard" and "dashboard" in PAGES:
            from ui.pages.dashboard import DashboardPage

            page = DashboardPage(workspace.context, "dashboard")
            page.prepare()
            workspace.pages["dashboard"] = page
            workspace.stack.addWidget(page)
        self.central.addWidget(workspace)  # hidden: the start panel stays the current card
        workspace.ensurePolished()  # the style's fonts and colours applied to it all now, not when it is shown
        _make_item_types()
        # painted once into a picture nobody sees, at the window's size: laid out, and the glyphs of
        # its navigation and headings drawn now, not in the first paint after signing in
        workspace.resize(self.central.size())
        workspace.grab()
        self._prepared = workspace
        return workspace

    def _sign_in_submitted(self, ticket: Any) -> None:
        """登录 was pressed: queue the 工作台's first read right behind the password check on the
        database worker (it reads nothing unless the check lets the user in: it looks at
        ``ticket``), and have the workspace ready meanwhile (argon2 leaves Python's lock free)."""
        workspace = self._prepare_workspace()
        page = workspace.pages.get("dashboard") if workspace is not None else None
        if page is not None:
            page.expect_first_screen(ticket)
        # What was loaded and built while the password was typed (the database layer, the prepared
        # workspace) lives on: out of the collector's passes, so that none walks it during sign-in.
        gc.freeze()

    def _drop_prepared(self) -> None:
        workspace, self._prepared = self._prepared, None
        if workspace is not None:
            self.central.removeWidget(workspace)
            workspace.deleteLater()
            gc.unfreeze()  # frozen at the press of 登录: what is dropped must be collectable again

    def _signed_in(self, actor: Any, village_name: str) -> None:
        self.actor, self.village_name = actor, village_name
        worker().actor = actor
        workspace, self._prepared = self._prepared, None
        if workspace is not None and workspace.context.village_name == village_name:
            workspace.context.actor = actor
            workspace.offer_areas()
            workspace.show_user()
            home = workspace.pages.get("dashboard")
            if home is not None:
                home.signed_in()
        else:  # signed in another way (the set-up wizard), or the village was not known yet
            if workspace is not None:
                self.central.removeWidget(workspace)
                workspace.deleteLater()
            workspace = Workspace(self._context(actor, village_name))
            self.central.addWidget(workspace)
        self.workspace = workspace
        self.workspace.sign_out_button.clicked.connect(self.sign_out)
        self.central.setCurrentWidget(self.workspace)
        self.workspace.open_area(self.workspace.home_area)
        self._update_menus()
        self.retranslate_ui()
        self.lock_screen = LockScreen(self, actor)
        self.lock_screen.unlocked.connect(self.idle_watcher.resume)
        self.lock_screen.sign_out_requested.connect(self.sign_out)
        self._load_idle_lock()
        self.background_push.start(worker().database, actor, self.start_panel.store_kind)
        home = self.workspace.pages.get("dashboard")
        if home is not None and home.first_screen == "waiting":  # its first read is on its way:
            # settled once it is shown and what follows it is queued (not in the pause between)
            home.first_screen_shown.connect(lambda ws=self.workspace: self._when_settled(ws, self._settled))
        else:
            self._when_settled(self.workspace, self._settled)
        # Everything loaded so far (Qt, SQLAlchemy, the models) lives as long as the program: keep it
        # out of the garbage collector's full passes, which otherwise stall a search by ~100 ms.
        gc.freeze()

    def _when_settled(self, workspace: Workspace, callback: Any) -> None:
        """``callback()`` once the database worker has nothing left to do for the first screen (the
        工作台's to-do list and figures are shown), unless that workspace is gone by then."""
        ops = worker()

        def idle(busy: bool = False) -> None:
            if busy:
                return
            ops.busy_changed.disconnect(idle)
            if shiboken6.isValid(self) and self.workspace is workspace:  # not closed or signed out meanwhile
                callback()

        ops.busy_changed.connect(idle)
        if ops.pending() == 0:
            idle()

    def _settled(self) -> None:
        """After the first screen: the pages not opened yet loaded in the pauses of the event loop
        (ui.warmup), then, in a pause of the clerk's, the start-up check and daily backup on their
        thread (:meth:`_checks_when_quiet`)."""
        workspace = self.workspace
        if workspace is None:
            self._start_checks()
            return
        self._checks_when_quiet()
        # the area registry (every area's commands, demo data and documents) is left out before the
        # password check (issue 16: not beside argon2's 64 MiB): loaded on the worker now, once the
        # first screen is painted (an import beside its paint takes Python's lock from it)
        worker().submit(lambda _worker: warmup.import_quietly("app.areas"), mode="call", writes=False)
        keys = [area.key for area in AREAS if area.key in workspace.offered and area.key not in workspace.pages]
        builds = [functools.partial(workspace.prebuild, key) for key in keys]
        builds += [functools.partial(workspace.preload, key) for key in keys]
        builds += [functools.partial(workspace.paint_hidden, key) for key in keys]
        kind = "township" if workspace.context.store_kind == "township" else "village"
        self.warmup = warmup.PageWarmup(warmup.page_modules(keys, PAGES, kind), self, builds=builds)
        # the pages' code and widgets, made now, live as long as the program too: out of the full
        # passes (a 30–50 ms pass fell within a keystroke's search now and then)
        self.warmup.finished.connect(lambda: gc.freeze())
        self.warmup.start()
        # meanwhile, on the worker, the reads of their first opens (their statements compiled)
        workspace.warm_reads(keys)

    def _checks_when_quiet(self) -> None:
        """Start the start-up check in the clerk's first pause once the pages are warmed: when the
        warm-up is done and no page was opened for :data:`CHECKS_QUIET_S` since (a signed-out
        window is quiet), or :data:`CHECKS_LATEST_S` after now however busy the clerk is. Its
        quick_check and the daily backup take a processor core and disk for seconds on a large
        store, and shared it with the pages opened right after sign-in."""
        if self._start_checked or getattr(self, "_checks_timer", None) is not None:
            return
        latest = time.monotonic() + CHECKS_LATEST_S
        quiet_from = [time.monotonic()]  # the warm-up's end, once it is done
        timer = self._checks_timer = QTimer(self)
        timer.setInterval(250)

        def tick() -> None:
            now, workspace, warming = time.monotonic(), self.workspace, self.warmup
            if warming is not None and not warming.done:
                quiet_from[0] = now
            busy = (workspace is not None and shiboken6.isValid(workspace)
                    and now - max(quiet_from[0], workspace.last_opened) < CHECKS_QUIET_S)
            if busy and now < latest:
                return
            timer.stop()
            self._start_checks()

        timer.timeout.connect(tick)
        timer.start()

    def _start_checks(self) -> None:
        """Once per window, on a thread of its own after the window shows: ``PRAGMA quick_check``
        (a large store: a small one was checked when it was identified) and the daily automatic
        backup when the newest is older than a day. A problem shows as a banner."""
        if self._start_checked:
            return
        self._start_checked = True

        def finished(result: Any) -> None:
            from app.errors import VillageDeskError

            worker().announce({"backups"})  # the settings page shows the new backup's age
            if isinstance(result, Exception):
                if not isinstance(result, VillageDeskError):
                    log.error("start-up check failed", exc_info=result)
                self.health_banner.show_reason(result.message if isinstance(result, VillageDeskError) else _(
                    "The start-up check of the database could not run; use Settings → Backup to make a backup "
                    "now."))
            elif result:
                self.health_banner.show_reason("\n".join(result))

        # On a thread of its own, not the database worker: the backup of a large store takes seconds
        # and the pages opened right after sign-in must not wait for it (ui/start_checks.py).
        from ui import start_checks

        self.start_checks_thread = start_checks.run(worker().database, self, finished)

    # ------------------------------------------------------------ idle lock

    def _load_idle_lock(self) -> None:
        """Read the store's idle-lock minutes and start counting (0: never)."""
        actor = self.actor

        def read(session: Any) -> int:
            from app.auth import idle_lock_minutes

            return idle_lock_minutes(session=session, actor=actor)

        def apply(minutes: int) -> None:
            if self.actor is actor:
                self.idle_watcher.set_minutes(minutes)

        DbOp(self, read, read_only=True).success(apply).failure(lambda exc: log.warning("idle lock: %s", exc)).run()

    def _data_changed(self, changes: Any, _origin: Any) -> None:
        if "settings" in changes and self.actor is not None:
            self._load_idle_lock()  # the admin changed the idle-lock time

    def lock_now(self) -> None:
        """Cover every window until the signed-in user's password is given again."""
        if self.workspace is None or self.lock_screen is None:
            return
        self.idle_watcher.pause()
        self.lock_screen.lock()

    @property
    def locked(self) -> bool:
        return self.lock_screen is not None and self.lock_screen.locked

    def sign_out(self) -> None:
        if self.workspace is None:
            return
        self.background_push.stop()
        self.idle_watcher.stop()
        if self.warmup is not None:
            self.warmup.stop()
        if self.lock_screen is not None:
            if self.lock_screen.locked:
                self.lock_screen.unlock()
            self.lock_screen.deleteLater()
            self.lock_screen = None
        self.central.removeWidget(self.workspace)
        self.workspace.deleteLater()
        self.workspace = None
        gc.unfreeze()  # frozen after signing in and after the warm-up: the pages dropped are garbage now
        self.actor = None
        worker().actor = None
        self.central.setCurrentWidget(self.start_panel)
        self.start_panel.show_login()
        self._prepare_soon()
        self._update_menus()
        self.retranslate_ui()

    def open_area(self, key: str, **options: Any) -> Page | None:
        if self.workspace is None:
            return None
        record = options.pop("record", None)  # open_area(page, record=id): that record opened on its page
        page = self.workspace.open_area(key)
        if options and hasattr(page, "apply_options"):
            page.apply_options(**options)
        if record and page.area_key == key:
            page.open_record(record)
        return page

    def current_page(self) -> Page | None:
        return self.workspace.current_page() if self.workspace else None

    def _village_renamed(self, name: str) -> None:
        """The village page saved a new name: title, status bar, navigation and pages show it."""
        self.village_name = name
        if self.workspace is not None:
            self.workspace.context.village_name = name
            self.workspace.retranslate_ui()
            for page in self.workspace.pages.values():
                page.retranslate_ui()
        self.retranslate_ui()

    # ------------------------------------------------------------ keyboard

    def _find(self) -> None:
        page = self.current_page()
        if page is not None:
            page.focus_search()

    def _new(self) -> None:
        page = self.current_page()
        if page is not None:
            page.new_item()

    # ------------------------------------------------------------ texts

    def retranslate_ui(self) -> None:
        self._retranslate_menus()
        self.read_only_banner.retranslate_ui()
        self.health_banner.retranslate_ui()
        if self.village_name:
            self.setWindowTitle(_("{village} — VillageDesk").format(village=self.village_name))
        else:
            self.setWindowTitle(_("VillageDesk"))
        self._update_status()

    def _update_status(self) -> None:
        place = (_("Township: {name}") if getattr(self.start_panel, "store_kind", "") == "township"
                 else _("Village: {name}"))
        self.village_label.setText(place.format(name=self.village_name) if self.village_name else "")
        self.location_label.setText(_("Database: {path}").format(path=self.location) if self.location else "")
        self.user_label.setText(_("Signed in: {name}").format(name=self.actor.display_name) if self.actor else "")
        for label in (self.village_label, self.location_label, self.user_label):
            label.setVisible(bool(label.text()))

    def _pushed(self, results: Any) -> None:
        """A background send of the outbox ended: say what it did, let the 数据报送 page refresh."""
        if results:
            message = describe_push(results)
            if message:
                self.statusBar().showMessage(message, 10000)
            worker().announce({"sync"})
        self.background_push.schedule_next()

    def closeEvent(self, event: QCloseEvent) -> None:
        if worker().writes_running():
            worker().wait_idle(CLOSE_GRACE_S)  # a save or an audit note just queued: let it finish
        if worker().writes_running():
            answer = QMessageBox.question(
                self, _("VillageDesk"),
                _("VillageDesk is still saving or reading data. Quit anyway? The unfinished work is not saved."))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.background_push.stop()  # a send under way ends at once; its bundle stays queued
        event.accept()
