"""Issue 14, part 1: households and residents from the Excel 台账 a village already keeps."""
from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import func, select

from app import people
from app.auth import GRID_WORKER, Actor
from app.errors import PermissionDenied, ValidationError
from app.validation import id_check_digit
from db.models.accounts import Setting
from db.models.people import Household, Resident

def valid_id(first17: str) -> str:
    return first17 + id_check_digit(first17)


ID_HEAD = valid_id("51011219700305001")       # 王大明
ID_SPOUSE = valid_id("51011219720811002")     # 刘桂兰
OLD_ID = "510112750101013"                     # 王小军, a 15-digit ID of before 1999
OLD_ID_AS_18 = valid_id("51011219750101013")
ID_BAD = ID_HEAD[:17] + ("0" if ID_HEAD[17] != "0" else "1")  # wrong check digit
ID_LI_SPOUSE = valid_id("51011219800101123")  # 张伟
ID_ZHAO = valid_id("51011219650606003")       # 赵六
ID_ZHOU = next(int(v) for s in range(5, 999, 2)   # 周八, typed as a number: Excel keeps 15 digits
               if not (v := valid_id(f"51011219581111{s:03d}")).endswith("X"))

FULL = str.maketrans("0123456789", "０１２３４５６７８９")
HEADERS = ["序号", "户主姓名", "姓名", "性别", "与户主关系", "公民身份号码", "联系电话", "村民小组", "家庭住址"]


def messy_rows() -> list[list[object]]:
    spaced = f"{ID_SPOUSE[:6]} {ID_SPOUSE[6:14]} {ID_SPOUSE[14:]}"
    return [
        [1, "王大明", "王大明", "男", "户主", ID_HEAD.translate(FULL), 13812345678, "一组", "一组12号"],  # row 4
        [2, "王大明", "刘桂兰", "女", "配偶", spaced, "139-1234-5678", "一组", "一组12号"],           # row 5
        [3, "王大明", "王小军", "男", "长子", int(OLD_ID), None, "１组", ""],                          # row 6
        [4, "李小红", "李小红", "女", "户主", ID_BAD, "", "二组", "二组3号"],                           # row 7
        [5, "李小红", "张伟", "男", "配偶", ID_LI_SPOUSE, "", "二组", "二组3号"],                        # row 8
        [6, "王大明", "刘桂兰", "女", "配偶", spaced, "139-1234-5678", "一组", "一组12号"],           # row 9: duplicate
        [7, "赵六", "赵六", "男", "户主", ID_ZHAO, "", "九组", ""],                                    # row 10
        [8, "陈七", "", "女", "", "", "", "一组", ""],                                                  # row 11
        [9, "周八", "周八", "男", "户主", float(ID_ZHOU), "", "一组", ""],                             # row 12
    ]


