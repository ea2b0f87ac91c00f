"""Manager configuration changes, each written to the audit log in the same transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.audit.service import record
from server.auth.models import Device, Staff
from server.auth.principal import Principal
from server.auth.service import create_staff
from server.catalog.models import Hall, ServiceItem
from server.catalog.service import get_service
from server.core.errors import Forbidden, Invalid, NotFound
from server.core.security import hash_password
from server.devices.service import create_device
from server.events.service import append_event
from server.windows.models import Window
from server.windows.service import create_window, get_window, set_services, window_view
from tongban_common.wire import ErrorCode, EventType, StaffRole

# Known booking keys and their allowed ranges; other keys are kept as they are.
BOOKING_RANGES: dict[str, tuple[int, int, str]] = {
    "slot_minutes": (5, 240, "预约时段长度（分钟）"),
    "capacity_per_slot": (1, 500, "每时段可约人数"),
    "horizon_days": (1, 90, "可提前预约天数"),
    "lead_minutes": (0, 10080, "最晚提前预约时间（分钟）"),
    "per_person_per_day": (1, 20, "每人每天预约次数"),
}
MANAGER_SETTINGS: dict[str, tuple[float, float, str]] = {
    "service_level_minutes": (1, 240, "服务水平目标（分钟）"),
    "case_deadline_days": (1, 30, "差评整改期限（工作日）"),
    "punctuality_grace_minutes": (0, 120, "预约签到宽限（分钟）"),
}
# What issuing does for a service no open or paused window handles: the kiosk asks first (ask)
# or the server refuses with 409 no_open_window (refuse).
NO_WINDOW_POLICIES = ("ask", "refuse")


def service_config(svc: ServiceItem) -> dict[str, Any]:
    """The editable fields of a service item."""
    return {"code": svc.code, "name": svc.name, "department": svc.department,
            "prefix": svc.prefix, "expected_minutes": svc.expected_minutes,
            "materials": svc.materials, "booking": svc.booking,
            "online_capable": svc.online_capable, "active": svc.active}


def validate_booking(booking: dict[str, Any]) -> dict[str, Any]:
    """Check the booking settings' known keys (integers in range)."""
    for key, (lo, hi, zh) in BOOKING_RANGES.items():
        if key not in booking:
            continue
        v = booking[key]
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise Invalid(f"{zh}应为 {lo}–{hi} 之间的整数", code=ErrorCode.INVALID_BOOKING)
    return booking


