"""Replay a day plan through the server's own service functions with explicit clocks.

Every step is one real write transaction on a real database (SQLite file or PostgreSQL):
`issue_ticket`, `call_next`, `transition` and `set_state` with `now=` set to the virtual
moment, so the estimate recorded on each ticket is the one the server gives at issue. In
the same issue transaction the naive baseline is computed on the same state.
"""

from __future__ import annotations

import heapq
import logging
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.load import DEMO_SERVICES
from bench.sim.plan import Arrival, DayPlan
from server.auth.models import Staff
from server.auth.principal import Principal
from server.catalog.models import Hall, ServiceItem
from server.catalog.service import get_service
from server.core.config import Settings
from server.core.db import Database
from server.tickets import eta
from server.tickets.models import Ticket
from server.tickets.service import call_next, issue_ticket, transition
from server.windows.models import Window, WindowService
from server.windows.service import set_state

log = logging.getLogger(__name__)
# 08:30 in Shanghai on a Wednesday.
DAY_START = datetime(2026, 12, 2, 0, 30, tzinfo=UTC)


@dataclass
class TicketRecord:
    """What the bench keeps per ticket."""

    arrival: int
    ticket_id: int
    service: int
    priority: str
    issued_minute: float
    estimate: int | None
    naive: int | None
    actual: float | None = None


@dataclass
class WindowSim:
    """The clerk at one window, as the simulator drives it."""

    number: int
    id: int
    principal: Principal
    state: str = "closed"  # closed / idle / busy / paused
    pause_until: float | None = None
    pending_pauses: list[tuple[float, float]] = field(default_factory=list)
    services: set[int] = field(default_factory=set)  # demo service indexes it handles


