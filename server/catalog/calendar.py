"""A hall's calendar: its closed days and working-day arithmetic over them."""

from __future__ import annotations

from datetime import date, timedelta

from server.catalog.models import Hall


def add_working_days(start: date, days: int, closed_days: set[date] | None = None) -> date:
    """The date `days` working days after `start` (Mon–Fri, skipping closed days)."""
    closed = closed_days or set()
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in closed:
            left -= 1
    return current


def closed_days(hall: Hall) -> set[date]:
    """The hall's holidays and other closed days (settings `closed_days`, ISO dates)."""
    out = set()
    for raw in (hall.settings or {}).get("closed_days", []):
        try:
            out.add(date.fromisoformat(str(raw)))
        except ValueError:
            continue
    return out
