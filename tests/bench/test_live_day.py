"""The live hall-day driver books appointment arrivals ahead and checks them in at the kiosk
endpoint, so a checked-in appointment is called before walk-ins who came earlier."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.sim.live import LiveReplay
from bench.sim.plan import Arrival, DayPlan, WindowPlan
from bench.sim.replay import DAY_START
from server.core.clock import ClockSpec
from tests.support.api import HUKOU, login
from tests.support.live import LiveServer

SPEED = 120.0  # one virtual minute is half a wall second


def _arrival(index: int, minute: float, priority: str = "normal",
             slot_minute: float | None = None) -> Arrival:
    return Arrival(index=index, minute=minute, service=0, priority=priority,
                   slot_minute=slot_minute, walk=0.2, service_minutes=1.0, no_show=False,
                   transfer_to=None, transfer_after=0.5, second_minutes=0.0)


@pytest.fixture
def clocked(tmp_path: Path) -> Iterator[tuple[LiveServer, ClockSpec]]:
    """A demo server whose day starts (08:30 virtual) two seconds from now, at 120x."""
    clock = ClockSpec(DAY_START, time.time() + 2.0, SPEED)
    server = LiveServer(tmp_path / "live", env={
        "TONGBAN_CLOCK": clock.render(), "TONGBAN_TOKEN_TTL_HOURS": "72",
        "TONGBAN_OTP_TTL_SECONDS": "86400"}).start(timeout=90)
    yield server, clock
    server.stop()


def test_appointment_arrivals_are_booked_and_checked_in(
        clocked: tuple[LiveServer, ClockSpec]) -> None:
    server, clock = clocked
    # Two walk-ins, then two appointment holders whose slot (08:30-09:00) has started; only
    # window 4 (户籍) opens, at 08:42, when all four are waiting.
    plan = DayPlan("test", 1, 30.0, arrivals=[
        _arrival(0, 1.0), _arrival(1, 2.0),
        _arrival(2, 3.0, "appointment", 4.0), _arrival(3, 3.5, "appointment", 9.0)],
        windows=[WindowPlan(4, 12.0, ())])
    live = LiveReplay(server.url, plan, clock)
    records = live.run()

    assert len(live.bookings) == 2 and live.unbooked == 0
    assert live.checkin_rec.errors == 0 and len(live.checkin_rec.ms) == 2
    assert live.checked_in_priority == 2
    by_arrival = {r.arrival: r.ticket_id for r in records}
    with httpx.Client(base_url=server.url, timeout=10) as http:
        manager = login(http, "manager")
        tickets = {i: http.get(f"/api/v1/tickets/{tid}", headers=manager).json()
                   for i, tid in by_arrival.items()}
        # the bookings are the portal's own: checked in, each with its ticket
        for i in (2, 3):
            r = http.get("/api/v1/admin/outbox", headers=login(http, "admin"),
                         params={"kind": "otp", "recipient": f"137{i:08d}", "limit": 1})
            assert r.status_code == 200 and r.json(), r.text
    assert all(t["service_code"] == HUKOU and t["status"] == "done" for t in tickets.values())
    assert [tickets[i]["source"] for i in range(4)] == ["walk_in", "walk_in",
                                                      "appointment", "appointment"]
    assert [tickets[i]["priority_class"] for i in (2, 3)] == ["appointment", "appointment"]
    # Called in the appointment class ahead of the walk-ins who had waited longer.
    order = sorted(tickets, key=lambda i: tickets[i]["first_called_at"])
    assert order[:2] == [2, 3], order
    assert tickets[2]["call_reason"] == "appointment"
