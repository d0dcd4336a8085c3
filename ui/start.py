"""What the window shows before anyone is signed in: opening the store, the first-run wizard, login.

The window appears before the database layer is even imported; the store is opened on the
database worker (``open_store``), and only then does the panel offer the wizard (a new store) or
the login form.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import DamagedStore, SchemaTooNew, ValidationError
from app.i18n import N_, _, format_number
from app.validation import validate_village_code
from ui import language
from ui.ops import DbOp, show_error, worker
from ui.widgets import FieldForm, confirm, line_edit, open_file_name, primary_button


def _open_store_job(target: Any):
    """Runs on the database worker: the heavy database imports happen here, not before the window."""

    def job(db_worker: Any) -> tuple[str, str]:
        from app.store import open_store  # heavy: imported on the worker thread

        database = open_store(target)
        db_worker.database = database
        # Where it is, and why it is read-only when it is (the window shows that as a banner).
        return database.describe(), getattr(database, "read_only_reason", "") or ""

    return job


#: QSettings key: the folder the last backup from the settings page went to (also searched when the
#: store is refused at start-up).
BACKUP_FOLDER_KEY = "backup/last_folder"


def store_file(db_target: Any) -> Path | None:
    """The store's file for ``db_target`` (None: the default store), or None for a server URL."""
    from app.paths import default_db_path

    if db_target is None:
        return default_db_path()
    text = str(db_target)
    if "://" in text:
        return Path(text.split(":///", 1)[1]) if text.startswith("sqlite:///") else None
    return Path(text)


def _backup_folders(path: Path) -> list[Path]:
    """Where a refused store's backups may be: the program's backup folder, a folder beside the
    store, and the folder the last backup from the settings page went to."""
    from app.paths import backups_dir

    folders = [backups_dir(), path.parent / "backups"]
    last = language.settings().value(BACKUP_FOLDER_KEY, "")
    if last:
        folders.append(Path(str(last)))
    return folders


def _refused_file(exc: Exception) -> bool:
    """The store's file itself was refused (damaged, not ours, newer): a backup may replace it."""
    return isinstance(exc, (DamagedStore, SchemaTooNew))


def _store_state(session: Any) -> dict[str, Any]:
    """Set up?, the village's (or township's) name, and the store's kind as app.sync.store_kind
    says it — read by app.people.start_state: the sync package (bundles, signing, keys: ~0.8 MB)
    is not loaded before the password check (issue 16)."""
    from app import people  # heavy: imported on the worker thread

    state = dict(people.start_state(session=session, actor=None))
    if state.get("kind") == "township":  # made by `villagedesk init --kind township`: it has no village profile
        state["set_up"] = True
    elif not state.get("village_name"):
        state["kind"] = ""  # no village profile: not set up yet
    return state


def _warm_up_for_sign_in(db_worker: Any, statements: bool = True) -> None:
    """On the database worker while the password is typed: what signing in and the 工作台's first
    read would otherwise load or build on their way — the password hasher's library, the language's
    formats, and (``statements``) the first read's SQL statements (run for a village that does not
    exist: :func:`app.workbench.warm_up_reads`). Nothing of the store is read."""
    import argon2  # noqa: F401 - the password check's library (app.auth imports it when first needed)

    from app import workbench

    workbench.warm_up()
    if statements:
        with db_worker.database.session() as session:
            workbench.warm_up_reads(session=session)


KNOWN_STORE_KEY = "start/known_store"  # QSettings: the store last found set up, to show its login at once


def _store_key(target: Any) -> str | None:
    path = store_file(target)
    if path is None:
        return None
    try:
        return str(path.resolve())
    except OSError:
        return None


def _known_store(target: Any) -> dict[str, Any] | None:
    """What the last start learned of this store (set up, its village and kind), if it is the
    same file and still there; None otherwise (the loading card is shown until it is open)."""
    import json

    key = _store_key(target)
    if key is None or not Path(key).is_file():
        return None
    try:
        known = json.loads(str(language.settings().value(KNOWN_STORE_KEY, "") or "{}"))
    except ValueError:
        return None
    return known if isinstance(known, dict) and known.get("path") == key else None


