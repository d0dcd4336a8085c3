"""``villagedesk import-excel`` and ``villagedesk export-excel``."""
from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from app.errors import ValidationError
from app.i18n import _


def _mapping(value: str | None) -> dict[str, str] | None:
    """``--mapping``: JSON (``{"姓名": "name", "3": "id_number"}``) or a file holding it."""
    if not value:
        return None
    text = value
    if not value.lstrip().startswith("{"):
        path = Path(value)
        if not path.is_file():
            raise ValidationError({"mapping": _("--mapping is neither JSON nor a file: {value}").format(value=value)})
        text = path.read_text(encoding="utf-8")
    try:
        mapping = json.loads(text)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict):
        raise ValidationError({"mapping": _("--mapping must be a JSON object: header → field.")})
    return {str(k): str(v) for k, v in mapping.items()}


class _Progress:
    def update(self, done: int, total: int, text: str = "") -> None:
        pass

    def check(self) -> None:
        pass


def cmd_import_excel(args: argparse.Namespace, ctx: Any) -> int:
    from app import people

    if args.dry_run:  # not even the sign-in time is written
        args.read_only = True
    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    mapping = _mapping(args.mapping)
    if args.dry_run:
        with database.session() as session:
            plan = people.plan_excel_import(session=session, actor=actor, path=args.file, mapping=mapping,
                                            sheet=args.sheet)
        summary = {"dry_run": True, "sheet": plan.sheet, "header_row": plan.header_row,
                   "mapping": {plan.headers[i]: f for i, f in plan.mapping.items()}, "rows": plan.rows,
                   "valid": plan.valid, "new_households": plan.new_households, "new_residents": plan.new_residents,
                   "existing_residents": plan.existing_residents}
        errors = plan.errors
    else:
        with database.unit(actor) as session:
            result = people.import_excel(session=session, actor=actor, path=args.file, mapping=mapping,
                                         sheet=args.sheet, progress=_Progress())
        plan = result.plan
        summary = {"dry_run": False, "sheet": plan.sheet, "header_row": plan.header_row,
                   "mapping": {plan.headers[i]: f for i, f in plan.mapping.items()}, "rows": plan.rows,
                   "households": result.households, "residents": result.residents,
                   "existing_residents": result.existing_residents}
        errors = result.errors
    summary["errors"] = [dataclasses.asdict(e) | {"col_index": None} for e in errors]
    for item in summary["errors"]:
        item.pop("col_index")
    if args.errors and errors:
        summary["error_report"] = str(people.write_error_report(plan, args.errors))
    if args.json:
        ctx.print_json(summary)
    else:
        if args.dry_run:
            print(_("Dry run of {file} (sheet {sheet}, headers on row {row}): {valid} of {rows} rows valid; would add "
                    "{households} households and {residents} residents; {existing} already in the register.").format(
                file=Path(args.file).name, sheet=plan.sheet, row=plan.header_row, valid=plan.valid, rows=plan.rows,
                households=plan.new_households, residents=plan.new_residents, existing=plan.existing_residents))
        else:
            print(_("Imported {file}: {households} households and {residents} residents added; {existing} already in "
                    "the register.").format(file=Path(args.file).name, households=result.households,
                                           residents=result.residents, existing=result.existing_residents))
        for error in errors:
            print(_("Row {row}, {column}: {reason}").format(row=error.row, column=error.column, reason=error.reason))
        if "error_report" in summary:
            print(_("Error report: {path}").format(path=summary["error_report"]))
    return 0


def cmd_export_excel(args: argparse.Namespace, ctx: Any) -> int:
    from app import excel

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    with database.unit(actor) as session:
        result = excel.export_table(session=session, actor=actor, kind=args.kind, to_file=args.out, full=args.full)
    print(result.path)
    return 0


def register(subparsers: Any, common: argparse.ArgumentParser | None = None) -> None:
    from app.excel.export import TABLES_BY_KIND

    parents = [common] if common is not None else []
    p = subparsers.add_parser("import-excel", parents=parents,
                              help="import households and residents from an Excel/WPS sheet (.xlsx, .xls)")
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="check and count only; write nothing")
    p.add_argument("--mapping", metavar="JSON|FILE", help='columns: {"header or column number": "field"}')
    p.add_argument("--sheet", metavar="NAME")
    p.add_argument("--errors", type=Path, metavar="OUT.xlsx", help="write the refused rows marked in a copy of the sheet")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import_excel)
    p = subparsers.add_parser("export-excel", parents=parents, help="export a register or report table as .xlsx")
    p.add_argument("kind", choices=sorted(TABLES_BY_KIND))
    p.add_argument("--out", type=Path, required=True, metavar="FILE")
    p.add_argument("--full", action="store_true", help="full ID and phone numbers (the office only)")
    p.set_defaults(handler=cmd_export_excel)
