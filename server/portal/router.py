"""Serves the citizen portal (mobile-first static pages, no build step) and /t/{token}."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from server.core.errors import NotFound

STATIC = Path(__file__).parent / "static"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
router = APIRouter(tags=["portal"], include_in_schema=False)


def _file(name: str) -> FileResponse:
    path = (STATIC / name).resolve()
    if STATIC.resolve() not in path.parents or not path.is_file() or path.suffix not in TYPES:
        raise NotFound("页面不存在", code="not_found")
    return FileResponse(path, media_type=TYPES[path.suffix],
                        headers={"Cache-Control": "no-cache"})


@router.get("/portal")
def portal_root() -> RedirectResponse:
    """Trailing slash so relative asset paths work."""
    return RedirectResponse("/portal/")


@router.get("/portal/{name:path}")
def portal_file(name: str) -> FileResponse:
    """index.html and its assets; nothing outside the static folder."""
    return _file(name or "index.html")


@router.get("/t/{tracking_token}")
def tracking_page(tracking_token: str) -> FileResponse:
    """The page a slip's QR code opens: live number, position, window, then the rating."""
    return _file("track.html")