def _remember_store(target: Any, state: dict[str, Any]) -> None:
    import json

    key = _store_key(target)
    if key is None:
        return
    value = json.dumps({"path": key, "village": state.get("village_name", ""), "kind": state.get("kind", "")},
                       ensure_ascii=False) if state.get("set_up") else ""
    language.settings().setValue(KNOWN_STORE_KEY, value)


class _Card(QWidget):
    """A titled white card in the middle of the start background."""

    def __init__(self, title_msgid: str, width: int):
        super().__init__()
        self._title_msgid = title_msgid
        self.setObjectName("startCard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFixedWidth(width)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(32, 24, 32, 24)
        self.body.setSpacing(10)
        self.title = QLabel()
        self.title.setObjectName("panelTitle")
        self.body.addWidget(self.title)
        self._retranslate_title()

    def _retranslate_title(self) -> None:
        self.title.setText(_(self._title_msgid))


class LoadingView(_Card):
    def __init__(self):
        super().__init__(N_("Opening the database…"), 460)
        self.message = QLabel()
        self.message.setObjectName("hint")
        self.message.setWordWrap(True)
        self.body.addWidget(self.message)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self._retranslate_title()
        self.message.setText(_("Please wait a moment."))


class ErrorView(_Card):
    """The store cannot be opened (newer schema, not a VillageDesk file, damaged, disk trouble):
    what is wrong, and — when the file itself was refused — the newest good backup to restore
    from (the refused file is kept aside, never overwritten) or another database file to open."""

    quit_requested = Signal()
    restore_requested = Signal()
    other_file_requested = Signal()

    def __init__(self):
        super().__init__(N_("The database cannot be opened"), 560)
        self.message = QLabel()
        self.message.setObjectName("formError")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.message)
        self.backup_info = QLabel()
        self.backup_info.setObjectName("backupInfo")
        self.backup_info.setWordWrap(True)
        self.backup_info.setVisible(False)
        self.body.addWidget(self.backup_info)
        self.restore_button = primary_button()
        self.restore_button.setObjectName("restoreNewest")
        self.restore_button.clicked.connect(lambda: self.restore_requested.emit())
        self.restore_button.setVisible(False)
        restore_row = QHBoxLayout()
        restore_row.addWidget(self.restore_button)
        restore_row.addStretch(1)
        self.body.addLayout(restore_row)
        row = QHBoxLayout()
        self.other_button = QPushButton()
        self.other_button.setObjectName("openOtherStore")
        self.other_button.clicked.connect(lambda: self.other_file_requested.emit())
        self.other_button.setVisible(False)
        row.addWidget(self.other_button)
        row.addStretch(1)
        self.quit_button = QPushButton()
        self.quit_button.clicked.connect(self.quit_requested)
        row.addWidget(self.quit_button)
        self.body.addLayout(row)
        self.choice: Any = None
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self._retranslate_title()
        self.quit_button.setText(_("Quit"))
        self.restore_button.setText(_("Restore from the newest backup…"))
        self.other_button.setText(_("Choose another database file…"))
        self._show_choice()

    def show_refusal(self, message: str, *, recoverable: bool) -> None:
        self.message.setText(message)
        self.choice = None
        self.other_button.setVisible(recoverable)
        self.backup_info.setText(_("Looking for backups…") if recoverable else "")
        self.backup_info.setVisible(recoverable)
        self.restore_button.setVisible(False)

    def offer(self, choice: Any) -> None:
        """The newest good backup (an :class:`app.backup.BackupChoice`), or None."""
        self.choice = choice
        self._show_choice()

    def _show_choice(self) -> None:
        choice = self.choice
        if not self.backup_info.isVisible():
            return
        self.restore_button.setVisible(choice is not None)
        if choice is None:
            self.backup_info.setText(_("No backup of this database was found in the program's backup folder. "
                                       "Choose another database file, or quit."))
            return
        when = format_datetime(choice.made)
        if choice.encrypted:
            self.backup_info.setText(_("The newest backup, made {when}, is encrypted: its contents are shown "
                                       "once you give its passphrase.\n{file}").format(when=when, file=choice.path.name))
        else:
            self.backup_info.setText(_("The newest good backup was made {when}.\n{summary}").format(
                when=when, summary=backup_summary(choice.manifest)))