def write_messy_xlsx(path: Path, rows: list[list[object]] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet["A1"] = "青石村村民花名册（2025年）"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A2"] = "填报单位：青石村村委会"
    sheet.merge_cells("A2:D2")
    sheet.append(HEADERS)
    for row in messy_rows() if rows is None else rows:
        sheet.append(row)
    for blank in range(sheet.max_row + 1, sheet.max_row + 6):  # trailing "blank" rows WPS leaves behind
        sheet.cell(row=blank, column=2, value=" ")
    book.save(path)
    return path


EXPECTED_ERRORS = [  # in the user's language (Chinese by default)
    (7, "公民身份号码", "公民身份号码校验位不正确，请检查是否输错。"),
    (9, "公民身份号码", "第 5 行已有相同的身份证号。"),
    (10, "村民小组", "未知的村民小组“九组”：请先在“村情”中添加该小组，或更正此单元格。"),
    (11, "姓名", "缺少姓名。"),
    (12, "公民身份号码", "身份证号以数字格式保存，末几位已丢失：请把该列设为文本格式后重新录入。"),
]


@pytest.fixture
def groups(village):
    database, admin = village
    with database.unit(admin) as session:
        people.add_group(session=session, actor=admin, name="一组", number=1)
        people.add_group(session=session, actor=admin, name="二组", number=2)
    return database, admin


def counts(database) -> tuple[int, int]:
    with database.session() as session:
        return (session.exec(select(func.count()).select_from(Household)).one(),
                session.exec(select(func.count()).select_from(Resident)).one())


def test_messy_sheet_gives_the_exact_error_report_and_preview(groups, tmp_path):
    database, admin = groups
    path = write_messy_xlsx(tmp_path / "花名册.xlsx")
    with database.session() as session:
        plan = people.plan_excel_import(session=session, actor=admin, path=path)
    assert plan.header_row == 3
    assert [(e.row, e.column, e.reason) for e in plan.errors] == EXPECTED_ERRORS
    assert {plan.headers[i]: f for i, f in plan.mapping.items()} == {
        "户主姓名": "head_name", "姓名": "name", "性别": "gender", "与户主关系": "relation",
        "公民身份号码": "id_number", "联系电话": "phone", "村民小组": "group", "家庭住址": "address"}
    assert (plan.rows, plan.valid, plan.new_households, plan.new_residents) == (9, 4, 2, 4)
    assert [(p["row"], p["name"], p["id_number"], p["phone"]) for p in plan.preview] == [
        ("4", "王大明", ID_HEAD, "13812345678"), ("5", "刘桂兰", ID_SPOUSE, "13912345678"),
        ("6", "王小军", OLD_ID_AS_18, ""), ("8", "张伟", ID_LI_SPOUSE, "")]
    assert counts(database) == (0, 0)  # planning writes nothing


def test_import_writes_valid_rows_in_households_and_reimport_creates_nothing(groups, tmp_path):
    database, admin = groups
    path = write_messy_xlsx(tmp_path / "花名册.xlsx")
    with database.unit(admin) as session:
        result = people.import_excel(session=session, actor=admin, path=path)
    assert (result.households, result.residents, result.existing_residents) == (2, 4, 0)
    assert [(e.row, e.column) for e in result.errors] == [(r, c) for r, c, _m in EXPECTED_ERRORS]
    with database.session() as session:
        wang = session.exec(select(Household).where(Household.head_name == "王大明")).one()
        members = {r.name: r for r in session.exec(select(Resident).where(Resident.household_id == wang.id))}
        assert set(members) == {"王大明", "刘桂兰", "王小军"}
        assert members["王大明"].relation == "head" and members["刘桂兰"].relation == "spouse"
        assert members["王小军"].relation == "son" and members["王小军"].id_number == OLD_ID_AS_18
        assert members["王小军"].birth_date == dt.date(1975, 1, 1) and members["王小军"].gender == "M"
        assert members["王大明"].phone == "13812345678" and wang.phone == "13812345678"
        assert wang.address == "一组12号" and wang.number and members["王大明"].search_key.startswith("wang")
        li = session.exec(select(Household).where(Household.head_name == "李小红")).one()
        assert [r.name for r in session.exec(select(Resident).where(Resident.household_id == li.id))] == ["张伟"]
        assert session.get(Setting, "excel_import_mapping").value["公民身份号码"] == "id_number"
    before = counts(database)
    with database.unit(admin) as session:
        again = people.import_excel(session=session, actor=admin, path=path)
    assert (again.households, again.residents, again.existing_residents) == (0, 0, 4)
    assert counts(database) == before


def test_reimport_matches_by_name_and_household_when_there_is_no_id(groups, tmp_path):
    database, admin = groups
    rows = [[1, "孙九", "孙九", "男", "户主", "", "", "一组", ""], [2, "孙九", "孙小妹", "女", "女儿", "", "", "一组", ""]]
    path = write_messy_xlsx(tmp_path / "no-ids.xlsx", rows)
    for expected in ((1, 2, 0), (0, 0, 2)):
        with database.unit(admin) as session:
            result = people.import_excel(session=session, actor=admin, path=path)
        assert (result.households, result.residents, result.existing_residents) == expected
    assert counts(database) == (1, 2)


def test_dry_run_writes_nothing_to_the_database_file(groups, tmp_path):
    from app.cli import main

    database, _admin = groups
    path = write_messy_xlsx(tmp_path / "花名册.xlsx")
    database.dispose()
    store = database.path
    before = {p.name: p.read_bytes() for p in store.parent.glob(store.name + "*")}
    os.environ["VILLAGEDESK_PASSWORD"] = "secret-pass"
    try:
        assert main(["import-excel", str(path), "--dry-run", "--json", "--db", str(store),
                     "--errors", str(tmp_path / "errors.xlsx")]) == 0
    finally:
        del os.environ["VILLAGEDESK_PASSWORD"]
    after = {p.name: p.read_bytes() for p in store.parent.glob(store.name + "*") if not p.name.endswith(".lock")}
    assert {k: v for k, v in before.items() if not k.endswith(".lock")} == after
    report = load_workbook(tmp_path / "errors.xlsx")
    assert report.active.cell(row=7, column=6).fill.fgColor.rgb.endswith("FFC7CE")


def test_cli_import_prints_a_json_summary_and_accepts_a_mapping(groups, tmp_path, capsys):
    from app.cli import main

    database, _admin = groups
    rows = [["王大明", "男", ID_HEAD, "一组"]]
    book = Workbook()
    book.active.append(["名", "男女", "号码", "组"])
    book.active.append(rows[0])
    path = tmp_path / "odd.xlsx"
    book.save(path)
    database.dispose()
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"1": "name", "男女": "gender", "号码": "id_number"}), encoding="utf-8")
    os.environ["VILLAGEDESK_PASSWORD"] = "secret-pass"
    try:
        assert main(["import-excel", str(path), "--json", "--db", str(database.path), "--mapping", str(mapping)]) == 0
    finally:
        del os.environ["VILLAGEDESK_PASSWORD"]
    summary = json.loads(capsys.readouterr().out)
    assert summary["households"] == 1 and summary["residents"] == 1 and summary["errors"] == []
    assert summary["mapping"] == {"名": "name", "男女": "gender", "号码": "id_number", "组": "group"}


