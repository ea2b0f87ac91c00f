"""Fixtures for the online side: direct database access and quick citizen accounts."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from server.auth.service import issue_token
from server.catalog.models import Hall, ServiceItem
from server.citizens.models import Citizen


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
