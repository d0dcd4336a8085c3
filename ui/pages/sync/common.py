"""Pieces shared by the village and township halves of the 数据报送 page: row objects for the
list models, small tables, times, the big fingerprint and the township key's passphrase dialog."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _, format_datetime, format_number
from ui.table_model import CellDelegate, Column, ListTableModel, fit_columns_to_rows
from ui.table_view import PlainCellsView
from ui.widgets import line_edit

#: The township key's passphrase: the core asks the same (app.sync.keys).
MIN_KEY_PASSPHRASE = 10

#: An outbox entry's state, as the clerk reads it.
OUTBOX_STATES: dict[str, str] = {
    "queued": N_("Waiting to be sent"),
    "sending": N_("Sending"),
    "delivered": N_("Delivered"),
    "acknowledged": N_("Acknowledged"),
    "error": N_("Error"),
}


#: What the clerk calls each table a bundle carries (bundle summaries, counts).
TABLES: dict[str, str] = {
    "village_profile": N_("Village profile"),
    "village_group": N_("Villagers' groups"),
    "grid": N_("Grids"),
    "household": N_("Households"),
    "resident": N_("Residents"),
    "meeting": N_("Meetings"),
    "agenda_item": N_("Agenda items"),
    "meeting_vote": N_("Votes"),
    "concern": N_("Concerns"),
    "deliberation_matter": N_("四议两公开 matters"),
    "deliberation_step": N_("四议两公开 steps"),
    "notice": N_("Notices"),
}


def table_label(table: str) -> str:
    return _(TABLES[table]) if table in TABLES else table


class Row:
    """A dict (or a dataclass) seen through attributes, with the ``id`` the list models need."""

    def __init__(self, row_id: str, data: Any):
        self.id = row_id
        self.data = data

    def __getattr__(self, name: str) -> Any:
        data = self.__dict__["data"]
        if isinstance(data, dict):
            return data.get(name)
        return getattr(data, name)


def rows_of(items: Iterable[Any], key: str) -> list[Row]:
    found = []
    for number, item in enumerate(items):
        value = item.get(key) if isinstance(item, dict) else getattr(item, key, None)
        found.append(Row(str(value if value not in (None, "") else number), item))
    return found


def when(value: Any) -> str:
    """A stored moment (an aware datetime, a naive one in UTC, or its ISO text) in local time."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return format_datetime(value.astimezone().replace(tzinfo=None))
    return str(value)


def number(value: Any) -> str:
    return format_number(int(value or 0))


def rev_range(from_rev: Any, to_rev: Any) -> str:
    return f"{int(from_rev or 0) + 1}–{int(to_rev or 0)}" if int(to_rev or 0) > int(from_rev or 0) else "—"


def yes_no(value: Any) -> str:
    return _("Yes") if value else ""


def list_table(columns: list[Column], *, name: str, stretch_last: bool = True,
               parent: QWidget | None = None) -> tuple[QTableView, ListTableModel]:
    """A read-only table over a short list (tens of rows): whole rows selected, columns sized to fit.
    ``parent``: the widget it is laid out in, made in it (styled once: measuring its columns styles
    a table made without one, and it is styled again when it joins its parent)."""
    model = ListTableModel(columns)
    table = PlainCellsView(parent)
    table.setObjectName(name)
    table.setModel(model)
    model.setParent(table)
    table.setItemDelegate(CellDelegate(table))  # plain cells painted from the rows' texts
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)  # Tab leaves the table: the page stays keyboard usable
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(28)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(stretch_last)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setMinimumSectionSize(48)
    fit_columns_to_rows(table)
    return table, model


def current_row(table: QTableView) -> Any:
    index = table.currentIndex()
    if not index.isValid() or not table.selectionModel().isRowSelected(index.row()):
        return None
    return table.model().row_object(index.row())


def hint(text: str = "", *, name: str = "hint") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


FINGERPRINT_STYLE = "font-size: 18pt; font-weight: bold; letter-spacing: 1px; color: #1f5fa8;"


