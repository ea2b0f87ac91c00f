"""Midnight on the test clock, with the day-close pass held back: the calling rule, estimates,
board, dashboard and tracking page filter on the hall's business day themselves.

The hall's window stays open across midnight (opening a window would run the day close) and the
background pass is off, so yesterday's tickets really are still `waiting` in the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.core import clock
from tests.conftest import make_settings
from tests.support.api import DISPLAY, HUKOU, KIOSK, issue, login, open_window

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the demo hall's timezone


def _set_clock(local: datetime) -> None:
    """Run the server's clock from this hall-local moment on (speed 1)."""
    clock.configure(f"start={local.isoformat()},speed=1")


@pytest.fixture
def night_client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    """The app on each database, its clock at 23:40 hall time, no background day close."""
    _set_clock(datetime(2026, 11, 23, 23, 40, tzinfo=SHANGHAI))
    settings = make_settings(tmp_path / "data", database_url, online_interval_seconds=0,
                             alert_interval_seconds=0, retention_interval_hours=0)
    try:
        with TestClient(create_app(settings)) as c:
            yield c
    finally:
        clock.configure(None)


def _hukou(services: list[dict[str, Any]]) -> dict[str, Any]:
    return next(s for s in services if s["code"] == HUKOU)


def test_after_midnight_only_todays_tickets_are_called_counted_and_waiting(
        night_client: TestClient) -> None:
    c = night_client
    clerk, manager = login(c, "clerk1"), login(c, "manager")
    wid = open_window(c, clerk, 1)  # handles 户口; stays open over midnight
    _set_clock(datetime(2026, 11, 23, 23, 50, tzinfo=SHANGHAI))
    late = [issue(c, HUKOU) for _ in range(3)]
    other = login(c, "clerk2")
    w2 = open_window(c, other, 2)
    assert c.post(f"/api/v1/windows/{w2}/call-next", headers=other).json()["id"] == late[0]["id"]
    # Still Monday: the queue and the board count Monday's tickets (the test can see them).
    board = c.get("/api/v1/halls/demo/board", headers=DISPLAY).json()
    assert _hukou(board["services"])["waiting"] == 2
    assert c.get(f"/api/v1/windows/{wid}/queue", headers=clerk).json()["waiting"] == 2

    _set_clock(datetime(2026, 11, 24, 0, 5, tzinfo=SHANGHAI))  # Tuesday, no day close run
    for t in late:  # still waiting in the database: nothing has lapsed them
        raw = c.get(f"/api/v1/tickets/{t['id']}", headers=manager).json()
        assert raw["status"] in ("waiting", "called")

    # Tracking: Monday's numbers are over, never "waiting" (nor "called" to a window).
    for t, lapsed in ((late[1], "cancelled"), (late[0], "no_show")):
        view = c.get(f"/api/v1/track/{t['tracking_token']}").json()
        assert (view["status"], view["expired"], view["status_text"]) == (lapsed, True, "已过期")
        assert view["people_ahead"] is None and view["window"] is None

    # Board, kiosk catalog, dashboard and the window's queue list: nobody waiting today.
    board = c.get("/api/v1/halls/demo/board", headers=DISPLAY).json()
    assert _hukou(board["services"])["waiting"] == 0
    assert board["recent_calls"] == []  # Monday's call is not today's news
    assert all(w["current_ticket"] is None for w in board["windows"])
    services = c.get("/api/v1/halls/demo/services", headers=KIOSK).json()
    assert _hukou(services)["waiting"] == 0
    live = c.get("/api/v1/halls/demo/live", headers=manager).json()
    assert _hukou(live["services"])["waiting"] == 0
    assert _hukou(live["services"])["longest_wait_minutes"] == 0
    assert c.get(f"/api/v1/windows/{wid}/queue", headers=clerk).json()["items"] == []

    # The open window calls nobody rather than Monday's numbers...
    assert c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).status_code == 204
    # ...and a Tuesday ticket is first in line, with nobody ahead, and is the one called.
    today = issue(c, HUKOU)
    assert today["people_ahead"] == 0 and today["position"] == 1
    assert c.get(f"/api/v1/track/{today['tracking_token']}").json()["expired"] is False
    called = c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
    assert called["id"] == today["id"]

    # 电子监察: Monday's leftovers, "waiting" 40 minutes by now, raise no long-wait alert.
    _set_clock(datetime(2026, 11, 24, 0, 30, tzinfo=SHANGHAI))
    c.post("/api/v1/halls/demo/alerts/evaluate", headers=manager).raise_for_status()
    alerts = c.get("/api/v1/halls/demo/alerts", headers=manager).json()
    rows = alerts["items"] if isinstance(alerts, dict) else alerts
    assert [a for a in rows if a["rule"] == "long_wait"] == []
