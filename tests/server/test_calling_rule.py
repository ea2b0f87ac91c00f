"""The calling rule (docs/contract.md), numbering by business day, and ETA, through the service
layer with explicit clocks (real SQLite file)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.models import Staff
from server.auth.principal import Principal
from server.catalog.models import Hall
from server.core.config import Settings
from server.core.db import Database
from server.tickets.queue import window_queue
from server.tickets.service import call_next, issue_ticket
from server.windows.models import Window
from server.windows.service import set_state
from tests.support.api import HUKOU, IDCARD, SOCIAL

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
OLD_ID = "11010519491231002X"  # born 1949: green channel


def _hall(s: Session) -> Hall:
    return s.scalar(select(Hall).where(Hall.code == "demo"))


def _clerk_at(db: Database, number: int, username: str) -> tuple[Principal, int]:
    def work(s: Session) -> tuple[Principal, int]:
        staff = s.scalar(select(Staff).where(Staff.username == username))
        p = Principal("staff", staff.id, "clerk", staff.hall_id, staff.full_name)
        window = s.scalar(select(Window).where(Window.number == number))
        set_state(s, window_id=window.id, state="open", principal=p, now=T0)
        return p, window.id

    return db.write(work)


def _issue(db: Database, settings: Settings, code: str, at: datetime, **kw) -> str:  # noqa: ANN003
    return db.write(lambda s: issue_ticket(s, hall=_hall(s), service_code=code,
                                           settings=settings, principal=None, now=at,
                                           **kw).ticket.number)


def _call(db: Database, settings: Settings, who: tuple[Principal, int], at: datetime) -> tuple:
    def work(s: Session) -> tuple:
        t = call_next(s, window_id=who[1], principal=who[0], settings=settings, now=at)
        if t is None:
            return None, None
        number, reason = t.number, t.call_reason
        t.status = "done"  # free the window for the next call in this test
        return number, reason

    return db.write(work)


def test_order_appointment_green_priority_wait(db: Database, settings: Settings) -> None:
    clerk = _clerk_at(db, 1, "clerk1")  # window 1: HUKOU 7, IDCARD 7, SOCIAL 5
    normal_social = _issue(db, settings, SOCIAL, T0)
    normal_hukou = _issue(db, settings, HUKOU, T0 + timedelta(minutes=1))
    green = _issue(db, settings, SOCIAL, T0 + timedelta(minutes=2), id_number=OLD_ID)
    future_appt = _issue(db, settings, IDCARD, T0 + timedelta(minutes=3),
                         appointment={"id": 1, "slot_start": T0 + timedelta(hours=2)})
    ready_appt = _issue(db, settings, IDCARD, T0 + timedelta(minutes=4),
                        appointment={"id": 2, "slot_start": T0})
    now = T0 + timedelta(minutes=5)
    order = [_call(db, settings, clerk, now) for _ in range(6)]
    assert order == [
        (ready_appt, "appointment"),  # checked in, slot started
        (green, "green"),  # aged 76
        (normal_hukou, "window_priority"),  # priority 7 beats the older SOCIAL (5)
        (future_appt, "window_priority"),  # slot not started: ordinary, priority 7 still wins
        (normal_social, "longest_wait"),
        (None, None),
    ]


def test_starvation_guard_beats_everything(db: Database, settings: Settings) -> None:
    clerk = _clerk_at(db, 1, "clerk1")
    starving = _issue(db, settings, SOCIAL, T0)  # low priority at window 1
    _issue(db, settings, HUKOU, T0 + timedelta(minutes=20), id_number=OLD_ID)
    assert _call(db, settings, clerk, T0 + timedelta(minutes=31)) == (starving, "starvation")


def test_queue_listing_matches_call_order(db: Database, settings: Settings) -> None:
    clerk = _clerk_at(db, 1, "clerk1")
    a = _issue(db, settings, SOCIAL, T0)
    b = _issue(db, settings, HUKOU, T0 + timedelta(minutes=1), id_number=OLD_ID)
    c = _issue(db, settings, HUKOU, T0 + timedelta(minutes=2))
    with db.read() as s:
        window = s.get(Window, clerk[1])
        listing = window_queue(s, window=window, settings=settings,
                               now=T0 + timedelta(minutes=3))
    assert [(i["number"], i["rule"]) for i in listing["items"]] == [
        (b, "green"), (c, "longest_wait"), (a, "longest_wait")]
    called = [_call(db, settings, clerk, T0 + timedelta(minutes=3))[0] for _ in range(3)]
    assert called == [b, c, a]


def test_numbering_restarts_on_the_halls_business_day(db: Database, settings: Settings) -> None:
    before_midnight = datetime(2026, 11, 23, 15, 59, tzinfo=UTC)  # 23:59 Shanghai
    after_midnight = datetime(2026, 11, 23, 16, 1, tzinfo=UTC)  # 00:01 next day Shanghai
    assert _issue(db, settings, HUKOU, before_midnight) == "A001"
    assert _issue(db, settings, IDCARD, before_midnight) == "A002"  # same prefix, shared count
    assert _issue(db, settings, SOCIAL, before_midnight) == "B001"
    assert _issue(db, settings, HUKOU, after_midnight) == "A001"


def test_estimate_grows_with_people_ahead_and_shrinks_with_windows(
        db: Database, settings: Settings) -> None:
    def eta(at: datetime) -> tuple[int, int]:
        t = db.write(lambda s: issue_ticket(s, hall=_hall(s), service_code=HUKOU,
                                            settings=settings, principal=None, now=at).ticket)
        return t.seq_no, t.estimated_wait_at_issue

    # No history yet: a window is taken 12 min (expected) + 0.5 min (call, walk up) a ticket.
    _clerk_at(db, 4, "clerk4")  # one open window handling HUKOU
    assert eta(T0) == (1, 0)
    assert eta(T0) == (2, 13)  # 12.5 min, rounded
    assert eta(T0) == (3, 25)
    _clerk_at(db, 1, "clerk1")  # a second open window (also handles HUKOU)
    # Both windows start at once (tickets 1 and 2), then take 3 and 4 after 12.5 min.
    assert eta(T0) == (4, 13)
