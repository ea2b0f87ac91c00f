"""Booking, cancelling and rescheduling appointments; remote tickets; no-show bookkeeping."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from server.appointments.models import Appointment
from server.appointments.rules import (
    Rules,
    local_day,
    rules_for,
    why_not_bookable,
)
from server.appointments.slots import find_slot, release_place, take_place
from server.auth.principal import Principal
from server.catalog.models import Hall, ServiceItem
from server.catalog.service import get_hall, get_service
from server.citizens.notify import notify
from server.citizens.service import normalize_phone
from server.core.clock import utcnow
from server.core.config import Settings
from server.core.db import lock_key
from server.core.errors import Conflict, Forbidden, Invalid, NotFound
from server.core.ids import hash_id, mask_name, parse_id_number
from tongban_common.wire import ErrorCode

# Booking codes: no 0/O, 1/I/L, so a code read aloud or typed at a kiosk is unambiguous.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
ACTIVE = ("booked", "checked_in")
NAME = re.compile(r"^[\u4e00-\u9fa5A-Za-z·•. ]{1,50}$")


def new_booking_code() -> str:
    """A short unguessable code (31^8 ≈ 8.5e11 possibilities)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """Upper-case, spaces and dashes removed (as typed at a kiosk)."""
    return re.sub(r"[\s-]", "", raw or "").upper()


def fmt_time(moment: datetime, rules: Rules, pattern: str = "%H:%M") -> str:
    """A moment as hall-local clock time."""
    return moment.astimezone(rules.tz).strftime(pattern)


def day_text(moment: datetime, rules: Rules) -> str:
    """A moment's hall-local date as 12月3日."""
    local = moment.astimezone(rules.tz)
    return f"{local.month}月{local.day}日"


def lock_person(s: Session, key: str) -> None:
    """Serialize bookings of one person (PostgreSQL advisory lock; SQLite writes are serial)."""
    lock_key(s, key)


# ---------------------------------------------------------------- no-shows


def mark_no_shows(s: Session, *, now: datetime, citizen_id: int | None = None,
                  id_hash: str | None = None) -> int:
    """Booked appointments whose day is over become no_show; expired remote places lapse."""
    stmt = select(Appointment).where(
        Appointment.status == "booked", Appointment.slot_start < now,
        # Coarse SQL filter (no hall is more than a day ahead of UTC); exact check below.
        or_(and_(Appointment.kind == "remote", Appointment.slot_end < now),
            Appointment.business_day <= now.date()))
    if citizen_id is not None:
        stmt = stmt.where(Appointment.citizen_id == citizen_id)
    if id_hash is not None:
        stmt = stmt.where(Appointment.id_hash == id_hash)
    changed = 0
    for appt in s.scalars(stmt):
        hall = s.get(Hall, appt.hall_id)
        assert hall is not None
        service = s.get(ServiceItem, appt.service_id)
        assert service is not None
        rules = rules_for(hall, service)
        if appt.kind == "remote":
            if appt.slot_end < now:
                appt.status, appt.cancelled_at, appt.cancel_reason = "cancelled", now, "expired"
                changed += 1
        elif appt.business_day < local_day(rules, now):
            appt.status, appt.no_show_at = "no_show", now
            changed += 1
    return changed


def _check_not_blocked(s: Session, *, id_hash: str, rules: Rules, now: datetime) -> None:
    limit = int(rules.no_show_block_after)
    if limit <= 0:
        return
    since = now - timedelta(days=int(rules.no_show_window_days))
    rows = s.scalars(select(Appointment.no_show_at).where(
        Appointment.id_hash == id_hash, Appointment.status == "no_show",
        Appointment.no_show_at >= since).order_by(Appointment.no_show_at.desc())).all()
    if len(rows) >= limit:
        until = rows[0] + timedelta(days=int(rules.no_show_block_days))
        if until > now:
            raise Forbidden(
                f"您近期已有 {len(rows)} 次预约未到，{day_text(until, rules)}前暂停网上预约，"
                "可到大厅现场取号办理", code=ErrorCode.BOOKING_BLOCKED)


# ---------------------------------------------------------------- booking


