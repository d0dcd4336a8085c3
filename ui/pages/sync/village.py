"""数据报送, the village's side: trust the township's key, write bundles to a USB stick, follow
them in the outbox until a receipt says the township holds them, and send them over the network
when there is one."""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import sync
from app.i18n import N_, _, ngettext
from ui.ops import DbOp, show_error, worker
from ui.pages.sync import drives as drive_list
from ui.pages.sync.common import (
    OUTBOX_STATES,
    current_row,
    fingerprint_label,
    hint,
    list_table,
    number,
    rev_range,
    rows_of,
    show_fingerprint,
    table_label,
    when,
)
from ui.table_model import CENTER, RIGHT, Column
from ui.widgets import existing_directory, line_edit, open_file_name, primary_button, set_message

DRIVE_COLUMNS: list[Column] = [
    Column(N_("Drive"), lambda d: d.name),
    Column(N_("USB stick"), lambda d: _("Yes") if d.removable else "", CENTER),
    Column(N_("Free space"), lambda d: drive_list.size_text(d.free_bytes), RIGHT),
    Column(N_("Folder"), lambda d: d.root),
]


def _counted(counts: dict[str, int] | None) -> str:
    return number(sum(int(n) for n in (counts or {}).values()))


def _counts_tooltip(counts: dict[str, int] | None) -> str:
    return "\n".join(f"{table_label(table)}: {number(n)}" for table, n in sorted((counts or {}).items()))


OUTBOX_COLUMNS: list[Column] = [
    Column(N_("Written"), lambda r: when(r.created_at)),
    Column(N_("State"), lambda r: _(OUTBOX_STATES.get(r.state, r.state)),
           choices=lambda: [_(label) for label in OUTBOX_STATES.values()]),
    Column(N_("Changes"), lambda r: rev_range(r.from_rev, r.to_rev), CENTER),
    Column(N_("Bundle kind"), lambda r: _("Full") if r.full else _("Incremental"), CENTER,
           choices=lambda: [_("Full"), _("Incremental")]),
    Column(N_("Rows"), lambda r: _counted(r.counts), RIGHT, tooltip=lambda r: _counts_tooltip(r.counts)),
    Column(N_("Attempts"), lambda r: number(r.attempts) if r.attempts else "", RIGHT),
    Column(N_("Error"), lambda r: r.error or "", tooltip=lambda r: r.error or ""),
]


@dataclasses.dataclass(frozen=True)
class FirstRead:
    """What the page first shows from the store (:meth:`VillageSync.first_read`)."""

    status: Any
    outbox: list[Any]


