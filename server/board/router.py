"""Public board snapshot (ticket tracking lives in server/tracking)."""

from __future__ import annotations

from fastapi import APIRouter

from server.auth.deps import PrincipalDep
from server.auth.models import ROLES as STAFF_ROLES
from server.auth.principal import require
from server.board.schemas import BoardOut
from server.board.service import board_snapshot
from server.catalog.service import get_hall
from server.core.deps import DbDep, SettingsDep
from server.core.schemas import out
from tongban_common.wire import HALL_DEVICES

router = APIRouter(tags=["board"])


@router.get("/halls/{hall_code}/board", **out(BoardOut))
def get_board(hall_code: str, db: DbDep, settings: SettingsDep, principal: PrincipalDep) -> dict:
    """Snapshot for wall screens: windows, current numbers, recent calls, queues, seq."""
    with db.read() as s:
        hall = get_hall(s, hall_code)
        if principal is not None and principal.kind != "citizen":
            require(principal, staff=STAFF_ROLES,
                    devices=HALL_DEVICES, hall_id=hall.id)
        return board_snapshot(s, hall, settings)

