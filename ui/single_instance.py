"""One window per store: a second start brings the first window forward instead.

The first GUI on a store listens on a local socket (a named pipe on Windows) whose name is derived
from the store's path; a second start for the same store connects, says ``activate``, and exits
once the first answers ``ok``. When no one answers in time (the first window hangs, or the socket
is a leftover), the second start carries on and opens the store read-only with a banner, as
:func:`app.store.open_store` decides from the writer lock — the lock, not this socket, is what
keeps two writers apart.
"""
from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

ACTIVATE = b"activate\n"
ANSWER = b"ok\n"
#: How long a second start waits for the first window's answer before opening read-only.
ANSWER_TIMEOUT_MS = 1500

# What a knock found out.
ANSWERED, NO_SERVER, NO_ANSWER = "answered", "no-server", "no-answer"


def server_name(store: str | Path) -> str:
    """The local socket's name for ``store``: the same for every spelling of its path, different
    per user (two accounts on one PC have two data folders anyway)."""
    try:
        where = str(Path(store).expanduser().resolve())
    except OSError:
        where = str(store)
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in the environment: the path alone is enough
        user = ""
    digest = hashlib.sha256(f"{user}\0{where}".encode()).hexdigest()[:24]
    return f"villagedesk-{digest}"


class InstanceServer(QObject):
    """The first window's ear: ``activation_requested`` when a second start knocks."""

    activation_requested = Signal()

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._clients: set[QLocalSocket] = set()

    def listen(self, *, stale: bool = False) -> bool:
        """Start listening; ``stale``: a knock found nobody behind the name, so a socket file left by
        a crashed window is removed first (on Windows a pipe dies with its process)."""
        if stale:
            QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def is_listening(self) -> bool:
        return self._server.isListening()

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._clients.add(socket)
            socket.readyRead.connect(lambda socket=socket: self._read(socket))
            socket.disconnected.connect(lambda socket=socket: self._drop(socket))
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        message = bytes(socket.readLine().data())
        if message == ACTIVATE:
            socket.write(QByteArray(ANSWER))
            socket.flush()
            self.activation_requested.emit()
        socket.disconnectFromServer()

    def _drop(self, socket: QLocalSocket) -> None:
        self._clients.discard(socket)
        socket.deleteLater()


class Knock(QObject):
    """A second start asking the first window to come forward; ``finished`` says what came of it
    (:data:`ANSWERED`, :data:`NO_SERVER` or :data:`NO_ANSWER`). Asynchronous, so the first window
    may even live in the same process (tests)."""

    finished = Signal(str)

    def __init__(self, name: str, timeout_ms: int = ANSWER_TIMEOUT_MS, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name
        self.result: str | None = None
        self._buffer = b""
        self._socket = QLocalSocket(self)
        self._socket.connected.connect(self._send)
        self._socket.readyRead.connect(self._read)
        self._socket.errorOccurred.connect(self._failed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(lambda: self._finish(NO_ANSWER))
        self._connected = False

    def start(self) -> Knock:
        self._timer.start()
        self._socket.connectToServer(self.name)
        return self

    def _send(self) -> None:
        self._connected = True
        self._socket.write(QByteArray(ACTIVATE))
        self._socket.flush()

    def _read(self) -> None:
        self._buffer += bytes(self._socket.readAll().data())
        if self._buffer.startswith(ANSWER):
            self._finish(ANSWERED)

    def _failed(self, error: QLocalSocket.LocalSocketError) -> None:
        if error == QLocalSocket.LocalSocketError.PeerClosedError:
            self._read()  # the answer may have come with the close
            if self.result is None:
                self._finish(NO_ANSWER)
        elif not self._connected:
            self._finish(NO_SERVER)  # nobody there (or a stale socket file)
        else:
            self._finish(NO_ANSWER)

    def _finish(self, result: str) -> None:
        if self.result is not None:
            return
        self.result = result
        self._timer.stop()
        self._socket.abort()
        self.finished.emit(result)


def knock(name: str, timeout_ms: int = ANSWER_TIMEOUT_MS) -> str:
    """Ask a first window on ``name`` to come forward and wait (in a local event loop) for what came
    of it. Used at start-up, before the window exists."""
    from PySide6.QtCore import QEventLoop

    attempt = Knock(name, timeout_ms)
    loop = QEventLoop()
    attempt.finished.connect(lambda _result: loop.quit())
    attempt.start()
    if attempt.result is None:
        loop.exec()
    result = attempt.result or NO_ANSWER
    attempt.deleteLater()
    return result


def bring_forward(window) -> None:  # noqa: ANN001 - any top-level QWidget
    """Show ``window`` un-minimised, on top and active (and flash it where the system refuses to
    hand the focus to a program in the background)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    if window.isMinimized():
        window.setWindowState((window.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()
    QApplication.alert(window)
