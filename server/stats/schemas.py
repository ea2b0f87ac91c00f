"""Response models of statistics, the live dashboard snapshot and a clerk's own day."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from server.alerts.schemas import AlertOut
from server.board.schemas import BoardHall
from server.core.schemas import Number, Shape
from server.windows.schemas import CurrentTicketRef


class StatsFigures(Shape):
    """Counts, wait/service times (minutes) and rates (0–1) of a bucket of tickets."""

    tickets: int
    served: int
    no_shows: int
    cancellations: int
    transfers: int
    called: int
    avg_wait_minutes: Number | None
    p90_wait_minutes: Number | None
    avg_service_minutes: Number | None
    p90_service_minutes: Number | None
    service_level: Number | None = Field(description="share called within the target")
    appointments: int
    punctuality: Number | None
    ratings: int
    satisfaction: Number | None = Field(description="share of ratings ≥ 4")
    mean_rating: Number | None


class StatsRow(StatsFigures):
    key: Any = Field(description="service/window/staff id, hour, day (YYYY-MM-DD) or null")
    label: str


class StatsOut(Shape):
    hall: str
    from_: str = Field(alias="from")
    to: str
    group: str = Field(description="hall | service | window | clerk | hour | day")
    service_level_target_minutes: Number
    punctuality_grace_minutes: Number
    percentile_method: str
    totals: StatsFigures
    rows: list[StatsRow]


class LiveService(Shape):
    code: str
    name: str
    prefix: str
    waiting: int
    open_windows: int
    longest_wait_minutes: int
    accepting: bool
    estimated_wait_minutes: int | None


class LiveWindow(Shape):
    id: int
    number: int
    name: str
    state: str
    state_since: str | None
    clerk: str | None
    current_ticket: CurrentTicketRef | None
    serving_seconds: int | None


class LiveTotals(Shape):
    issued: int
    waiting: int
    in_service: int
    served: int
    no_shows: int
    cancelled: int
    avg_wait_minutes: Number | None
    open_windows: int
    open_alerts: int
    open_cases: int


class LiveOut(Shape):
    """The dashboard snapshot, valid at event `seq`."""

    hall: BoardHall
    seq: int
    generated_at: str
    business_day: str
    notice: str
    totals: LiveTotals
    services: list[LiveService]
    windows: list[LiveWindow]
    alerts: list[AlertOut]


class ClerkTodayOut(Shape):
    day: str
    served: int
    no_shows: int
    transfers: int
    suspended: int
    avg_service_minutes: Number | None
