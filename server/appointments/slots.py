"""Slot listings and the atomic per-slot place counter."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.appointments.models import Appointment, SlotCounter
from server.appointments.rules import Rules, Slot, day_slots, local_day, why_not_bookable
from server.catalog.models import Hall, ServiceItem
from server.core.errors import Conflict, Invalid
from tongban_common.wire import ErrorCode


def _fmt(moment: datetime, rules: Rules) -> str:
    return moment.astimezone(rules.tz).strftime("%H:%M")


def slot_view(
    s: Session, *, hall: Hall, service: ServiceItem, rules: Rules, day: date, now: datetime
) -> list[dict[str, Any]]:
    """The day's slots with capacity, bookings held, remaining places and bookability."""
    slots = day_slots(rules, day)
    if not slots:
        return []
    held = dict(s.execute(
        select(SlotCounter.slot_start, SlotCounter.booked).where(
            SlotCounter.hall_id == hall.id, SlotCounter.service_id == service.id,
            SlotCounter.slot_start >= slots[0].start, SlotCounter.slot_start <= slots[-1].start,
        )).all())
    capacity = int(rules.capacity_per_slot)
    out = []
    for slot in slots:
        booked = int(held.get(slot.start, 0))
        reason = why_not_bookable(rules, slot, now)
        remaining = max(0, capacity - booked)
        if reason is None and remaining == 0:
            reason = "该时段已约满"
        out.append({
            "start": slot.start.isoformat(), "end": slot.end.isoformat(),
            "label": f"{_fmt(slot.start, rules)}–{_fmt(slot.end, rules)}",
            "capacity": capacity, "booked": min(booked, capacity), "remaining": remaining,
            "bookable": reason is None, "reason": reason,
        })
    return out


def find_slot(rules: Rules, slot_start: datetime) -> Slot:
    """The slot starting exactly at `slot_start`, or 422."""
    if slot_start.tzinfo is None:
        raise Invalid("slot_start 需带时区，例如 2026-12-01T09:00:00+08:00",
                      code=ErrorCode.INVALID_SLOT)
    for slot in day_slots(rules, local_day(rules, slot_start)):
        if slot.start == slot_start:
            return slot
    raise Invalid("所选时间不是可预约的时段", code=ErrorCode.INVALID_SLOT)


def take_place(s: Session, *, hall: Hall, service: ServiceItem, slot: Slot,
                capacity: int) -> None:
    """Atomically hold one place in the slot, or 409 when it is full."""
    dialect = s.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    s.execute(insert(SlotCounter).values(hall_id=hall.id, service_id=service.id,
                                         slot_start=slot.start, booked=0)
              .on_conflict_do_nothing(index_elements=["hall_id", "service_id", "slot_start"]))
    taken = s.execute(
        update(SlotCounter)
        .where(SlotCounter.hall_id == hall.id, SlotCounter.service_id == service.id,
               SlotCounter.slot_start == slot.start, SlotCounter.booked < capacity)
        .values(booked=SlotCounter.booked + 1)
        .returning(SlotCounter.booked)
    ).scalar_one_or_none()
    if taken is None:
        raise Conflict("该时段已约满，请选择其他时段", code=ErrorCode.SLOT_FULL)


def release_place(s: Session, appt: Appointment) -> None:
    """Give an appointment's place back to its slot."""
    s.execute(update(SlotCounter).where(
        SlotCounter.hall_id == appt.hall_id, SlotCounter.service_id == appt.service_id,
        SlotCounter.slot_start == appt.slot_start, SlotCounter.booked > 0,
    ).values(booked=SlotCounter.booked - 1))
