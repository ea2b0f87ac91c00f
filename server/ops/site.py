"""The site root: `/` goes to the citizen portal, and the favicon every page links."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

FAVICON = Path(__file__).parent / "static" / "favicon.svg"
router = APIRouter(include_in_schema=False)


@router.get("/")
def root() -> RedirectResponse:
    """A bare server address opens the citizen portal."""
    return RedirectResponse("/portal/", status_code=307)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """The 通办 icon (SVG; browsers take it under the .ico name too)."""
    return FileResponse(FAVICON, media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})
