"""工作台: what needs doing today, and the village's last twelve months in figures.

The public API is what is imported here. ``service`` gathers the to-do list (each area of
:mod:`app.areas` contributes its items through its ``todo`` entry, written in ``items``) and the
month series; ``charts`` defines the charts of that series once, for the monthly report (``documents``,
its print kind) and for the dashboard (drawn as SVG).
"""
from app.workbench.service import (  # noqa: F401
    ALERT, WARNING, INFO, SEVERITIES, LIMIT, DUE_SOON_DAYS, UPCOMING_DAYS, BACKUP_ALERT_DAYS,
    TodoItem, MonthSeries, today, month_keys, month_label, month_of, sorted_items, todo, backup_item, month_series,
)
from app.workbench.charts import ChartPicture, MonthCharts, month_chart_blocks, month_charts  # noqa: F401,E402
from app.workbench.cards import figures, warm_up, warm_up_reads  # noqa: F401,E402