def format_datetime(moment: Any) -> str:
    """A backup's time as people write it (2026年1月5日 8:05 / 2026-01-05 08:05)."""
    from app.i18n import get_language

    if get_language().startswith("zh"):
        return f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour}:{moment.minute:02d}"
    return moment.strftime("%Y-%m-%d %H:%M")


def backup_summary(manifest: dict) -> str:
    """What a verified backup holds, in one or two lines."""
    counts = manifest.get("counts", {})
    return _("Village: {village} · Households: {households} · Residents: {residents} · Meetings: {meetings} · "
             "Notices: {notices}").format(
        village=manifest.get("village_name") or "?", households=format_number(counts.get("household", 0)),
        residents=format_number(counts.get("resident", 0)), meetings=format_number(counts.get("meeting", 0)),
        notices=format_number(counts.get("notice", 0)))


class SignInTicket:
    """One press of 登录. ``actor`` is set on the database worker once the password check let the
    user in (None until then, and for ever when it was refused): reads queued behind the check
    (the 工作台's first screen) look at it there, so they read nothing for a refused sign-in.

    Nothing is read beside the check (argon2's 64 MiB): a read on a connection of its own there
    added its page cache and thread to the process's peak (3 MB over issue 16's 200 MB) and, on the
    2-core machine, did not make signing in faster (docs/benchmarks.md, 2026-12-01)."""

    def __init__(self) -> None:
        self.actor: Any = None


class LoginView(_Card):
    """User name and password → an :class:`app.auth.Actor`."""

    signed_in = Signal(object)
    # A password check was queued (a SignInTicket): the window may queue reads behind it and build
    # the workspace meanwhile, shown only once ``signed_in`` follows.
    submitted = Signal(object)
    refused = Signal()  # that check did not let anyone in (wrong password, locked, a bug)

    def __init__(self):
        super().__init__(N_("Sign in"), 460)
        self.form = FieldForm()
        self.username = self.form.add("username", N_("User name"), line_edit(max_length=64))
        self.password = self.form.add("password", N_("Password"), line_edit(max_length=128, password=True))
        self.body.addLayout(self.form.layout)
        self.notice = QLabel()  # e.g. after a restore at start-up: where the refused file is kept
        self.notice.setObjectName("hint")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setVisible(False)
        self.body.addWidget(self.notice)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.body.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.login_button = primary_button()
        self.login_button.clicked.connect(self.submit)
        row.addWidget(self.login_button)
        self.body.addLayout(row)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        self.username.setText(str(language.settings().value("ui/last_user", "") or ""))
        # True while the form is shown before its store is open (a store known to be set up):
        # what is typed is kept, and Enter signs in once the store is open (``store_known``).
        self.waiting = False
        self.pending = False
        self.retranslate_ui()

    def store_known(self) -> None:
        """The store is open and set up: a sign-in asked for while it opened goes ahead now."""
        self.waiting = False
        if self.pending:
            self.pending = False
            self.notice.setVisible(False)
            self.login_button.setEnabled(True)
            self.submit()

    def store_failed(self) -> None:
        """The store could not be opened after all: nothing is waiting any more."""
        self.waiting = self.pending = False
        self.notice.setVisible(False)
        self.login_button.setEnabled(True)

    def retranslate_ui(self) -> None:
        self._retranslate_title()
        self.form.retranslate()
        self.login_button.setText(_("Sign in"))

    def focus(self) -> None:
        (self.password if self.username.text() else self.username).setFocus()

    def submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username:
            self.form.show_errors({"username": _("Enter a user name.")})
            return
        self.form.clear_errors()
        self.error.setVisible(False)
        self.login_button.setEnabled(False)
        if self.waiting:  # shown before the store finished opening: sign in as soon as it has
            self.pending = True
            self.notice.setText(_("Opening the database… you will be signed in as soon as it is open."))
            self.notice.setVisible(True)
            return

        ticket = SignInTicket()

        def op(session: Any) -> Any:
            from app.auth import authenticate

            actor = authenticate(session=session, username=username, password=password)
            if not session.info.get("read_only"):
                session.commit()  # the sign-in is recorded before the reads queued behind it go ahead
            ticket.actor = actor  # on the worker: those reads may go ahead now
            return actor

        def ended() -> None:
            self.login_button.setEnabled(True)
            if ticket.actor is None:
                self.refused.emit()

        DbOp(self, op, actor=None).success(self._done).failure(self._refused).finally_(ended).run()
        self.submitted.emit(ticket)

    def _done(self, actor: Any) -> None:
        store = language.settings()
        if store.value("ui/last_user", "") != actor.username:  # the file is rewritten only for a change
            store.setValue("ui/last_user", actor.username)
        self.password.clear()
        self.signed_in.emit(actor)

    def _refused(self, exc: Exception) -> None:
        self.error.setText(str(exc))
        self.error.setVisible(True)
        self.password.clear()
        self.password.setFocus()


