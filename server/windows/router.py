"""Windows: list, open/pause/close, and configuration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from server.auth.deps import PrincipalDep
from server.auth.principal import require
from server.catalog.service import get_hall, get_service
from server.core.deps import DbDep
from server.core.schemas import out
from server.windows.schemas import WindowOut
from server.windows.service import (
    create_window,
    get_window,
    list_windows,
    set_services,
    set_state,
    window_view,
)
from tongban_common.wire import HALL_STAFF, MANAGERS, DeviceKind

router = APIRouter(tags=["windows"])
STAFF = HALL_STAFF


class WindowServiceIn(BaseModel):
    service_code: str
    priority: int = Field(5, ge=1, le=9)


class WindowIn(BaseModel):
    number: int = Field(ge=1, le=999)
    name: str = Field(min_length=1, max_length=100)
    services: list[WindowServiceIn] = []


class OpenIn(BaseModel):
    force: bool = False


@router.get("/windows", **out(list[WindowOut]))
def get_windows(hall: Annotated[str, Query()], db: DbDep, principal: PrincipalDep) -> list[dict]:
    """Windows of a hall with services, clerk and state (staff)."""
    with db.read() as s:
        h = get_hall(s, hall)
        require(principal, staff=STAFF, devices=(DeviceKind.COUNTER,), hall_id=h.id)
        return [window_view(s, w) for w in list_windows(s, h.id)]


@router.get("/windows/{window_id}", **out(WindowOut))
def get_one_window(window_id: int, db: DbDep, principal: PrincipalDep) -> dict:
    """One window (staff of its hall)."""
    with db.read() as s:
        w = get_window(s, window_id)
        require(principal, staff=STAFF, devices=(DeviceKind.COUNTER,), hall_id=w.hall_id)
        return window_view(s, w)


def _state_route(state: str):  # noqa: ANN202 - returns an endpoint
    def endpoint(window_id: int, db: DbDep, principal: PrincipalDep,
                 body: OpenIn | None = None) -> dict:
        p = require(principal, staff=STAFF)

        def work(s: Session) -> dict:
            w = set_state(s, window_id=window_id, state=state, principal=p,
                          force=bool(body and body.force))
            return window_view(s, w)

        return db.write(work)

    endpoint.__doc__ = f"Set the window {state} (the clerk holding it, or a manager)."
    endpoint.__name__ = f"window_{state}"
    return endpoint


router.post("/windows/{window_id}/open", **out(WindowOut))(_state_route("open"))
router.post("/windows/{window_id}/pause", **out(WindowOut))(_state_route("paused"))
router.post("/windows/{window_id}/close", **out(WindowOut))(_state_route("closed"))


@router.post("/halls/{hall_code}/windows", status_code=201, **out(WindowOut))
def post_window(hall_code: str, body: WindowIn, db: DbDep, principal: PrincipalDep) -> dict:
    """Create a window with its services (admin or the hall's manager)."""

    def work(s: Session) -> dict:
        hall = get_hall(s, hall_code)
        require(principal, staff=MANAGERS, hall_id=hall.id)
        pairs = [(get_service(s, hall.id, x.service_code).id, x.priority) for x in body.services]
        return window_view(s, create_window(s, hall_id=hall.id, number=body.number,
                                            name=body.name, services=pairs))

    return db.write(work)


@router.put("/windows/{window_id}/services", **out(WindowOut))
def put_window_services(
    window_id: int, body: list[WindowServiceIn], db: DbDep, principal: PrincipalDep
) -> dict:
    """Replace the services (and priorities) a window handles."""

    def work(s: Session) -> dict:
        w = get_window(s, window_id)
        require(principal, staff=MANAGERS, hall_id=w.hall_id)
        pairs = [(get_service(s, w.hall_id, x.service_code).id, x.priority) for x in body]
        set_services(s, window=w, services=pairs)
        return window_view(s, w)

    return db.write(work)
