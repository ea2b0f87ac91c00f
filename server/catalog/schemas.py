"""Response models of the catalog routes."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from server.core.schemas import Shape


class HallOut(Shape):
    code: str
    name: str
    timezone: str
    address: str
    opening_hours: dict[str, Any] = Field(description="per weekday, e.g. {\"mon\": [\"09:00\", "
                                                      "\"17:00\"]} (hall setting)")


class ServiceCreated(Shape):
    id: int
    code: str
    name: str
    prefix: str


class ServiceItemOut(Shape):
    """A service item with its materials list and guide (办事指南)."""

    code: str
    name: str
    department: str
    category: str
    prefix: str
    expected_minutes: int
    materials: list[dict[str, Any]] = Field(
        description="{code, name, required, presubmit, licence_type?} per material")
    guide: dict[str, Any]
    online_capable: bool


class ServiceLoadOut(ServiceItemOut):
    """A catalog entry with its live load (the guide only where the route gives it)."""

    guide: dict[str, Any] | None = None
    waiting: int
    open_windows: int
    accepting: bool = Field(description="false = 暂停受理: no open or paused window handles it")
    estimated_wait_minutes: int | None = Field(description="for a new ticket; null when not "
                                                           "accepting")
