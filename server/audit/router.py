"""Manager configuration endpoints (audited) and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.audit import config
from server.audit.schemas import (
    AuditEntry,
    DeviceConfig,
    DeviceConfigCreated,
    HallConfigOut,
    ManagerSettings,
    NoticeOut,
    ServiceConfig,
    StaffConfig,
)
from server.audit.service import list_audit
from server.auth.deps import PrincipalDep
from server.auth.models import Device
from server.auth.principal import Principal, require
from server.catalog.models import Hall, ServiceItem
from server.catalog.router import MaterialIn
from server.catalog.service import get_hall
from server.core.clock import iso, utcnow
from server.core.deps import DbDep
from server.core.schemas import out
from server.windows.router import WindowServiceIn
from server.windows.schemas import WindowOut
from server.windows.service import list_windows, window_view
from tongban_common.wire import MANAGERS

router = APIRouter(tags=["manager config"])


class ServicePatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=100)
    expected_minutes: int | None = Field(None, ge=1, le=480)
    materials: list[MaterialIn] | None = None
    booking: dict[str, Any] | None = None
    online_capable: bool | None = None
    active: bool | None = None


class WindowPatch(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=100)
    services: list[WindowServiceIn] | None = None


class WindowNew(BaseModel):
    number: int = Field(ge=1, le=999)
    name: str = Field(min_length=1, max_length=100)
    services: list[WindowServiceIn] = []


class StaffNew(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    password: str = Field(min_length=8, max_length=200)
    full_name: str = Field(min_length=1, max_length=100)
    role: str = Field("clerk", pattern="^(clerk|manager)$")


class StaffPatch(BaseModel):
    full_name: str | None = Field(None, min_length=1, max_length=100)
    active: bool | None = None
    password: str | None = Field(None, min_length=8, max_length=200)


class DeviceNew(BaseModel):
    kind: str = Field(pattern="^(kiosk|display|counter|ratepad)$")
    name: str = Field(min_length=1, max_length=100)
    window_id: int | None = None


class NoticeIn(BaseModel):
    notice: str = Field(max_length=500)


def _write(db: DbDep, principal: PrincipalDep, hall: str, fn: Any) -> Any:
    def work(s: Session) -> Any:
        h = get_hall(s, hall)
        p = require(principal, staff=MANAGERS, hall_id=h.id)
        return fn(s, h, p)

    return db.write(work)


@router.get("/halls/{hall}/audit", **out(list[AuditEntry]))
def get_audit(hall: str, db: DbDep, principal: PrincipalDep,
              entity: Annotated[str | None, Query()] = None,
              limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict]:
    """Configuration changes of the hall, newest first."""
    with db.read() as s:
        h = get_hall(s, hall)
        require(principal, staff=MANAGERS, hall_id=h.id)
        return list_audit(s, hall_id=h.id, entity=entity, limit=limit)


@router.get("/halls/{hall}/config", **out(HallConfigOut))
def get_config(hall: str, db: DbDep, principal: PrincipalDep) -> dict:
    """Everything the configuration page edits: services, windows, staff, devices, settings."""
    with db.read() as s:
        h = get_hall(s, hall)
        require(principal, staff=MANAGERS, hall_id=h.id)
        services = s.scalars(select(ServiceItem).where(ServiceItem.hall_id == h.id)
                             .order_by(ServiceItem.sort_order, ServiceItem.id))
        devices = s.scalars(select(Device).where(Device.hall_id == h.id).order_by(Device.id))
        return {
            "hall": {"code": h.code, "name": h.name, "notice": h.notice},
            "services": [config.service_config(x) for x in services],
            "windows": [window_view(s, w) for w in list_windows(s, h.id)],
            "staff": config.hall_staff(s, h),
            "devices": [{**config.device_config(d), "last_seen_at": iso(d.last_seen_at)}
                        for d in devices],
            "settings": config.manager_settings(h),
        }


@router.put("/halls/{hall}/config/services/{code}", **out(ServiceConfig))
def put_service(hall: str, code: str, body: ServicePatch, db: DbDep,
                principal: PrincipalDep) -> dict:
    """Update a service item (expected minutes, materials, booking settings, active…)."""
    changes = body.model_dump(exclude_none=True)
    if body.materials is not None:
        changes["materials"] = [m.model_dump() for m in body.materials]

    def fn(s: Session, h: Hall, p: Principal) -> dict:
        return config.service_config(
            config.update_service(s, hall=h, code=code, changes=changes, principal=p))

    return _write(db, principal, hall, fn)


@router.post("/halls/{hall}/config/windows", status_code=201, **out(WindowOut))
def post_window(hall: str, body: WindowNew, db: DbDep, principal: PrincipalDep) -> dict:
    """Create a window with services (audited)."""
    pairs = [(x.service_code, x.priority) for x in body.services]
    return _write(db, principal, hall, lambda s, h, p: window_view(s, config.add_window(
        s, hall=h, number=body.number, name=body.name, services=pairs, principal=p)))


@router.put("/halls/{hall}/config/windows/{window_id}", **out(WindowOut))
def put_window(hall: str, window_id: int, body: WindowPatch, db: DbDep,
               principal: PrincipalDep) -> dict:
    """Rename a window and/or replace its services and priorities (audited)."""
    pairs = None if body.services is None else [(x.service_code, x.priority)
                                                for x in body.services]
    return _write(db, principal, hall, lambda s, h, p: window_view(s, config.update_window(
        s, hall=h, window_id=window_id, name=body.name, services=pairs, principal=p)))


@router.post("/halls/{hall}/config/staff", status_code=201, **out(StaffConfig))
def post_staff(hall: str, body: StaffNew, db: DbDep, principal: PrincipalDep) -> dict:
    """Create a clerk of the hall (audited; the password is never logged)."""
    return _write(db, principal, hall, lambda s, h, p: config.staff_config(config.add_staff(
        s, hall=h, username=body.username, password=body.password,
        full_name=body.full_name, role=body.role, principal=p)))


@router.patch("/halls/{hall}/config/staff/{staff_id}", **out(StaffConfig))
def patch_staff(hall: str, staff_id: int, body: StaffPatch, db: DbDep,
                principal: PrincipalDep) -> dict:
    """Rename, enable/disable or reset the password of a clerk (audited)."""
    changes = body.model_dump(exclude_none=True)
    return _write(db, principal, hall, lambda s, h, p: config.staff_config(config.change_staff(
        s, hall=h, staff_id=staff_id, changes=changes, principal=p)))


@router.post("/halls/{hall}/config/devices", status_code=201, **out(DeviceConfigCreated))
def post_device(hall: str, body: DeviceNew, db: DbDep, principal: PrincipalDep) -> dict:
    """Register a kiosk/display/counter of the hall; the token is shown once (audited)."""

    def fn(s: Session, h: Hall, p: Principal) -> dict:
        d, token = config.add_device(s, hall=h, kind=body.kind, name=body.name,
                                     window_id=body.window_id, principal=p)
        return {**config.device_config(d), "token": token}

    return _write(db, principal, hall, fn)


@router.delete("/halls/{hall}/config/devices/{device_id}", **out(DeviceConfig))
def delete_device(hall: str, device_id: int, db: DbDep, principal: PrincipalDep) -> dict:
    """Revoke a device of the hall (audited)."""
    return _write(db, principal, hall, lambda s, h, p: config.device_config(
        config.revoke_device(s, hall=h, device_id=device_id, principal=p, now=utcnow())))


@router.put("/halls/{hall}/notice", **out(NoticeOut))
def put_notice(hall: str, body: NoticeIn, db: DbDep, principal: PrincipalDep) -> dict:
    """Replace the hall notice shown on screens (emits notice.updated; audited)."""

    def fn(s: Session, h: Hall, p: Principal) -> dict:
        config.set_notice(s, hall=h, notice=body.notice, principal=p)
        return {"notice": h.notice}

    return _write(db, principal, hall, fn)


@router.get("/halls/{hall}/manager-settings", **out(ManagerSettings))
def get_manager_settings(hall: str, db: DbDep, principal: PrincipalDep) -> dict:
    """Service-level target, case deadline, punctuality grace and closed days."""
    with db.read() as s:
        h = get_hall(s, hall)
        require(principal, staff=MANAGERS, hall_id=h.id)
        return config.manager_settings(h)


@router.put("/halls/{hall}/manager-settings", **out(ManagerSettings))
def put_manager_settings(hall: str, db: DbDep, principal: PrincipalDep,
                         body: Annotated[dict[str, Any], Body()]) -> dict:
    """Change manager settings (validated, audited)."""
    return _write(db, principal, hall, lambda s, h, p: config.update_manager_settings(
        s, hall=h, changes=body, principal=p))
