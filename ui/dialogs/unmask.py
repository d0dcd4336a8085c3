"""显示未脱敏信息: the secretary's explicit choice to print some personal information of one
draft public notice in full (or to mask it again).

Lists what the notice can show unmasked (its columns with personal data, and the names and the
phone/ID numbers written in its text), each with its current state — who chose it, when, why —
as :func:`app.notices.unmask_options` reads it from the audit trail. Every change needs a reason
and goes through :func:`app.notices.set_unmasked`, which records it in the audit trail.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app import notices
from app.errors import ValidationError
from app.i18n import N_, _, format_datetime
from ui.dialogs.base import FormDialog
from ui.widgets import line_edit

WARNING_STYLE = ("#unmaskWarningBox { background: #fdecea; border: 1px solid #f0b4ad; border-radius: 3px; }"
                 " #unmaskWarning { color: #8a1c13; background: transparent; border: none; }")


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back UTC without its zone
        value = value.replace(tzinfo=dt.timezone.utc)
    return format_datetime(value.astimezone())


def state_text(option: notices.UnmaskOption) -> str:
    """The current state of one field, in a sentence for the dialog."""
    if option.changed_at is None:
        return _("Shown in full.") if option.unmasked else _("Masked (the default).")
    if option.unmasked:
        text = _("Shown in full since {when}, chosen by {who}.")
    else:
        text = _("Masked again on {when} by {who}.")
    text = text.format(when=_when(option.changed_at), who=option.changed_by)
    if option.reason:
        text = _("{state} Reason: {reason}").format(state=text, reason=option.reason)
    return text


class UnmaskDialog(FormDialog):
    """Tick what this draft prints in full, say why, save: each change is one audited choice."""

    def __init__(self, parent: QWidget | None, actor: Any, notice_id: str, options: list[notices.UnmaskOption]):
        super().__init__(parent, N_("Show unmasked information"), width=600)
        self.actor, self.notice_id, self.options = actor, notice_id, list(options)
        self.warning = QLabel()
        self.warning.setObjectName("unmaskWarning")
        self.warning.setWordWrap(True)
        frame = QFrame()
        frame.setObjectName("unmaskWarningBox")
        frame.setStyleSheet(WARNING_STYLE)
        inside = QVBoxLayout(frame)
        inside.setContentsMargins(10, 8, 10, 8)
        inside.addWidget(self.warning)
        for widget in (frame, self.warning):  # no taller than its text, whatever the dialog's height
            widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.body.insertWidget(0, frame)
        box = QWidget()
        box.setObjectName("unmaskFields")
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 4, 0, 0)
        column.setSpacing(2)
        self.checks: dict[str, QCheckBox] = {}
        self.states: dict[str, QLabel] = {}
        for option in self.options:
            check = QCheckBox(option.label)
            check.setObjectName(f"unmask_{option.field}")
            check.setChecked(option.unmasked)
            state = QLabel()
            state.setObjectName("hint")
            state.setWordWrap(True)
            state.setContentsMargins(24, 0, 0, 6)
            column.addWidget(check)
            column.addWidget(state)
            self.checks[option.field], self.states[option.field] = check, state
        self.form.add("fields", N_("Show in full"), box,
                      hint=N_("Unticked items stay masked (张*丰, 138****1234)."))
        label = self.form.fields["fields"].label  # level with the first box, not the middle of the list
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        label.setContentsMargins(0, 4, 0, 0)
        self.reason = line_edit(max_length=200)
        self.reason.setObjectName("unmaskReason")
        self.form.add("reason", N_("Reason"), self.reason, required=True,
                      hint=N_("Kept in the audit trail with your name and the time."))
        self.finish_layout()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # A wrapped label asks for the height of a narrower guess; fit it to its real width.
        self.warning.setMaximumHeight(max(self.warning.heightForWidth(self.warning.width()), 1))

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self.warning.setText(_("Warning: what you tick here is printed in full on the notice. Everyone who passes "
                               "the notice board can read it. Show personal information only where the notice "
                               "must name people (for example an honours list), never phone or ID numbers "
                               "without a clear need."))
        for option in self.options:
            self.states[option.field].setText(state_text(option))
        self.reason.setPlaceholderText(_("For example: the honours list must give the winners' full names"))

    def changes(self) -> list[tuple[str, bool]]:
        """(field, shown in full) for every box that differs from the stored state."""
        return [(o.field, self.checks[o.field].isChecked()) for o in self.options
                if self.checks[o.field].isChecked() != o.unmasked]

    def save_op(self) -> Callable[[Any], Any]:
        changes, reason = self.changes(), self.reason.text().strip()
        if not changes:
            raise ValidationError({"fields": _("Nothing was changed: tick or untick an item first.")})
        if not reason:
            raise ValidationError({"reason": _("Say why: the reason is kept in the audit trail.")})
        actor, notice_id = self.actor, self.notice_id

        def save(session: Any) -> str:
            for field, shown in changes:  # one unit of work: all or nothing
                notices.set_unmasked(session=session, actor=actor, notice_id=notice_id, field=field,
                                     unmasked=shown, reason=reason)
            return notice_id

        return save
