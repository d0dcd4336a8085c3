"""Add or change a 村民小组 or a 网格 (from the village page)."""
from __future__ import annotations

from typing import Any

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QComboBox, QWidget

from app import people
from app.errors import NotFound
from app.i18n import N_, _
from ui.dialogs.base import FormDialog
from ui.ops import worker
from ui.widgets import fill_combo, line_edit


def _row_of(rows: list[Any], row_id: str, missing: str) -> Any:
    for row in rows:
        if row.id == row_id:
            return row
    raise NotFound(missing)


class GroupDialog(FormDialog):
    """村民小组: number, name and 组长."""

    def __init__(self, parent: QWidget | None, *, row: people.GroupRow | None = None):
        super().__init__(parent, N_("Change villagers' group") if row else N_("New villagers' group"), width=440)
        self.group_id = row.id if row else None
        f = self.form
        self.number = f.add("number", N_("Group number"), line_edit(max_length=3),
                            hint=N_("Leave empty for the next free number."))
        self.number.setValidator(QIntValidator(0, 999, self.number))
        self.number.setMaximumWidth(90)
        self.name = f.add("name", N_("Group name"), line_edit(max_length=32), required=True)
        self.leader_name = f.add("leader_name", N_("Group leader"), line_edit(max_length=32))
        if row is not None:
            self.load(row)
        self.finish_layout()

    def load(self, row: people.GroupRow) -> None:
        self.rev = row.rev
        self.number.setText(str(row.number))
        self.name.setText(row.name)
        self.leader_name.setText(row.leader_name)

    def reload_op(self):  # type: ignore[no-untyped-def]
        group_id, actor = self.group_id, worker().actor
        if group_id is None:
            return None
        return lambda session: _row_of(people.village_overview(session=session, actor=actor).groups, group_id,
                                       _("That villagers' group no longer exists."))

    def save_op(self):  # type: ignore[no-untyped-def]
        name, number, leader = self.name.text(), self.number.text(), self.leader_name.text()
        group_id, actor, rev = self.group_id, worker().actor, self.rev
        if group_id:
            return lambda session: people.update_group(session=session, actor=actor, group_id=group_id, name=name,
                                                       number=number, leader_name=leader, rev=rev).id
        return lambda session: people.add_group(session=session, actor=actor, name=name, number=number or None,
                                                leader_name=leader).id


class GridDialog(FormDialog):
    """网格: name, the group it lies in, 网格长 with phone, 片长."""

    def __init__(self, parent: QWidget | None, *, groups: list[tuple[str, str]], row: people.GridRow | None = None,
                 group_id: str | None = None):
        super().__init__(parent, N_("Change grid") if row else N_("New grid"), width=520)
        self.grid_id = row.id if row else None
        self._groups = groups
        f = self.form
        self.name = f.add("name", N_("Grid name"), line_edit(max_length=32), required=True)
        self.group: QComboBox = f.add("group_id", N_("Villagers' group"), QComboBox())  # type: ignore[assignment]
        self.leader_name = f.add("leader_name", N_("Grid leader (网格长)"), line_edit(max_length=32))
        self.leader_phone = f.add("leader_phone", N_("Grid leader's phone"), line_edit(max_length=20))
        self.area_leader_name = f.add("area_leader_name", N_("Area leader (片长)"), line_edit(max_length=32))
        self._fill_groups()
        self.group.setCurrentIndex(max(self.group.findData(group_id), 0))
        if row is not None:
            self.load(row)
        self.finish_layout()

    def load(self, row: people.GridRow) -> None:
        self.rev = row.rev
        self.name.setText(row.name)
        self.group.setCurrentIndex(max(self.group.findData(row.group_id), 0))
        self.leader_name.setText(row.leader_name)
        self.leader_phone.setText(row.leader_phone)
        self.area_leader_name.setText(row.area_leader_name)

    def reload_op(self):  # type: ignore[no-untyped-def]
        grid_id, actor = self.grid_id, worker().actor
        if grid_id is None:
            return None
        return lambda session: _row_of(people.village_overview(session=session, actor=actor).grids, grid_id,
                                       _("That grid no longer exists."))

    def _fill_groups(self) -> None:
        fill_combo(self.group, [(None, _("(none)"))] + list(self._groups))

    def retranslate_ui(self) -> None:
        super().retranslate_ui()
        self._fill_groups()

    def save_op(self):  # type: ignore[no-untyped-def]
        values: dict[str, Any] = dict(
            name=self.name.text(), group_id=self.group.currentData(), leader_name=self.leader_name.text(),
            leader_phone=self.leader_phone.text(), area_leader_name=self.area_leader_name.text())
        grid_id, actor, rev = self.grid_id, worker().actor, self.rev
        if grid_id:
            return lambda session: people.update_grid(session=session, actor=actor, grid_id=grid_id, rev=rev,
                                                      **values).id
        return lambda session: people.add_grid(session=session, actor=actor, **values).id
