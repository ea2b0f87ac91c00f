"""Lookups and admin changes for halls and service items."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import Hall, ServiceItem
from server.core.errors import Conflict, Invalid, NotFound
from tongban_common.wire import ErrorCode


def get_hall(s: Session, code: str) -> Hall:
    """The hall with this code, or 404."""
    hall = s.scalar(select(Hall).where(Hall.code == code))
    if hall is None:
        raise NotFound(f"大厅 {code} 不存在", code=ErrorCode.HALL_NOT_FOUND)
    return hall


def get_service(s: Session, hall_id: int, code: str, *, active_only: bool = True) -> ServiceItem:
    """A service item of the hall by code, or 404."""
    svc = s.scalar(
        select(ServiceItem).where(ServiceItem.hall_id == hall_id, ServiceItem.code == code)
    )
    if svc is None or (active_only and not svc.active):
        raise NotFound(f"事项 {code} 不存在或未开放", code=ErrorCode.SERVICE_NOT_FOUND)
    return svc


# Services of this category (统一出件) are queues for collecting results: their numbers come
# from the kiosk's 取件 flow, so they are not offered in the list of services.
PICKUP_CATEGORY = "出件"


def list_services(s: Session, hall_id: int) -> list[ServiceItem]:
    """Active services of a hall in display order (without 出件 queues)."""
    return list(
        s.scalars(
            select(ServiceItem)
            .where(ServiceItem.hall_id == hall_id, ServiceItem.active.is_(True),
                   ServiceItem.category != PICKUP_CATEGORY)
            .order_by(ServiceItem.sort_order, ServiceItem.id)
        )
    )


def create_hall(s: Session, **fields: Any) -> Hall:
    """Create a hall; the code must be new."""
    if s.scalar(select(Hall.id).where(Hall.code == fields["code"])) is not None:
        raise Conflict(f"大厅编码 {fields['code']} 已存在", code=ErrorCode.HALL_EXISTS)
    hall = Hall(**fields)
    s.add(hall)
    s.flush()
    return hall


def create_service(s: Session, *, hall_id: int, **fields: Any) -> ServiceItem:
    """Create a service item in a hall; code unique per hall, prefix one or two letters."""
    prefix = str(fields.get("prefix", ""))
    if not (1 <= len(prefix) <= 2 and prefix.isascii() and prefix.isalpha() and prefix.isupper()):
        raise Invalid("叫号前缀应为1–2个大写字母", code=ErrorCode.INVALID_PREFIX)
    exists = select(ServiceItem.id).where(
        ServiceItem.hall_id == hall_id, ServiceItem.code == fields["code"]
    )
    if s.scalar(exists) is not None:
        raise Conflict(f"事项编码 {fields['code']} 已存在", code=ErrorCode.SERVICE_EXISTS)
    svc = ServiceItem(hall_id=hall_id, **fields)
    s.add(svc)
    s.flush()
    return svc


def service_materials(service: ServiceItem) -> list[dict[str, Any]]:
    """The material definitions of a service (code, name, required, presubmit)."""
    return [{"code": m["code"], "name": m["name"], "required": bool(m.get("required", True)),
             "presubmit": bool(m.get("presubmit", True))} for m in service.materials or []]
