"""Fixtures for the online side: direct database access, quick citizen accounts, a live
server and a phone-sized Chromium page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page
from sqlalchemy.orm import Session

from server.auth.service import issue_token
from server.catalog.models import Hall, ServiceItem
from server.citizens.models import Citizen
from tests.support.browser import chromium
from tests.support.databases import copy_sqlite
from tests.support.live import LiveServer


@pytest.fixture
def server(tmp_path: Path, sqlite_template: Path) -> Iterator[LiveServer]:
    data = tmp_path / "data"
    srv = LiveServer(data, copy_sqlite(sqlite_template, data),
                     env={"TONGBAN_ALERT_INTERVAL_SECONDS": "0"}).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium() as browser:
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                  device_scale_factor=1, is_mobile=True, has_touch=True)
        pg = ctx.new_page()
        pg.set_default_timeout(15000)
        yield pg


def db_of(client: TestClient) -> Any:
    """The app's Database (for setup and for checking what was stored)."""
    return client.app.state.db


def make_citizens(client: TestClient, n: int, *, start: int = 0) -> list[dict[str, str]]:
    """n citizen accounts with tokens, created directly (setup only; login has its own test)."""

    def work(s: Session) -> list[str]:
        tokens = []
        for i in range(start, start + n):
            citizen = Citizen(phone=f"137{i:08d}")
            s.add(citizen)
            s.flush()
            tokens.append(issue_token(s, kind="citizen", subject_id=citizen.id, ttl_hours=1))
        return tokens

    return [{"Authorization": f"Bearer {t}"} for t in db_of(client).write(work)]


def set_booking(client: TestClient, service_code: str, **values: Any) -> None:
    """Override a demo service's booking settings in the database."""

    def work(s: Session) -> None:
        svc = s.query(ServiceItem).filter_by(code=service_code).one()
        svc.booking = {**svc.booking, **values}

    db_of(client).write(work)


def set_hall_settings(client: TestClient, **values: Any) -> None:
    """Override demo hall settings (e.g. appointment_hours, closed_days, booking)."""

    def work(s: Session) -> None:
        hall = s.query(Hall).filter_by(code="demo").one()
        hall.settings = {**hall.settings, **values}

    db_of(client).write(work)
