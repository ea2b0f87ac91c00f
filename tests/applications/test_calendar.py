"""Working-day arithmetic over weekends and the hall's holidays (closed days)."""

from __future__ import annotations

from datetime import date

from server.applications.calendar import due_date, working_days_between, working_days_left

# December 2026: the 4th is a Friday; the 8th (Tuesday) is a hall holiday below.
FRI, SAT, SUN, MON, TUE, WED, THU = (date(2026, 12, d) for d in range(4, 11))
HOLIDAY = {TUE}


def test_due_date_skips_the_weekend() -> None:
    assert due_date(FRI, 1, set()) == MON
    assert due_date(FRI, 3, set()) == WED


def test_due_date_skips_weekend_and_holiday() -> None:
    assert due_date(FRI, 1, HOLIDAY) == MON
    assert due_date(FRI, 2, HOLIDAY) == WED  # Tuesday is closed
    assert due_date(FRI, 5, HOLIDAY) == date(2026, 12, 14)  # Mon, Wed, Thu, Fri, Mon


def test_accepted_on_a_saturday_counts_from_monday() -> None:
    assert due_date(SAT, 1, set()) == MON
    assert due_date(SUN, 1, HOLIDAY) == MON


def test_immediate_service_is_due_the_same_day() -> None:
    assert due_date(WED, 0, set()) == WED


def test_paused_days_move_the_due_date() -> None:
    assert due_date(FRI, 2, HOLIDAY, paused=2) == date(2026, 12, 11)  # +Thu, +Fri


def test_working_days_between_leaves_out_weekend_and_holiday() -> None:
    assert working_days_between(FRI, MON, set()) == 1
    assert working_days_between(FRI, THU, HOLIDAY) == 3  # Mon, Wed, Thu
    assert working_days_between(THU, FRI, set()) == 0  # not after the start
    assert working_days_between(SAT, SUN, set()) == 0


def test_working_days_left_is_negative_once_overdue() -> None:
    assert working_days_left(FRI, WED, HOLIDAY) == 2
    assert working_days_left(WED, WED, HOLIDAY) == 0
    assert working_days_left(THU, MON, HOLIDAY) == -2  # Wed and Thu past Monday
    assert working_days_left(SUN, FRI, set()) == 0  # no working day has passed since
