"""Response models of the 电子监察 routes."""

from __future__ import annotations

from typing import Any

from pydantic import Field, RootModel

from server.core.schemas import Number, Shape


class AlertOut(Shape):
    """An alert (no personal data: numbers, windows and services only)."""

    id: int
    rule: str
    rule_name: str
    subject: str = Field(description="what it is about, e.g. window:3, device:7")
    level: str = Field(description="yellow | red")
    message: str
    value: Number
    data: dict[str, Any]
    raised_at: str | None
    cleared_at: str | None
    acknowledged_at: str | None
    acknowledged_by: int | None
    seconds_to_acknowledge: Number | None
    level_changes: list[dict[str, Any]]
    open: bool


class EvaluateOut(Shape):
    raised: int
    changed: int
    cleared: int


class AlertRulesOut(RootModel[dict[str, dict[str, Any]]]):
    """Rule name → its settings (enabled and thresholds, e.g. yellow_minutes, red_minutes)."""
