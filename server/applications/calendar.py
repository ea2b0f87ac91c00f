"""Working-day arithmetic over a hall's calendar (weekends and the hall's closed days)."""

from __future__ import annotations

from datetime import date, timedelta

from server.catalog.calendar import add_working_days


def is_working_day(day: date, closed: set[date]) -> bool:
    """Monday to Friday and not one of the hall's closed days."""
    return day.weekday() < 5 and day not in closed


def working_days_between(start: date, end: date, closed: set[date]) -> int:
    """Working days d with start < d <= end (0 when end is not after start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day, closed)
    return count


def due_date(start: date, days: int, closed: set[date], *, paused: int = 0) -> date:
    """The day a limit of `days` working days from `start` runs out, after `paused` more."""
    return add_working_days(start, days + paused, closed)


def working_days_left(today: date, due: date, closed: set[date]) -> int:
    """Working days from today to the due day; negative when the due day has passed."""
    if today <= due:
        return working_days_between(today, due, closed)
    return -working_days_between(due, today, closed)
