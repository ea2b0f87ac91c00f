"""Serving the web pages' files (portal, dashboard, display page) from their folders."""

from __future__ import annotations

from pathlib import Path

from fastapi.responses import FileResponse

from server.core.errors import NotFound
from tongban_common.wire import ErrorCode

TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}


def static_file(folder: Path, name: str, *, headers: dict[str, str] | None = None) -> FileResponse:
    """A file inside `folder` with a known type, or 404 for anything else (never a 500)."""
    try:
        path = (folder / name).resolve()
        found = folder.resolve() in path.parents and path.is_file() and path.suffix in TYPES
    except (ValueError, OSError):  # an embedded NUL; a name longer than the file system allows
        found = False
    if not found:
        raise NotFound("页面不存在", code=ErrorCode.NOT_FOUND)
    return FileResponse(path, media_type=TYPES[path.suffix],
                        headers={"Cache-Control": "no-cache", **(headers or {})})
