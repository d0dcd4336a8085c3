"""Excel in and out (issue 14): the shared writer, every area's tables for export, the CLI.

The import of households and residents is the people area's door (``app.people.plan_excel_import``,
``app.people.import_excel``); this package's public API is the export.
"""
from app.excel.export import (  # noqa: F401
    TABLES,
    ExcelColumn,
    ExcelTable,
    ExportKind,
    ExportResult,
    default_file_name,
    export_kinds,
    export_table,
    may_export_full,
)
