"""Device registration (admin) and listing."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.alerts.service import Condition, report_condition
from server.auth.deps import PrincipalDep
from server.auth.models import Device
from server.auth.principal import Principal, require
from server.catalog.models import Hall
from server.catalog.service import get_hall
from server.core.clock import iso, utcnow
from server.core.deps import DbDep
from server.core.errors import NotFound
from server.core.schemas import out
from server.devices.schemas import HelpRequestedOut, PrinterStatusOut
from server.devices.service import create_device
from tongban_common.wire import MANAGERS, DeviceKind, ErrorCode, StaffRole

router = APIRouter(tags=["devices"])


class DeviceIn(BaseModel):
    hall_code: str
    kind: str = Field(pattern="^(kiosk|display|counter|ratepad)$")
    name: str = Field(min_length=1, max_length=100)
    window_id: int | None = None


class DeviceCreated(BaseModel):
    id: int
    token: str = Field(description="shown once; only its digest is stored")
    kind: str
    name: str
    hall_code: str


class DeviceRow(BaseModel):
    id: int
    kind: str
    name: str
    window_id: int | None
    last_seen_at: str | None = Field(description="ISO time of the last request or heartbeat")
    revoked: bool


@router.post("/devices", status_code=201, response_model=DeviceCreated)
def post_device(body: DeviceIn, db: DbDep, principal: PrincipalDep) -> dict:
    """Register a device; the token is returned once and stored hashed."""

    def work(s: Session) -> dict:
        hall = get_hall(s, body.hall_code)
        require(principal, staff=(StaffRole.ADMIN,), hall_id=hall.id)
        device, token = create_device(s, hall_id=hall.id, kind=body.kind, name=body.name,
                                      window_id=body.window_id)
        return {"id": device.id, "token": token, "kind": device.kind, "name": device.name,
                "hall_code": hall.code}

    return db.write(work)


@router.get("/devices", response_model=list[DeviceRow])
def list_devices(hall: Annotated[str, Query()], db: DbDep, principal: PrincipalDep) -> list[dict]:
    """Devices of a hall with their last heartbeat (manager/admin)."""
    with db.read() as s:
        h = get_hall(s, hall)
        require(principal, staff=MANAGERS, hall_id=h.id)
        rows = s.scalars(select(Device).where(Device.hall_id == h.id).order_by(Device.id))
        return [
            {"id": d.id, "kind": d.kind, "name": d.name, "window_id": d.window_id,
             "last_seen_at": iso(d.last_seen_at), "revoked": d.revoked_at is not None}
            for d in rows
        ]


@router.delete("/devices/{device_id}", status_code=204)
def revoke_device(device_id: int, db: DbDep, principal: PrincipalDep) -> None:
    """Revoke a device token (admin)."""

    def work(s: Session) -> None:
        device = s.get(Device, device_id)
        if device is None:
            raise NotFound("设备不存在", code=ErrorCode.DEVICE_NOT_FOUND)
        require(principal, staff=(StaffRole.ADMIN,), hall_id=device.hall_id)
        device.revoked_at = device.revoked_at or utcnow()

    db.write(work)


# printers.PrinterStatus.state words; the bad ones raise 取号机打印机故障 on the dashboard
PrinterState = Literal["ok", "near_end", "unknown", "out_of_paper", "cover_open", "offline"]
PRINTER_PROBLEMS = {"out_of_paper": "缺纸", "cover_open": "纸仓盖未关", "offline": "离线"}


class DeviceStatusIn(BaseModel):
    printer: PrinterState = Field(description="the kiosk printer's state (DLE EOT status)")


def _kiosk_hall(s: Session, principal: Principal | None) -> tuple[Hall, Principal]:
    """The calling kiosk's hall and the kiosk (kiosk tokens only)."""
    p = require(principal, devices=(DeviceKind.KIOSK,))
    return s.get_one(Hall, p.hall_id), p  # a device dies with its hall (ON DELETE CASCADE)


@router.post("/devices/me/status", **out(PrinterStatusOut))
def post_my_status(body: DeviceStatusIn, db: DbDep, principal: PrincipalDep) -> dict:
    """A kiosk reports its printer: 缺纸/离线 raise 取号机打印机故障 naming it, ok clears it."""

    def work(s: Session) -> dict:
        hall, kiosk = _kiosk_hall(s, principal)
        problem = PRINTER_PROBLEMS.get(body.printer)
        condition = None if problem is None else Condition(
            "printer_problem", f"device:{kiosk.id}", "red", 1.0,
            f"取号机「{kiosk.name}」打印机{problem}，请补纸或检修",
            {"device_id": kiosk.id, "device_name": kiosk.name,
             "printer": body.printer})
        report_condition(s, hall, "printer_problem", f"device:{kiosk.id}", condition)
        return {"printer": body.printer, "alert": condition is not None}

    return db.write(work)


@router.post("/devices/me/help", **out(HelpRequestedOut))
def post_my_help(db: DbDep, principal: PrincipalDep) -> dict:
    """A citizen pressed 呼叫工作人员 on a kiosk: a red alert naming it until acknowledged."""

    def work(s: Session) -> dict:
        hall, kiosk = _kiosk_hall(s, principal)
        subject = f"device:{kiosk.id}"
        report_condition(s, hall, "help_requested", subject, Condition(
            "help_requested", subject, "red", 1.0,
            f"取号机「{kiosk.name}」有群众呼叫工作人员",
            {"device_id": kiosk.id, "device_name": kiosk.name}))
        return {"requested": True}

    return db.write(work)
