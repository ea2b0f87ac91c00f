"""A new business day starts with empty queues: what yesterday left waiting, suspended or called
lapses when the first window opens (or at the next background pass), and is announced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.models import Staff
from server.auth.principal import Principal
from server.catalog.models import Hall
from server.core.config import Settings
from server.core.db import Database
from server.events.models import Event
from server.tickets.models import Ticket
from server.tickets.service import call_next, close_past_days, issue_ticket, transition
from server.windows.models import Window
from server.windows.service import set_state
from tests.support.api import HUKOU

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai
TUESDAY = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)  # 08:30 the next morning in Shanghai


def _clerk(s: Session, username: str) -> Principal:
    staff = s.scalar(select(Staff).where(Staff.username == username))
    return Principal("staff", staff.id, "clerk", staff.hall_id, staff.full_name)


def _window(s: Session, number: int) -> int:
    return s.scalar(select(Window.id).where(Window.number == number))


def _issue(s: Session, settings: Settings, at: datetime) -> int:
    hall = s.scalar(select(Hall).where(Hall.code == "demo"))
    return issue_ticket(s, hall=hall, service_code=HUKOU, settings=settings, principal=None,
                        now=at).ticket.id


def _monday(db: Database, settings: Settings) -> dict[str, int]:
    """Close of Monday: one ticket at each stage, window 1 holding a called one."""
    def work(s: Session) -> dict[str, int]:
        c1, c2 = _clerk(s, "clerk1"), _clerk(s, "clerk2")
        w1, w2 = _window(s, 1), _window(s, 2)
        ids = {k: _issue(s, settings, MONDAY) for k in
               ("serving", "suspended", "called", "waiting", "waiting2")}
        set_state(s, window_id=w2, state="open", principal=c2, now=MONDAY)
        set_state(s, window_id=w1, state="open", principal=c1, now=MONDAY)
        for key, who, wid in (("serving", c2, w2), ("suspended", c1, w1)):
            assert call_next(s, window_id=wid, principal=who, settings=settings,
                             now=MONDAY).id == ids[key]
            transition(s, ticket_id=ids[key], action="start", principal=who, settings=settings,
                       now=MONDAY)
        transition(s, ticket_id=ids["suspended"], action="hang", principal=c1,
                   settings=settings, now=MONDAY)
        assert call_next(s, window_id=w1, principal=c1, settings=settings,
                         now=MONDAY).id == ids["called"]
        return ids

    return db.write(work)


def test_first_window_opening_next_morning_lapses_yesterdays_queue(
        db: Database, settings: Settings) -> None:
    ids = _monday(db, settings)

    def tuesday(s: Session) -> tuple[int, int | None]:
        c4 = _clerk(s, "clerk4")
        w4 = _window(s, 4)  # handles 户口 like windows 1 and 2
        fresh = _issue(s, settings, TUESDAY)
        set_state(s, window_id=w4, state="open", principal=c4, now=TUESDAY)
        called = call_next(s, window_id=w4, principal=c4, settings=settings, now=TUESDAY)
        return fresh, called.id if called else None

    fresh, called = db.write(tuesday)
    assert called == fresh  # not Monday's A004, which had waited longest
    with db.read() as s:
        status = {t.id: t.status for t in s.scalars(select(Ticket))}
        lapsed = {e.ticket_id: (e.type, e.data["reason"]) for e in s.scalars(
            select(Event).where(Event.at == TUESDAY, Event.type.in_(
                ("ticket.cancelled", "ticket.no_show"))))}
    assert status[ids["waiting"]] == status[ids["waiting2"]] == "cancelled"
    assert status[ids["suspended"]] == "cancelled"
    assert status[ids["called"]] == "no_show"  # window 1 is free for its clerk again
    assert status[ids["serving"]] == "serving"  # left to the clerk who is serving it
    assert lapsed == {
        ids["waiting"]: ("ticket.cancelled", "day_closed"),
        ids["waiting2"]: ("ticket.cancelled", "day_closed"),
        ids["suspended"]: ("ticket.cancelled", "day_closed"),
        ids["called"]: ("ticket.no_show", "day_closed"),
    }


def test_background_pass_closes_every_hall_once_and_leaves_today_alone(
        db: Database, settings: Settings) -> None:
    ids = _monday(db, settings)
    # Still Monday evening in Shanghai: nothing is from an earlier day yet.
    assert db.write(lambda s: close_past_days(s, now=MONDAY + timedelta(hours=7))) == 0
    today = db.write(lambda s: _issue(s, settings, TUESDAY))
    assert db.write(lambda s: close_past_days(s, now=TUESDAY)) == 4
    assert db.write(lambda s: close_past_days(s, now=TUESDAY)) == 0  # idempotent
    with db.read() as s:
        assert s.get(Ticket, today).status == "waiting"
        assert s.get(Ticket, ids["serving"]).status == "serving"


def test_window_left_open_overnight_does_not_call_yesterdays_numbers(
        db: Database, settings: Settings) -> None:
    ids = _monday(db, settings)

    def tuesday(s: Session) -> int | None:
        c1, w1 = _clerk(s, "clerk1"), _window(s, 1)
        # The clerk finds window 1 still open with Monday's called number on it: 过号, then on.
        transition(s, ticket_id=ids["called"], action="no-show", principal=c1,
                   settings=settings, now=TUESDAY)
        set_state(s, window_id=w1, state="open", principal=c1, now=TUESDAY)  # already open
        called = call_next(s, window_id=w1, principal=c1, settings=settings, now=TUESDAY)
        return called.id if called else None

    assert db.write(tuesday) is None  # nobody today yet; Monday's queue is gone
