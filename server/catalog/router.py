"""Public hall/service catalog and its administration."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.deps import PrincipalDep
from server.auth.principal import require
from server.board.service import services_with_load
from server.catalog.models import Hall
from server.catalog.schemas import HallOut, ServiceCreated, ServiceItemOut, ServiceLoadOut
from server.catalog.service import create_hall, create_service, get_hall, get_service
from server.core.deps import DbDep, SettingsDep
from server.core.errors import Invalid
from server.core.schemas import out
from tongban_common.wire import MANAGERS, ErrorCode, StaffRole

router = APIRouter(tags=["catalog"])


class MaterialIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    required: bool = True
    presubmit: bool = True
    licence_type: str | None = Field(None, max_length=64, pattern=r"^[a-z0-9_]+$",
                                     description="电子证照 type that can stand in for it")


class HallIn(BaseModel):
    code: str = Field(min_length=2, max_length=32, pattern=r"^[a-z0-9-]+$")
    name: str = Field(min_length=1, max_length=100)
    timezone: str = "Asia/Shanghai"
    address: str = ""


class ServiceIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=100)
    department: str = ""
    category: str = ""
    prefix: str = Field(min_length=1, max_length=2)
    expected_minutes: int = Field(10, ge=1, le=480)
    materials: list[MaterialIn] = []
    online_capable: bool = False
    sort_order: int = 0


def hall_out(hall: Hall) -> dict[str, Any]:
    """Public fields of a hall."""
    return {"code": hall.code, "name": hall.name, "timezone": hall.timezone,
            "address": hall.address, "opening_hours": hall.opening_hours}


@router.get("/halls", **out(list[HallOut]))
def list_halls(db: DbDep) -> list[dict]:
    """All halls on this server."""
    with db.read() as s:
        return [hall_out(h) for h in s.scalars(select(Hall).order_by(Hall.code))]


@router.post("/halls", status_code=201, **out(HallOut))
def post_hall(body: HallIn, db: DbDep, principal: PrincipalDep) -> dict:
    """Create a hall (admin)."""
    require(principal, staff=(StaffRole.ADMIN,))
    try:
        ZoneInfo(body.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"未知时区 {body.timezone}", code=ErrorCode.INVALID_TIMEZONE) from None
    return db.write(lambda s: hall_out(create_hall(s, **body.model_dump())))


@router.get("/halls/{hall_code}/services", **out(list[ServiceLoadOut]))
def list_hall_services(hall_code: str, db: DbDep, settings: SettingsDep) -> list[dict]:
    """Catalog with live waiting counts and estimated waits."""
    with db.read() as s:
        return services_with_load(s, get_hall(s, hall_code), settings)


@router.post("/halls/{hall_code}/services", status_code=201, **out(ServiceCreated))
def post_service(hall_code: str, body: ServiceIn, db: DbDep, principal: PrincipalDep) -> dict:
    """Add a service item to a hall (admin or the hall's manager)."""

    def work(s: Session) -> dict:
        hall = get_hall(s, hall_code)
        require(principal, staff=MANAGERS, hall_id=hall.id)
        fields = body.model_dump()
        fields["materials"] = [m.model_dump(exclude_none=True) for m in body.materials]
        svc = create_service(s, hall_id=hall.id, **fields)
        return {"code": svc.code, "name": svc.name, "prefix": svc.prefix, "id": svc.id}

    return db.write(work)


@router.get("/halls/{hall_code}/services/{code}", **out(ServiceItemOut))
def get_service_item(hall_code: str, code: str, db: DbDep) -> dict:
    """One service item with materials and guide."""
    with db.read() as s:
        hall = get_hall(s, hall_code)
        svc = get_service(s, hall.id, code)
        return {"code": svc.code, "name": svc.name, "department": svc.department,
                "category": svc.category, "prefix": svc.prefix,
                "expected_minutes": svc.expected_minutes, "materials": svc.materials,
                "guide": svc.guide, "online_capable": svc.online_capable}
