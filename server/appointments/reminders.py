"""Appointment reminders through the notification outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.appointments.models import Appointment
from server.appointments.service import fmt_time, rules_of
from server.citizens.notify import notify
from server.core.clock import utcnow
from server.core.config import Settings


def send_reminders(s: Session, *, settings: Settings, now: datetime | None = None) -> int:
    """Remind booked citizens once, `reminder_minutes` before their slot; returns how many."""
    now = now or utcnow()
    sent = 0
    horizon = now + timedelta(days=1)
    rows = s.scalars(select(Appointment).where(
        Appointment.status == "booked", Appointment.kind == "appointment",
        Appointment.reminded_at.is_(None), Appointment.slot_start > now,
        Appointment.slot_start <= horizon).with_for_update(skip_locked=True))
    for appt in rows:
        hall, service, rules = rules_of(s, appt)
        if appt.slot_start - rules.minutes("reminder_minutes") > now:
            continue
        appt.reminded_at = now
        notify(s, settings=settings, recipient=appt.phone, kind="reminder", hall_id=hall.id,
               data={"booking_code": appt.booking_code},
               body=f"【通办】温馨提醒：您预约的「{service.name}」将于 "
                    f"{fmt_time(appt.slot_start, rules)} 开始，"
                    f"请携带身份证原件提前到{hall.name}签到，"
                    f"预约码 {appt.booking_code}。")
        sent += 1
    return sent
