"""Wait estimates a citizen sees, through the service layer with explicit clocks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.models import Staff
from server.auth.principal import Principal
from server.board.service import services_with_load
from server.catalog.models import Hall
from server.core.config import Settings
from server.core.db import Database
from server.tickets.service import call_next, issue_ticket, transition
from server.windows.models import Window
from server.windows.service import set_state
from tests.support.api import HUKOU

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _hall(s: Session) -> Hall:
    return s.scalar(select(Hall).where(Hall.code == "demo"))


def _window4(db: Database, state: str, at: datetime) -> tuple[Principal, int]:
    """clerk4 at window 4 (户籍窗口: HUKOU and IDCARD only)."""
    def work(s: Session) -> tuple[Principal, int]:
        staff = s.scalar(select(Staff).where(Staff.username == "clerk4"))
        p = Principal("staff", staff.id, "clerk", staff.hall_id, staff.full_name)
        window = s.scalar(select(Window).where(Window.number == 4))
        set_state(s, window_id=window.id, state=state, principal=p, now=at)
        return p, window.id

    return db.write(work)


def _issue(db: Database, settings: Settings, at: datetime) -> tuple[int, int | None]:
    def work(s: Session) -> tuple[int, int | None]:
        t = issue_ticket(s, hall=_hall(s), service_code=HUKOU, settings=settings,
                         principal=None, now=at).ticket
        return t.id, t.estimated_wait_at_issue

    return db.write(work)


def test_first_in_line_still_waits_for_the_citizen_at_the_window(
        db: Database, settings: Settings) -> None:
    clerk = _window4(db, "open", T0)
    _issue(db, settings, T0)
    db.write(lambda s: call_next(s, window_id=clerk[1], principal=clerk[0], settings=settings,
                                 now=T0))
    # Nobody is waiting, but window 4 has been busy for 5 of its ~12.5 minutes.
    _, minutes = _issue(db, settings, T0 + timedelta(minutes=5))
    assert minutes == 8


def test_a_paused_window_is_expected_back(db: Database, settings: Settings) -> None:
    clerk = _window4(db, "open", T0)
    _window4(db, "paused", T0 + timedelta(minutes=1))
    _, minutes = _issue(db, settings, T0 + timedelta(minutes=3))
    assert minutes == 8  # an assumed 10-minute pause, 2 minutes of it gone
    _window4(db, "open", T0 + timedelta(minutes=4))
    db.write(lambda s: call_next(s, window_id=clerk[1], principal=clerk[0], settings=settings,
                                 now=T0 + timedelta(minutes=4)))
    _, minutes = _issue(db, settings, T0 + timedelta(minutes=4))
    assert minutes == 13  # back open and busy with the first citizen for a full 12.5 minutes


def test_catalog_promises_what_the_slip_then_says(db: Database, settings: Settings) -> None:
    _window4(db, "open", T0)
    for i in range(3):
        _issue(db, settings, T0 + timedelta(minutes=i))
    at = T0 + timedelta(minutes=3)

    def catalog(s: Session) -> int | None:
        services = services_with_load(s, _hall(s), settings, now=at)
        return next(x["estimated_wait_minutes"] for x in services if x["code"] == HUKOU)

    with db.read() as s:
        promised = catalog(s)
    _, minutes = _issue(db, settings, at)
    assert promised == minutes == 38  # three ahead × 12.5 min at one idle window


def test_history_replaces_the_configured_time(db: Database, settings: Settings) -> None:
    clerk = _window4(db, "open", T0)
    at = T0
    for _ in range(6):  # six citizens served in 4 minutes each (configured: 12)
        tid, _ = _issue(db, settings, at)
        db.write(lambda s, at=at: call_next(s, window_id=clerk[1], principal=clerk[0],
                                            settings=settings, now=at))
        for action, delay in (("start", 0.5), ("complete", 4.0)):
            db.write(lambda s, tid=tid, action=action, delay=delay, at=at: transition(
                s, ticket_id=tid, action=action, principal=clerk[0], settings=settings,
                now=at + timedelta(minutes=delay)))
        at += timedelta(minutes=4)
    for _ in range(3):
        _issue(db, settings, at)
    _, minutes = _issue(db, settings, at)
    # Occupancy (first call to finish) 4 min observed ×6, shrunk towards 12.5 with weight 4:
    # (6×4 + 4×12.5) / 10 = 7.4 min per citizen, three ahead.
    assert minutes == 22


def test_issues_in_a_row_get_the_estimate_a_fresh_read_gives(
        db: Database, settings: Settings) -> None:
    """The remembered queue (no re-read per issue) gives every ticket the estimate a full
    read of the hall gives, across calls, finishes and a window pausing in between; a
    window-service edit is seen by the very next issue."""
    from server.tickets import eta
    from server.windows.service import set_services

    clerk, window_id = _window4(db, "open", T0)
    hits0 = eta.hall_loads.hits
    mismatches: list[tuple[int, int | None, int | None]] = []

    def issue_and_compare(at: datetime) -> None:
        def work(s: Session) -> None:
            r = issue_ticket(s, hall=_hall(s), service_code=HUKOU, settings=settings,
                             principal=None, now=at)
            _, fresh, _ = eta.ticket_estimate(
                s, ticket=r.ticket, service=r.service, now=at,
                lookback=settings.eta_window_minutes, starvation=settings.starvation_minutes)
            if fresh != r.ticket.estimated_wait_at_issue:
                mismatches.append((r.ticket.id, r.ticket.estimated_wait_at_issue, fresh))

        db.write(work)

    at = T0
    for i in range(40):
        at += timedelta(seconds=5)
        issue_and_compare(at)
        if i % 7 == 3:
            called = db.write(lambda s, at=at: call_next(
                s, window_id=window_id, principal=clerk, settings=settings, now=at).id)
        if i % 7 in (4, 5):
            action = "start" if i % 7 == 4 else "complete"
            db.write(lambda s, at=at, action=action, tid=called: transition(
                s, ticket_id=tid, action=action, principal=clerk, settings=settings, now=at))
        if i == 13:
            _window4(db, "paused", at)
        if i == 16:
            _window4(db, "open", at)
    assert mismatches == []
    assert eta.hall_loads.hits - hits0 >= 20  # most issues did not re-read the hall

    # Window 4 stops handling HUKOU (no event): the next issue knows no window serves it.
    def drop_services(s: Session) -> None:
        set_services(s, window=s.get(Window, window_id), services=[])

    _, minutes = _issue(db, settings, at + timedelta(seconds=5))
    assert minutes is not None
    db.write(drop_services)
    _, minutes = _issue(db, settings, at + timedelta(seconds=10))
    assert minutes is None
