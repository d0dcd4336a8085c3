"""Issue 14, part 2: every register and report table as .xlsx, masked unless asked and allowed."""
from __future__ import annotations

import datetime as dt
import os
import random
import stat

import pytest
from openpyxl import load_workbook

from app import excel, people
from app.auth import CLERK, GRID_WORKER, MEDIATOR, TOWNSHIP, Actor
from app.errors import NotFound, PermissionDenied, StorageError
from app.excel.writer import display_width


def actor(role: str) -> Actor:
    return Actor(user_id="", username=role, display_name=role, role=role)


@pytest.fixture
def register(village):
    database, admin = village
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组", number=1)
        household = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王大明", number="0001", group_id=group.id, phone="13812345678", address="一组12号"))
        people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="王大明", id_number="11010519491231002X", phone="13812345678", household_id=household.id,
            relation="head", party_member=True))
    return database, admin


def test_residents_round_trip_with_real_dates_and_masked_numbers_by_default(register, tmp_path):
    database, admin = register
    with database.unit(admin) as session:
        result = excel.export_table(session=session, actor=admin, kind="residents", to_file=tmp_path / "人口.xlsx")
    assert result.rows == 1 and result.masked
    sheet = load_workbook(result.path).active
    headers = [c.value for c in sheet[1]]
    assert headers[:6] == ["姓名", "性别", "公民身份号码", "出生日期", "联系电话", "户号"]
    row = [c.value for c in sheet[2]]
    assert row[0] == "王大明" and row[1] == "女"  # 17th digit even
    assert row[2] == "110105********002X" and row[4] == "138****5678"
    assert row[3] == dt.datetime(1949, 12, 31) and sheet.cell(row=2, column=4).is_date
    assert row[5] == "0001" and row[6] == "王大明" and row[8] == "一组" and row[9] == "是"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:M2"
    assert sheet.column_dimensions["C"].width >= display_width("110105********002X")
    assert sheet.column_dimensions["A"].width >= display_width("姓名") == 4


def test_full_numbers_for_the_office_only(register, tmp_path):
    database, admin = register
    with database.unit(admin) as session:
        result = excel.export_table(session=session, actor=admin, kind="households", to_file=tmp_path / "h.xlsx",
                                    full=True)
    sheet = load_workbook(result.path).active
    assert [c.value for c in sheet[2]][:6] == ["0001", "王大明", "一组", None, "一组12号", "13812345678"]
    for role in (MEDIATOR, GRID_WORKER):
        with pytest.raises(PermissionDenied), database.unit(actor(role)) as session:
            excel.export_table(session=session, actor=actor(role), kind="households", to_file=tmp_path / "x.xlsx",
                               full=True)
        with database.unit(actor(role)) as session:  # masked they may have
            masked = excel.export_table(session=session, actor=actor(role), kind="households",
                                        to_file=tmp_path / f"{role}.xlsx")
        assert load_workbook(masked.path).active.cell(row=2, column=6).value == "138****5678"
    assert not (tmp_path / "x.xlsx").exists()


def test_cases_only_for_mediators_and_the_secretary(register, tmp_path):
    database, admin = register
    for role, allowed in ((CLERK, False), (GRID_WORKER, False), (TOWNSHIP, False), (MEDIATOR, True)):
        kinds = {k.kind for k in excel.export_kinds(session=None, actor=actor(role))}
        assert ("cases" in kinds) is allowed
        if not allowed:
            with pytest.raises(PermissionDenied), database.unit(actor(role)) as session:
                excel.export_table(session=session, actor=actor(role), kind="cases", to_file=tmp_path / "c.xlsx")
    with pytest.raises(NotFound), database.unit(admin) as session:
        excel.export_table(session=session, actor=admin, kind="nothing", to_file=tmp_path / "n.xlsx")


def test_every_table_of_the_demo_village_exports_and_reopens(village, tmp_path):
    from app import demo

    database, admin = village
    with database.unit(admin) as session:
        demo.generate(session=session, actor=admin, size="small", seed=3)
    for table in excel.TABLES:
        with database.unit(admin) as session:
            result = excel.export_table(session=session, actor=admin, kind=table.kind, to_file=tmp_path / table.kind)
        assert result.path.endswith(".xlsx")
        sheet = load_workbook(result.path).active
        assert [c.value for c in sheet[1]] == [_zh(c.header) for c in table.columns]
        assert sheet.max_row == result.rows + 1
        assert result.rows > 0, table.kind
        dates = [c for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, dt.datetime)]
        if table.kind in ("residents", "meetings", "concerns", "points", "hours", "cases"):
            assert dates and all(c.is_date for c in dates), table.kind


def _zh(msgid: str) -> str:
    from app.i18n import _

    return _(msgid)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_failed_write_leaves_no_partial_file(register, tmp_path):
    database, admin = register
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(StorageError), database.unit(admin) as session:
            excel.export_table(session=session, actor=admin, kind="residents", to_file=folder / "r.xlsx")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(stat.S_IRWXU)


def test_a_write_that_fails_midway_leaves_no_partial_file(register, tmp_path, monkeypatch):
    """As root the folder test cannot fail a write: a disk that fills up while saving is simulated."""
    from openpyxl import Workbook

    database, admin = register
    out = tmp_path / "out"
    out.mkdir()
    (out / "r.xlsx").write_bytes(b"the previous export")

    def full_disk(self, filename):
        filename.write(b"PK\x03\x04 half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full_disk)
    with pytest.raises(StorageError), database.unit(admin) as session:
        excel.export_table(session=session, actor=admin, kind="residents", to_file=out / "r.xlsx")
    assert sorted(p.name for p in out.iterdir()) == ["r.xlsx"]
    assert (out / "r.xlsx").read_bytes() == b"the previous export"


def test_column_widths_count_chinese_characters_double():
    assert display_width("张三") == 4 and display_width("abc") == 3 and display_width("１２") == 4
    assert display_width(dt.date(2026, 1, 5)) == 10 and display_width(None) == 0
    rng = random.Random(1)
    text = "".join(rng.choice("王李ab1") for _ in range(20))
    assert display_width(text) == sum(2 if ch in "王李" else 1 for ch in text)


def test_cli_export_excel(register, tmp_path, capsys):
    from app.cli import main

    database, _admin = register
    database.dispose()
    os.environ["VILLAGEDESK_PASSWORD"] = "secret-pass"
    try:
        assert main(["export-excel", "residents", "--out", str(tmp_path / "r.xlsx"), "--db", str(database.path),
                     "--full"]) == 0
        assert main(["export-excel", "cases", "--out", str(tmp_path / "c.xlsx"), "--db", str(database.path)]) == 0
    finally:
        del os.environ["VILLAGEDESK_PASSWORD"]
    out = capsys.readouterr().out.split()
    assert out[0].endswith("r.xlsx")
    assert load_workbook(out[0]).active.cell(row=2, column=3).value == "11010519491231002X"