class Replay:
    """Discrete-event replay of one plan on one demo-seeded database."""

    def __init__(self, db: Database | None, settings: Settings | None, plan: DayPlan) -> None:
        self.db = db
        self.settings = settings
        self.plan = plan
        self.rng = random.Random(f"gap:{plan.profile}:{plan.seed}")
        self.heap: list[tuple[float, int, str, tuple]] = []
        self.seq = 0
        self.records: dict[int, TicketRecord] = {}
        self.by_ticket: dict[int, Arrival] = {}
        self.second_visit: set[int] = set()
        self.windows: dict[int, WindowSim] = {}
        self.manager: Principal | None = None
        self.steps = 0

    # ------------------------------------------------------------ setup

    def _setup(self) -> None:
        self._setup_windows()
        for wp in self.plan.windows:
            self.windows[wp.number].pending_pauses = list(wp.pauses)
            self._at(wp.open_minute, "open", (wp.number,))
        for a in self.plan.arrivals:
            self._at(a.minute, "arrive", (a.index,))

    def _setup_windows(self) -> None:
        def work(s: Session) -> None:
            hall = s.scalar(select(Hall).where(Hall.code == "demo"))
            self.hall_id = hall.id
            staff = {st.username: st for st in s.scalars(select(Staff))}
            index = {s.get(ServiceItem, sid).code: sid for sid in s.scalars(
                select(ServiceItem.id).where(ServiceItem.hall_id == hall.id))}
            code_of = {sid: code for code, sid in index.items()}
            handles: dict[int, set[int]] = {}
            for wid, sid in s.execute(select(WindowService.window_id, WindowService.service_id)):
                if code_of[sid] in DEMO_SERVICES:  # not the 出件 (pickup) queue: no arrivals
                    handles.setdefault(wid, set()).add(DEMO_SERVICES.index(code_of[sid]))
            mgr = staff["manager"]
            self.manager = Principal("staff", mgr.id, "manager", mgr.hall_id, mgr.full_name)
            for w in s.scalars(select(Window).where(Window.hall_id == hall.id)):
                if w.id not in handles:
                    continue  # the 出件 window: nobody the simulated day brings
                # Eight clerk accounts; the manager holds windows 9 and 10 when needed.
                st = staff.get(f"clerk{w.number}")
                p = (Principal("staff", st.id, "clerk", st.hall_id, st.full_name) if st
                     else self.manager)
                self.windows[w.number] = WindowSim(w.number, w.id, p,
                                                   services=handles.get(w.id, set()))

        self.db.write(work)

    def _at(self, minute: float, kind: str, args: tuple) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (minute, self.seq, kind, args))

    @staticmethod
    def moment(minute: float) -> datetime:
        """Virtual time of a plan minute."""
        return DAY_START + timedelta(minutes=minute)

    # ------------------------------------------------------------ run

    def run(self) -> list[TicketRecord]:
        """Replay the whole day until every ticket has been called; returns the records."""
        self._setup()
        while self.heap:
            minute, _, kind, args = heapq.heappop(self.heap)
            self._wait_until(minute)
            getattr(self, f"_on_{kind}")(minute, *args)
            self.steps += 1
        self._collect()
        return list(self.records.values())

    def _wait_until(self, minute: float) -> None:
        """In-process replay does not wait: every step carries its own `now`."""

    def _on_arrive(self, minute: float, index: int) -> None:
        a = self.plan.arrivals[index]
        rec = self._issue(a, minute)
        self.records[rec.ticket_id] = rec
        self.by_ticket[rec.ticket_id] = a
        self._wake_idle(minute, a.service)

    def _issue(self, a: Arrival, minute: float) -> TicketRecord:
        """Issue the ticket; the naive baseline is computed in the same transaction."""
        now = self.moment(minute)
        settings = self.settings

        def work(s: Session) -> TicketRecord:
            hall = s.get(Hall, self.hall_id)
            kw: dict = {}
            if a.priority == "green":
                kw = {"priority": "green", "principal": self.manager}
            elif a.priority == "appointment":
                kw = {"source": "appointment", "principal": None, "appointment": {
                    "slot_start": self.moment(a.slot_minute or minute), "reason": "预约签到"}}
            else:
                kw = {"principal": None}
            t = issue_ticket(s, hall=hall, service_code=DEMO_SERVICES[a.service],
                             settings=settings, now=now, **kw).ticket
            service = get_service(s, hall.id, DEMO_SERVICES[a.service])
            load = eta.load_for(s, service=service, now=now, lookback=settings.eta_window_minutes)
            ahead = eta.people_ahead(load, t.id, now=now, starvation=settings.starvation_minutes)
            return TicketRecord(a.index, t.id, a.service, a.priority, minute,
                                t.estimated_wait_at_issue, eta.naive_minutes(load, ahead))

        return self.db.write(work)

    def _wake_idle(self, minute: float, service: int) -> None:
        """Idle clerks whose window handles `service` notice the new ticket and call."""
        for w in self.windows.values():
            if w.state == "idle" and service in w.services:
                self._at(minute, "ready", (w.number,))

    def _on_open(self, minute: float, number: int) -> None:
        w = self.windows[number]
        self._set(w, "open", minute)
        w.state = "idle"
        self._schedule_pauses(w)
        self._at(minute, "ready", (number,))

    def _schedule_pauses(self, w: WindowSim) -> None:
        for start, length in w.pending_pauses:
            self._at(start, "pause", (w.number, length))
        w.pending_pauses = []

    def _on_pause(self, minute: float, number: int, length: float) -> None:
        w = self.windows[number]
        if w.state == "idle":
            self._set(w, "paused", minute)
            w.state = "paused"
            self._at(minute + length, "resume", (number,))
        elif w.state == "busy":
            w.pause_until = length  # pause once the current citizen is done

    def _on_resume(self, minute: float, number: int) -> None:
        w = self.windows[number]
        self._set(w, "open", minute)
        w.state = "idle"
        self._at(minute, "ready", (number,))

    def _on_ready(self, minute: float, number: int) -> None:
        w = self.windows[number]
        if w.state != "idle":
            return
        tid = self._call(w, minute)
        if tid is None:
            return
        w.state = "busy"
        a = self.by_ticket[tid]
        if tid in self.second_visit:
            self._at(minute + a.walk, "start", (number, tid))
        elif a.no_show:
            self._at(minute + 1.0, "recall", (number, tid))
        else:
            self._at(minute + a.walk, "start", (number, tid))

    def _call(self, w: WindowSim, minute: float) -> int | None:
        """call-next at the window; the ticket id or None when nobody waits for it."""
        now = self.moment(minute)
        ticket = self.db.write(lambda s: call_next(
            s, window_id=w.id, principal=w.principal, settings=self.settings, now=now))
        return ticket.id if ticket is not None else None

    def _on_recall(self, minute: float, number: int, tid: int) -> None:
        self._act(number, tid, "recall", minute)
        self._at(minute + 1.0, "noshow", (number, tid))

    def _on_noshow(self, minute: float, number: int, tid: int) -> None:
        self._act(number, tid, "no-show", minute)
        self._free(number, minute)

    def _on_start(self, minute: float, number: int, tid: int) -> None:
        self._act(number, tid, "start", minute)
        a = self.by_ticket[tid]
        if tid in self.second_visit:
            self._at(minute + a.second_minutes, "complete", (number, tid))
        elif a.transfer_to is not None:
            self._at(minute + a.service_minutes * a.transfer_after, "transfer", (number, tid))
        else:
            self._at(minute + a.service_minutes, "complete", (number, tid))

    def _on_complete(self, minute: float, number: int, tid: int) -> None:
        self._act(number, tid, "complete", minute)
        self._free(number, minute)

    def _on_transfer(self, minute: float, number: int, tid: int) -> None:
        a = self.by_ticket[tid]
        self._act(number, tid, "transfer", minute, service_code=DEMO_SERVICES[a.transfer_to],
                  reason="需到其他窗口继续办理")
        self.second_visit.add(tid)
        self._free(number, minute)
        self._wake_idle(minute, a.transfer_to)

    def _free(self, number: int, minute: float) -> None:
        w = self.windows[number]
        if w.pause_until is not None:
            length, w.pause_until = w.pause_until, None
            self._set(w, "paused", minute)
            w.state = "paused"
            self._at(minute + length, "resume", (number,))
            return
        w.state = "idle"
        self._at(minute + self.rng.uniform(*self.plan.gap), "ready", (number,))

    def _act(self, number: int, tid: int, action: str, minute: float, **kw: str) -> None:
        w = self.windows[number]
        now = self.moment(minute)
        self.db.write(lambda s: transition(s, ticket_id=tid, action=action, principal=w.principal,
                                           settings=self.settings, now=now, **kw))

    def _set(self, w: WindowSim, state: str, minute: float) -> None:
        now = self.moment(minute)
        self.db.write(lambda s: set_state(s, window_id=w.id, state=state, principal=w.principal,
                                          now=now))

    def _collect(self) -> None:
        with self.db.read() as s:
            rows = s.execute(select(Ticket.id, Ticket.issued_at, Ticket.first_called_at).where(
                Ticket.id.in_(list(self.records)))).all()
        for tid, issued, first in rows:
            if first is not None:
                self.records[tid].actual = (first - issued).total_seconds() / 60
