"""Serves the citizen portal (mobile-first static pages, no build step) and /t/{token}."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from server.core.static import static_file

STATIC = Path(__file__).parent / "static"
router = APIRouter(tags=["portal"], include_in_schema=False)


@router.get("/portal")
def portal_root() -> RedirectResponse:
    """Trailing slash so relative asset paths work."""
    return RedirectResponse("/portal/")


@router.get("/portal/{name:path}")
def portal_file(name: str) -> FileResponse:
    """index.html and its assets; nothing outside the static folder."""
    return static_file(STATIC, name or "index.html")


@router.get("/t/{tracking_token}")
def tracking_page(tracking_token: str) -> FileResponse:
    """The page a slip's QR code opens: live number, position, window, then the rating."""
    return static_file(STATIC, "track.html")
