"""Appointment settings of a hall + service, and the slot calendar they define."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.catalog.models import Hall, ServiceItem

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Defaults for keys a hall (settings["booking"]) or a service (booking) does not set.
DEFAULTS: dict[str, Any] = {
    "enabled": True,
    "slot_minutes": 30,
    "capacity_per_slot": 5,
    "horizon_days": 7,
    "lead_minutes": 0,
    "per_person_per_day": 1,
    "cancel_cutoff_minutes": 30,
    "reschedule_limit": 2,
    "reminder_minutes": 120,
    "checkin_early_minutes": 30,
    "checkin_late_minutes": 15,
    "no_show_block_after": 3,
    "no_show_window_days": 90,
    "no_show_block_days": 30,
    "remote_enabled": True,
    "remote_per_day": 2,
    "remote_expire_minutes": 60,
    "account_active_limit": 20,
}


@dataclass(frozen=True)
class Rules:
    """Effective booking settings for one service of one hall."""

    values: dict[str, Any]
    tz: ZoneInfo
    hours: dict[str, list[list[str]]]
    closed_dates: frozenset[str] = field(default_factory=frozenset)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def minutes(self, name: str) -> timedelta:
        """A setting given in minutes, as a timedelta."""
        return timedelta(minutes=float(self.values[name]))


def rules_for(hall: Hall, service: ServiceItem) -> Rules:
    """Hall-wide booking settings overridden by the service's own."""
    hall_booking = dict((hall.settings or {}).get("booking") or {})
    svc = dict(service.booking or {})
    values = {**DEFAULTS, **hall_booking, **svc}
    candidates = (svc.get("hours"), hall_booking.get("hours"),
                  (hall.settings or {}).get("appointment_hours"), hall.opening_hours, {})
    hours = next(h for h in candidates if h is not None)
    # The hall's rest days are the manager's `closed_days` (also used for case deadlines).
    closed = set((hall.settings or {}).get("closed_days") or []) | set(svc.get("closed_days")
                                                                        or [])
    return Rules(values=values, tz=ZoneInfo(hall.timezone), hours=hours,
                 closed_dates=frozenset(str(d) for d in closed))


@dataclass(frozen=True)
class Slot:
    """One bookable period (UTC-aware start and end)."""

    start: datetime
    end: datetime


def _at(day: date, hhmm: str, tz: ZoneInfo) -> datetime:
    if hhmm == "24:00":
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(h, m), tzinfo=tz)


def day_slots(rules: Rules, day: date) -> list[Slot]:
    """The slots of a local calendar day (empty on closed days)."""
    if day.isoformat() in rules.closed_dates:
        return []
    length = timedelta(minutes=int(rules.slot_minutes))
    slots: list[Slot] = []
    for start_s, end_s in rules.hours.get(WEEKDAYS[day.weekday()], []):
        t, end = _at(day, start_s, rules.tz), _at(day, end_s, rules.tz)
        while t + length <= end:
            slots.append(Slot(t.astimezone(ZoneInfo("UTC")), (t + length).astimezone(
                ZoneInfo("UTC"))))
            t += length
    return slots


def local_day(rules: Rules, moment: datetime) -> date:
    """The hall's calendar day of a moment."""
    return moment.astimezone(rules.tz).date()


def why_not_bookable(rules: Rules, slot: Slot, now: datetime) -> str | None:
    """None when the slot may still be booked now, else the reason in Chinese."""
    today = local_day(rules, now)
    day = local_day(rules, slot.start)
    if day > today + timedelta(days=int(rules.horizon_days)):
        return f"只能预约 {int(rules.horizon_days)} 天内的时段"
    lead = int(rules.lead_minutes)
    if lead > 0 and slot.start < now + timedelta(minutes=lead):
        return f"须至少提前 {lead} 分钟预约"
    if slot.end <= now:
        return "该时段已结束"
    return None


def in_service_hours(rules: Rules, now: datetime) -> bool:
    """Whether `now` falls inside the hall's (appointment) hours today."""
    day = local_day(rules, now)
    if day.isoformat() in rules.closed_dates:
        return False
    for start_s, end_s in rules.hours.get(WEEKDAYS[day.weekday()], []):
        if _at(day, start_s, rules.tz) <= now < _at(day, end_s, rules.tz):
            return True
    return False
