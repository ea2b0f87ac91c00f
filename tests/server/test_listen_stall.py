"""A LISTEN connection that silently stops delivering (connection open, no bytes) is noticed by
its round trip, replaced and resynced within seconds: events committed by another process keep
flowing without waiting for the 30 s poll, and /metrics counts the reconnect."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import make_url

from server.app import create_app
from server.catalog.models import Hall
from server.core.db import Database
from server.events.hub import Hub, Subscriber
from server.events.pglisten import APPLICATION_NAME
from server.events.service import append_event
from tests.conftest import make_settings
from tests.support.databases import PostgresFactory, require_postgres
from tests.support.proxy import FaultProxy

pytestmark = pytest.mark.postgres


def _append(db: Database, hall_id: int) -> None:
    db.write(lambda s: append_event(s, hall_id=hall_id, type="ticket.issued",
                                    data={"number": "A001"}))


async def _next_seq(sub: Subscriber) -> int:
    async with asyncio.timeout(10):
        seq, _ = await sub.queue.get()
    return seq


def test_stalled_listen_connection_is_replaced_and_events_flow_again(
        tmp_path: Path, pg_factory: PostgresFactory) -> None:
    require_postgres(pg_factory)
    url = pg_factory.new_database()
    direct = make_url(url)
    proxy = FaultProxy(direct.port or 5432)
    # This process reaches PostgreSQL through the proxy; the writer ("another process") not.
    via_proxy = direct.set(port=proxy.port).render_as_string(hide_password=False)
    writer = Database(url)
    with writer.read() as s:
        hall = s.scalar(select(Hall).where(Hall.code == "demo"))
    settings = make_settings(
        # No background pass: its own commits in the hall would wake the pump too.
        tmp_path / "data", via_proxy, hub_poll_seconds=120, alert_interval_seconds=0,
        retention_interval_hours=0, online_interval_seconds=0, metrics_token="scrape",
        listen_ping_seconds=0.2, listen_ping_timeout_seconds=2)
    try:
        with TestClient(create_app(settings)) as client:
            hub: Hub = client.app.state.hub
            assert hub.listener is not None and hub.listener.connected.wait(10)
            sub = client.portal.call(lambda: hub.subscribe(hall, private=False))
            _append(writer, hall.id)
            first = client.portal.call(_next_seq, sub)  # NOTIFY path works
            before = hub.listen_reconnects()

            assert proxy.stall(APPLICATION_NAME.encode()) == 1  # only the LISTEN connection
            _append(writer, hall.id)
            # The poll is 120 s: the stalled connection must be noticed and replaced, and the
            # event arrive within seconds (the resync after the reconnect delivers it).
            assert client.portal.call(_next_seq, sub) == first + 1
            deadline = time.monotonic() + 15
            while hub.listen_reconnects() <= before and time.monotonic() < deadline:
                time.sleep(0.05)
            reconnects = hub.listen_reconnects()
            assert reconnects > before

            _append(writer, hall.id)  # the new connection carries NOTIFYs again
            assert client.portal.call(_next_seq, sub) == first + 2
            scrape = client.get("/metrics", headers={"Authorization": "Bearer scrape"}).text
            counted = re.search(r"^tongban_pg_listen_reconnects_total (\S+)$", scrape, re.M)
            assert counted and float(counted.group(1)) >= reconnects
    finally:
        proxy.close()
        writer.dispose()
