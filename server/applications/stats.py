"""办件 statistics: counts by state, on-time rate and working days per service."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.applications.calendar import working_days_between
from server.applications.models import STATUS_ZH, Application
from server.catalog.calendar import closed_days
from server.catalog.models import Hall, ServiceItem
from server.core.xlsx import style_header


def application_stats(s: Session, hall: Hall) -> dict[str, Any]:
    """By state; of the decided ones, the share within the promised limit, and per service
    the average working days from acceptance to decision (paused days not counted)."""
    by_state = dict(s.execute(select(Application.status, func.count())
                              .where(Application.hall_id == hall.id)
                              .group_by(Application.status)).tuples().all())
    decided = s.execute(select(Application, ServiceItem.name)
                        .join(ServiceItem, ServiceItem.id == Application.service_id)
                        .where(Application.hall_id == hall.id,
                               Application.decided_day.is_not(None))).all()
    closed = closed_days(hall)
    days: dict[str, list[int]] = defaultdict(list)
    on_time = 0
    for app, name in decided:
        assert app.decided_day is not None
        on_time += app.decided_day <= app.promised_due
        worked = working_days_between(app.accepted_day, app.decided_day, closed)
        days[name].append(max(worked - app.paused_days, 0))
    return {
        "by_state": [{"status": k, "status_text": v, "count": by_state.get(k, 0)}
                     for k, v in STATUS_ZH.items()],
        "decided": len(decided),
        "on_time_rate": round(on_time / len(decided), 4) if decided else None,
        "per_service": [{"service_name": name, "decided": len(v),
                         "avg_working_days": round(sum(v) / len(v), 2)}
                        for name, v in sorted(days.items())],
    }


def stats_xlsx(result: dict[str, Any], title: str) -> bytes:
    """The statistics as a workbook: sheet 办件状态 (count per state, decided, on-time rate)
    and sheet 按事项 (decided and average working days per service)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "办件状态"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["状态", "件数"])
    style_header(ws[2])
    for row in result["by_state"]:
        ws.append([row["status_text"], row["count"]])
    ws.append(["已办结合计", result["decided"]])
    ws.append(["按时办结率", result["on_time_rate"]])
    ws.cell(ws.max_row, 2).number_format = "0.0%"
    for cell in (*ws[ws.max_row - 1], *ws[ws.max_row]):
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 12
    per = wb.create_sheet("按事项")
    per.append(["事项", "已办结件数", "平均办理工作日"])
    style_header(per[1])
    for row in result["per_service"]:
        per.append([row["service_name"], row["decided"], row["avg_working_days"]])
    per.column_dimensions["A"].width = 30
    per.column_dimensions["B"].width = 12
    per.column_dimensions["C"].width = 16
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
