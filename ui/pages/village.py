"""村情: the village profile, its 村民小组 and 网格, kept by the office.

A village set up through the first-run wizard starts with none of these; this page is where the
clerk adds them (and where the household dialog's group and grid pickers get their choices).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from app import people
from app.errors import ChangedMeanwhile, PermissionDenied, ValidationError
from app.i18n import N_, _
from ui.dialogs.base import FormDialog
from ui.dialogs.village import GridDialog, GroupDialog
from ui.ops import DbOp, ask_reload, worker
from ui.pages.base import Page, PageContext, PageHeader
from ui.pages.community import KeptRead
from ui.table_model import (
    CENTER,
    RIGHT,
    CellDelegate,
    Column,
    ListTableModel,
    fit_columns_to_rows,
)
from ui.table_view import PlainCellsView
from ui.widgets import FieldForm, line_edit, primary_button

GROUP_COLUMNS: list[Column] = [
    Column(N_("Group no."), lambda r: r.number, CENTER),
    Column(N_("Group name"), lambda r: r.name),
    Column(N_("Group leader"), lambda r: r.leader_name),
    Column(N_("Households (count)"), lambda r: r.households, RIGHT),
    Column(N_("Grids"), lambda r: r.grids, RIGHT),
]

GRID_COLUMNS: list[Column] = [
    Column(N_("Grid name"), lambda r: r.name),
    Column(N_("Group (of a grid)"), lambda r: r.group_name),
    Column(N_("Grid leader"), lambda r: r.leader_name),
    Column(N_("Phone"), lambda r: r.leader_phone),
    Column(N_("Area leader"), lambda r: r.area_leader_name),
    Column(N_("Households (count)"), lambda r: r.households, RIGHT),
]


class RecordList(QGroupBox):
    """A titled small table with New / Change / Delete under it (the groups, the grids)."""

    def __init__(self, title_msgid: str, columns: list[Column], *, new_msgid: str,
                 empty_msgid: str, can_edit: bool):
        super().__init__()
        self._title_msgid, self._new_msgid, self._empty_msgid = title_msgid, new_msgid, empty_msgid
        self.can_edit = can_edit
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 14, 10, 10)
        layout.setSpacing(8)
        self.model = ListTableModel(columns, parent=self)
        self.table = PlainCellsView()
        self.table.setModel(self.model)
        self.table.setItemDelegate(CellDelegate(self.table))  # plain cells painted from the rows' texts
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        fit_columns_to_rows(self.table)
        layout.addWidget(self.table, 1)
        self.empty = QLabel()
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        buttons = QHBoxLayout()
        self.new_button = QPushButton()
        self.new_button.setProperty("primary", True)
        self.edit_button = QPushButton()
        self.delete_button = QPushButton()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()
        self._set_texts()  # the headers were read in this language just now: no second measuring

    def _set_texts(self) -> None:
        self.setTitle(_(self._title_msgid))
        self.new_button.setText(_(self._new_msgid))
        self.edit_button.setText(_("Change…"))
        self.delete_button.setText(_("Delete"))
        self.empty.setText(_(self._empty_msgid))

    def retranslate_ui(self) -> None:
        self._set_texts()
        self.model.retranslate()

    def set_rows(self, rows: list[Any]) -> None:
        selected = self.current_row()
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        if selected is not None:
            self.select_id(selected.id)

    def current_row(self) -> Any:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_object(index.row())

    def select_id(self, item_id: str) -> bool:
        row = self.model.row_of(item_id)
        if row < 0:
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        return True

    def _update_buttons(self, *_args: Any) -> None:
        has = self.current_row() is not None
        self.new_button.setEnabled(self.can_edit)
        self.edit_button.setEnabled(has and self.can_edit)
        self.delete_button.setEnabled(has and self.can_edit)


@dataclasses.dataclass(frozen=True)
class Opening:
    """What the page first reads (:meth:`VillagePage.warm_reads`, kept for its first read): whether
    this role may change the profile, groups and grids, and the overview."""

    actions: dict[str, str | None]
    overview: people.VillageOverview


class VillagePage(Page):
    """村情: profile form on top, groups and grids side by side below."""

    def __init__(self, context: PageContext, area_key: str):
        super().__init__(context, area_key)
        actor = context.actor
        self.kept = KeptRead(self, Opening)  # the warm read, for the first read (_first_read)
        # Asked once (a quick read, or the warm read's): whether this role may change the profile, groups and grids.
        self.actions = self.kept.value.actions if self.kept.value is not None else \
            worker().read_now(lambda s: people.allowed_actions(session=s, actor=actor, kind="village"))
        self.can_edit = self.actions.get("edit", "") is None
        self.overview: people.VillageOverview | None = None
        self.profile_rev: int | None = None
        self.changed_box: Any = None  # the "changed meanwhile" question, while it is open
        self.dialog: FormDialog | None = None
        self._loading = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)
        self.header = PageHeader(N_("Village information"), N_("The village profile, its villagers' groups and grids."))
        layout.addWidget(self.header)

        # ------------------------------------------------------------ profile
        self.profile_box = QGroupBox()
        profile = QVBoxLayout(self.profile_box)
        profile.setContentsMargins(12, 14, 12, 10)
        profile.setSpacing(6)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        self.profile_form = FieldForm()
        right = FieldForm()
        self.name = self.profile_form.add("name", N_("Village name"), line_edit(max_length=64), required=True)
        self.committee_name = self.profile_form.add("committee_name", N_("Committee name"), line_edit(max_length=128))
        self.township = right.add("township", N_("Township"), line_edit(max_length=64))
        self.supervision_phone = right.add("supervision_phone", N_("Supervision phone"), line_edit(max_length=20),
                                           hint=N_("Printed on public notices (监督电话)."))
        self.code = self.profile_form.add("code", N_("Village code"), line_edit(max_length=12),
                                          hint=N_("The 12-digit statistical division code; it cannot be changed."))
        self.code.setReadOnly(True)
        self.code.setObjectName("readOnlyField")
        self.code.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._right_form = right
        columns.addLayout(self.profile_form.layout, 1)
        columns.addLayout(right.layout, 1)
        profile.addLayout(columns)
        actions = QHBoxLayout()
        self.profile_error = QLabel()
        self.profile_error.setObjectName("formError")
        self.profile_error.setWordWrap(True)
        self.profile_error.setVisible(False)
        actions.addWidget(self.profile_error, 1)
        actions.addStretch(1)  # keeps the buttons at the right while there is no message
        self.read_only_hint = QLabel()
        self.read_only_hint.setObjectName("hint")
        self.read_only_hint.setVisible(not self.can_edit)
        actions.addWidget(self.read_only_hint)
        self.revert_button = QPushButton()
        self.revert_button.clicked.connect(self._show_profile)
        self.save_button = primary_button()
        self.save_button.setDefault(False)
        self.save_button.clicked.connect(self.save_profile)
        actions.addWidget(self.revert_button)
        actions.addWidget(self.save_button)
        profile.addLayout(actions)
        layout.addWidget(self.profile_box)
        for edit in (self.name, self.committee_name, self.township, self.supervision_phone):
            edit.setReadOnly(not self.can_edit)
            edit.textEdited.connect(self._profile_edited)
            edit.returnPressed.connect(self.save_profile)

        # ------------------------------------------------------------ groups and grids
        lists = QHBoxLayout()
        lists.setSpacing(14)
        self.groups = RecordList(N_("Villagers' groups"), GROUP_COLUMNS, new_msgid=N_("New group"),
                                 empty_msgid=N_("No villagers' groups yet. Add the groups (一组, 二组 …) so that "
                                                "households can be placed in them."), can_edit=self.can_edit)
        self.grids = RecordList(N_("Grids"), GRID_COLUMNS, new_msgid=N_("New grid"),
                                empty_msgid=N_("No grids yet. A grid is 30–50 households looked after by a grid "
                                               "leader (网格长)."), can_edit=self.can_edit)
        lists.addWidget(self.groups, 5)
        lists.addWidget(self.grids, 6)
        layout.addLayout(lists, 1)
        self.message = QLabel()
        self.message.setObjectName("hint")
        self.message.setVisible(False)
        layout.addWidget(self.message)

        self.groups.new_button.clicked.connect(lambda: self.edit_group(None))
        self.groups.edit_button.clicked.connect(lambda: self.edit_group(self.groups.current_row()))
        self.groups.delete_button.clicked.connect(self.delete_group)
        self.groups.table.activated.connect(lambda _i: self.edit_group(self.groups.current_row()))
        self.grids.new_button.clicked.connect(lambda: self.edit_grid(None))
        self.grids.edit_button.clicked.connect(lambda: self.edit_grid(self.grids.current_row()))
        self.grids.delete_button.clicked.connect(self.delete_grid)
        self.grids.table.activated.connect(lambda _i: self.edit_grid(self.grids.current_row()))
        self._update_profile_buttons(False)
        self.retranslate_ui()
        # The kept read shown now, before the page is: it is laid out and painted once, with its rows.
        self._built_with_kept = self._show_kept()

    # ------------------------------------------------------------ texts

    def retranslate_ui(self) -> None:
        self.profile_box.setTitle(_("Village profile"))
        self.profile_form.retranslate()
        self._right_form.retranslate()
        self.save_button.setText(_("Save profile"))
        self.revert_button.setText(_("Undo changes"))
        self.read_only_hint.setText(_("Only the secretary or the clerk can change these."))

    # ------------------------------------------------------------ loading

    @classmethod
    def warm_reads(cls, session: Any, actor: Any) -> Opening:
        return Opening(people.allowed_actions(session=session, actor=actor, kind="village"),
                       people.village_overview(session=session, actor=actor))

    def page_shown(self) -> None:
        if self._built_with_kept:  # filled as it was built, from a read that still holds: nothing to read
            self._built_with_kept = False
            if self.kept.holds():
                return
        if self.overview is None and not self._loading and self._show_kept():
            return
        if self.overview is None and not self._loading and worker().pending() == 0 and self._read_at_once():
            return
        self.reload()

    def _show_kept(self) -> bool:
        """The first read, from the warm read kept for it (KeptRead): nothing asked of the store.
        False when there is none (or something may have been saved since): read as usual."""
        kept = self.kept.take()
        if kept is None:
            return False
        self._overview_loaded(kept.overview)
        return True

    def _read_at_once(self) -> bool:
        """The first show of a page that has read nothing yet (opened by the click that built it):
        the overview, four short statements, is read right here, so that the page is measured and
        painted once, with its rows, instead of empty and then again. False when the read is
        refused: the usual read then says why."""
        actor = self.context.actor
        try:
            overview = worker().read_now(lambda s: people.village_overview(session=s, actor=actor))
        except Exception:  # noqa: BLE001 - reported by the read on the worker (reload)
            return False
        self._overview_loaded(overview)
        return True

    def preload(self) -> None:
        if self.overview is None and not self._loading and not self._show_kept():
            self.reload()

    def reload(self, then: Callable[[], None] | None = None) -> None:
        actor = self.context.actor
        self._loading = True
        DbOp(self, lambda s: people.village_overview(session=s, actor=actor), read_only=True) \
            .success(lambda overview: (self._overview_loaded(overview), then and then())) \
            .failure(self._not_allowed).finally_(self._loaded).run()

    def _loaded(self) -> None:
        self._loading = False

    def _not_allowed(self, exc: Exception) -> None:
        self.message.setText(str(exc))
        self.message.setVisible(True)
        self.profile_box.setEnabled(not isinstance(exc, PermissionDenied))

    def _overview_loaded(self, overview: people.VillageOverview) -> None:
        first = self.overview is None
        self.overview = overview
        if first or not self.save_button.isEnabled():  # keep what is being typed
            self._show_profile()
        self.groups.set_rows(overview.groups)
        self.grids.set_rows(overview.grids)

    def _show_profile(self) -> None:
        overview = self.overview
        if overview is None:
            return
        self.profile_rev = overview.rev  # the save carries it: a change made meanwhile is not overwritten
        self.name.setText(overview.name)
        self.committee_name.setText(overview.committee_name)
        self.township.setText(overview.township)
        self.supervision_phone.setText(overview.supervision_phone)
        self.code.setText(overview.code)
        self.profile_form.clear_errors()
        self._right_form.clear_errors()
        self._profile_message("")
        self._update_profile_buttons(False)

    def _profile_edited(self, _text: str = "") -> None:
        self._update_profile_buttons(True)

    def _update_profile_buttons(self, changed: bool) -> None:
        self.save_button.setEnabled(self.can_edit and changed)
        self.revert_button.setEnabled(self.can_edit and changed)

    def _profile_message(self, text: str) -> None:
        self.profile_error.setText(text)
        self.profile_error.setVisible(bool(text))

    # ------------------------------------------------------------ profile

    def save_profile(self) -> None:
        if not self.can_edit or not self.save_button.isEnabled():
            return
        values = dict(name=self.name.text(), township=self.township.text(),
                      committee_name=self.committee_name.text(), supervision_phone=self.supervision_phone.text())
        actor, rev = self.context.actor, self.profile_rev
        self.save_button.setEnabled(False)
        DbOp(self, lambda s: people.update_profile(session=s, actor=actor, rev=rev, **values).name) \
            .success(self._profile_saved).failure(self._profile_refused).run()

    def _profile_saved(self, name: str) -> None:
        self._update_profile_buttons(False)
        self.profile_form.clear_errors()
        self._right_form.clear_errors()
        self._profile_message("")
        self.context.show_status(_("Village profile saved."))
        self.context.village_renamed(name)
        self.reload(then=self._show_profile)

    def _profile_refused(self, exc: Exception) -> None:
        self._update_profile_buttons(True)
        if isinstance(exc, ChangedMeanwhile):  # 重新载入 shows the stored profile, discarding what was typed
            self.changed_box = ask_reload(self, str(exc), lambda: self.reload(then=self._show_profile))
            return
        if not isinstance(exc, ValidationError):
            self._profile_message(str(exc))
            return
        left, right = self.profile_form.fields, self._right_form.fields
        self._right_form.show_errors({k: v for k, v in exc.errors.items() if k in right})
        self.profile_form.show_errors({k: v for k, v in exc.errors.items() if k in left})  # focus the first
        if not any(k in left for k in exc.errors) and any(k in right for k in exc.errors):
            self._right_form.fields[next(k for k in exc.errors if k in right)].editor.setFocus()
        self._profile_message("\n".join(v for k, v in exc.errors.items() if k not in left and k not in right))

    # ------------------------------------------------------------ groups and grids

    def _group_choices(self) -> list[tuple[str, str]]:
        return [(g.id, g.name) for g in (self.overview.groups if self.overview else [])]

    def _open(self, dialog: FormDialog) -> FormDialog:
        dialog.saved.connect(self._record_saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def edit_group(self, row: people.GroupRow | None) -> FormDialog | None:
        if not self.can_edit:
            return None
        return self._open(GroupDialog(self, row=row))

    def edit_grid(self, row: people.GridRow | None) -> FormDialog | None:
        if not self.can_edit:
            return None
        current = self.groups.current_row()
        return self._open(GridDialog(self, groups=self._group_choices(), row=row,
                                     group_id=current.id if current is not None else None))

    def _record_saved(self, record_id: str) -> None:
        worker().announce({"people"}, self)
        self.context.show_status(_("Saved."))
        self.reload(then=lambda: self.groups.select_id(record_id) or self.grids.select_id(record_id))

    def delete_group(self) -> None:
        row = self.groups.current_row()
        if row is None or not self.can_edit:
            return
        answer = QMessageBox.question(self, _("Delete villagers' group"),
                                      _("Delete the group {name}? The audit log keeps the record.").format(name=row.name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        actor = self.context.actor
        DbOp(self, lambda s: people.delete_group(session=s, actor=actor, group_id=row.id)) \
            .success(lambda _r: self._deleted(_("Group deleted."))).run()

    def delete_grid(self) -> None:
        row = self.grids.current_row()
        if row is None or not self.can_edit:
            return
        answer = QMessageBox.question(self, _("Delete grid"),
                                      _("Delete the grid {name}? The audit log keeps the record.").format(name=row.name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        actor = self.context.actor
        DbOp(self, lambda s: people.delete_grid(session=s, actor=actor, grid_id=row.id)) \
            .success(lambda _r: self._deleted(_("Grid deleted."))).run()

    def _deleted(self, message: str) -> None:
        worker().announce({"people"}, self)
        self.context.show_status(message)
        self.reload()
