"""Time helpers: one place that knows 'now' and the hall's business day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def business_day(moment: datetime, tz_name: str) -> date:
    """The calendar day of `moment` in the hall's timezone."""
    return moment.astimezone(ZoneInfo(tz_name)).date()


def iso(moment: datetime | None) -> str | None:
    """ISO-8601 with offset, or None."""
    return moment.astimezone(UTC).isoformat() if moment else None
