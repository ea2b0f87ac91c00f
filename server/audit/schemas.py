"""Response models of the manager configuration routes and the audit log."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from server.core.schemas import Number, Shape
from server.windows.schemas import WindowOut


class AuditEntry(Shape):
    id: int
    at: str | None
    staff_id: int | None
    staff_name: str | None
    action: str = Field(description="create | update | delete ...")
    entity: str
    entity_key: str | None
    before: Any = Field(description="the entity before the change (JSON), null on create")
    after: Any = Field(description="the entity after the change (JSON)")


class ServiceConfig(Shape):
    code: str
    name: str
    department: str
    prefix: str
    expected_minutes: int
    materials: list[dict[str, Any]]
    booking: dict[str, Any] | None = Field(description="the service's own booking settings")
    online_capable: bool
    active: bool


class StaffConfig(Shape):
    id: int
    username: str
    full_name: str
    role: str
    active: bool


class DeviceConfig(Shape):
    id: int
    kind: str
    name: str
    window_id: int | None
    revoked: bool


class DeviceConfigSeen(DeviceConfig):
    last_seen_at: str | None


class DeviceConfigCreated(DeviceConfig):
    token: str = Field(description="shown once; only its digest is stored")


class ManagerSettings(Shape):
    service_level_minutes: Number
    case_deadline_days: Number
    punctuality_grace_minutes: Number
    closed_days: list[str]
    no_window_policy: str


class ConfigHall(Shape):
    code: str
    name: str
    notice: str


class HallConfigOut(Shape):
    """Everything the configuration page edits."""

    hall: ConfigHall
    services: list[ServiceConfig]
    windows: list[WindowOut]
    staff: list[StaffConfig]
    devices: list[DeviceConfigSeen]
    settings: ManagerSettings


class NoticeOut(Shape):
    notice: str
