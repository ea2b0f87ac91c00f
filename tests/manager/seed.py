"""Seeding helpers: drive the service layer directly with explicit `now=` timestamps."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.models import Staff
from server.auth.principal import Principal
from server.catalog.models import Hall
from server.core.config import Settings
from server.core.db import Database
from server.evaluations.service import evaluate
from server.tickets.models import Ticket
from server.tickets.service import call_next, issue_ticket, transition
from server.windows.models import Window
from server.windows.service import set_state

TZ = ZoneInfo("Asia/Shanghai")


def local(y: int, mo: int, d: int, h: int, mi: int) -> datetime:
    """A hall-local (Asia/Shanghai) wall-clock time."""
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


class Seeder:
    """Issue, call and move tickets of the demo hall at chosen times."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def clerk(self, username: str) -> Principal:
        """The principal of a demo staff member."""
        with self.db.read() as s:
            st = s.scalar(select(Staff).where(Staff.username == username))
            assert st is not None
            return Principal("staff", st.id, st.role, st.hall_id, st.full_name)

    def window_id(self, number: int) -> int:
        """Id of a demo window by number."""
        with self.db.read() as s:
            return s.scalar(select(Window.id).where(Window.number == number))

    def open(self, number: int, clerk: Principal, now: datetime) -> int:
        """Open a window for a clerk at `now`."""
        wid = self.window_id(number)
        self.db.write(lambda s: set_state(s, window_id=wid, state="open", principal=clerk,
                                          now=now))
        return wid

    def issue(self, service: str, now: datetime, **kw: Any) -> int:
        """Issue a ticket at `now`; returns its id."""

        def work(s: Session) -> int:
            hall = s.scalar(select(Hall).where(Hall.code == "demo"))
            return issue_ticket(s, hall=hall, service_code=service, settings=self.settings,
                                principal=None, now=now, **kw).ticket.id

        return self.db.write(work)

    def call(self, wid: int, clerk: Principal, now: datetime) -> int | None:
        """Call next at a window at `now`; returns the ticket id."""

        def work(s: Session) -> int | None:
            t = call_next(s, window_id=wid, principal=clerk, settings=self.settings, now=now)
            return t.id if t else None

        return self.db.write(work)

    def act(self, tid: int, action: str, clerk: Principal, now: datetime, **kw: Any) -> None:
        """Apply a life-cycle action at `now`."""
        self.db.write(lambda s: transition(s, ticket_id=tid, action=action, principal=clerk,
                                           settings=self.settings, now=now, **kw))

    def serve(self, tid: int, clerk: Principal, start: datetime, end: datetime) -> None:
        """Start and complete a called ticket."""
        self.act(tid, "start", clerk, start)
        self.act(tid, "complete", clerk, end)

    def rate(self, tid: int, rating: int, channel: str = "tracking") -> None:
        """Rate a finished ticket through the evaluation service."""

        def work(s: Session) -> None:
            t = s.get(Ticket, tid)
            evaluate(s, tracking_token=t.tracking_token, rating=rating, channel=channel)

        self.db.write(work)
