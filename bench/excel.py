"""Excel in and out: a 9,000-row 花名册 imported into a fresh village (issue 14: ≤ 10 s, with
progress), and the residents of the large demo exported to .xlsx."""
from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

SURNAMES, GIVEN = "王李张刘陈杨黄赵吴周", "伟强军平刚勇杰涛明超华建国志文斌辉波鹏宇"
HEADERS = ["户号", "户主姓名", "姓名", "性别", "与户主关系", "公民身份号码", "联系电话", "村民小组", "家庭住址"]


def big_sheet(path: Path, n: int) -> Path:
    """A register of ``n`` residents in households of three, the way villages keep it (IDs as text)."""
    from openpyxl import Workbook

    from app.validation import id_check_digit

    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(HEADERS)
    for i in range(n):
        household = i // 3
        head = SURNAMES[household % 10] + GIVEN[household % 20] + GIVEN[(household // 20) % 20]
        name = head if i % 3 == 0 else SURNAMES[(i * 7) % 10] + GIVEN[i % 20] + GIVEN[(i // 20) % 20]
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=i * 3)
        seq = f"{i % 1000:03d}"
        first17 = f"510112{birth:%Y%m%d}{seq}"
        sheet.append([f"{household + 1:05d}", head, name, "男" if int(seq[2]) % 2 else "女",
                      "户主" if i % 3 == 0 else "子", first17 + id_check_digit(first17), f"138{i:08d}",
                      f"{household % 12 + 1}组", f"{household % 12 + 1}组{household}号"])
    book.save(path)
    return path


def fresh_village(path: Path):
    from app import people
    from db.engine import Database

    database = Database(path)
    with database.unit() as session:
        admin = people.setup_village(session=session, name="青石村", code="510112104201", township="龙泉镇",
                                     committee_name="", supervision_phone="", admin_username="admin",
                                     admin_password="bench-pass-1", admin_display_name="李书记")
    database.refresh_village_code()
    with database.unit(admin) as session:
        for n in range(1, 13):
            people.add_group(session=session, actor=admin, name=f"{n}组", number=n)
    return database, admin


class _Progress:
    def __init__(self) -> None:
        self.reports = 0

    def update(self, done: int, total: int, text: str = "") -> None:
        self.reports += 1

    def check(self) -> None:
        pass


def run(db_path: Path, actor) -> dict[str, object]:
    from app import excel, people
    from db.engine import Database

    work = Path(tempfile.mkdtemp(prefix="bench-excel-"))
    sheet = big_sheet(work / "花名册.xlsx", 9000)
    database, admin = fresh_village(work / "import.sqlite3")
    progress = _Progress()
    start = time.perf_counter()
    with database.unit(admin) as session:
        result = people.import_excel(session=session, actor=admin, path=sheet, progress=progress)
    import_s = time.perf_counter() - start
    start = time.perf_counter()
    with database.session() as session:
        plan = people.plan_excel_import(session=session, actor=admin, path=sheet)
    reimport_plan_s = time.perf_counter() - start
    database.dispose()

    large = Database(db_path)
    start = time.perf_counter()
    with large.unit(actor) as session:
        exported = excel.export_table(session=session, actor=actor, kind="residents", to_file=work / "residents.xlsx")
    export_s = time.perf_counter() - start
    large.dispose()
    return {
        "import_rows": 9000, "import_s": round(import_s, 2), "households": result.households,
        "residents": result.residents, "progress_reports": progress.reports,
        "reimport_check_s": round(reimport_plan_s, 2), "reimport_existing": plan.existing_residents,
        "export_residents_rows": exported.rows, "export_residents_s": round(export_s, 2),
    }
