"""Response models of the kiosk's own routes (status and help)."""

from __future__ import annotations

from pydantic import Field

from server.core.schemas import Shape


class PrinterStatusOut(Shape):
    printer: str = Field(description="the state reported")
    alert: bool = Field(description="a 取号机打印机故障 alert is raised (or kept) for it")


class HelpRequestedOut(Shape):
    requested: bool
