"""Remote tickets (远程取号): a place in today's queue held online until checked in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.appointments.models import Appointment
from server.appointments.rules import in_service_hours, local_day, rules_for
from server.appointments.service import fmt_time, lock_person, mark_no_shows, unique_code
from server.catalog.service import get_hall, get_service
from server.citizens.notify import notify
from server.core.clock import utcnow
from server.core.config import Settings
from server.core.errors import Conflict
from tongban_common.wire import ErrorCode


def take_remote(
    s: Session, *, citizen_id: int, phone: str, hall_code: str, service_code: str,
    settings: Settings, now: datetime | None = None,
) -> Appointment:
    """Hold a place in today's queue online; it must be checked in at the hall in time."""
    now = now or utcnow()
    hall = get_hall(s, hall_code)
    service = get_service(s, hall.id, service_code)
    rules = rules_for(hall, service)
    if not service.online_capable or not rules.remote_enabled:
        raise Conflict(f"「{service.name}」暂不支持远程取号", code=ErrorCode.REMOTE_DISABLED)
    if not in_service_hours(rules, now):
        raise Conflict("当前不在大厅办公时间，暂不能远程取号", code=ErrorCode.HALL_CLOSED)
    lock_person(s, f"citizen:{citizen_id}")
    mark_no_shows(s, now=now, citizen_id=citizen_id)
    today = local_day(rules, now)
    taken = s.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.citizen_id == citizen_id, Appointment.kind == "remote",
        Appointment.business_day == today, Appointment.status != "cancelled"))
    if taken >= int(rules.remote_per_day):
        raise Conflict(f"每人每天最多远程取号 {int(rules.remote_per_day)} 次",
                       code=ErrorCode.REMOTE_LIMIT)
    pending = s.scalar(select(Appointment.id).where(
        Appointment.citizen_id == citizen_id, Appointment.kind == "remote",
        Appointment.service_id == service.id, Appointment.status == "booked"))
    if pending is not None:
        raise Conflict("您已远程取过该事项的号，请到大厅签到", code=ErrorCode.REMOTE_PENDING)
    expires = now + rules.minutes("remote_expire_minutes")
    appt = Appointment(
        hall_id=hall.id, service_id=service.id, citizen_id=citizen_id, kind="remote",
        booking_code=unique_code(s), slot_start=now, slot_end=expires, business_day=today,
        status="booked", phone=phone, created_at=now,
    )
    s.add(appt)
    s.flush()
    notify(s, settings=settings, recipient=phone, kind="remote", hall_id=hall.id,
           data={"booking_code": appt.booking_code},
           body=f"【通办】您已远程取号「{service.name}」，签到码 {appt.booking_code}，请于 "
                f"{fmt_time(expires, rules)} 前到{hall.name}取号机签到，逾期作废。")
    return appt
