"""Serves the manager dashboard page (static HTML/JS/CSS, no build step)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from server.core.errors import NotFound

STATIC = Path(__file__).parent / "static"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
router = APIRouter(tags=["dashboard"], include_in_schema=False)


@router.get("/dashboard")
def dashboard_root() -> RedirectResponse:
    """Redirect to the page with a trailing slash (relative asset paths)."""
    return RedirectResponse("/dashboard/")


@router.get("/dashboard/{name:path}")
def dashboard_file(name: str) -> FileResponse:
    """index.html and its assets; nothing outside the static folder."""
    try:
        path = (STATIC / (name or "index.html")).resolve()
    except (ValueError, OSError):  # e.g. an embedded NUL
        raise NotFound("页面不存在", code="not_found") from None
    if STATIC.resolve() not in path.parents or not path.is_file() or path.suffix not in TYPES:
        raise NotFound("页面不存在", code="not_found")
    return FileResponse(path, media_type=TYPES[path.suffix],
                        headers={"Cache-Control": "no-cache"})