def test_error_report_marks_each_refused_cell_with_its_reason(groups, tmp_path):
    database, admin = groups
    path = write_messy_xlsx(tmp_path / "花名册.xlsx")
    with database.session() as session:
        plan = people.plan_excel_import(session=session, actor=admin, path=path)
    out = people.write_error_report(plan, tmp_path / "错误.xlsx")
    sheet = load_workbook(out).active
    assert sheet.cell(row=3, column=10).value == "错误"
    for row, column, reason in EXPECTED_ERRORS:
        cell = sheet.cell(row=row, column=HEADERS.index(column) + 1)
        assert cell.fill.fgColor.rgb.endswith("FFC7CE"), (row, column)
        assert cell.comment.text == reason
        assert f"{column}: {reason}" in sheet.cell(row=row, column=10).value
    assert sheet.cell(row=4, column=10).value is None  # a valid row has no reason
    assert sheet.cell(row=4, column=3).value == "王大明"


@pytest.mark.parametrize("content", [b"", os.urandom(4096), b"PK\x03\x04not really a zip"])
def test_damaged_or_foreign_files_are_refused_and_nothing_is_written(groups, tmp_path, content):
    database, admin = groups
    path = tmp_path / "台账.xlsx"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as caught, database.unit(admin) as session:
        people.import_excel(session=session, actor=admin, path=path)
    assert "台账.xlsx" in caught.value.message
    assert counts(database) == (0, 0)


def test_a_word_document_renamed_xlsx_is_refused(groups, tmp_path):
    import zipfile

    database, admin = groups
    path = tmp_path / "通知.xlsx"
    with zipfile.ZipFile(path, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ValidationError), database.unit(admin) as session:
        people.import_excel(session=session, actor=admin, path=path)
    assert counts(database) == (0, 0)


def test_a_sheet_without_headers_or_names_is_refused_in_words(groups, tmp_path):
    database, admin = groups
    book = Workbook()
    book.active.append(["a", "b"])
    book.active.append([1, 2])
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(ValidationError, match="找不到表头行"), database.session() as session:
        people.plan_excel_import(session=session, actor=admin, path=tmp_path / "x.xlsx")


def test_grid_workers_and_the_township_may_not_import(groups, tmp_path):
    database, _admin = groups
    path = write_messy_xlsx(tmp_path / "花名册.xlsx")
    for role in (GRID_WORKER, "township"):
        actor = Actor(user_id="", username=role, display_name=role, role=role, grid_id="g")
        with pytest.raises(PermissionDenied), database.session() as session:
            people.plan_excel_import(session=session, actor=actor, path=path)


def test_old_ids_full_width_digits_and_group_spellings():
    from app.people.excel_import import _group_number, guess_field, old_id_to_new

    assert old_id_to_new(OLD_ID) == OLD_ID_AS_18
    assert [_group_number(t) for t in ("一组", "3组", "第十二村民小组", "十组", "二十一社", "上坝组")] == [1, 3, 12, 10, 21, None]
    assert [guess_field(h) for h in ("公民身份号码", "身份证号码", "手机号码", "户主", "组别", "出生日期", "政治面貌",
                                     "民族", "序号", " 姓 名 ")] == [
        "id_number", "id_number", "phone", "head_name", "group", "birth_date", "party", "", "", "name"]


