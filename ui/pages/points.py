"""积分制 and the 积美超市: the redemption counter (keyboard alone), the ledger with quick entry and
reversals, a household's passbook, the rule catalogue with its versions, and proposals waiting for
the secretary's approval."""
from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import points
from app.errors import ValidationError
from app.i18n import N_, _, format_date, ngettext
from ui.dialogs.base import FormDialog
from ui.ops import DbOp
from ui.pages.base import Page, PageHeader
from ui.pages.community import (
    KeptRead, current_row, enable, household_picker, line, make_table, meeting_picker, open_document,
)
from ui.pages.register import ExportExcelButton
from ui.table_model import CENTER, RIGHT, Column
from ui.widgets import LazyTabs, fill_combo, set_message


def _signed(value: int) -> str:
    return f"{value:+d}"


GOODS_COLUMNS = [
    Column(N_("Goods"), lambda g: g.name + (f"（{g.unit}）" if g.unit else "")),
    Column(N_("Price (points)"), lambda g: g.price, RIGHT),
    Column(N_("In stock"), lambda g: g.stock, RIGHT),
]
ENTRY_COLUMNS = [
    Column(N_("No."), lambda e: e.seq, RIGHT),
    Column(N_("Date"), lambda e: format_date(e.entry_date, style="short")),
    Column(N_("Household"), lambda e: e.household_name),
    Column(N_("Kind"), lambda e: points.kind_label(e.kind), choices=lambda: [points.kind_label(k) for k in points.KINDS]),
    Column(N_("What for"), lambda e: _describe(e), tooltip=lambda e: e.note),
    Column(N_("Points"), lambda e: _signed(e.points), RIGHT),
    Column(N_("Recorded by"), lambda e: e.recorded_by),
]
PASSBOOK_COLUMNS = [
    Column(N_("No."), lambda x: x.seq, RIGHT),
    Column(N_("Date"), lambda x: format_date(x.entry_date, style="short")),
    Column(N_("Kind"), lambda x: points.kind_label(x.kind), choices=lambda: [points.kind_label(k) for k in points.KINDS]),
    Column(N_("What for"), lambda x: x.description, tooltip=lambda x: x.note),
    Column(N_("Points"), lambda x: _signed(x.points), RIGHT),
    Column(N_("Balance"), lambda x: x.balance, RIGHT),
    Column(N_("Approved by"), lambda x: x.approved_by),
]
RULE_COLUMNS = [
    Column(N_("Code"), lambda r: r.code),
    Column(N_("Category"), lambda r: points.category_label(r.category),
           choices=lambda: [points.category_label(c) for c in points.CATEGORIES]),
    Column(N_("Rule"), lambda r: r.description),
    Column(N_("Points"), lambda r: _signed(r.points), RIGHT),
    Column(N_("Approval"), lambda r: _("needed") if r.needs_approval else "", CENTER),
    Column(N_("Version"), lambda r: r.version, RIGHT),
]
VERSION_COLUMNS = [
    Column(N_("Version"), lambda v: v.version, RIGHT),
    Column(N_("From"), lambda v: format_date(v.valid_from, style="short")),
    Column(N_("Rule"), lambda v: v.description + ("" if v.active else _(" (retired)"))),
    Column(N_("Points"), lambda v: _signed(v.points), RIGHT),
    Column(N_("Why"), lambda v: v.reason),
    Column(N_("Changed by"), lambda v: v.changed_by),
]
PROPOSAL_COLUMNS = [
    Column(N_("Date"), lambda p: format_date(p.proposed_on, style="short")),
    Column(N_("Household"), lambda p: p.household_name),
    Column(N_("Rule"), lambda p: p.rule_text, tooltip=lambda p: p.note),
    Column(N_("Points"), lambda p: _signed(p.points), RIGHT),
    Column(N_("Source"), lambda p: _(points.SOURCES.get(p.source, p.source)),
           choices=lambda: [_(s) for s in points.SOURCES.values()]),
    Column(N_("Proposed by"), lambda p: p.proposed_by),
]


def _describe(entry: Any) -> str:
    if entry.kind == points.REVERSAL:
        return _("Reverses entry no. {seq}").format(seq=entry.reverses_seq)
    if entry.goods_id:
        return _("{goods} × {n}").format(goods=entry.goods_name, n=entry.quantity)
    text = entry.rule_text + (f"（{_('reversed by no. {seq}').format(seq=entry.reversed_by_seq)}）"
                              if entry.reversed_by_seq else "")
    return text


@dataclasses.dataclass(frozen=True)
class Opening:
    """What the page first reads (:meth:`PointsPage.warm_reads`, kept for its first read): its
    actions and the counter's goods (the tab it opens on)."""

    actions: dict[str, str | None]
    goods: list[Any]