def fingerprint_label() -> QLabel:
    """A fingerprint big enough to read aloud over the phone, digit group by digit group."""
    label = QLabel()
    label.setObjectName("fingerprint")
    label.setStyleSheet(FINGERPRINT_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def show_fingerprint(label: QLabel, fingerprint: str, missing: str) -> None:
    """The fingerprint in big digits, or what stands in its place (none yet) as plain text."""
    label.setText(fingerprint or missing)
    label.setStyleSheet(FINGERPRINT_STYLE if fingerprint else "")


class KeyPassphraseDialog(QDialog):
    """The township key's passphrase: asked once per sign-in to unlock it (one field), or chosen
    when the key is made (two fields, at least :data:`MIN_KEY_PASSPHRASE` characters). Never stored."""

    def __init__(self, parent: QWidget | None, *, new: bool = False):
        super().__init__(parent)
        self.setObjectName("keyPassphraseDialog")
        self.setModal(True)
        self.setMinimumWidth(460)
        self.new = new
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 14)
        self.hint = hint()
        layout.addWidget(self.hint)
        form = QFormLayout()
        self.passphrase = line_edit(password=True, max_length=256)
        self.passphrase.setObjectName("keyPassphrase")
        self.repeat = line_edit(password=True, max_length=256)
        self.repeat.setObjectName("keyPassphraseRepeat")
        self.passphrase_label, self.repeat_label = QLabel(), QLabel()
        self.passphrase_label.setBuddy(self.passphrase)
        self.repeat_label.setBuddy(self.repeat)
        form.addRow(self.passphrase_label, self.passphrase)
        if new:
            form.addRow(self.repeat_label, self.repeat)
        layout.addLayout(form)
        self.error = hint(name="formError")
        self.error.setVisible(False)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Township key passphrase"))
        self.passphrase_label.setText(_("{label}:").format(label=_("Passphrase")))
        self.repeat_label.setText(_("{label}:").format(label=_("Repeat")))
        if self.new:
            self.hint.setText(_("The township key is made now. Its private half stays in this database, locked by a "
                                "passphrase of at least {n} characters that you choose. Without the passphrase no "
                                "bundle can be imported: keep it written down in a safe place.").format(
                n=MIN_KEY_PASSPHRASE))
        else:
            self.hint.setText(_("Bundles are encrypted to the township key. Enter its passphrase to unlock it; it "
                                "stays unlocked until you sign out."))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("OK"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def value(self) -> str:
        return self.passphrase.text()

    def submit(self) -> None:
        problem = ""
        if not self.value():
            problem = _("Enter the passphrase of the township key.")
        elif self.new and len(self.value()) < MIN_KEY_PASSPHRASE:
            problem = _("The township key's passphrase needs at least {n} characters.").format(n=MIN_KEY_PASSPHRASE)
        elif self.new and self.repeat.text() != self.value():
            problem = _("The two passphrases differ.")
        self.error.setText(problem)
        self.error.setVisible(bool(problem))
        if not problem:
            self.accept()


def ask_key_passphrase(parent: QWidget | None, *, new: bool = False) -> str | None:
    """The passphrase typed, or None when cancelled."""
    dialog = KeyPassphraseDialog(parent, new=new)
    try:
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


class FingerprintDialog(QDialog):
    """Compare a key's fingerprint with the other side's screen (read aloud over the phone) before
    trusting it: the fingerprint big, the question plain, 一致 / 不一致."""

    def __init__(self, parent: QWidget | None, *, title: str, text: str, fingerprint: str, accept_text: str):
        super().__init__(parent)
        self.setObjectName("fingerprintDialog")
        self.setModal(True)
        self.setMinimumWidth(480)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 14)
        layout.setSpacing(12)
        layout.addWidget(hint(text, name="message"))
        self.fingerprint = fingerprint_label()
        self.fingerprint.setText(fingerprint)
        self.fingerprint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.fingerprint)
        self.buttons = QDialogButtonBox()
        self.match_button = self.buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.match_button.setObjectName("fingerprintMatches")
        cancel = self.buttons.addButton(_("They differ: cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setDefault(True)  # Enter never trusts a key by accident
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)


def fingerprint_matches(parent: QWidget | None, *, title: str, text: str, fingerprint: str, accept_text: str) -> bool:
    dialog = FingerprintDialog(parent, title=title, text=text, fingerprint=fingerprint, accept_text=accept_text)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


def masked_token(token: str) -> str:
    """An upload token as it is shown: its first four characters, the rest hidden."""
    if not token:
        return ""
    return token[:4] + "•" * 8