class WizardView(_Card):
    """First run: the village profile, then the first admin account (and, if wanted, demo data)."""

    finished = Signal(object, str)  # admin actor, village name

    def __init__(self):
        super().__init__(N_("Set up VillageDesk"), 600)
        self.step_label = QLabel()
        self.step_label.setObjectName("hint")
        self.body.addWidget(self.step_label)
        self.steps = QStackedWidget()
        self.body.addWidget(self.steps)

        village = QGroupBox()
        self.village_box = village
        village_layout = QVBoxLayout(village)
        self.village_form = FieldForm()
        self.name = self.village_form.add("name", N_("Village name"), line_edit(max_length=64), required=True)
        self.code = self.village_form.add("code", N_("Village code"), line_edit(max_length=12), required=True,
                                          hint=N_("The 12-digit statistical division code, e.g. 510112104201."))
        self.township = self.village_form.add("township", N_("Township"), line_edit(max_length=64))
        self.committee = self.village_form.add("committee_name", N_("Committee name"), line_edit(max_length=128),
                                               hint=N_("Leave empty for “<village name> Villagers' Committee”."))
        self.phone = self.village_form.add("supervision_phone", N_("Supervision phone"), line_edit(max_length=20),
                                           hint=N_("Printed on public notices for villagers' feedback."))
        village_layout.addLayout(self.village_form.layout)
        self.steps.addWidget(village)

        admin = QGroupBox()
        self.admin_box = admin
        admin_layout = QVBoxLayout(admin)
        self.admin_form = FieldForm()
        self.display_name = self.admin_form.add("admin_display_name", N_("Full name"), line_edit(max_length=32))
        self.username = self.admin_form.add("admin_username", N_("User name"), line_edit(max_length=64), required=True)
        self.password = self.admin_form.add("admin_password", N_("Password"), line_edit(max_length=128, password=True),
                                            required=True, hint=N_("At least 8 characters."))
        self.confirm = self.admin_form.add("confirm", N_("Repeat password"), line_edit(max_length=128, password=True),
                                           required=True)
        admin_layout.addLayout(self.admin_form.layout)
        self.demo = QCheckBox()
        admin_layout.addWidget(self.demo)
        self.steps.addWidget(admin)

        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.body.addWidget(self.error)

        row = QHBoxLayout()
        self.back_button = QPushButton()
        self.back_button.clicked.connect(lambda: self.go_to(0))
        row.addWidget(self.back_button)
        row.addStretch(1)
        self.next_button = primary_button()
        self.next_button.clicked.connect(self.next_step)
        row.addWidget(self.next_button)
        self.body.addLayout(row)
        for edit in (self.name, self.code, self.township, self.committee, self.phone):
            edit.returnPressed.connect(self.next_step)
        self.confirm.returnPressed.connect(self.next_step)
        self.go_to(0)

    def retranslate_ui(self) -> None:
        self._retranslate_title()
        self.village_form.retranslate()
        self.admin_form.retranslate()
        self.village_box.setTitle(_("The village"))
        self.admin_box.setTitle(_("The administrator (secretary or director)"))
        self.demo.setText(_("Fill in demo data to try the program (a small made-up village)"))
        self.back_button.setText(_("Back"))
        self.next_button.setText(_("Next") if self.steps.currentIndex() == 0 else _("Finish set-up"))
        self.step_label.setText(_("Step {n} of {total}").format(n=self.steps.currentIndex() + 1, total=2))

    def go_to(self, step: int) -> None:
        self.steps.setCurrentIndex(step)
        self.back_button.setVisible(step > 0)
        self.retranslate_ui()
        (self.name if step == 0 else self.username).setFocus()

    def next_step(self) -> None:
        if self.steps.currentIndex() == 0:
            if self._check_village():
                self.go_to(1)
        else:
            self.submit()

    def _check_village(self) -> bool:
        """Quick checks before leaving the first step; the service checks everything again."""
        errors: dict[str, str] = {}
        if not self.name.text().strip():
            errors["name"] = _("Enter the village's name.")
        try:
            validate_village_code(self.code.text())
        except ValueError as exc:
            errors["code"] = str(exc)
        self.village_form.show_errors(errors)
        return not errors

    def submit(self) -> None:
        self.error.setVisible(False)
        self.admin_form.clear_errors()
        if self.password.text() != self.confirm.text():
            self.admin_form.show_errors({"confirm": _("The two passwords differ.")})
            return
        values = dict(name=self.name.text(), code=self.code.text(), township=self.township.text(),
                      committee_name=self.committee.text(), supervision_phone=self.phone.text(),
                      admin_username=self.username.text(), admin_password=self.password.text(),
                      admin_display_name=self.display_name.text())
        self.next_button.setEnabled(False)

        def op(session: Any) -> Any:
            from app.people import setup_village

            return setup_village(session=session, **values)

        DbOp(self, op, actor=None).success(self._created).failure(self._refused) \
            .finally_(lambda: self.next_button.setEnabled(True)).run()

    def _refused(self, exc: Exception) -> None:
        if not isinstance(exc, ValidationError):
            self.error.setText(str(exc))
            self.error.setVisible(True)
            return
        village = {k: v for k, v in exc.errors.items() if k in self.village_form.fields}
        admin = {k: v for k, v in exc.errors.items() if k in self.admin_form.fields}
        rest = [v for k, v in exc.errors.items() if k not in village and k not in admin]
        if village:
            self.go_to(0)
        self.village_form.show_errors(village)
        self.admin_form.show_errors(admin)
        if rest:
            self.error.setText("\n".join(rest))
            self.error.setVisible(True)

    def _created(self, admin: Any) -> None:
        village_name = self.name.text().strip()
        worker().submit(lambda db_worker: db_worker.database.refresh_village_code(), mode="call")
        if not self.demo.isChecked():
            self.finished.emit(admin, village_name)
            return
        self.next_button.setEnabled(False)

        def fill(session: Any, progress: Any) -> None:
            from app import demo

            demo.generate(session=session, actor=admin, size="small",
                          progress=lambda done, total, _step: progress.update(done, total))

        def failed(exc: Exception) -> None:
            show_error(self, str(exc))

        DbOp(self, fill, actor=admin).with_progress(_("Filling in demo data…")) \
            .failure(failed).finally_(lambda: self.finished.emit(admin, village_name)).run()


