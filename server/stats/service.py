"""Statistics for a day or range, grouped per hall / service / window / clerk / hour / day.

Definitions (documented in docs/manager.md):
- wait = first_called_at − issued_at, for tickets that were called at least once;
- service time = finished_at − started_at, for done tickets (the last serving segment:
  a transfer restarts the clock at the receiving window);
- service level = share of called tickets whose wait ≤ target (default 25 min);
- appointment punctuality = share of appointment tickets issued (checked in) no later than
  appointment_slot_start + grace (default 0 min);
- satisfaction = share of ratings ≥ 4 among rated tickets, and the mean rating;
- p90 uses the nearest-rank method: the ⌈0.9·n⌉-th smallest value.
Business days are the hall's calendar days (Ticket.business_day, hall timezone).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.models import Staff
from server.catalog.models import Hall, ServiceItem
from server.core.errors import Invalid
from server.evaluations.models import Evaluation
from server.tickets.models import Ticket
from server.windows.models import Window
from tongban_common.wire import ErrorCode, TicketStatus

GROUPS = ("hall", "service", "window", "clerk", "hour", "day")
DEFAULT_SERVICE_LEVEL_MINUTES = 25.0
MAX_RANGE_DAYS = 366

# Column order of exports and the table on the page: (key, zh, en).
COLUMNS: list[tuple[str, str, str]] = [
    ("key", "分组", "Group"),
    ("label", "名称", "Name"),
    ("tickets", "取号数", "Tickets"),
    ("served", "办结数", "Served"),
    ("no_shows", "过号数", "No-shows"),
    ("cancellations", "取消数", "Cancelled"),
    ("transfers", "转移次数", "Transfers"),
    ("called", "已叫号数", "Called"),
    ("avg_wait_minutes", "平均等候(分)", "Avg wait (min)"),
    ("p90_wait_minutes", "90%等候(分)", "P90 wait (min)"),
    ("avg_service_minutes", "平均办理(分)", "Avg service (min)"),
    ("p90_service_minutes", "90%办理(分)", "P90 service (min)"),
    ("service_level", "服务水平", "Service level"),
    ("appointments", "预约数", "Appointments"),
    ("punctuality", "预约准时率", "Punctuality"),
    ("ratings", "评价数", "Ratings"),
    ("satisfaction", "满意率", "Satisfaction"),
    ("mean_rating", "平均评分", "Mean rating"),
]


def nearest_rank(values: list[float], pct: float) -> float | None:
    """The nearest-rank percentile: the ⌈pct/100·n⌉-th smallest value (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _r(x: float | None, digits: int = 2) -> float | None:
    return round(x, digits) if x is not None else None


@dataclass
class _Bucket:
    tickets: int = 0
    served: int = 0
    no_shows: int = 0
    cancellations: int = 0
    transfers: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    within_target: int = 0
    appointments: int = 0
    punctual: int = 0
    ratings: list[int] = field(default_factory=list)

    def add(self, t: Ticket, rating: int | None, *, target: float, grace: float) -> None:
        self.tickets += 1
        self.served += t.status == TicketStatus.DONE
        self.no_shows += t.status == TicketStatus.NO_SHOW
        self.cancellations += t.status == TicketStatus.CANCELLED
        self.transfers += t.transfer_count
        if t.first_called_at is not None:
            wait = (t.first_called_at - t.issued_at).total_seconds() / 60
            self.waits.append(wait)
            self.within_target += wait <= target
        if t.status == TicketStatus.DONE and t.started_at and t.finished_at:
            self.services.append((t.finished_at - t.started_at).total_seconds() / 60)
        if t.appointment_slot_start is not None:
            self.appointments += 1
            self.punctual += t.issued_at <= t.appointment_slot_start + timedelta(minutes=grace)
        if rating is not None:
            self.ratings.append(rating)

    def out(self) -> dict[str, Any]:
        called = len(self.waits)
        return {
            "tickets": self.tickets,
            "served": self.served,
            "no_shows": self.no_shows,
            "cancellations": self.cancellations,
            "transfers": self.transfers,
            "called": called,
            "avg_wait_minutes": _r(_mean(self.waits)),
            "p90_wait_minutes": _r(nearest_rank(self.waits, 90)),
            "avg_service_minutes": _r(_mean(self.services)),
            "p90_service_minutes": _r(nearest_rank(self.services, 90)),
            "service_level": _r(self.within_target / called, 4) if called else None,
            "appointments": self.appointments,
            "punctuality": _r(self.punctual / self.appointments, 4) if self.appointments else None,
            "ratings": len(self.ratings),
            "satisfaction": _r(sum(r >= 4 for r in self.ratings) / len(self.ratings), 4)
            if self.ratings else None,
            "mean_rating": _r(_mean([float(r) for r in self.ratings])),
        }


def parse_range(day_from: str | None, day_to: str | None, today: date) -> tuple[date, date]:
    """Validate an inclusive day range (YYYY-MM-DD); default today."""
    try:
        start = date.fromisoformat(day_from) if day_from else today
        end = date.fromisoformat(day_to) if day_to else (start if day_from else today)
    except ValueError:
        raise Invalid("日期格式应为 YYYY-MM-DD", code=ErrorCode.INVALID_DATE) from None
    if end < start:
        raise Invalid("结束日期不能早于开始日期", code=ErrorCode.INVALID_RANGE)
    if (end - start).days >= MAX_RANGE_DAYS:
        raise Invalid(f"统计区间最长 {MAX_RANGE_DAYS} 天", code=ErrorCode.RANGE_TOO_LONG)
    return start, end


def hall_stats(
    s: Session, *, hall: Hall, day_from: date, day_to: date, group: str = "hall",
    service_level_minutes: float | None = None,
) -> dict[str, Any]:
    """Totals and per-group rows for the hall's business days day_from..day_to (inclusive)."""
    if group not in GROUPS:
        raise Invalid(f"group 只能是 {'/'.join(GROUPS)}", code=ErrorCode.INVALID_GROUP)
    target = float(service_level_minutes if service_level_minutes is not None else
                   hall.settings.get("service_level_minutes", DEFAULT_SERVICE_LEVEL_MINUTES))
    grace = float(hall.settings.get("punctuality_grace_minutes", 0))
    tickets = list(s.scalars(
        select(Ticket).where(Ticket.hall_id == hall.id, Ticket.business_day >= day_from,
                             Ticket.business_day <= day_to).order_by(Ticket.id)))
    ratings: dict[int, int] = {}
    if tickets:
        ratings = dict(s.execute(
            select(Evaluation.ticket_id, Evaluation.rating)
            .join(Ticket, Ticket.id == Evaluation.ticket_id)
            .where(Ticket.hall_id == hall.id, Ticket.business_day >= day_from,
                   Ticket.business_day <= day_to)).tuples().all())
    tz = ZoneInfo(hall.timezone)
    labels = _labels(s, hall, group)
    total = _Bucket()
    buckets: dict[Any, _Bucket] = defaultdict(_Bucket)
    for t in tickets:
        rating = ratings.get(t.id)
        total.add(t, rating, target=target, grace=grace)
        if group != "hall":
            buckets[_key(t, group, tz)].add(t, rating, target=target, grace=grace)
    rows = []
    for key in sorted(buckets, key=lambda k: (k is None, str(k) if group == "day" else k or 0)):
        label = labels.get(key, "未分配" if key is None else str(key))
        if group == "hour" and key is not None:
            label = f"{key:02d}:00–{key + 1:02d}:00"
        rows.append({"key": key if not isinstance(key, date) else key.isoformat(),
                     "label": label, **buckets[key].out()})
    return {
        "hall": hall.code, "from": day_from.isoformat(), "to": day_to.isoformat(),
        "group": group, "service_level_target_minutes": target,
        "punctuality_grace_minutes": grace, "percentile_method": "nearest-rank",
        "totals": total.out(), "rows": rows,
    }


def _key(t: Ticket, group: str, tz: ZoneInfo) -> Any:
    if group == "service":
        return t.service_id
    if group == "window":
        return t.window_id
    if group == "clerk":
        return t.staff_id
    if group == "hour":
        return t.issued_at.astimezone(tz).hour
    return t.business_day


def _labels(s: Session, hall: Hall, group: str) -> dict[Any, str]:
    if group == "service":
        return {i: n for i, n in s.execute(
            select(ServiceItem.id, ServiceItem.name).where(ServiceItem.hall_id == hall.id))}
    if group == "window":
        return {i: f"{n}号 {name}" for i, n, name in s.execute(
            select(Window.id, Window.number, Window.name).where(Window.hall_id == hall.id))}
    if group == "clerk":
        return {i: f"{n}（{u}）" for i, n, u in s.execute(
            select(Staff.id, Staff.full_name, Staff.username).where(Staff.hall_id == hall.id))}
    return {}


def today_for(hall: Hall, now: datetime) -> date:
    """The hall's current business day."""
    return now.astimezone(ZoneInfo(hall.timezone)).date()
