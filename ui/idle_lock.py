"""Idle lock: after some minutes without keyboard or mouse input the program locks its windows.

:class:`IdleWatcher` is an application-wide event filter that restarts a single-shot timer on
every key press, click, mouse move or wheel turn; when the timer runs out it says ``idle``.
:class:`LockScreen` then covers every open window of the program (the main window and any dialog,
with an opaque cover child, so nothing is closed and nothing typed is lost) and shows one small
application-modal card asking for the signed-in user's password. An application-modal window
opened last takes the input even while another dialog is modal, so the card can always be typed
into. The password is checked by :func:`app.auth.authenticate`, as at sign-in: a wrong one counts
toward the account's lockout.
"""
from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import _
from ui.ops import DbOp
from ui.widgets import line_edit, primary_button

# Input that means someone is at the PC.
_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
             QEvent.Type.TouchBegin, QEvent.Type.TabletPress}


class IdleWatcher(QObject):
    """``idle`` after ``interval`` without input anywhere in the program (0: never).

    An application-wide event filter written in Python sees every event of every widget, which
    would slow the whole program (a third, measured on the click-everything test). So the filter
    is installed only until it has seen one input event: that restarts the idle timer, and the
    filter comes back a tenth of the interval later (at most 30 s) to wait for the next one. The
    lock may so come up to a tenth of the interval early; never late."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._idle)
        self._resample = QTimer(self)
        self._resample.setSingleShot(True)
        self._resample.timeout.connect(self._listen)
        self._interval_ms = 0
        self._installed = False
        self._paused = False

    @property
    def interval_ms(self) -> int:
        return self._interval_ms

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(max(0, int(minutes)) * 60_000)

    def set_interval_ms(self, interval_ms: int) -> None:
        """The idle time in milliseconds (tests set a few ms); 0 stops watching."""
        self._interval_ms = max(0, int(interval_ms))
        if self._interval_ms:
            self._timer.setInterval(self._interval_ms)
            self._resample.setInterval(min(30_000, max(1, self._interval_ms // 10)))
            if not self._paused:
                self._timer.start()
                self._listen()
        else:
            self._halt()

    def pause(self) -> None:
        """Stop counting while locked; a new interval set meanwhile applies from :meth:`resume`."""
        self._paused = True
        self._halt()

    def resume(self) -> None:
        self._paused = False
        if self._interval_ms:
            self._timer.start()
            self._listen()

    def stop(self) -> None:
        """Stop watching (signed out); the next :meth:`set_interval_ms` starts again."""
        self._paused = False
        self._interval_ms = 0
        self._halt()

    def is_running(self) -> bool:
        return self._timer.isActive()

    def _halt(self) -> None:
        self._timer.stop()
        self._resample.stop()
        self._deafen()

    def _idle(self) -> None:
        self._resample.stop()
        self._deafen()
        self.idle.emit()

    def _listen(self) -> None:
        app = QApplication.instance()
        if not self._installed and app is not None and self._timer.isActive():
            app.installEventFilter(self)
            self._installed = True

    def _deafen(self) -> None:
        app = QApplication.instance()
        if self._installed and app is not None:
            app.removeEventFilter(self)  # safe from within eventFilter too
        self._installed = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()  # someone is here: count again from now
            self._deafen()
            self._resample.start()
        return False


class _Cover(QWidget):
    """An opaque sheet over one window's contents while the program is locked."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        self.label = QLabel(_("Locked"))
        self.label.setObjectName("lockCoverText")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.label)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
        elif event.type() == QEvent.Type.ChildAdded:
            QTimer.singleShot(0, self._stay_on_top)
        return False

    def _stay_on_top(self) -> None:
        if shiboken6.isValid(self):
            self.raise_()


