"""Serves the back-office review page (static HTML/JS/CSS like the dashboard, no build step)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from server.core.errors import NotFound

STATIC = Path(__file__).parent / "static"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8"}
router = APIRouter(tags=["applications"], include_in_schema=False)


@router.get("/backoffice")
def backoffice_root() -> RedirectResponse:
    """Redirect to the page with a trailing slash (relative asset paths)."""
    return RedirectResponse("/backoffice/")


@router.get("/backoffice/{name:path}")
def backoffice_file(name: str) -> FileResponse:
    """index.html and its assets; nothing outside the static folder."""
    try:
        path = (STATIC / (name or "index.html")).resolve()
    except (ValueError, OSError):  # e.g. an embedded NUL
        raise NotFound("页面不存在", code="not_found") from None
    if STATIC.resolve() not in path.parents or not path.is_file() or path.suffix not in TYPES:
        raise NotFound("页面不存在", code="not_found")
    return FileResponse(path, media_type=TYPES[path.suffix],
                        headers={"Cache-Control": "no-cache"})
