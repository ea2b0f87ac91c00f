"""CSV and XLSX renderings of a statistics result."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from server.core.xlsx import style_header
from server.stats.service import COLUMNS

PERCENT_KEYS = {"service_level", "punctuality", "satisfaction"}


def _rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    total = {"key": "total", "label": "合计", **result["totals"]}
    return [*result["rows"], total]


def to_csv(result: dict[str, Any]) -> bytes:
    """UTF-8 CSV with BOM (so Excel opens Chinese correctly); header row in Chinese."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([zh for _, zh, _ in COLUMNS])
    for row in _rows(result):
        w.writerow(["" if row.get(k) is None else row.get(k) for k, _, _ in COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(result: dict[str, Any]) -> bytes:
    """A workbook: sheet 统计 with one row per group plus 合计, sheet 说明 with definitions."""
    wb = Workbook()
    ws = wb.active
    ws.title = "统计"
    ws.append([f"{result['hall']} 统计 {result['from']} 至 {result['to']}（按 {result['group']}）"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([zh for _, zh, _ in COLUMNS])
    style_header(ws[2])
    for row in _rows(result):
        ws.append([row.get(k) for k, _, _ in COLUMNS])
        for idx, (k, _, _) in enumerate(COLUMNS, start=1):
            if k in PERCENT_KEYS:
                ws.cell(ws.max_row, idx).number_format = "0.0%"
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for idx in range(1, len(COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(idx)].width = 14
    ws.column_dimensions["B"].width = 26
    ws.freeze_panes = "C3"
    notes = wb.create_sheet("说明")
    for line in (
        ("等候时长", "首次叫号时间 − 取号时间（仅统计已叫号的号码）"),
        ("办理时长", "办结时间 − 开始办理时间（仅统计已办结的号码）"),
        ("90%分位", "最近秩法（nearest-rank）：第 ⌈0.9·n⌉ 小的值"),
        ("服务水平", f"等候 ≤ {result['service_level_target_minutes']:g} 分钟的已叫号占比"),
        ("预约准时率", "预约号在预约时段开始（含宽限）前签到取号的占比"),
        ("满意率", "评价 ≥ 4（满意、非常满意）的占比"),
    ):
        notes.append(list(line))
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 60
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