class PointsPage(Page):
    """Five tabs; the counter comes first, as the shop keeper opens it."""

    redeemed = Signal(object)
    counter_refused = Signal(str)
    loaded = Signal()

    def __init__(self, context: Any, area_key: str):
        super().__init__(context, area_key)
        self.actor = context.actor
        self.kept = KeptRead(self, Opening)  # the warm read, for the counter's first read
        self._actions: dict[str, str | None] | None = self.kept.value.actions if self.kept.value else None
        self._loaded_once = False
        self.dialog: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        self.header = PageHeader(N_("Points"), N_("The points system (积分制) and the points supermarket (积美超市): "
                                                  "published rules, an entry for every movement, nothing edited."))
        layout.addWidget(self.header)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("pointsTabs")
        layout.addWidget(self.tabs, 1)
        # The counter is built with the page; each other tab the first time it is opened.
        self.lazy_tabs = LazyTabs(self.tabs)
        self.lazy_tabs.add(lambda: CounterTab(self), now=True)
        for tab_class in (LedgerTab, PassbookTab, RulesTab, ApprovalsTab):
            self.lazy_tabs.add(lambda tab_class=tab_class: self._new_tab(tab_class))
        self.tabs.currentChanged.connect(lambda _i: self._tab_shown())
        self.export_button = ExportExcelButton(self, "points")  # 导出Excel… the ledger
        self.tabs.setCornerWidget(self.export_button)
        self.retranslate_ui()
        if self.kept.value is not None:  # shown now, before the page is: laid out and painted once, with its rows
            self.preload()

    def _new_tab(self, tab_class: type) -> Any:
        tab = tab_class(self)
        tab.retranslate_ui()  # in the language of the day
        return tab

    @property
    def counter(self) -> CounterTab:
        return self.lazy_tabs.widget(0)

    @property
    def ledger(self) -> LedgerTab:
        return self.lazy_tabs.widget(1)

    @property
    def passbook(self) -> PassbookTab:
        return self.lazy_tabs.widget(2)

    @property
    def rules(self) -> RulesTab:
        return self.lazy_tabs.widget(3)

    @property
    def approvals(self) -> ApprovalsTab:
        return self.lazy_tabs.widget(4)

    def actions(self) -> dict[str, str | None]:
        if self._actions is None:
            actor = self.actor
            try:
                self._actions = self.context.ops.read_now(lambda s: points.allowed_actions(session=s, actor=actor))
            except RuntimeError:
                return {}
        return self._actions

    def retranslate_ui(self) -> None:
        self.header.retranslate_ui()
        for index, title in enumerate((_("Points shop counter"), _("Ledger"), _("Passbook"), _("Rules"),
                                       _("Approvals"))):
            self.tabs.setTabText(index, title)
        self.export_button.retranslate()
        for tab in self.lazy_tabs.built():
            tab.retranslate_ui()

    @classmethod
    def warm_reads(cls, session: Any, actor: Any) -> Opening:
        return Opening(points.allowed_actions(session=session, actor=actor),
                       points.goods(session=session, actor=actor))  # the counter, the tab it opens on

    def page_shown(self) -> None:
        self.preload()
        self.counter.picker.edit.setFocus()

    def preload(self) -> None:
        if not self._loaded_once:
            self._loaded_once = True
            self._tab_shown()

    def _tab_shown(self) -> None:
        self.tabs.currentWidget().reload()

    def focus_search(self) -> bool:
        tab = self.tabs.currentWidget()
        picker = getattr(tab, "picker", None)
        if picker is None:
            return False
        picker.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        picker.edit.selectAll()
        return True


# ---------------------------------------------------------------- the counter