class LockCard(QDialog):
    """The card on top of everything: whose password, the field, 解锁 and 切换用户/退出登录.
    Esc and the close button do nothing: the only ways out are the password or signing out."""

    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, parent: QWidget, actor: Any):
        super().__init__(parent, Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("lockCard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.actor = actor
        self.setFixedWidth(440)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("panelTitle")
        layout.addWidget(self.title)
        self.message = QLabel()
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.password = line_edit(max_length=128, password=True)
        self.password.setObjectName("lockPassword")
        self.password.returnPressed.connect(self.submit)
        layout.addWidget(self.password)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        self.sign_out_button = QPushButton()
        self.sign_out_button.setObjectName("lockSignOut")
        self.sign_out_button.clicked.connect(lambda: self.sign_out_requested.emit())
        row.addWidget(self.sign_out_button)
        row.addStretch(1)
        self.unlock_button = primary_button()
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.clicked.connect(lambda: self.submit())
        row.addWidget(self.unlock_button)
        layout.addLayout(row)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Locked"))
        self.title.setText(_("Locked — enter {name}'s password to continue").format(
            name=self.actor.display_name or self.actor.username))
        self.message.setText(_("Open windows and what you typed in them are kept."))
        self.unlock_button.setText(_("Unlock"))
        self.sign_out_button.setText(_("Switch user / sign out"))

    def submit(self) -> None:
        password = self.password.text()
        if not password:
            self._refused_with(_("Enter the password."))
            return
        self.error.setVisible(False)
        self.unlock_button.setEnabled(False)
        username, user_id = self.actor.username, self.actor.user_id

        def op(session: Any) -> Any:
            from app.auth import authenticate

            return authenticate(session=session, username=username, password=password)

        def done(actor: Any) -> None:
            if actor.user_id != user_id:  # cannot happen by name, but never hand the window to another
                self._refused_with(_("Wrong user name or password."))
                return
            self.password.clear()
            self.unlocked.emit()

        DbOp(self, op, actor=None).success(done).failure(lambda exc: self._refused_with(str(exc))) \
            .finally_(lambda: self.unlock_button.setEnabled(True)).run()

    def _refused_with(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(True)
        self.password.clear()
        self.password.setFocus()

    def reject(self) -> None:  # Esc: stay locked
        pass

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:
            return
        super().keyPressEvent(event)


class LockScreen(QObject):
    """Locks and unlocks the program's windows for ``window`` (the main window) and ``actor``."""

    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, window: QWidget, actor: Any):
        super().__init__(window)
        self.window = window
        self.actor = actor
        self.covers: list[_Cover] = []
        self.card: LockCard | None = None

    @property
    def locked(self) -> bool:
        return self.card is not None

    def lock(self) -> None:
        if self.locked:
            return
        for top in QApplication.topLevelWidgets():
            if top.isVisible():
                self._cover(top)
        QApplication.instance().installEventFilter(self)  # windows that open while locked
        self.card = LockCard(self.window, self.actor)
        self.card.unlocked.connect(self.unlock)
        self.card.sign_out_requested.connect(self._sign_out)
        self.card.adjustSize()
        centre = self.window.frameGeometry().center()
        self.card.move(centre.x() - self.card.width() // 2, centre.y() - self.card.height() // 2)
        self.card.show()
        self.card.raise_()
        self.card.activateWindow()
        self.card.password.setFocus()

    def _cover(self, top: QWidget) -> None:
        if not isinstance(top, LockCard) and not top.findChild(_Cover, options=Qt.FindChildOption.FindDirectChildrenOnly):
            self.covers.append(_Cover(top))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """A window that opens while locked (a message at the end of an operation) is covered too,
        and the card is shown again so that it stays the last modal window: the one taking input."""
        if (event.type() == QEvent.Type.Show and self.card is not None and isinstance(watched, QWidget)
                and watched.isWindow() and not isinstance(watched, (LockCard, _Cover))):
            self._cover(watched)
            QTimer.singleShot(0, self._card_on_top)
        return False

    def _card_on_top(self) -> None:
        card = self.card
        if card is None or not shiboken6.isValid(card) or QApplication.activeModalWidget() is card:
            return
        card.hide()
        card.show()
        card.raise_()
        card.activateWindow()
        card.password.setFocus()

    def unlock(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        for cover in self.covers:
            if shiboken6.isValid(cover):
                cover.deleteLater()
                cover.hide()
        self.covers = []
        if self.card is not None:
            card, self.card = self.card, None
            card.hide()
            card.deleteLater()
        self.unlocked.emit()

    def _sign_out(self) -> None:
        self.unlock()
        self.sign_out_requested.emit()
