"""server/lifespan.py: every background loop starts with the app and stops with it, and the
day close (now its own loop, owned by tickets) lapses earlier days' numbers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from server.app import create_app
from server.core import clock
from server.tickets.runner import day_close_pass
from tests.conftest import make_settings
from tests.support.api import issue

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOOPS = ["tongban-alerts", "tongban-retention", "tongban-online", "tongban-day-close"]


def test_every_loop_starts_with_the_app_and_stops_with_it(tmp_path: Path,
                                                           sqlite_url: str) -> None:
    """Alerts, retention, the online pass and the day close run while the app runs."""
    app = create_app(make_settings(tmp_path / "data", sqlite_url, alert_interval_seconds=60,
                                   retention_interval_hours=6, online_interval_seconds=60))
    with TestClient(app) as c:
        tasks = list(app.state.background_tasks)
        assert [t.get_name() for t in tasks] == LOOPS
        assert not any(t.done() for t in tasks)
        assert c.get("/readyz").json()["status"] == "ready"
    assert all(t.cancelled() for t in tasks)


def test_a_zero_interval_keeps_its_loop_off(tmp_path: Path, sqlite_url: str) -> None:
    """Interval 0 means never: no task is started for it."""
    app = create_app(make_settings(tmp_path / "data", sqlite_url, alert_interval_seconds=0,
                                   retention_interval_hours=0, online_interval_seconds=0))
    with TestClient(app):
        assert app.state.background_tasks == []


def test_the_day_close_pass_lapses_yesterdays_waiting_number(tmp_path: Path,
                                                             sqlite_url: str) -> None:
    """A number still waiting from yesterday is cancelled by the next pass, once."""
    clock.configure(f"start={datetime(2026, 11, 23, 16, 0, tzinfo=SHANGHAI).isoformat()}"
                    ",speed=1")
    try:
        app = create_app(make_settings(tmp_path / "data", sqlite_url, online_interval_seconds=0))
        with TestClient(app) as c:
            ticket = issue(c)
            assert day_close_pass(app.state.db) == 0  # still its own day
            clock.configure(f"start={datetime(2026, 11, 24, 8, 30, tzinfo=SHANGHAI).isoformat()}"
                            ",speed=1")
            assert day_close_pass(app.state.db) == 1
            assert day_close_pass(app.state.db) == 0
            view = c.get(f"/api/v1/track/{ticket['tracking_token']}").json()
            assert view["status"] == "cancelled"
    finally:
        clock.configure(None)