class CounterTab(QWidget):
    """积美超市的柜台: household search → Enter → goods list → Enter → quantity → Enter redeems.
    Balance and stock are shown before; after, what they became (or why nothing happened)."""

    def __init__(self, page: PointsPage):
        super().__init__()
        self.page, self.actor = page, page.actor
        self.household: Any = None
        self.goods_rows: list[Any] = []
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.step1 = QLabel()
        left.addWidget(self.step1)
        self.picker = household_picker(self, self.actor, "counterSearch")
        self.picker.chosen.connect(self._household_chosen)
        left.addWidget(self.picker)
        self.household_label = QLabel()
        self.household_label.setObjectName("counterHousehold")
        self.household_label.setWordWrap(True)
        left.addWidget(self.household_label)
        self.step2 = QLabel()
        left.addWidget(self.step2)
        self.goods_table, self.goods_model = make_table(GOODS_COLUMNS, "goodsTable", self)
        self.goods_table.installEventFilter(self)
        self.goods_table.selectionModel().currentRowChanged.connect(lambda *_a: self._preview())
        left.addWidget(self.goods_table, 1)
        goods_buttons = QHBoxLayout()
        self.new_goods_button = QPushButton()
        self.new_goods_button.setObjectName("newGoods")
        self.new_goods_button.clicked.connect(self.new_goods)
        self.restock_button = QPushButton()
        self.restock_button.setObjectName("restock")
        self.restock_button.clicked.connect(self.restock)
        goods_buttons.addWidget(self.new_goods_button)
        goods_buttons.addWidget(self.restock_button)
        goods_buttons.addStretch(1)
        left.addLayout(goods_buttons)
        layout.addLayout(left, 3)

        right = QVBoxLayout()
        self.step3 = QLabel()
        right.addWidget(self.step3)
        self.quantity = QSpinBox()
        self.quantity.setObjectName("quantity")
        self.quantity.setRange(1, points.MAX_QUANTITY)
        self.quantity.valueChanged.connect(lambda _v: self._preview())
        self.quantity.installEventFilter(self)
        right.addWidget(self.quantity)
        grid = QGridLayout()
        self.before_title, self.after_title = QLabel(), QLabel()
        self.balance_title, self.stock_title = QLabel(), QLabel()
        self.balance_before, self.balance_after = QLabel("—"), QLabel("—")
        self.stock_before, self.stock_after = QLabel("—"), QLabel("—")
        for name, label in (("balanceBefore", self.balance_before), ("balanceAfter", self.balance_after),
                            ("stockBefore", self.stock_before), ("stockAfter", self.stock_after)):
            label.setObjectName(name)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(self.before_title, 0, 1)
        grid.addWidget(self.after_title, 0, 2)
        grid.addWidget(self.balance_title, 1, 0)
        grid.addWidget(self.balance_before, 1, 1)
        grid.addWidget(self.balance_after, 1, 2)
        grid.addWidget(self.stock_title, 2, 0)
        grid.addWidget(self.stock_before, 2, 1)
        grid.addWidget(self.stock_after, 2, 2)
        right.addLayout(grid)
        self.redeem_button = QPushButton()
        self.redeem_button.setObjectName("redeem")
        self.redeem_button.setProperty("primary", True)
        self.redeem_button.clicked.connect(self.redeem)
        right.addWidget(self.redeem_button)
        self.message = QLabel()
        self.message.setObjectName("counterMessage")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        right.addWidget(self.message)
        right.addStretch(1)
        layout.addLayout(right, 2)
        self.setTabOrder(self.picker.edit, self.goods_table)
        self.setTabOrder(self.goods_table, self.quantity)
        self.setTabOrder(self.quantity, self.redeem_button)

    def retranslate_ui(self) -> None:
        self.step1.setText(_("1. Household (type, then Enter)"))
        self.step2.setText(_("2. Goods (↑↓, then Enter)"))
        self.step3.setText(_("3. Quantity (Enter redeems)"))
        self.before_title.setText(_("Now"))
        self.after_title.setText(_("After"))
        self.balance_title.setText(_("Balance"))
        self.stock_title.setText(_("Stock"))
        self.redeem_button.setText(_("Redeem (Enter)"))
        self.new_goods_button.setText(_("New goods…"))
        self.restock_button.setText(_("Restock…"))
        self.goods_model.retranslate()
        self._show_household()
        self._update_buttons()

    def reload(self, then: Any = None) -> None:
        kept = self.page.kept.take()  # the first read: the warm read's, if it still holds
        if kept is not None:
            self._goods_loaded(kept.goods, then)
            return
        actor = self.actor
        DbOp(self, lambda s: points.goods(session=s, actor=actor), read_only=True) \
            .success(lambda rows: self._goods_loaded(rows, then)).run()

    def _goods_loaded(self, rows: list[Any], then: Any) -> None:
        selected = current_row(self.goods_table)
        self.goods_model.set_rows(rows)
        if selected is not None and self.goods_model.row_of(selected.id) >= 0:
            self.goods_table.selectRow(self.goods_model.row_of(selected.id))
        self._preview()
        if then:
            then()
        self.page.loaded.emit()

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 (Qt)
        if isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if watched is self.goods_table:
                if current_row(self.goods_table) is None and self.goods_model.rowCount():
                    self.goods_table.selectRow(0)
                self.quantity.setFocus()
                self.quantity.selectAll()
                return True
            if watched is self.quantity:
                self.quantity.interpretText()
                self.redeem()
                return True
        return super().eventFilter(watched, event)

    def _household_chosen(self, choice: Any) -> None:
        self.household = choice
        self._show_household()
        set_message(self.message, "", error=False)
        self.goods_table.setFocus()
        if current_row(self.goods_table) is None and self.goods_model.rowCount():
            self.goods_table.selectRow(0)
        self._preview()

    def _show_household(self) -> None:
        h = self.household
        self.household_label.setText(_("{name}, no. {number}, {group}: {balance} points").format(
            name=h.name, number=h.number or "—", group=h.group or "—", balance=h.balance) if h else "")

    def _preview(self) -> None:
        goods, h, n = current_row(self.goods_table), self.household, self.quantity.value()
        self.balance_before.setText(str(h.balance) if h else "—")
        self.balance_after.setText(str(h.balance - goods.price * n) if h and goods else "—")
        self.stock_before.setText(str(goods.stock) if goods else "—")
        self.stock_after.setText(str(goods.stock - n) if goods else "—")
        self._update_buttons()

    def _update_buttons(self) -> None:
        actions = self.page.actions()
        refused = actions.get("redeem", "")
        needs = self.household is not None and current_row(self.goods_table) is not None
        enable(self.redeem_button, refused, needs=needs, choose=_("Choose the household and the goods."))
        enable(self.new_goods_button, actions.get("goods", ""))
        enable(self.restock_button, actions.get("goods", ""), needs=current_row(self.goods_table))

    def redeem(self) -> None:
        goods, household, quantity = current_row(self.goods_table), self.household, self.quantity.value()
        if household is None or goods is None:
            set_message(self.message, _("Choose the household and the goods."), error=True)
            return
        if not self.redeem_button.isEnabled():
            set_message(self.message, self.redeem_button.toolTip(), error=True)
            return
        actor, household_id, goods_id = self.actor, household.household_id, goods.id
        before_balance, before_stock = household.balance, goods.stock
        self.redeem_button.setEnabled(False)

        def op(session: Any) -> tuple[Any, Any]:
            entry = points.redeem(session=session, actor=actor, household_id=household_id, goods_id=goods_id,
                                  quantity=quantity)
            return entry, points.balance(session=session, actor=actor, household_id=household_id)

        def done(result: tuple[Any, Any]) -> None:
            entry, balance = result
            self.household = points.HouseholdChoice(household_id=household.household_id, name=household.name,
                                                    number=household.number, group=household.group, balance=balance)
            self._show_household()

            def shown() -> None:
                stock = next((g.stock for g in self.goods_model.rows() if g.id == goods_id), before_stock - quantity)
                set_message(self.message, _(
                    "Redeemed {goods} × {n} for {cost} points (entry no. {seq}). Balance {b0} → {b1}; "
                    "stock {s0} → {s1}.").format(goods=goods.name, n=quantity, cost=-entry.points, seq=entry.seq,
                                                  b0=before_balance, b1=balance, s0=before_stock, s1=stock),
                    error=False)
                self.quantity.setValue(1)
                self.picker.edit.setFocus()
                self.picker.edit.selectAll()
                self.page.redeemed.emit(entry)

            self.reload(then=shown)

        def refused(exc: Exception) -> None:
            message = str(exc) if not hasattr(exc, "errors") else "；".join(exc.errors.values())
            set_message(self.message, _("Not redeemed: {reason}").format(reason=message), error=True)
            self._update_buttons()
            self.page.counter_refused.emit(message)

        DbOp(self, op).changes("points").success(done).failure(refused).run()

    def new_goods(self) -> None:
        self.page.dialog = dialog = GoodsDialog(self, self.actor)
        dialog.saved.connect(lambda _g: self.reload())
        dialog.open()

    def restock(self) -> None:
        goods = current_row(self.goods_table)
        if goods is None:
            return
        self.page.dialog = dialog = RestockDialog(self, self.actor, goods)
        dialog.saved.connect(lambda _g: self.reload())
        dialog.open()


class GoodsDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent, N_("New goods"))
        self.actor = actor
        self.name = line(name="goodsName")
        self.form.add("name", N_("Goods"), self.name, required=True)
        self.unit = line()
        self.unit.setMaxLength(8)
        self.form.add("unit", N_("Unit"), self.unit)
        self.price = QSpinBox()
        self.price.setRange(0, 100000)
        self.form.add("price", N_("Price (points)"), self.price, required=True)
        self.stock = QSpinBox()
        self.stock.setRange(0, 100000)
        self.form.add("stock", N_("In stock"), self.stock)
        self.finish_layout()

    def save_op(self) -> Any:
        values = dict(name=self.name.text(), unit=self.unit.text(), price=self.price.value(), stock=self.stock.value())
        actor = self.actor
        return lambda s: points.add_goods(session=s, actor=actor, **values)


class RestockDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any, goods: Any):
        super().__init__(parent, N_("Restock"))
        self.actor, self.goods_id = actor, goods.id
        self.form.add("goods", N_("Goods"), QLabel(f"{goods.name}（{goods.stock}）"))
        self.quantity = QSpinBox()
        self.quantity.setRange(-100000, 100000)
        self.quantity.setValue(10)
        self.form.add("quantity", N_("Quantity (negative: written off)"), self.quantity, required=True)
        self.finish_layout()

    def save_op(self) -> Any:
        actor, goods_id, quantity = self.actor, self.goods_id, self.quantity.value()
        return lambda s: points.restock(session=s, actor=actor, goods_id=goods_id, quantity=quantity)


# ---------------------------------------------------------------- the ledger