class VillageSync(QWidget):
    """Three tabs: 状态 (keys and change numbers), 导出到U盘, 发件箱."""

    def __init__(self, actor: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.actor = actor
        self.can_export = actor.can("sync.export")
        self.status: Any = None
        self.last_export: Any = None
        self.last_receipt: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.no_right = hint(name="noRight")
        self.no_right.setVisible(not self.can_export)
        layout.addWidget(self.no_right)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("villageSyncTabs")
        self.tabs.setEnabled(self.can_export)  # nothing here is for other roles: not even the status
        layout.addWidget(self.tabs)
        # Each part joins its parent before it is filled: a widget is styled once, as it is added.
        self._status_tab()
        self._export_tab()
        self._outbox_tab()
        self.retranslate_ui()
        # a background send (ui.background_push) changes the outbox: show it when it happens
        worker().operation_did_execute.connect(self._on_changes)

    def _on_changes(self, changes: Any, origin: Any) -> None:
        if "sync" in changes and origin is not self and self.can_export and self.isVisible():
            self.reload()

    # ------------------------------------------------------------ building

    def _status_tab(self) -> QWidget:
        tab = QWidget()
        self.tabs.addTab(tab, "")
        column = QVBoxLayout(tab)
        column.setContentsMargins(12, 12, 12, 12)
        column.setSpacing(12)
        self.key_box = QGroupBox()
        column.addWidget(self.key_box)
        key = QVBoxLayout(self.key_box)
        self.township_label = QLabel()
        self.township_label.setObjectName("townshipName")
        key.addWidget(self.township_label)
        self.township_fingerprint = fingerprint_label()
        key.addWidget(self.township_fingerprint)
        self.key_hint = hint()
        key.addWidget(self.key_hint)
        row = QHBoxLayout()
        self.trust_button = QPushButton()
        self.trust_button.setObjectName("trustTownshipKey")
        self.trust_button.clicked.connect(self.choose_township_key)
        row.addWidget(self.trust_button)
        row.addStretch(1)
        key.addLayout(row)

        self.state_box = QGroupBox()
        column.addWidget(self.state_box)
        form = QFormLayout(self.state_box)
        form.setHorizontalSpacing(16)
        self.state_labels: dict[str, QLabel] = {}
        self.state_values: dict[str, QLabel] = {}
        for key_name in ("village_fingerprint", "current_rev", "acknowledged_rev", "pending_changes",
                         "last_export_at", "last_receipt_at", "push_url"):
            # the village's fingerprint is read to the township over the phone at the first import
            label, value = QLabel(), fingerprint_label() if key_name == "village_fingerprint" else QLabel()
            value.setObjectName(f"status_{key_name}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.state_labels[key_name], self.state_values[key_name] = label, value
            form.addRow(label, value)
        self.full_notice = hint()
        form.addRow(self.full_notice)
        column.addStretch(1)
        return tab

    def _export_tab(self) -> QWidget:
        tab = QWidget()
        self.tabs.addTab(tab, "")
        column = QVBoxLayout(tab)
        column.setContentsMargins(12, 12, 12, 12)
        column.setSpacing(8)
        self.export_hint = hint()
        column.addWidget(self.export_hint)
        self.drive_table, self.drive_model = list_table(DRIVE_COLUMNS, name="driveTable", parent=tab)
        self.drive_table.doubleClicked.connect(lambda _index: self.export_to_selected_drive())
        column.addWidget(self.drive_table, 1)
        self.no_drive = hint()
        column.addWidget(self.no_drive)
        row = QHBoxLayout()
        self.full_check = QCheckBox()
        self.full_check.setObjectName("fullBundle")
        row.addWidget(self.full_check)
        row.addStretch(1)
        self.refresh_drives_button = QPushButton()
        self.refresh_drives_button.setObjectName("refreshDrives")
        self.refresh_drives_button.clicked.connect(self.load_drives)
        row.addWidget(self.refresh_drives_button)
        self.other_folder_button = QPushButton()
        self.other_folder_button.setObjectName("exportToFolder")
        self.other_folder_button.clicked.connect(self.choose_export_folder)
        row.addWidget(self.other_folder_button)
        self.export_button = primary_button()
        self.export_button.setObjectName("exportToDrive")
        self.export_button.clicked.connect(self.export_to_selected_drive)
        row.addWidget(self.export_button)
        column.addLayout(row)
        self.export_result = hint(name="exportResult")
        self.export_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_result.setVisible(False)
        column.addWidget(self.export_result)
        self.drive_table.selectionModel().selectionChanged.connect(self._update_buttons)
        return tab

    def _outbox_tab(self) -> QWidget:
        tab = QWidget()
        self.tabs.addTab(tab, "")
        column = QVBoxLayout(tab)
        column.setContentsMargins(12, 12, 12, 12)
        column.setSpacing(8)
        self.outbox_hint = hint()
        column.addWidget(self.outbox_hint)
        self.outbox_table, self.outbox_model = list_table(OUTBOX_COLUMNS, name="outboxTable", parent=tab)
        column.addWidget(self.outbox_table, 1)
        row = QHBoxLayout()
        self.receipt_button = QPushButton()
        self.receipt_button.setObjectName("importReceipt")
        self.receipt_button.clicked.connect(self.choose_receipt)
        row.addWidget(self.receipt_button)
        self.push_button = QPushButton()
        self.push_button.setObjectName("pushNow")
        self.push_button.clicked.connect(self.push_now)
        row.addWidget(self.push_button)
        row.addStretch(1)
        column.addLayout(row)
        self.outbox_result = hint(name="outboxResult")
        self.outbox_result.setVisible(False)
        column.addWidget(self.outbox_result)
        url_row = QHBoxLayout()
        self.url_label = QLabel()
        url_row.addWidget(self.url_label)
        self.url_edit = line_edit(max_length=500, placeholder="https://")
        self.url_edit.setObjectName("pushUrl")
        self.url_label.setBuddy(self.url_edit)
        self.url_edit.returnPressed.connect(self.save_push_url)
        url_row.addWidget(self.url_edit, 1)
        self.url_button = QPushButton()
        self.url_button.setObjectName("savePushUrl")
        self.url_button.clicked.connect(self.save_push_url)
        url_row.addWidget(self.url_button)
        column.addLayout(url_row)
        self.url_hint = hint()
        column.addWidget(self.url_hint)
        return tab

    # ------------------------------------------------------------ texts

    def retranslate_ui(self) -> None:
        self.no_right.setText(_("Only the secretary and the clerk send reports to the township."))
        self.tabs.setTabText(0, _("Status"))
        self.tabs.setTabText(1, _("Export to USB stick"))
        self.tabs.setTabText(2, _("Outbox"))
        self.key_box.setTitle(_("Township key"))
        self.trust_button.setText(_("Import the township's key…"))
        self.state_box.setTitle(_("This village"))
        for key_name, msgid in (("village_fingerprint", N_("Village key fingerprint")),
                                ("current_rev", N_("Current change number")),
                                ("acknowledged_rev", N_("Acknowledged by the township")),
                                ("pending_changes", N_("Changes not yet acknowledged")),
                                ("last_export_at", N_("Last export")),
                                ("last_receipt_at", N_("Last receipt")),
                                ("push_url", N_("Township address"))):
            self.state_labels[key_name].setText(_("{label}:").format(label=_(msgid)))
        self.export_hint.setText(_("Choose the USB stick (USB sticks are listed first) and export. The bundle is "
                                   "encrypted to the township's key: a lost stick reveals nothing. A copy stays in the "
                                   "outbox until the township's receipt comes back."))
        self.no_drive.setText(_("No USB stick found. Plug one in and press Refresh, or choose a folder."))
        self.full_check.setText(_("Full bundle (everything, not only the changes since the last receipt)"))
        self.refresh_drives_button.setText(_("Refresh"))
        self.other_folder_button.setText(_("Export to a folder…"))
        self.export_button.setText(_("Export to the chosen drive"))
        self.outbox_hint.setText(_("Every bundle written, newest first. A bundle is acknowledged when the township's "
                                   "receipt has been imported here."))
        self.receipt_button.setText(_("Import a receipt…"))
        self.push_button.setText(_("Send now"))
        self.url_label.setText(_("{label}:").format(label=_("Township address")))
        self.url_button.setText(_("Save address"))
        self.url_hint.setText(_("Where bundles are sent when this PC is online (the township's receiver). A receipt "
                                "from the township fills it in."))
        self.drive_model.retranslate()
        self.outbox_model.retranslate()
        self._show_status()
        self._show_export_result()
        self._update_buttons()

    # ------------------------------------------------------------ loading

    @staticmethod
    def first_read(session: Any, actor: Any) -> FirstRead | None:
        """The status and the outbox (:meth:`reload`'s read), for a role that may export; on the worker."""
        if not actor.can("sync.export"):
            return None
        return FirstRead(sync.sync_status(session=session, actor=actor), sync.outbox(session=session, actor=actor))

    def reload(self, kept: Any = None) -> None:
        """Status and outbox from the store (or ``kept``: what :meth:`first_read` found after sign-in,
        nothing written since); the drives from the system."""
        actor = self.actor
        if not self.can_export:
            return
        if isinstance(kept, FirstRead):
            self._loaded((kept.status, kept.outbox))
        else:
            def read(session: Any) -> tuple[Any, list[Any]]:
                return sync.sync_status(session=session, actor=actor), sync.outbox(session=session, actor=actor)

            DbOp(self, read, read_only=True).success(self._loaded) \
                .failure(lambda exc: show_error(self, str(exc))).run()
        self.load_drives()

    def _loaded(self, result: tuple[Any, list[Any]]) -> None:
        self.status, entries = result
        self.outbox_model.set_rows(rows_of(entries, "bundle_id"))
        self._show_status()
        self._update_buttons()

    def load_drives(self) -> None:
        selected = current_row(self.drive_table)
        found = drive_list.drives()
        self.drive_model.set_rows(found)
        self.no_drive.setVisible(not any(d.removable for d in found))
        row = self.drive_model.row_of(selected.id) if selected is not None else -1
        if row < 0 and found and found[0].removable:
            row = 0  # a USB stick is plugged in: it is the likely choice
        if row >= 0:
            self.drive_table.selectRow(row)
        self._update_buttons()

    def _show_status(self) -> None:
        status = self.status
        if status is None:
            return
        trusted = bool(status.township_fingerprint)
        self.township_fingerprint.setText(status.township_fingerprint or "")
        self.township_fingerprint.setVisible(trusted)
        self.township_label.setText(_("Township: {name}").format(name=status.township_name) if status.township_name
                                    else "" if trusted else _("No township key has been imported yet."))
        if trusted:
            self.key_hint.setText(_("Phone the township and read this fingerprint to them group by group; it must be "
                                    "the same as on their screen. If it differs, do not export: ask for the key file "
                                    "again."))
            self.trust_button.setText(_("Import a new township key…"))
        else:
            self.key_hint.setText(_("The township gives you its key file (on a USB stick). Import it here before the "
                                    "first export: bundles are encrypted so that only the township can read them."))
            self.trust_button.setText(_("Import the township's key…"))
        values = self.state_values
        show_fingerprint(values["village_fingerprint"], status.village_fingerprint, _("Made at the first export"))
        values["current_rev"].setText(number(status.current_rev))
        values["acknowledged_rev"].setText(number(status.acknowledged_rev))
        values["pending_changes"].setText(_("over {n}").format(n=number(status.pending_changes))
                                          if status.pending_more else number(status.pending_changes))
        values["last_export_at"].setText(when(status.last_export_at) or _("Never"))
        values["last_receipt_at"].setText(when(status.last_receipt_at) or _("Never"))
        values["push_url"].setText(status.push_url or _("Not set"))
        self.full_notice.setText(_("The township asked for a full bundle: the next export is full.")
                                 if status.full_requested else "")
        self.full_notice.setVisible(bool(status.full_requested))
        if not self.url_edit.isModified():
            self.url_edit.setText(status.push_url)

    def _update_buttons(self, *_args: Any) -> None:
        allowed = self.can_export
        trusted = bool(self.status is not None and self.status.township_fingerprint)
        no_right = _("Only the secretary and the clerk send reports to the township.")
        no_key = _("Import the township's key first (Status tab).")
        for button in (self.trust_button, self.receipt_button, self.url_button, self.other_folder_button):
            button.setEnabled(allowed)
            button.setToolTip("" if allowed else no_right)
        self.url_edit.setReadOnly(not allowed)
        self.export_button.setEnabled(allowed and current_row(self.drive_table) is not None)
        self.export_button.setToolTip(no_right if not allowed else "" if trusted else no_key)
        self.other_folder_button.setToolTip(no_right if not allowed else "" if trusted else no_key)
        has_url = bool(self.status is not None and self.status.push_url)
        self.push_button.setEnabled(allowed and has_url)
        self.push_button.setToolTip(no_right if not allowed else "" if has_url else _("Needs the township's address"))

    # ------------------------------------------------------------ the township's key

    def choose_township_key(self) -> None:
        path = open_file_name(self, _("Import the township's key"),
                              _("Township key files (*.txt);;All files (*)"))
        if path:
            self.trust_township_key(path)

    def trust_township_key(self, path: str) -> Any:
        actor = self.actor

        def trust(session: Any) -> str:
            return sync.trust_township_key(session=session, actor=actor, file=Path(path))

        def trusted(_fingerprint: str) -> None:
            self.tabs.setCurrentIndex(0)
            self.reload()

        return DbOp(self, trust).success(trusted).failure(lambda exc: show_error(self, str(exc))).run()

    # ------------------------------------------------------------ export

    def export_to_selected_drive(self) -> None:
        drive = current_row(self.drive_table)
        if drive is not None and self.can_export:
            self.export_to(drive.root)

    def choose_export_folder(self) -> None:
        folder = existing_directory(self, _("Export the bundle into which folder?"))
        if folder:
            self.export_to(folder)

    def export_to(self, folder: str, full: bool | None = None) -> Any:
        """Write a bundle into the outbox and a copy into ``folder``, on the database worker."""
        actor = self.actor
        full = self.full_check.isChecked() if full is None else full
        self.export_button.setEnabled(False)
        self.other_folder_button.setEnabled(False)
        set_message(self.export_result, _("Exporting…"), error=False)

        def export(session: Any, progress: Any) -> Any:
            progress.update(0, 0, _("Writing and encrypting the bundle…"))
            return sync.export_bundle(session=session, actor=actor, to_dir=Path(folder), full=full)

        def done(result: Any) -> None:
            self.last_export = result
            self.full_check.setChecked(False)
            self._show_export_result()
            self.reload()

        def refused(exc: Exception) -> None:
            self.last_export = None
            set_message(self.export_result, str(exc), error=True)

        return (DbOp(self, export).with_progress(_("Exporting the bundle…")).success(done).failure(refused)
                .finally_(self._update_buttons).run())

    def _show_export_result(self) -> None:
        result = self.last_export
        if result is None:
            return
        rows = sum(int(n) for n in result.counts.values())
        text = ngettext("Exported changes {range} ({kind}): {n} row.", "Exported changes {range} ({kind}): {n} rows.",
                        rows).format(range=rev_range(result.from_rev, result.to_rev), n=number(rows),
                                     kind=_("Full") if result.full else _("Incremental"))
        text += "\n" + _("On the drive: {path}").format(path=result.copied_to or "—")
        text += "\n" + _("In the outbox: {path}").format(path=result.path)
        set_message(self.export_result, text, error=False)
        self.export_result.setToolTip(_counts_tooltip(result.counts))

    # ------------------------------------------------------------ outbox

    def choose_receipt(self) -> None:
        path = open_file_name(self, _("Import which receipt?"), _("Receipts (*.vdreceipt);;All files (*)"))
        if path:
            self.import_receipt(path)

    def import_receipt(self, path: str) -> Any:
        actor = self.actor

        def read_receipt(session: Any) -> Any:
            return sync.import_receipt(session=session, actor=actor, file=Path(path))

        def done(result: Any) -> None:
            self.last_receipt = result
            if result.already:
                text = _("This receipt had been imported before; nothing changed.")
            else:
                text = _("Receipt imported: {township} holds this village's changes up to {rev}.").format(
                    township=result.township_name or _("the township"), rev=number(result.acknowledged_rev))
            if result.full_requested:
                text += " " + _("The township asked for a full bundle: the next export is full.")
            set_message(self.outbox_result, text, error=False)
            self.reload()

        def refused(exc: Exception) -> None:
            set_message(self.outbox_result, str(exc), error=True)

        return DbOp(self, read_receipt).success(done).failure(refused).run()

    def save_push_url(self) -> Any:
        if not self.can_export:
            return None
        actor, url = self.actor, self.url_edit.text().strip()

        def save(session: Any) -> None:
            sync.set_push_target(session=session, actor=actor, url=url)

        def saved(_result: Any) -> None:
            self.url_edit.setModified(False)
            set_message(self.outbox_result, _("Address saved.") if url else _("Address cleared."), error=False)
            self.reload()

        def refused(exc: Exception) -> None:
            errors = getattr(exc, "errors", None) or {}
            set_message(self.outbox_result, errors.get("url") or str(exc), error=True)

        return DbOp(self, save).success(saved).failure(refused).run()

    def push_now(self) -> Any:
        """Send the outbox to the township's receiver now (``villagedesk push``), bundles in error too.

        On the database worker like every other job (the helper writes each step to the outbox);
        the progress dialog's Cancel ends a wait between tries and leaves the bundle queued."""
        if not self.can_export:
            return None
        actor = self.actor
        self.push_button.setEnabled(False)
        set_message(self.outbox_result, _("Sending…"), error=False)

        def send(db_worker: Any, progress: Any) -> Any:
            from app.sync.push import push_outbox  # httpx: only when the clerk pushes

            return push_outbox(db_worker.database, actor, force=True, cancel=_CancelOf(progress))

        def sent(results: Any) -> None:
            results = list(results or [])
            failed = [r for r in results if r.get("state") == "error"]
            if not results:
                text = _("Nothing to send: every bundle has arrived.")
            elif failed:
                text = _("Not sent: {reason}").format(reason=failed[0].get("error") or _("Error"))
            else:
                text = ngettext("{n} bundle sent.", "{n} bundles sent.", len(results)).format(n=len(results))
            set_message(self.outbox_result, text, error=bool(failed))

        def refused(exc: Exception) -> None:
            set_message(self.outbox_result, str(exc), error=True)

        return worker().submit(send, mode="call", parent=self, on_success=sent, on_failure=refused,
                               on_finally=self.reload, progress_label=_("Sending the outbox…"))


class _CancelOf:
    """A progress dialog's Cancel seen as the ``threading.Event`` the push helper waits on."""

    def __init__(self, progress: Any):
        self._progress = progress

    def is_set(self) -> bool:
        return bool(self._progress.aborted)

    def wait(self, timeout: float | None = None) -> bool:
        end = time.monotonic() + (timeout or 0.0)
        while not self.is_set() and time.monotonic() < end:
            time.sleep(min(0.1, max(end - time.monotonic(), 0.0)))
        return self.is_set()