def book(
    s: Session,
    *,
    citizen_id: int,
    hall_code: str,
    service_code: str,
    slot_start: datetime,
    name: str,
    id_number: str,
    phone: str,
    settings: Settings,
    now: datetime | None = None,
) -> Appointment:
    """Book one place in a slot; checks hours, horizon, lead time, limits and capacity."""
    now = now or utcnow()
    hall = get_hall(s, hall_code)
    service = get_service(s, hall.id, service_code)
    rules = rules_for(hall, service)
    if not service.online_capable or not rules.enabled:
        raise Conflict(f"「{service.name}」暂不支持网上预约", code=ErrorCode.BOOKING_DISABLED)
    name = (name or "").strip()
    if not NAME.match(name):
        raise Invalid("请填写真实姓名（汉字或字母）", code=ErrorCode.INVALID_NAME)
    parsed = parse_id_number(id_number, today=local_day(rules, now))
    phone = normalize_phone(phone)
    slot = find_slot(rules, slot_start)
    reason = why_not_bookable(rules, slot, now)
    if reason:
        raise Conflict(reason, code=ErrorCode.SLOT_NOT_BOOKABLE)
    id_h = hash_id(parsed.value, settings.secret_key)
    lock_person(s, id_h)
    mark_no_shows(s, now=now, id_hash=id_h)
    _check_not_blocked(s, id_hash=id_h, rules=rules, now=now)
    day = local_day(rules, slot.start)
    same_day = s.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.id_hash == id_h, Appointment.service_id == service.id,
        Appointment.business_day == day, Appointment.kind == "appointment",
        Appointment.status.in_(ACTIVE)))
    if same_day >= int(rules.per_person_per_day):
        raise Conflict(f"同一证件当天只能预约「{service.name}」{int(rules.per_person_per_day)} 次",
                       code=ErrorCode.PERSON_LIMIT)
    active = s.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.citizen_id == citizen_id, Appointment.status == "booked",
        Appointment.business_day >= local_day(rules, now)))
    if active >= int(rules.account_active_limit):
        raise Conflict("本账号待办预约过多，请先办理或取消部分预约", code=ErrorCode.ACCOUNT_LIMIT)
    take_place(s, hall=hall, service=service, slot=slot, capacity=int(rules.capacity_per_slot))
    appt = Appointment(
        hall_id=hall.id, service_id=service.id, citizen_id=citizen_id, kind="appointment",
        booking_code=unique_code(s), slot_start=slot.start, slot_end=slot.end,
        business_day=day, status="booked", citizen_name=name, name_masked=mask_name(name),
        id_hash=id_h, id_masked=parsed.masked, phone=phone, created_at=now,
    )
    s.add(appt)
    s.flush()
    notify(s, settings=settings, recipient=phone, kind="booked", hall_id=hall.id,
           data={"booking_code": appt.booking_code},
           body=f"【通办】您已预约{hall.name}「{service.name}」，"
                f"时间 {day_text(slot.start, rules)} {fmt_time(slot.start, rules)}–"
                f"{fmt_time(slot.end, rules)}，预约码 {appt.booking_code}。"
                "请携带身份证原件按时到大厅取号机签到。")
    return appt


def unique_code(s: Session) -> str:
    """A booking code not used yet."""
    for _ in range(10):
        code = new_booking_code()
        if s.scalar(select(Appointment.id).where(Appointment.booking_code == code)) is None:
            return code
    raise Conflict("预约码生成失败，请重试", code=ErrorCode.CODE_COLLISION)


def own_appointment(s: Session, *, booking_code: str, principal: Principal,
                    for_update: bool = False) -> Appointment:
    """A citizen's own appointment by code; someone else's code is a 404 like a wrong one."""
    stmt = select(Appointment).where(Appointment.booking_code == normalize_code(booking_code))
    if for_update:
        stmt = stmt.with_for_update()
    appt = s.scalar(stmt)
    if appt is None or principal.kind != "citizen" or appt.citizen_id != principal.id:
        raise NotFound("未找到该预约", code=ErrorCode.APPOINTMENT_NOT_FOUND)
    return appt


def list_own(s: Session, *, citizen_id: int) -> list[Appointment]:
    """The citizen's appointments and remote tickets, newest slot first."""
    return list(s.scalars(select(Appointment).where(Appointment.citizen_id == citizen_id)
                          .order_by(Appointment.slot_start.desc(), Appointment.id.desc())))