class LedgerTab(QWidget):
    """Quick entry (household search → rule → evidence → Record) over the newest entries."""

    def __init__(self, page: PointsPage):
        super().__init__()
        self.page, self.actor = page, page.actor
        layout = QVBoxLayout(self)
        entry = QHBoxLayout()
        self.picker = household_picker(self, self.actor, "ledgerSearch")
        self.picker.chosen.connect(lambda _c: (self.rule.setFocus(), self.reload()))
        entry.addWidget(self.picker, 3)
        column = QVBoxLayout()
        row = QHBoxLayout()
        self.rule = QComboBox()
        self.rule.setObjectName("ledgerRule")
        self.rule.setMinimumWidth(260)
        row.addWidget(self.rule, 1)
        self.entry_date = QDateEdit(QDate.currentDate())
        self.entry_date.setCalendarPopup(True)
        self.entry_date.setDisplayFormat("yyyy-MM-dd")
        row.addWidget(self.entry_date)
        column.addLayout(row)
        row = QHBoxLayout()
        self.note = line(name="ledgerNote")
        self.note.returnPressed.connect(self.record)
        row.addWidget(self.note, 1)
        self.record_button = QPushButton()
        self.record_button.setObjectName("recordEntry")
        self.record_button.setProperty("primary", True)
        self.record_button.clicked.connect(self.record)
        row.addWidget(self.record_button)
        column.addLayout(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        column.addWidget(self.message)
        entry.addLayout(column, 4)
        layout.addLayout(entry)
        self.table, self.model = make_table(ENTRY_COLUMNS, "entriesTable", self, stretch=4)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.all_button = QPushButton()
        self.all_button.setObjectName("allEntries")
        self.all_button.clicked.connect(lambda: (self.picker.clear(), self.reload()))
        self.reverse_button = QPushButton()
        self.reverse_button.setObjectName("reverseEntry")
        self.reverse_button.clicked.connect(self.reverse)
        buttons.addWidget(self.all_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reverse_button)
        layout.addLayout(buttons)
        self.rule_rows: list[Any] = []

    def retranslate_ui(self) -> None:
        self.note.setPlaceholderText(_("Evidence: what happened, where it is recorded"))
        self.record_button.setText(_("Record"))
        self.all_button.setText(_("All households"))
        self.reverse_button.setText(_("Reverse…"))
        self.model.retranslate()
        self._fill_rules()
        self._update_buttons()

    def _fill_rules(self) -> None:
        fill_combo(self.rule, [(r.id, f"{r.code} {r.description}（{_signed(r.points)}）") for r in self.rule_rows])

    def reload(self) -> None:
        actor = self.actor
        household = self.picker.choice.household_id if self.picker.choice else None

        def load(session: Any) -> tuple[list[Any], list[Any]]:
            return (points.rules(session=session, actor=actor),
                    points.entries(session=session, actor=actor, household_id=household, limit=300))

        DbOp(self, load, read_only=True).success(self._loaded).run()

    def _loaded(self, result: tuple[list[Any], list[Any]]) -> None:
        self.rule_rows, rows = result
        self._fill_rules()
        self.model.set_rows(rows)
        self._update_buttons()
        self.page.loaded.emit()

    def _update_buttons(self) -> None:
        actions = self.page.actions()
        enable(self.record_button, actions.get("record", ""))
        entry = current_row(self.table)
        refused = actions.get("record", "")
        if refused is None and entry is not None:
            if entry.kind == points.REVERSAL:
                refused = _("A reversal is not reversed; record the entry again instead.")
            elif entry.reversed_by_seq:
                refused = _("This entry has already been reversed.")
        enable(self.reverse_button, refused, needs=entry)

    def record(self) -> None:
        choice, rule_id = self.picker.choice, self.rule.currentData()
        if choice is None:
            set_message(self.message, _("Choose the household first."), error=True)
            self.picker.edit.setFocus()
            return
        actor, note, on = self.actor, self.note.text(), self.entry_date.date().toPython()

        def done(recorded: Any) -> None:
            if recorded.entry is not None:
                text = _("Recorded: {household} {points} ({rule}), entry no. {seq}.").format(
                    household=recorded.entry.household_name, points=_signed(recorded.entry.points),
                    rule=recorded.entry.rule_text, seq=recorded.entry.seq)
            else:
                text = _("Proposed for approval: {household} {points} ({rule}).").format(
                    household=recorded.proposal.household_name, points=_signed(recorded.proposal.points),
                    rule=recorded.proposal.rule_text)
            set_message(self.message, text, error=False)
            self.note.clear()
            self.reload()

        def refused(exc: Exception) -> None:
            set_message(self.message, "；".join(getattr(exc, "errors", {}).values()) or str(exc), error=True)

        DbOp(self, lambda s: points.record_entry(session=s, actor=actor, household_id=choice.household_id,
                                                 rule_id=rule_id, entry_date=on, note=note)) \
            .changes("points").success(done).failure(refused).run()

    def reverse(self) -> None:
        entry = current_row(self.table)
        if entry is None:
            return
        self.page.dialog = dialog = ReverseDialog(self, self.actor, entry)
        dialog.saved.connect(lambda _e: self.reload())
        dialog.open()


class ReverseDialog(FormDialog):
    """冲正: an entry with the opposite points that names the one it reverses, and why."""

    def __init__(self, parent: QWidget | None, actor: Any, entry: Any):
        super().__init__(parent, N_("Reverse an entry"))
        self.actor, self.entry_id = actor, entry.id
        what = QLabel(_("No. {seq}, {date}, {household}: {what} {points}").format(
            seq=entry.seq, date=format_date(entry.entry_date), household=entry.household_name,
            what=_describe(entry), points=_signed(entry.points)))
        what.setWordWrap(True)
        self.form.add("entry", N_("Entry"), what)
        self.reason = line(name="reverseReason")
        self.form.add("reason", N_("Reason"), self.reason, required=True)
        self.on = QDateEdit(QDate.currentDate())
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.form.add("on", N_("Date"), self.on)
        self.finish_layout()

    def save_op(self) -> Any:
        actor, entry_id, reason, on = self.actor, self.entry_id, self.reason.text(), self.on.date().toPython()
        return lambda s: points.reverse_entry(session=s, actor=actor, entry_id=entry_id, reason=reason, on=on)


# ---------------------------------------------------------------- the passbook


class PassbookTab(QWidget):
    def __init__(self, page: PointsPage):
        super().__init__()
        self.page, self.actor = page, page.actor
        self.book: Any = None
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.picker = household_picker(self, self.actor, "passbookSearch")
        self.picker.chosen.connect(lambda _c: self.reload())
        row.addWidget(self.picker, 1)
        self.print_button = QPushButton()
        self.print_button.setObjectName("printPassbook")
        self.print_button.clicked.connect(self.print_passbook)
        row.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        self.summary = QLabel()
        self.summary.setObjectName("passbookSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table, self.model = make_table(PASSBOOK_COLUMNS, "passbookTable", self, stretch=3)
        layout.addWidget(self.table, 1)

    def retranslate_ui(self) -> None:
        self.print_button.setText(_("Print passbook…"))
        self.model.retranslate()
        self._show_summary()
        enable(self.print_button, None, needs=self.book, choose=_("Choose the household first."))

    def reload(self) -> None:
        choice = self.picker.choice
        if choice is None:
            self.retranslate_ui()
            return
        actor = self.actor
        DbOp(self, lambda s: points.passbook(session=s, actor=actor, household_id=choice.household_id),
             read_only=True).success(self._loaded).run()

    def _loaded(self, book: Any) -> None:
        self.book = book
        self.model.set_rows(book.lines)
        self.table.scrollToBottom()
        self.retranslate_ui()
        self.page.loaded.emit()

    def _show_summary(self) -> None:
        book = self.book
        self.summary.setText(_("{household}, no. {number}: balance {balance} points (earned {earned}, redeemed "
                               "{spent}).").format(household=book.household_name, number=book.number or "—",
                                                   balance=book.closing, earned=book.earned, spent=book.spent)
                             if book else _("Choose a household to see its passbook (积分存折)."))

    def print_passbook(self) -> None:
        if self.book is not None:
            self.page.dialog = open_document(self, self.actor, "points_passbook", self.book.household_id,
                                             _("Points passbook"))


# ---------------------------------------------------------------- rules


class RulesTab(QWidget):
    def __init__(self, page: PointsPage):
        super().__init__()
        self.page, self.actor = page, page.actor
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table, self.model = make_table(RULE_COLUMNS, "rulesTable", self, stretch=2)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self.show_history())
        splitter.addWidget(self.table)
        self.history, self.history_model = make_table(VERSION_COLUMNS, "ruleHistory", self, stretch=2)
        splitter.addWidget(self.history)
        splitter.setSizes([300, 140])
        layout.addWidget(splitter, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton()
        self.new_button.setObjectName("newRule")
        self.new_button.clicked.connect(self.new_rule)
        self.change_button = QPushButton()
        self.change_button.setObjectName("changeRule")
        self.change_button.clicked.connect(self.change_rule)
        self.ranking_button = QPushButton()
        self.ranking_button.setObjectName("rankingPoster")
        self.ranking_button.clicked.connect(lambda: self._poster("points_ranking", _("Points ranking")))
        self.board_button = QPushButton()
        self.board_button.setObjectName("boardPoster")
        self.board_button.clicked.connect(lambda: self._poster("points_board", _("Red and black list")))
        for button in (self.new_button, self.change_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.ranking_button)
        buttons.addWidget(self.board_button)
        layout.addLayout(buttons)
        # the village's choice (off by default): rankings, the 红黑榜, and decisions to name
        self.settings: Any = None
        self.board_group = QGroupBox()
        self.board_group.setObjectName("boardSettings")
        row = QHBoxLayout(self.board_group)
        self.ranking_check = QCheckBox()
        self.ranking_check.setObjectName("rankingOn")
        self.red_black_check = QCheckBox()
        self.red_black_check.setObjectName("redBlackOn")
        for check in (self.ranking_check, self.red_black_check):
            check.toggled.connect(lambda _on: self.save_settings())
            row.addWidget(check)
        row.addStretch(1)
        self.decision_button = QPushButton()
        self.decision_button.setObjectName("boardDecision")
        self.decision_button.clicked.connect(self.record_decision)
        row.addWidget(self.decision_button)
        layout.addWidget(self.board_group)
        self.message = QLabel()
        self.message.setObjectName("rulesMessage")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)

    def retranslate_ui(self) -> None:
        self.new_button.setText(_("New rule…"))
        self.change_button.setText(_("Change rule…"))
        self.ranking_button.setText(_("Ranking poster…"))
        self.board_button.setText(_("Red and black list poster…"))
        self.board_group.setTitle(_("Rankings and the red and black list (a committee choice)"))
        self.ranking_check.setText(_("Rankings on"))
        self.red_black_check.setText(_("Red and black list on"))
        self.decision_button.setText(_("Record a decision to name…"))
        self.model.retranslate()
        self.history_model.retranslate()
        self._update_buttons()

    def _update_buttons(self) -> None:
        refused = self.page.actions().get("rules", "")
        enable(self.new_button, refused)
        enable(self.change_button, refused, needs=current_row(self.table))
        settings = self.settings
        enable(self.ranking_button, None, needs=settings and settings.ranking,
               choose=_("Rankings are turned off for this village (a committee choice in the points settings)."))
        enable(self.board_button, None, needs=settings and settings.red_black,
               choose=_("The red and black list is turned off for this village (a committee choice in the points "
                        "settings)."))
        self.board_group.setEnabled(refused is None and settings is not None)
        self.board_group.setToolTip(refused or "")
        enable(self.decision_button, refused)

    def reload(self) -> None:
        actor = self.actor
        DbOp(self, lambda s: points.rules(session=s, actor=actor, include_retired=True), read_only=True) \
            .success(self._loaded).run()
        DbOp(self, lambda s: points.board_settings(session=s, actor=actor), read_only=True) \
            .success(self._settings_loaded).run()

    def _settings_loaded(self, settings: Any) -> None:
        self.settings = settings
        for check, on in ((self.ranking_check, settings.ranking), (self.red_black_check, settings.red_black)):
            check.blockSignals(True)
            check.setChecked(on)
            check.blockSignals(False)
        self._update_buttons()

    def save_settings(self) -> None:
        settings = self.settings
        if settings is None:
            return
        actor, ranking, red_black = self.actor, self.ranking_check.isChecked(), self.red_black_check.isChecked()

        def refused(exc: Exception) -> None:
            set_message(self.message, "；".join(getattr(exc, "errors", {}).values()) or str(exc), error=True)
            self._settings_loaded(settings)

        DbOp(self, lambda s: points.set_board_settings(
            session=s, actor=actor, ranking=ranking, red_black=red_black, red_count=settings.red_count,
            red_min=settings.red_min, black_deducted=settings.black_deducted, black_count=settings.black_count)) \
            .changes("points").success(self._settings_saved).failure(refused).run()

    def _settings_saved(self, settings: Any) -> None:
        set_message(self.message, "", error=False)
        self._settings_loaded(settings)

    def record_decision(self) -> None:
        self.page.dialog = dialog = BoardDecisionDialog(self, self.actor)
        dialog.saved.connect(lambda _d: set_message(self.message, _("The decision to name is recorded."),
                                                    error=False))
        dialog.open()

    def _loaded(self, rows: list[Any]) -> None:
        selected = current_row(self.table)
        self.model.set_rows(rows)
        if selected is not None and self.model.row_of(selected.id) >= 0:
            self.table.selectRow(self.model.row_of(selected.id))
        self._update_buttons()
        self.page.loaded.emit()

    def show_history(self) -> None:
        rule = current_row(self.table)
        self._update_buttons()
        if rule is None:
            return
        actor = self.actor
        DbOp(self, lambda s: points.rule_history(session=s, actor=actor, rule_id=rule.id), read_only=True) \
            .success(self.history_model.set_rows).run()

    def new_rule(self) -> None:
        self.page.dialog = dialog = RuleDialog(self, self.actor, None)
        dialog.saved.connect(lambda _r: self.reload())
        dialog.open()

    def change_rule(self) -> None:
        rule = current_row(self.table)
        if rule is None:
            return
        self.page.dialog = dialog = RuleDialog(self, self.actor, rule)
        dialog.saved.connect(lambda _r: (self.reload(), self.show_history()))
        dialog.open()

    def _poster(self, kind: str, title: str) -> None:
        self.page.dialog = open_document(self, self.actor, kind, "latest", title)


class RuleDialog(FormDialog):
    """A new rule, or a new version of one (its points, wording, approval; with the reason)."""

    def __init__(self, parent: QWidget | None, actor: Any, rule: Any):
        super().__init__(parent, N_("Change a rule") if rule else N_("New rule"), width=560)
        self.actor, self.rule = actor, rule
        self.category = QComboBox()
        for code in points.CATEGORIES:
            self.category.addItem(points.category_label(code), code)
        self.form.add("category", N_("Category"), self.category, required=True)
        self.description = line(rule.description if rule else "", "ruleDescription")
        self.form.add("description", N_("Rule"), self.description, required=True)
        self.points = QSpinBox()
        self.points.setRange(-points.MAX_POINTS, points.MAX_POINTS)
        self.points.setValue(rule.points if rule else 5)
        self.form.add("points", N_("Points (− for a deduction)"), self.points, required=True)
        self.needs_approval = QCheckBox(_("Entries need the secretary's approval"))
        self.needs_approval.setChecked(bool(rule and rule.needs_approval))
        self.form.add("needs_approval", N_("Approval"), self.needs_approval)
        self.active = QCheckBox(_("In force"))
        self.active.setChecked(rule.active if rule else True)
        self.reason = line(name="ruleReason")
        if rule is not None:
            self.category.setCurrentIndex(max(0, self.category.findData(rule.category)))
            self.category.setEnabled(False)
            self.form.add("active", N_("State"), self.active)
            self.form.add("reason", N_("Why it changes"), self.reason, required=True,
                          hint=N_("The committee's decision. Entries already made keep the version they were made "
                                  "under."))
        self.finish_layout()

    def save_op(self) -> Any:
        actor, rule = self.actor, self.rule
        description, value, approval = self.description.text(), self.points.value(), self.needs_approval.isChecked()
        if rule is None:
            category = self.category.currentData()
            return lambda s: points.add_rule(session=s, actor=actor, category=category, description=description,
                                             points=value, needs_approval=approval)
        reason, active = self.reason.text(), self.active.isChecked()
        return lambda s: points.change_rule(session=s, actor=actor, rule_id=rule.id, reason=reason,
                                            description=description, points=value, needs_approval=approval,
                                            active=active)


def month_so_far(form: Any, first: tuple[str, str], last: tuple[str, str]) -> tuple[QDateEdit, QDateEdit]:
    """Two date fields, the first of this month to today, added to ``form`` as (key, label msgid)."""
    today = QDate.currentDate()
    edits = (QDateEdit(QDate(today.year(), today.month(), 1)), QDateEdit(today))
    for edit, (key, label) in zip(edits, (first, last)):
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        form.add(key, label, edit, required=True)
    return edits


class BoardDecisionDialog(FormDialog):
    """The committee's decision, at a held meeting, to print the 红榜 and/or 黑榜 of a period by name."""

    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent, N_("Record a decision to name"), width=560)
        self.actor = actor
        self.meeting = meeting_picker(self, actor, name="decisionMeeting")
        self.form.add("meeting_id", N_("Meeting"), self.meeting, required=True,
                      hint=N_("The meeting, already held, that decided it."))
        self.start, self.end = month_so_far(self.form, ("period_start", N_("Period from")),
                                            ("period_end", N_("Period to")))
        lists = QWidget()
        row = QHBoxLayout(lists)
        row.setContentsMargins(0, 0, 0, 0)
        self.name_red = QCheckBox(_("Red list"))
        self.name_black = QCheckBox(_("Black list"))
        self.name_black.setChecked(True)
        row.addWidget(self.name_red)
        row.addWidget(self.name_black)
        row.addStretch(1)
        self.form.add("name_black", N_("Print by name"), lists, required=True)
        self.summary = line(name="decisionReason")
        self.form.add("summary", N_("Reason"), self.summary, required=True)
        self.finish_layout()

    def save_op(self) -> Any:
        actor, meeting_id = self.actor, self.meeting.choice.id if self.meeting.choice else None
        start, end = self.start.date().toPython(), self.end.date().toPython()
        name_red, name_black, summary = self.name_red.isChecked(), self.name_black.isChecked(), self.summary.text()
        if not meeting_id:
            raise ValidationError({"meeting_id": _("Choose the meeting, already held, that decided it.")})
        if not summary.strip():
            raise ValidationError({"summary": _("Say what the committee decided, and why.")})
        return lambda s: points.record_board_decision(
            session=s, actor=actor, meeting_id=meeting_id, period_start=start, period_end=end, name_red=name_red,
            name_black=name_black, summary=summary)


