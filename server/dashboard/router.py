"""Serves the manager dashboard page (static HTML/JS/CSS, no build step)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from server.core.static import static_file

STATIC = Path(__file__).parent / "static"
router = APIRouter(tags=["dashboard"], include_in_schema=False)


@router.get("/dashboard")
def dashboard_root() -> RedirectResponse:
    """Redirect to the page with a trailing slash (relative asset paths)."""
    return RedirectResponse("/dashboard/")


@router.get("/dashboard/{name:path}")
def dashboard_file(name: str) -> FileResponse:
    """index.html and its assets; nothing outside the static folder."""
    return static_file(STATIC, name or "index.html")
