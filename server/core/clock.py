"""Time helpers: one place that knows 'now' and the hall's business day.

Benchmarks and the hall-day simulator may run the server on a compressed clock
(setting `TONGBAN_CLOCK`, never for production): `start=<ISO time>,speed=<factor>` and
optionally `real=<unix time>` (the wall-clock moment that maps to `start`; default: when
the clock is configured). Virtual now = start + (wall now - real) x speed. Every server
module asks `utcnow()`, so the code under test is the real code, only time moves faster.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ClockSpec:
    """A linear mapping from wall-clock time to virtual time."""

    start: datetime
    real: float
    speed: float

    def now(self, wall: float | None = None) -> datetime:
        """Virtual time at wall-clock `wall` (default: now)."""
        wall = time.time() if wall is None else wall
        return self.start + timedelta(seconds=(wall - self.real) * self.speed)

    def wall_at(self, moment: datetime) -> float:
        """The wall-clock unix time at which the virtual clock shows `moment`."""
        return self.real + (moment - self.start).total_seconds() / self.speed

    def render(self) -> str:
        """The TONGBAN_CLOCK string for this mapping."""
        return f"start={self.start.isoformat()},real={self.real!r},speed={self.speed!r}"


_spec: ClockSpec | None = None


def parse_clock(text: str) -> ClockSpec:
    """Parse `start=…,speed=…[,real=…]`; raises ValueError on anything else."""
    parts = dict(p.split("=", 1) for p in text.split(",") if p.strip())
    unknown = set(parts) - {"start", "speed", "real"}
    if unknown or "start" not in parts:
        raise ValueError(f"bad clock spec {text!r}: need start=<ISO>,speed=<n>[,real=<unix>]")
    start = datetime.fromisoformat(parts["start"])
    if start.tzinfo is None:
        raise ValueError("clock start needs a timezone offset")
    speed = float(parts.get("speed", "1"))
    if speed <= 0:
        raise ValueError("clock speed must be positive")
    return ClockSpec(start.astimezone(UTC), float(parts.get("real", time.time())), speed)


def configure(text: str | None) -> None:
    """Install (or with None remove) a compressed bench/test clock for this process."""
    global _spec
    _spec = parse_clock(text) if text else None


def utcnow() -> datetime:
    """Current time, timezone-aware UTC (virtual when a bench clock is configured)."""
    if _spec is not None:
        return _spec.now()
    return datetime.now(UTC)


def business_day(moment: datetime, tz_name: str) -> date:
    """The calendar day of `moment` in the hall's timezone."""
    return moment.astimezone(ZoneInfo(tz_name)).date()


def day_start(day: date, tz_name: str) -> datetime:
    """The UTC moment a business day begins (local midnight in the hall's timezone)."""
    return datetime.combine(day, day_time.min, tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 with offset, or None."""
    return moment.astimezone(UTC).isoformat() if moment else None
