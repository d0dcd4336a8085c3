"""The 从Excel导入 wizard and the 导出Excel… button, driven like a clerk would."""
from __future__ import annotations

import os

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlmodel import func, select

from app import people
from db.models.people import Household, Resident
from test_excel_import import EXPECTED_ERRORS, write_messy_xlsx

pytestmark = pytest.mark.gui

SCREENSHOTS = os.environ.get("VILLAGEDESK_SCREENSHOTS")  # a folder: save what the wizard looks like


@pytest.fixture
def window(village, sign_in):
    database, admin = village
    with database.unit(admin) as session:
        people.add_group(session=session, actor=admin, name="一组", number=1)
        people.add_group(session=session, actor=admin, name="二组", number=2)
    return sign_in(database), database


def open_page(qtbot, win, key):
    page = win.open_area(key)
    if not page._loaded_once:
        with qtbot.waitSignal(page.ids_loaded, timeout=10000):
            pass
    return page


def shot(widget, name):
    if SCREENSHOTS:
        widget.grab().save(os.path.join(SCREENSHOTS, name))


def test_the_wizard_imports_a_messy_sheet(gui, window, tmp_path, monkeypatch):
    win, database = window
    page = open_page(gui, win, "residents")
    assert page.import_button.isEnabled(), page.import_button.toolTip()
    path = write_messy_xlsx(tmp_path / "花名册.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    gui.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog = page.import_dialog
    assert dialog.isVisible() and not dialog.next_button.isEnabled()
    gui.mouseClick(dialog.browse, Qt.MouseButton.LeftButton)
    assert dialog.path.text() == str(path)
    shot(dialog, "excel-1-file.png")
    gui.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: dialog.stack.currentIndex() == 1, timeout=15000)
    shot(dialog, "excel-2-columns.png")
    assert [c.currentData() for c in dialog.combos] == [
        "", "head_name", "name", "gender", "relation", "id_number", "phone", "group", "address"]
    dialog.combos[8].setCurrentIndex(dialog.combos[8].findData(""))  # the clerk leaves the address out
    gui.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: dialog.stack.currentIndex() == 2, timeout=15000)
    shot(dialog, "excel-3-preview.png")
    errors = [(int(dialog.errors_model.item(r, 0).text()), dialog.errors_model.item(r, 1).text(),
               dialog.errors_model.item(r, 2).text()) for r in range(dialog.errors_model.rowCount())]
    assert errors == EXPECTED_ERRORS
    assert dialog.preview_model.rowCount() == 4 and dialog.preview_model.item(0, 1).text() == "王大明"
    assert "2" in dialog.summary.text() and "4" in dialog.summary.text()

    report = tmp_path / "errors.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(report), "")))
    gui.mouseClick(dialog.save_errors, Qt.MouseButton.LeftButton)
    assert load_workbook(report).active.cell(row=7, column=6).comment.text == EXPECTED_ERRORS[0][2]

    with database.session() as session:
        assert session.exec(select(func.count()).select_from(Resident)).one() == 0  # nothing before confirming
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    with gui.waitSignal(dialog.imported, timeout=20000) as imported:
        gui.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert (imported.args[0].households, imported.args[0].residents) == (2, 4)
    assert not dialog.isVisible()
    with database.session() as session:
        assert session.exec(select(func.count()).select_from(Resident)).one() == 4
        assert {h.address for h in session.exec(select(Household))} == {""}  # the column left out
    gui.waitUntil(lambda: page.model.rowCount() == 4, timeout=10000)


def test_a_foreign_file_is_refused_in_the_wizard(gui, window, tmp_path, monkeypatch):
    win, _database = window
    page = open_page(gui, win, "households")
    bad = tmp_path / "台账.xlsx"
    bad.write_bytes(os.urandom(2048))
    shown: list[str] = []
    monkeypatch.setattr("ui.dialogs.excel_import.show_error", lambda _parent, message: shown.append(message))
    gui.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog = page.import_dialog
    dialog.path.setText(str(bad))
    gui.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(lambda: bool(shown), timeout=15000)
    assert "台账.xlsx" in shown[0] and dialog.stack.currentIndex() == 0
    dialog.reject()


def test_export_button_writes_the_register_masked_by_default(gui, window, tmp_path, monkeypatch):
    win, database = window
    path = write_messy_xlsx(tmp_path / "花名册.xlsx")
    from app.auth import SYSTEM

    with database.unit(SYSTEM) as session:
        people.import_excel(session=session, actor=SYSTEM, path=path)
    page = open_page(gui, win, "residents")
    assert page.export_button.isVisible() and page.export_button.isEnabled()
    target = tmp_path / "out.xlsx"
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    gui.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    gui.waitUntil(target.exists, timeout=15000)
    sheet = load_workbook(target).active
    ids = [sheet.cell(row=r, column=3).value for r in range(2, sheet.max_row + 1)]
    assert len(ids) == 4 and all("********" in i for i in ids if i)


@pytest.mark.parametrize("area", ["meetings", "concerns", "notices", "mediation", "deliberation", "points",
                                  "volunteers", "awards", "households"])
def test_every_register_page_exports_its_table(gui, window, tmp_path, monkeypatch, area):
    win, _database = window
    page = win.open_area(area)
    button = page.export_button
    assert button.isEnabled(), button.toolTip()
    target = tmp_path / f"{area}.xlsx"
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    button.click()
    gui.waitUntil(target.exists, timeout=15000)
    headers = [c.value for c in load_workbook(target).active[1]]
    from app import excel

    table = next(t for t in excel.TABLES if t.kind == button.kind)
    from app.i18n import _

    assert headers == [_(c.header) for c in table.columns]