# ---------------------------------------------------------------- approvals


class ApprovalsTab(QWidget):
    """待审核: proposals from rules that need approval, volunteer service and meetings."""

    def __init__(self, page: PointsPage):
        super().__init__()
        self.page, self.actor = page, page.actor
        layout = QVBoxLayout(self)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.table, self.model = make_table(PROPOSAL_COLUMNS, "proposalsTable", self, stretch=2)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.approve_button = QPushButton()
        self.approve_button.setObjectName("approveProposal")
        self.approve_button.clicked.connect(self.approve)
        self.reject_button = QPushButton()
        self.reject_button.setObjectName("rejectProposal")
        self.reject_button.clicked.connect(self.reject)
        self.from_service_button = QPushButton()
        self.from_service_button.setObjectName("proposeFromVolunteering")
        self.from_service_button.clicked.connect(lambda: self.propose(ProposeFromServiceDialog))
        self.from_meeting_button = QPushButton()
        self.from_meeting_button.setObjectName("proposeFromMeeting")
        self.from_meeting_button.clicked.connect(lambda: self.propose(ProposeFromMeetingDialog))
        buttons.addWidget(self.from_service_button)
        buttons.addWidget(self.from_meeting_button)
        buttons.addStretch(1)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.reject_button)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setVisible(False)
        layout.addWidget(self.message)

    def retranslate_ui(self) -> None:
        self.hint.setText(_("Points proposed for approval: entries under rules that need approval, completed "
                            "volunteer service and meeting attendance. Approving puts the entry in the ledger."))
        self.approve_button.setText(_("Approve"))
        self.reject_button.setText(_("Reject…"))
        self.from_service_button.setText(_("From volunteer service…"))
        self.from_meeting_button.setText(_("From meeting attendance…"))
        self.model.retranslate()
        self._update_buttons()

    def _update_buttons(self) -> None:
        refused = self.page.actions().get("approve", "")
        enable(self.approve_button, refused, needs=current_row(self.table))
        enable(self.reject_button, refused, needs=current_row(self.table))
        for button in (self.from_service_button, self.from_meeting_button):
            enable(button, self.page.actions().get("record", ""))

    def reload(self) -> None:
        actor = self.actor
        DbOp(self, lambda s: points.proposals(session=s, actor=actor), read_only=True).success(self._loaded).run()

    def _loaded(self, rows: list[Any]) -> None:
        self.model.set_rows(rows)
        self._update_buttons()
        self.page.loaded.emit()

    def approve(self) -> None:
        proposal = current_row(self.table)
        if proposal is None:
            return
        actor = self.actor
        DbOp(self, lambda s: points.approve_proposal(session=s, actor=actor, proposal_id=proposal.id)) \
            .changes("points").success(lambda e: (set_message(self.message, _(
                "Approved: entry no. {seq}.").format(seq=e.seq), error=False), self.reload())) \
            .failure(lambda exc: set_message(self.message, str(exc), error=True)).run()

    def reject(self) -> None:
        proposal = current_row(self.table)
        if proposal is None:
            return
        self.page.dialog = dialog = RejectDialog(self, self.actor, proposal)
        dialog.saved.connect(lambda _p: self.reload())
        dialog.open()


    def propose(self, dialog_class: Any) -> None:
        self.page.dialog = dialog = dialog_class(self, self.actor)
        dialog.saved.connect(self._proposed)
        dialog.open()

    def _proposed(self, made: list[Any]) -> None:
        set_message(self.message, ngettext("{n} proposal made; approve or reject each below.",
                                           "{n} proposals made; approve or reject each below.", len(made)).format(
            n=len(made)) if made else _("Nothing new to propose: each service or attendance is proposed once."),
            error=False)
        self.reload()