def rules_of(s: Session, appt: Appointment) -> tuple[Hall, ServiceItem, Rules]:
    """Hall, service and effective rules of an appointment."""
    hall = s.get(Hall, appt.hall_id)
    service = s.get(ServiceItem, appt.service_id)
    assert hall is not None and service is not None
    return hall, service, rules_for(hall, service)


def _check_cutoff(appt: Appointment, rules: Rules, now: datetime, what: str) -> None:
    if appt.status != "booked":
        raise Conflict(f"预约当前状态为「{STATUS_ZH[appt.status]}」，不能{what}",
                       code=ErrorCode.NOT_BOOKED)
    cutoff = appt.slot_start - rules.minutes("cancel_cutoff_minutes")
    if now > cutoff:
        raise Conflict(f"已过{what}截止时间（时段开始前 {int(rules.cancel_cutoff_minutes)} 分钟，"
                       f"即 {fmt_time(cutoff, rules)}）", code=ErrorCode.CUTOFF_PASSED)


def cancel(s: Session, *, appt: Appointment, settings: Settings,
           now: datetime | None = None) -> Appointment:
    """Cancel before the cut-off; the place goes back to the slot."""
    now = now or utcnow()
    hall, service, rules = rules_of(s, appt)
    if appt.kind == "remote":
        if appt.status != "booked":
            raise Conflict("该远程取号已签到或失效", code=ErrorCode.NOT_BOOKED)
    else:
        _check_cutoff(appt, rules, now, "取消")
        release_place(s, appt)
    appt.status, appt.cancelled_at, appt.cancel_reason = "cancelled", now, "citizen"
    notify(s, settings=settings, recipient=appt.phone, kind="cancelled", hall_id=hall.id,
           data={"booking_code": appt.booking_code},
           body=f"【通办】您预约的「{service.name}」（预约码 {appt.booking_code}）已取消。")
    return appt


def reschedule(s: Session, *, appt: Appointment, slot_start: datetime, settings: Settings,
               now: datetime | None = None) -> Appointment:
    """Move a booking to another slot of the same service (before the cut-off, limited)."""
    now = now or utcnow()
    hall, service, rules = rules_of(s, appt)
    if appt.kind != "appointment":
        raise Conflict("远程取号不能改期", code=ErrorCode.NOT_RESCHEDULABLE)
    _check_cutoff(appt, rules, now, "改期")
    if appt.reschedule_count >= int(rules.reschedule_limit):
        raise Conflict(f"每个预约最多改期 {int(rules.reschedule_limit)} 次",
                       code=ErrorCode.RESCHEDULE_LIMIT)
    slot = find_slot(rules, slot_start)
    if slot.start == appt.slot_start:
        raise Invalid("新时段与原时段相同", code=ErrorCode.SAME_SLOT)
    reason = why_not_bookable(rules, slot, now)
    if reason:
        raise Conflict(reason, code=ErrorCode.SLOT_NOT_BOOKABLE)
    day = local_day(rules, slot.start)
    if day != appt.business_day:
        same_day = s.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.id_hash == appt.id_hash, Appointment.service_id == service.id,
            Appointment.business_day == day, Appointment.kind == "appointment",
            Appointment.status.in_(ACTIVE)))
        if same_day >= int(rules.per_person_per_day):
            raise Conflict("同一证件当天预约次数已达上限", code=ErrorCode.PERSON_LIMIT)
    take_place(s, hall=hall, service=service, slot=slot, capacity=int(rules.capacity_per_slot))
    release_place(s, appt)
    appt.slot_start, appt.slot_end, appt.business_day = slot.start, slot.end, day
    appt.reschedule_count += 1
    appt.reminded_at = None
    notify(s, settings=settings, recipient=appt.phone, kind="rescheduled", hall_id=hall.id,
           data={"booking_code": appt.booking_code},
           body=f"【通办】您的「{service.name}」预约已改至 {day_text(slot.start, rules)} "
                f"{fmt_time(slot.start, rules)}–{fmt_time(slot.end, rules)}，"
                f"预约码 {appt.booking_code}。")
    return appt


STATUS_ZH = {"booked": "已预约", "checked_in": "已签到", "served": "已办结",
             "cancelled": "已取消", "no_show": "已爽约"}