class StartPanel(QWidget):
    """The grey start screen with one card: loading, error, wizard or login."""

    signed_in = Signal(object, str)  # actor, village name
    quit_requested = Signal()
    store_opened = Signal(str)  # where the store is
    read_only = Signal(str)  # the store was opened read-only: why, in words ("" when writable)
    ready = Signal(str)  # "login", "wizard" or "error": the store was opened (or refused)
    typing_ready = Signal(str)  # "login": the login form takes typing (maybe before the store is open)

    def __init__(self):
        super().__init__()
        self.setObjectName("startBackground")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        self.app_title = QLabel()
        self.app_title.setObjectName("appTitle")
        self.app_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.app_title)
        self.app_subtitle = QLabel()
        self.app_subtitle.setObjectName("appSubtitle")
        self.app_subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.app_subtitle)
        outer.addSpacing(18)
        self.cards = QWidget()  # one card visible at a time; the layout follows its size
        self._cards_layout = QVBoxLayout(self.cards)
        self._cards_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cards)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(3)

        self.loading = LoadingView()
        self.error = ErrorView()
        self.login = LoginView()
        self.wizard: WizardView | None = None
        for card in (self.loading, self.error, self.login):
            self._cards_layout.addWidget(card)
        self.error.quit_requested.connect(self.quit_requested)
        self.error.restore_requested.connect(self.restore_newest)
        self.error.other_file_requested.connect(self.choose_other_store)
        self.target: Any = None
        self.restored_kept: Path | None = None
        self.login.signed_in.connect(self._login_done)
        self.village_name = ""
        self.store_kind = ""  # "village" or "township" once the store is read (app.sync.store_kind)
        self._show(self.loading)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.app_title.setText(_("VillageDesk"))
        self.app_subtitle.setText(_("Village committee office: registers, meetings, notices, reports"))

    def _show(self, card: QWidget) -> None:
        for other in self.cards.findChildren(_Card, options=Qt.FindChildOption.FindDirectChildrenOnly):
            other.setVisible(other is card)
        self.current_card = card

    # ------------------------------------------------------------ flow

    def open_store(self, target: Any) -> None:
        self.target = target
        known = _known_store(target)
        if known is not None:
            # The store this program last signed in to: the login form at once, the store opening
            # behind it (it takes a second or two: the database layer's imports).
            self.village_name, self.store_kind = known.get("village", ""), known.get("kind", "")
            self.login.waiting = True
            self.show_login()
            self.typing_ready.emit("login")
        else:
            self._show(self.loading)
        worker().submit(_open_store_job(target), mode="call", parent=self,
                        on_success=self._opened, on_failure=self._cannot_open,
                        on_finally=None)

    def _opened(self, opened: tuple[str, str]) -> None:
        location, read_only_reason = opened
        self.store_opened.emit(location)
        self.read_only.emit(read_only_reason)
        DbOp(self, _store_state, read_only=True).success(self._state_known).failure(self._cannot_open).run()

    def _cannot_open(self, exc: Exception) -> None:
        self.login.store_failed()
        path = store_file(self.target)
        recoverable = _refused_file(exc) and path is not None
        self.error.show_refusal(str(exc), recoverable=recoverable)
        self._show(self.error)
        if recoverable:
            folders = _backup_folders(path)

            def find(_db_worker: Any) -> Any:
                from app.backup import newest_backup

                return newest_backup(folders)

            worker().submit(find, mode="call", writes=False, parent=self.error, on_success=self._backup_found,
                            on_failure=lambda _exc: self._backup_found(None))
        else:
            self.ready.emit("error")

    def _backup_found(self, choice: Any) -> None:
        self.error.offer(choice)
        self.ready.emit("error")

    # ------------------------------------------------------------ a refused store

    def choose_other_store(self) -> None:
        path = open_file_name(self, _("Open which database?"),
                              _("VillageDesk databases (*.sqlite3 *.db);;All files (*)"))
        if path:
            self.open_store(path)

    def restore_newest(self) -> None:
        """Restore the offered backup in place of the refused file (kept aside), after saying what
        the backup holds and asking; an encrypted one asks its passphrase first."""
        choice, target = self.error.choice, store_file(self.target)
        if choice is None or target is None:
            return
        if not choice.encrypted:
            self._confirm_restore(target, choice, choice.manifest, None)
            return
        from ui.dialogs.passphrase import ask_passphrase  # imports app.backup: only when needed

        passphrase = ask_passphrase(self, confirm=False)
        if passphrase is None:
            return

        def check(_db_worker: Any) -> dict:
            from app.backup import verify

            return verify(choice.path, passphrase=passphrase)

        worker().submit(check, mode="call", writes=False, parent=self.error,
                        on_success=lambda found: self._confirm_restore(target, choice, found, passphrase),
                        on_failure=lambda exc: show_error(self, str(exc)))

    def _confirm_restore(self, target: Path, choice: Any, found: dict, passphrase: str | None) -> None:
        text = _("This backup, made {when}, holds:\n{summary}\n\nIt takes the place of the database that cannot be "
                 "opened. That file is not overwritten: it is kept beside it as {kept}. Restore now?").format(
            when=format_datetime(choice.made), summary=backup_summary(found),
            kept=f"{target.name}.damaged-…")
        if not confirm(self, _("Restore from the newest backup"), text):
            return
        self.error.restore_button.setEnabled(False)

        def job(_db_worker: Any) -> Path:
            from app.backup import restore_refused

            return restore_refused(target=target, backup_file=choice.path, passphrase=passphrase)

        def restored(kept: Path) -> None:
            self.restored_kept = kept
            self.open_store(self.target)

        worker().submit(job, mode="call", parent=self.error, on_success=restored,
                        on_failure=lambda exc: show_error(self, str(exc)),
                        on_finally=lambda: self.error.restore_button.setEnabled(True))

    def _state_known(self, state: dict[str, Any]) -> None:
        self.village_name = state["village_name"]
        self.store_kind = state.get("kind", "")
        _remember_store(self.target, state)
        if state["set_up"]:
            if self.current_card is not self.login:
                self.show_login()
                self.typing_ready.emit("login")
            signing_in = self.login.pending  # 登录 pressed while the store opened: its reads come first
            self.login.store_known()
            worker().submit(functools.partial(_warm_up_for_sign_in, statements=not signing_in), mode="call",
                            writes=False)  # while the password is typed
        else:
            self.login.store_failed()
            self.show_wizard()
        self.ready.emit("login" if state["set_up"] else "wizard")

    def show_login(self) -> None:
        self._show(self.login)
        if self.restored_kept is not None:  # just restored: say where the refused file is
            self.login.notice.setText(_("Restored from the backup. The file that could not be opened is kept as "
                                        "{path}.").format(path=self.restored_kept))
            self.login.notice.setVisible(True)
            self.restored_kept = None
        self.login.focus()

    def show_wizard(self) -> None:
        if self.wizard is None:
            self.wizard = WizardView()
            self.wizard.finished.connect(self._wizard_done)
            self._cards_layout.addWidget(self.wizard)
        self._show(self.wizard)
        self.wizard.name.setFocus()

    def _wizard_done(self, admin: Any, village_name: str) -> None:
        self.village_name = village_name
        self.store_kind = "village"
        language.settings().setValue("ui/last_user", admin.username)
        self.login.username.setText(admin.username)
        self.signed_in.emit(admin, village_name)

    def _login_done(self, actor: Any) -> None:
        self.signed_in.emit(actor, self.village_name)