class _ProposeDialog(FormDialog):
    """The earning rule (in force) the proposals are made under; approval still decides each."""

    def __init__(self, parent: QWidget | None, actor: Any, title: str):
        super().__init__(parent, title, width=600)
        self.actor = actor
        self.rule = QComboBox()
        self.rule.setObjectName("proposalRule")
        self.rule.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.form.add("rule_id", N_("Rule"), self.rule, required=True,
                      hint=N_("A rule in force that earns points; each proposal carries its version."))
        DbOp(self, lambda s: points.rules(session=s, actor=actor), read_only=True).success(
            lambda rows: fill_combo(self.rule, [(r.id, f"{r.description}（{_signed(r.points)}）")
                                                for r in rows if r.points > 0], keep=False)).run()

    def rule_id(self) -> str:
        rule_id = self.rule.currentData()
        if not rule_id:
            raise ValidationError({"rule_id": _("Choose a rule in force that earns points.")})
        return rule_id


class ProposeFromServiceDialog(_ProposeDialog):
    """一户一条: one proposal per completed volunteer assignment of the period (not yet proposed)."""

    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent, actor, N_("Propose points for volunteer service"))
        self.start, self.end = month_so_far(self.form, ("start", N_("Service from")), ("end", N_("Service to")))
        self.finish_layout()

    def save_op(self) -> Any:
        actor, rule_id = self.actor, self.rule_id()
        start, end = self.start.date().toPython(), self.end.date().toPython()
        return lambda s: points.propose_from_volunteering(session=s, actor=actor, rule_id=rule_id, start=start,
                                                          end=end)


