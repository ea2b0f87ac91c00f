"""Kiosk check-in: an appointment (or remote place) becomes a ticket inside its window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.appointments.models import Appointment
from server.appointments.rules import Rules, local_day, rules_for
from server.appointments.service import normalize_code
from server.appointments.views import appointment_kiosk
from server.auth.principal import Principal
from server.catalog.models import Hall, ServiceItem
from server.core.clock import utcnow
from server.core.config import Settings
from server.core.errors import Conflict, Invalid, NotFound
from server.core.ids import hash_id, parse_id_number
from server.tickets.models import Ticket
from server.tickets.service import idempotent_ticket, issue_ticket, same_issuer
from tongban_common.wire import ErrorCode


@dataclass(frozen=True)
class Arrival:
    """Where `now` falls relative to an appointment's check-in window."""

    code: str  # early | on_time | late | too_early | expired
    text: str
    can_check_in: bool


def arrival(appt: Appointment, rules: Rules, now: datetime) -> Arrival:
    """Classify an arrival: early/on time get appointment priority, late a normal ticket."""
    def hm(moment: datetime) -> str:
        return moment.astimezone(rules.tz).strftime("%H:%M")

    if appt.status == "checked_in":
        return Arrival("on_time" if not appt.late else "late", "该预约已签到", False)
    expired_remote = appt.kind == "remote" and (now > appt.slot_end
                                                or appt.cancel_reason == "expired")
    if expired_remote:
        return Arrival("expired", f"远程取号须在 {hm(appt.slot_end)} 前签到，已过期", False)
    if appt.status == "cancelled":
        return Arrival("expired", "该预约已取消", False)
    if appt.status == "no_show":
        return Arrival("expired", "预约时间已过且未签到（已记爽约）", False)
    if appt.kind == "remote":
        if now > appt.slot_end:
            return Arrival("expired", f"远程取号须在 {hm(appt.slot_end)} 前签到，已过期", False)
        return Arrival("on_time", "远程取号签到，按取号时间排队", True)
    today = local_day(rules, now)
    if appt.business_day < today:
        return Arrival("expired", "预约日期已过", False)
    opens = appt.slot_start - rules.minutes("checkin_early_minutes")
    if now < opens:
        local = opens.astimezone(rules.tz)
        when = hm(opens)
        if appt.business_day != today:
            when = f"{local.month}月{local.day}日 {when}"
        return Arrival("too_early", f"请于 {when} 后签到", False)
    if now < appt.slot_start:
        return Arrival("early", f"提前到达，{hm(appt.slot_start)} 时段开始后优先办理", True)
    late_after = appt.slot_start + rules.minutes("checkin_late_minutes")
    if now <= late_after:
        return Arrival("on_time", "按时到达，预约优先办理", True)
    minutes = int((now - appt.slot_start).total_seconds() // 60)
    return Arrival("late", f"已超过预约时间 {minutes} 分钟，按普通号排队", True)


def _rules(s: Session, appt: Appointment) -> tuple[Hall, ServiceItem, Rules]:
    hall = s.get(Hall, appt.hall_id)
    service = s.get(ServiceItem, appt.service_id)
    assert hall is not None and service is not None
    return hall, service, rules_for(hall, service)


def find_for_checkin(
    s: Session, *, hall: Hall, booking_code: str | None, id_number: str | None,
    settings: Settings, now: datetime, for_update: bool = False,
) -> list[Appointment]:
    """Appointments of this hall for a booking code, or today's for an ID number; 404 if none."""
    if bool(booking_code) == bool(id_number):
        raise Invalid("请提供预约码 booking_code 或身份证号 id_number 之一",
                      code=ErrorCode.CHECKIN_KEY)
    stmt = select(Appointment).where(Appointment.hall_id == hall.id)
    if booking_code:
        stmt = stmt.where(Appointment.booking_code == normalize_code(booking_code))
    else:
        today = now.astimezone(_tz(hall)).date()
        parsed = parse_id_number(id_number or "", today=today)
        stmt = stmt.where(Appointment.id_hash == hash_id(parsed.value, settings.secret_key),
                          Appointment.business_day == today,
                          Appointment.status != "cancelled")
    if for_update:
        stmt = stmt.with_for_update()
    rows = list(s.scalars(stmt.order_by(Appointment.slot_start, Appointment.id)))
    if not rows:
        raise NotFound("未找到今天的预约，请核对预约码或身份证号",
                       code=ErrorCode.APPOINTMENT_NOT_FOUND)
    return rows


def _tz(hall: Hall) -> ZoneInfo:
    return ZoneInfo(hall.timezone)


def lookup(
    s: Session, *, hall: Hall, booking_code: str | None, id_number: str | None,
    settings: Settings, now: datetime | None = None,
) -> list[dict[str, Any]]:
    """What the kiosk shows before check-in (masked personal data only)."""
    now = now or utcnow()
    rows = find_for_checkin(s, hall=hall, booking_code=booking_code, id_number=id_number,
                            settings=settings, now=now)
    out = []
    for appt in rows:
        _, _, rules = _rules(s, appt)
        out.append(appointment_kiosk(s, appt, arrival(appt, rules, now)))
    return out


@dataclass
class CheckinResult:
    """The ticket an appointment became, and how."""

    ticket: Ticket
    appointment: Appointment
    arrival: Arrival
    replayed: bool


def check_in(
    s: Session, *, hall: Hall, booking_code: str | None, id_number: str | None,
    settings: Settings, principal: Principal, idempotency_key: str | None = None,
    now: datetime | None = None,
) -> CheckinResult:
    """Turn the appointment into a ticket: appointment priority inside the window, a normal
    ticket when late; a second check-in is a 409 naming the existing number."""
    now = now or utcnow()
    if idempotency_key:
        prior = idempotent_ticket(s, hall_id=hall.id, key=idempotency_key)
        if prior is not None and not same_issuer(prior, principal):  # (security fix)
            raise Conflict("该 Idempotency-Key 已被其他终端使用，请换一个",
                           code=ErrorCode.IDEMPOTENCY_KEY_REUSED)
        if prior is not None and prior.appointment_id is None:
            raise Conflict("该 Idempotency-Key 已用于普通取号，请换一个",
                           code=ErrorCode.IDEMPOTENCY_KEY_REUSED)
        if prior is not None:
            appt = s.get(Appointment, prior.appointment_id)
            assert appt is not None
            _, _, rules = _rules(s, appt)
            return CheckinResult(prior, appt, arrival(appt, rules, now), True)
    rows = find_for_checkin(s, hall=hall, booking_code=booking_code, id_number=id_number,
                            settings=settings, now=now, for_update=True)
    judged = [(a, arrival(a, _rules(s, a)[2], now)) for a in rows]
    ready = [(a, arr) for a, arr in judged if arr.can_check_in]
    if not ready:
        appt, arr = judged[0]
        done = next((a for a, _ in judged if a.status == "checked_in"), None)
        if done is not None:
            number = s.scalar(select(Ticket.number).where(Ticket.id == done.ticket_id)) or ""
            raise Conflict(f"该预约已签到，号码为 {number}", code=ErrorCode.ALREADY_CHECKED_IN)
        if arr.code == "too_early":
            raise Conflict(f"签到时间未到：{arr.text}", code=ErrorCode.TOO_EARLY)
        raise Conflict(arr.text, code=ErrorCode.APPOINTMENT_EXPIRED)
    appt, arr = ready[0]
    _, service, _ = _rules(s, appt)
    late = arr.code == "late"
    if appt.kind == "remote":
        reason, source, prio = "远程取号签到", "remote", None
    elif late:
        reason, source, prio = arr.text, "appointment", None
    else:
        start = appt.slot_start.astimezone(_tz(hall)).strftime("%H:%M")
        reason, source = f"预约 {start} 时段", "appointment"
        prio = {"id": appt.id, "slot_start": appt.slot_start, "reason": "预约签到优先"}
    result = issue_ticket(
        s, hall=hall, service_code=service.code, settings=settings, principal=principal,
        id_number=id_number, citizen_name=appt.citizen_name or None, source=source,
        idempotency_key=idempotency_key, appointment=prio, now=now,
        # The place of a remote ticket was held from the moment it was taken online.
        queued_since=appt.slot_start if appt.kind == "remote" else None,
    )
    ticket = result.ticket
    ticket.appointment_id = appt.id
    ticket.appointment_slot_start = appt.slot_start if appt.kind == "appointment" else None
    ticket.citizen_id = appt.citizen_id
    if appt.id_hash and not ticket.id_hash:
        ticket.id_hash, ticket.id_masked = appt.id_hash, appt.id_masked
    # An elderly late-comer keeps the green channel (and its reason).
    if appt.kind == "remote" or (late and ticket.priority_class != "green"):
        ticket.priority_reason = reason
    appt.status, appt.checked_in_at, appt.ticket_id, appt.late = "checked_in", now, ticket.id, late
    s.flush()
    return CheckinResult(ticket, appt, Arrival(arr.code, reason if not late else arr.text, False),
                         False)
