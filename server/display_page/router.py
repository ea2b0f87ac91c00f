"""GET /display/{hall}?token=…&mode=hall|window&window=N: the wall display in a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from server.auth.deps import PrincipalDep
from server.auth.principal import require
from server.auth.service import resolve_token
from server.catalog.service import get_hall
from server.core.deps import DbDep
from server.core.errors import Invalid
from server.core.static import static_file
from tongban_common.wire import HALL_STAFF, DeviceKind, ErrorCode

STATIC = Path(__file__).parent / "static"
router = APIRouter(tags=["display"], include_in_schema=False)


@router.get("/display/_assets/{name}")
def display_asset(name: str) -> FileResponse:
    """Scripts and styles of the page; nothing outside the static folder."""
    return static_file(STATIC, name)


@router.get("/display/{hall_code}")
def display_page(
    hall_code: str, db: DbDep, principal: PrincipalDep,
    token: Annotated[str | None, Query(max_length=200)] = None,
    mode: Annotated[str, Query(pattern="^(hall|window)$")] = "hall",
    window: Annotated[int | None, Query(ge=1, le=999)] = None,
) -> FileResponse:
    """The page, for a display device (or staff) of this hall; the token is in the URL
    because a TV browser cannot send headers; the page then uses it for the board and stream."""
    if mode == "window" and window is None:
        raise Invalid("窗口屏需要 window 参数", code=ErrorCode.WINDOW_REQUIRED)
    with db.read() as s:
        hall = get_hall(s, hall_code)
        who = principal or (resolve_token(s, token) if token else None)
        require(who, staff=HALL_STAFF, devices=(DeviceKind.DISPLAY,), hall_id=hall.id)
    return static_file(STATIC, "index.html", headers={"Referrer-Policy": "no-referrer"})