class ProposeFromMeetingDialog(_ProposeDialog):
    """One proposal per household that signed in at a held meeting."""

    def __init__(self, parent: QWidget | None, actor: Any):
        super().__init__(parent, actor, N_("Propose points for meeting attendance"))
        self.meeting = meeting_picker(self, actor, name="proposalMeeting")
        self.form.add("meeting_id", N_("Meeting"), self.meeting, required=True)
        self.finish_layout()

    def save_op(self) -> Any:
        actor, rule_id = self.actor, self.rule_id()
        if self.meeting.choice is None:
            raise ValidationError({"meeting_id": _("Choose the meeting from the list.")})
        meeting_id = self.meeting.choice.id
        return lambda s: points.propose_from_meeting(session=s, actor=actor, meeting_id=meeting_id, rule_id=rule_id)


class RejectDialog(FormDialog):
    def __init__(self, parent: QWidget | None, actor: Any, proposal: Any):
        super().__init__(parent, N_("Reject a proposal"))
        self.actor, self.proposal_id = actor, proposal.id
        what = QLabel(f"{proposal.household_name}：{proposal.rule_text}（{_signed(proposal.points)}）")
        what.setWordWrap(True)
        self.form.add("proposal", N_("Proposal"), what)
        self.reason = line(name="rejectReason")
        self.form.add("reason", N_("Reason"), self.reason, required=True)
        self.finish_layout()

    def save_op(self) -> Any:
        actor, proposal_id, reason = self.actor, self.proposal_id, self.reason.text()
        return lambda s: points.reject_proposal(session=s, actor=actor, proposal_id=proposal_id, reason=reason)