def test_an_xls_saved_by_wps_is_imported_like_an_xlsx(groups, tmp_path):
    xlwt = pytest.importorskip("xlwt")  # the dev extra: nothing in the program writes .xls
    database, admin = groups
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    sheet.write_merge(0, 0, 0, len(HEADERS) - 1, "青石村村民花名册")
    sheet.write(1, 0, "填报单位：青石村村委会")
    for col, header in enumerate(HEADERS):
        sheet.write(2, col, header)
    for r, row in enumerate(messy_rows(), start=3):
        for col, value in enumerate(row):
            if value is not None:
                sheet.write(r, col, value)
    path = tmp_path / "花名册.xls"
    book.save(str(path))
    with database.session() as session:
        plan = people.plan_excel_import(session=session, actor=admin, path=path)
    assert [(e.row, e.column, e.reason) for e in plan.errors] == EXPECTED_ERRORS
    with database.unit(admin) as session:
        result = people.import_excel(session=session, actor=admin, path=path)
    assert (result.households, result.residents) == (2, 4)


def big_sheet(path: Path, n: int) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(["户号", "户主姓名", "姓名", "性别", "与户主关系", "公民身份号码", "联系电话", "村民小组", "家庭住址"])
    surnames, given = "王李张刘陈杨黄赵吴周", "伟强军平刚勇杰涛明超华建国志文斌辉波鹏宇"
    for i in range(n):
        household = i // 3
        head = surnames[household % 10] + given[household % 20] + given[(household // 20) % 20]
        name = head if i % 3 == 0 else surnames[(i * 7) % 10] + given[i % 20] + given[(i // 20) % 20]
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=i * 3)
        seq = f"{i % 1000:03d}"
        id_number = valid_id(f"510112{birth:%Y%m%d}{seq}")
        sheet.append([f"{household + 1:05d}", head, name, "男" if int(seq[2]) % 2 else "女",
                      "户主" if i % 3 == 0 else "子", id_number, f"138{i:08d}", "一组", f"一组{household}号"])
    book.save(path)
    return path


def test_nine_thousand_rows_import_within_ten_seconds_with_progress(groups, tmp_path):
    database, admin = groups
    path = big_sheet(tmp_path / "big.xlsx", 9000)
    seen: list[tuple[int, int]] = []

    class Progress:
        def update(self, done: int, total: int, text: str = "") -> None:
            seen.append((done, total))

        def check(self) -> None:
            pass

    started = time.perf_counter()
    with database.unit(admin) as session:
        result = people.import_excel(session=session, actor=admin, path=path, progress=Progress())
    elapsed = time.perf_counter() - started
    assert result.errors == [] and (result.households, result.residents) == (3000, 9000)
    assert elapsed <= 10, elapsed
    assert len(seen) >= 10 and seen[-1][1] == 9000
    assert counts(database) == (3000, 9000)


def test_search_keys_are_the_ones_the_forms_write(groups, tmp_path):
    from app.pinyin import name_search_key

    database, admin = groups
    with database.unit(admin) as session:
        people.import_excel(session=session, actor=admin, path=write_messy_xlsx(tmp_path / "花名册.xlsx"))
    with database.session() as session:
        for resident in session.exec(select(Resident)):
            assert resident.search_key == name_search_key(resident.name)
        for household in session.exec(select(Household)):
            assert household.search_key == name_search_key(household.head_name, household.number, household.address)


def test_an_import_is_preceded_by_a_verified_backup_and_refused_without_one(groups, tmp_path, monkeypatch):
    from app import backup as backups
    from app.errors import StorageError
    from app.paths import backups_dir

    database, admin = groups
    path = write_messy_xlsx(tmp_path / "花名册.xlsx")
    before = counts(database)
    with database.unit(admin) as session:
        people.import_excel(session=session, actor=admin, path=path)
    (made,) = backups_dir().glob("*-before-import.vdbackup")
    assert backups.verify(made)["live"]["resident"] == before[1]  # the state before the import

    def broken(*_args, **_kwargs):
        raise StorageError("磁盘已满")

    monkeypatch.setattr(backups, "_verified_generation", broken)
    second = write_messy_xlsx(tmp_path / "另一本.xlsx", [[c if not isinstance(c, str) or c not in ("王大明", "李小红")
                                                          else c + "甲" for c in row] for row in messy_rows()])
    after_first = counts(database)
    with pytest.raises(StorageError):
        with database.unit(admin) as session:
            people.import_excel(session=session, actor=admin, path=second)
    assert counts(database) == after_first
