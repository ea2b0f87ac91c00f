"""窗口取件 time slots: windows of the hall's opening hours with a capacity each.

A slot is hall-wide (one 统一出件 window), `slot_minutes` long, and holds `capacity_per_slot`
results. Settings live in the hall's `settings["pickup"]` (`slot_minutes`, `capacity_per_slot`,
`days`: how many open days are offered, `hours`: defaults to the opening hours). Closed days
are the hall's calendar (`closed_days`, the same as for time limits and bookings). A place is
held by every application collecting at the window whose result is not refused and not yet
picked up, so there is no counter to drift: the count is the truth.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.applications.models import Application
from server.appointments.rules import Rules, Slot, day_slots
from server.catalog.models import Hall
from server.core.clock import business_day, utcnow
from server.core.errors import Conflict, Invalid
from tongban_common.wire import ErrorCode

DEFAULTS: dict[str, Any] = {"slot_minutes": 60, "capacity_per_slot": 10, "days": 7}
HOLDING = ("accepted", "in_review", "correction", "decided", "ready_for_pickup")
WEEKDAY_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MAX_LOOKAHEAD_DAYS = 60  # a hall open on no day at all must not loop for ever


def pickup_rules(hall: Hall) -> Rules:
    """The hall's pickup settings as a slot calendar."""
    own = dict((hall.settings or {}).get("pickup") or {})
    values = {**DEFAULTS, **own}
    hours = own.get("hours") or hall.opening_hours or {}
    closed = frozenset(str(d) for d in (hall.settings or {}).get("closed_days") or [])
    return Rules(values=values, tz=ZoneInfo(hall.timezone), hours=hours, closed_dates=closed)


def earliest_day(app_status: str | None, promised_due: date, promised_days: int,
                 today: date) -> date:
    """First day a result can be collected: today once decided (or 即办), else the day after
    the promised date (the hall promises the result by the end of that day)."""
    if app_status in ("decided", "ready_for_pickup") or promised_days == 0:
        return today
    return max(today, promised_due + timedelta(days=1))


def slot_json(rules: Rules, start: datetime, end: datetime) -> dict[str, Any]:
    """A slot as the clients show it: local date, weekday and time window."""
    local_start, local_end = start.astimezone(rules.tz), end.astimezone(rules.tz)
    label = f"{local_start:%H:%M}–{local_end:%H:%M}"
    return {"start": start.isoformat(), "end": end.isoformat(),
            "date": local_start.date().isoformat(), "label": label,
            "text": f"{local_start:%m月%d日} {WEEKDAY_ZH[local_start.weekday()]} {label}"}


def _taken(s: Session, hall: Hall, starts: list[datetime],
           exclude_app: int | None) -> dict[datetime, int]:
    if not starts:
        return {}
    stmt = (select(Application.pickup_slot_start, func.count())
            .where(Application.hall_id == hall.id, Application.delivery == "pickup",
                   Application.pickup_slot_start >= starts[0],
                   Application.pickup_slot_start <= starts[-1],
                   Application.status.in_(HOLDING),
                   or_not_refused())
            .group_by(Application.pickup_slot_start))
    if exclude_app is not None:
        stmt = stmt.where(Application.id != exclude_app)
    return {start: int(n) for start, n in s.execute(stmt).all()}


def or_not_refused() -> Any:  # noqa: ANN401 - an SQL expression
    """Refused applications hold no place (their status stays `decided`)."""
    return func.coalesce(Application.outcome, "") != "refused"


def free_slots(s: Session, *, hall: Hall, earliest: date, now: datetime | None = None,
               exclude_app: int | None = None) -> list[dict[str, Any]]:
    """The next `days` open days from `earliest`, each with its slots and places left."""
    now = now or utcnow()
    rules = pickup_rules(hall)
    capacity = int(rules.capacity_per_slot)
    days: list[tuple[date, list[Slot]]] = []
    day = earliest
    for _ in range(MAX_LOOKAHEAD_DAYS):
        if len(days) >= int(rules.days):
            break
        slots = [x for x in day_slots(rules, day) if x.end > now]
        if slots:
            days.append((day, slots))
        day += timedelta(days=1)
    starts = [x.start for _, slots in days for x in slots]
    taken = _taken(s, hall, starts, exclude_app)
    out = []
    for d, slots in days:
        views = []
        for x in slots:
            used = taken.get(x.start, 0)
            views.append({**slot_json(rules, x.start, x.end), "capacity": capacity,
                          "remaining": max(0, capacity - used), "available": used < capacity})
        out.append({"date": d.isoformat(), "weekday": WEEKDAY_ZH[d.weekday()], "slots": views})
    return out


def choose_slot(s: Session, *, hall: Hall, slot_start: datetime, earliest: date,
                now: datetime | None = None, exclude_app: int | None = None) -> Slot:
    """The slot starting at `slot_start` when it can still be chosen, else 422/409.

    Call inside the write transaction that stores it: the hall row is locked first (PostgreSQL;
    SQLite writers are serial) so two citizens cannot both take the last place.
    """
    now = now or utcnow()
    if slot_start.tzinfo is None:
        raise Invalid("pickup_slot_start 需带时区，例如 2026-12-07T09:00:00+08:00",
                      code=ErrorCode.INVALID_PICKUP_SLOT)
    rules = pickup_rules(hall)
    try:
        day = slot_start.astimezone(rules.tz).date()
        slot = next((x for x in day_slots(rules, day) if x.start == slot_start), None)
    except (OverflowError, ValueError):  # a year-9999 or year-1 moment has no local day here
        slot = None
    if slot is None:
        raise Invalid("所选时间不是大厅的取件时段", code=ErrorCode.INVALID_PICKUP_SLOT)
    if day < earliest:
        raise Invalid(f"办理结果最早 {earliest:%Y-%m-%d} 可取，请选择之后的时段",
                      code=ErrorCode.PICKUP_SLOT_TOO_EARLY)
    if slot.end <= now:
        raise Invalid("该取件时段已结束，请选择其他时段", code=ErrorCode.INVALID_PICKUP_SLOT)
    s.execute(select(Hall.id).where(Hall.id == hall.id).with_for_update())
    used = _taken(s, hall, [slot.start], exclude_app).get(slot.start, 0)
    if used >= int(rules.capacity_per_slot):
        raise Conflict("该取件时段已约满，请选择其他时段", code=ErrorCode.PICKUP_SLOT_FULL)
    return slot


def today_of(hall: Hall, now: datetime | None = None) -> date:
    """The hall's business day now."""
    return business_day(now or utcnow(), hall.timezone)
