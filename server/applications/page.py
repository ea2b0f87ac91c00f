"""Serves the back-office review page (static HTML/JS/CSS like the dashboard, no build step)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from server.core.static import static_file

STATIC = Path(__file__).parent / "static"
router = APIRouter(tags=["applications"], include_in_schema=False)


@router.get("/backoffice")
def backoffice_root() -> RedirectResponse:
    """Redirect to the page with a trailing slash (relative asset paths)."""
    return RedirectResponse("/backoffice/")


@router.get("/backoffice/{name:path}")
def backoffice_file(name: str) -> FileResponse:
    """index.html and its assets; nothing outside the static folder."""
    return static_file(STATIC, name or "index.html")
