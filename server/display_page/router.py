"""GET /display/{hall}?token=…&mode=hall|window&window=N: the wall display in a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from server.auth.principal import require
from server.auth.service import resolve_token
from server.catalog.service import get_hall
from server.core.deps import DbDep, PrincipalDep
from server.core.errors import Invalid, NotFound

STATIC = Path(__file__).parent / "static"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8"}
router = APIRouter(tags=["display"], include_in_schema=False)


@router.get("/display/_assets/{name}")
def display_asset(name: str) -> FileResponse:
    """Scripts and styles of the page; nothing outside the static folder."""
    path = (STATIC / name).resolve()
    if path.parent != STATIC.resolve() or not path.is_file() or path.suffix not in TYPES:
        raise NotFound("文件不存在", code="not_found")
    return FileResponse(path, media_type=TYPES[path.suffix], headers={"Cache-Control": "no-cache"})


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
        raise Invalid("窗口屏需要 window 参数", code="window_required")
    with db.read() as s:
        hall = get_hall(s, hall_code)
        who = principal or (resolve_token(s, token) if token else None)
        require(who, staff=("clerk", "manager", "admin"), devices=("display",), hall_id=hall.id)
    return FileResponse(STATIC / "index.html", media_type=TYPES[".html"],
                        headers={"Cache-Control": "no-cache", "Referrer-Policy": "no-referrer"})
