"""The one look and media type of every XLSX download (statistics, application statistics)."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def style_header(cells: Iterable[Cell]) -> None:
    """The header row of every export: bold white on the hall blue, centred."""
    for cell in cells:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F5FA8")
        cell.alignment = Alignment(horizontal="center")