def validate_materials(materials: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Materials need a unique code and a name."""
    seen = set()
    for m in materials:
        if not str(m.get("code", "")).strip() or not str(m.get("name", "")).strip():
            raise Invalid("每项材料都需要编码和名称", code=ErrorCode.INVALID_MATERIALS)
        if m["code"] in seen:
            raise Invalid(f"材料编码 {m['code']} 重复", code=ErrorCode.INVALID_MATERIALS)
        seen.add(m["code"])
    return materials


def update_service(s: Session, *, hall: Hall, code: str, changes: dict[str, Any],
                   principal: Principal) -> ServiceItem:
    """Change a service item's name, expected time, materials, booking settings or active flag."""
    svc = get_service(s, hall.id, code, active_only=False)
    before = service_config(svc)
    if "booking" in changes:
        changes["booking"] = validate_booking({**svc.booking, **changes["booking"]})
    if "materials" in changes:
        validate_materials(changes["materials"])
    for key, value in changes.items():
        setattr(svc, key, value)
    record(s, hall_id=hall.id, principal=principal, action="update", entity="service",
           entity_key=code, before=before, after=service_config(svc))
    return svc


def _window_config(s: Session, w: Window) -> dict[str, Any]:
    v = window_view(s, w)
    return {"number": v["number"], "name": v["name"],
            "services": [{"code": x["code"], "priority": x["priority"]} for x in v["services"]]}


def update_window(s: Session, *, hall: Hall, window_id: int, name: str | None,
                  services: list[tuple[str, int]] | None, principal: Principal) -> Window:
    """Rename a window and/or replace its services and priorities."""
    w = get_window(s, window_id)
    if w.hall_id != hall.id:
        raise NotFound(f"窗口 {window_id} 不存在", code=ErrorCode.WINDOW_NOT_FOUND)
    before = _window_config(s, w)
    if name is not None:
        w.name = name
    if services is not None:
        codes = [c for c, _ in services]
        if len(set(codes)) != len(codes):
            raise Invalid("同一事项不能重复配置", code=ErrorCode.DUPLICATE_SERVICE)
        set_services(s, window=w, services=[
            (get_service(s, hall.id, c, active_only=False).id, p) for c, p in services])
        s.flush()
    record(s, hall_id=hall.id, principal=principal, action="update", entity="window",
           entity_key=str(w.number), before=before, after=_window_config(s, w))
    return w


def add_window(s: Session, *, hall: Hall, number: int, name: str,
               services: list[tuple[str, int]], principal: Principal) -> Window:
    """Create a window with its services."""
    w = create_window(s, hall_id=hall.id, number=number, name=name, services=[
        (get_service(s, hall.id, c, active_only=False).id, p) for c, p in services])
    s.flush()
    record(s, hall_id=hall.id, principal=principal, action="create", entity="window",
           entity_key=str(number), after=_window_config(s, w))
    return w


def staff_config(st: Staff) -> dict[str, Any]:
    """Non-secret staff fields."""
    return {"id": st.id, "username": st.username, "full_name": st.full_name, "role": st.role,
            "active": st.active}


def add_staff(s: Session, *, hall: Hall, username: str, password: str, full_name: str,
              role: str, principal: Principal) -> Staff:
    """Create a clerk (managers) or a manager (admins) of this hall."""
    if role != StaffRole.CLERK and not principal.is_admin:
        raise Forbidden("大厅管理员只能创建窗口人员", code=ErrorCode.FORBIDDEN_ROLE)
    st = create_staff(s, username=username, password=password, role=role, hall_id=hall.id,
                      full_name=full_name)
    record(s, hall_id=hall.id, principal=principal, action="create", entity="staff",
           entity_key=username, after=staff_config(st))
    return st


def change_staff(s: Session, *, hall: Hall, staff_id: int, changes: dict[str, Any],
                 principal: Principal) -> Staff:
    """Rename, (de)activate or reset the password of a staff member of the hall."""
    st = s.get(Staff, staff_id)
    if st is None or st.hall_id != hall.id:
        raise NotFound("工作人员不存在", code=ErrorCode.STAFF_NOT_FOUND)
    if st.role != StaffRole.CLERK and not principal.is_admin:
        raise Forbidden("大厅管理员只能修改窗口人员", code=ErrorCode.FORBIDDEN_ROLE)
    before = staff_config(st)
    if "full_name" in changes:
        st.full_name = changes["full_name"]
    if "active" in changes:
        st.active = changes["active"]
    after = staff_config(st)
    if changes.get("password"):
        if len(changes["password"]) < 8:
            raise Invalid("密码至少8位", code=ErrorCode.WEAK_PASSWORD)
        st.password_hash = hash_password(changes["password"])
        after = {**after, "password": "（已重置）"}
    record(s, hall_id=hall.id, principal=principal, action="update", entity="staff",
           entity_key=st.username, before=before, after=after)
    return st


def device_config(d: Device) -> dict[str, Any]:
    """Non-secret device fields."""
    return {"id": d.id, "kind": d.kind, "name": d.name, "window_id": d.window_id,
            "revoked": d.revoked_at is not None}


def add_device(s: Session, *, hall: Hall, kind: str, name: str, window_id: int | None,
               principal: Principal) -> tuple[Device, str]:
    """Register a device of this hall; the token is returned once."""
    if window_id is not None and get_window(s, window_id).hall_id != hall.id:
        raise Invalid("窗口不属于本大厅", code=ErrorCode.WINDOW_NOT_IN_HALL)
    d, token = create_device(s, hall_id=hall.id, kind=kind, name=name, window_id=window_id)
    record(s, hall_id=hall.id, principal=principal, action="create", entity="device",
           entity_key=name, after=device_config(d))
    return d, token


def revoke_device(s: Session, *, hall: Hall, device_id: int, principal: Principal,
                  now: Any) -> Device:
    """Revoke a device token of this hall."""
    d = s.get(Device, device_id)
    if d is None or d.hall_id != hall.id:
        raise NotFound("设备不存在", code=ErrorCode.DEVICE_NOT_FOUND)
    before = device_config(d)
    d.revoked_at = d.revoked_at or now
    record(s, hall_id=hall.id, principal=principal, action="revoke", entity="device",
           entity_key=d.name, before=before, after=device_config(d))
    return d


def set_notice(s: Session, *, hall: Hall, notice: str, principal: Principal) -> None:
    """Replace the hall notice shown on screens; emits notice.updated."""
    before = {"notice": hall.notice}
    hall.notice = notice.strip()
    if record(s, hall_id=hall.id, principal=principal, action="update", entity="notice",
              entity_key=hall.code, before=before, after={"notice": hall.notice}) is not None:
        append_event(s, hall_id=hall.id, type=EventType.NOTICE_UPDATED,
                     data={"notice": hall.notice})


def manager_settings(hall: Hall) -> dict[str, Any]:
    """Stats target, case deadline, punctuality grace, closed days and no-window policy."""
    st = hall.settings or {}
    return {"service_level_minutes": st.get("service_level_minutes", 25),
            "case_deadline_days": st.get("case_deadline_days", 5),
            "punctuality_grace_minutes": st.get("punctuality_grace_minutes", 0),
            "closed_days": list(st.get("closed_days", [])),
            "no_window_policy": st.get("no_window_policy", "ask")}


def update_manager_settings(s: Session, *, hall: Hall, changes: dict[str, Any],
                            principal: Principal) -> dict[str, Any]:
    """Validate and store manager settings (in Hall.settings)."""
    for key, value in changes.items():
        if key == "closed_days":
            if not isinstance(value, list):
                raise Invalid("休息日应为日期列表", code=ErrorCode.INVALID_SETTINGS)
            for d in value:
                try:
                    date.fromisoformat(str(d))
                except ValueError:
                    raise Invalid(f"休息日 {d} 不是有效日期（YYYY-MM-DD）",
                                  code=ErrorCode.INVALID_SETTINGS) from None
            continue
        if key == "no_window_policy":
            if value not in NO_WINDOW_POLICIES:
                raise Invalid("无窗口办理时的取号策略应为 ask 或 refuse",
                              code=ErrorCode.INVALID_SETTINGS)
            continue
        if key not in MANAGER_SETTINGS:
            raise Invalid(f"未知设置项 {key}", code=ErrorCode.INVALID_SETTINGS)
        lo, hi, zh = MANAGER_SETTINGS[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise Invalid(f"{zh}应在 {lo:g}–{hi:g} 之间", code=ErrorCode.INVALID_SETTINGS)
    before = manager_settings(hall)
    hall.settings = {**(hall.settings or {}), **changes}
    after = manager_settings(hall)
    record(s, hall_id=hall.id, principal=principal, action="update", entity="settings",
           entity_key=hall.code, before=before, after=after)
    return after


def hall_staff(s: Session, hall: Hall) -> list[dict[str, Any]]:
    """Staff of the hall for pickers and the staff page."""
    rows = s.scalars(select(Staff).where(Staff.hall_id == hall.id).order_by(Staff.role,
                                                                             Staff.username))
    return [staff_config(st) for st in rows]
