"""Response models of the 电子监察 routes."""

from __future__ import annotations

from typing import Any

from pydantic import Field

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


class AlertRule(Shape):
    """One rule's switch and thresholds (the keys besides `enabled` depend on the rule)."""

    enabled: bool


class AlertRulesOut(Shape):
    """The hall's effective rules: defaults overlaid with its own settings."""

    long_wait: AlertRule = Field(description="yellow_minutes, red_minutes: one ticket waiting")
    crowd: AlertRule = Field(description="minutes, yellow_count, red_count: a service's queue")
    window_idle: AlertRule = Field(description="yellow_minutes, red_minutes: paused/idle window")
    slow_service: AlertRule = Field(description="yellow_factor, red_factor × expected minutes")
    device_silent: AlertRule = Field(description="yellow_minutes, red_minutes without heartbeat")
    application_due: AlertRule = Field(description="yellow_days_left: 办件 near its time limit")
