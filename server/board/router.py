"""Public board snapshot and ticket tracking."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from server.auth.principal import require
from server.board.service import board_snapshot
from server.catalog.service import get_hall
from server.core.deps import DbDep, PrincipalDep, SettingsDep
from server.core.errors import NotFound
from server.tickets.models import Ticket
from server.tickets.views import ticket_public

router = APIRouter(prefix="/api/v1", tags=["board"])


@router.get("/halls/{hall_code}/board")
def get_board(hall_code: str, db: DbDep, settings: SettingsDep, principal: PrincipalDep) -> dict:
    """Snapshot for wall screens: windows, current numbers, recent calls, queues, seq."""
    with db.read() as s:
        hall = get_hall(s, hall_code)
        if principal is not None and principal.kind != "citizen":
            require(principal, staff=("clerk", "manager", "admin"),
                    devices=("kiosk", "display", "counter"), hall_id=hall.id)
        return board_snapshot(s, hall, settings)


@router.get("/track/{tracking_token}")
def track(tracking_token: str, db: DbDep, settings: SettingsDep) -> dict:
    """Public tracking by the token on the slip's QR code; no personal data."""
    with db.read() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.tracking_token == tracking_token))
        if ticket is None:
            raise NotFound("未找到该号码，请核对二维码", code="ticket_not_found")
        data = ticket_public(s, ticket, settings)
        data.pop("id", None)
        return data
