"""The OpenAPI pages (/docs, /redoc) without inline script, so a strict CSP can cover them."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

STATIC = Path(__file__).parent / "static"
SWAGGER = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"  # the bundles FastAPI uses too
REDOC = "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"
router = APIRouter(include_in_schema=False)

_SWAGGER_HTML = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tongban 通办 - API</title>
<link rel="stylesheet" href="{SWAGGER}/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="{SWAGGER}/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-init.js"></script>
</body></html>
"""
_REDOC_HTML = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tongban 通办 - API</title>
</head><body><redoc spec-url="/openapi.json"></redoc>
<script src="{REDOC}"></script>
</body></html>
"""


@router.get("/docs")
def swagger_page() -> HTMLResponse:
    """Interactive API documentation (Swagger UI)."""
    return HTMLResponse(_SWAGGER_HTML)


@router.get("/docs/swagger-init.js")
def swagger_init() -> FileResponse:
    """The start-up script of /docs."""
    return FileResponse(STATIC / "swagger-init.js", media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})


@router.get("/redoc")
def redoc_page() -> HTMLResponse:
    """Read-only API documentation (ReDoc)."""
    return HTMLResponse(_REDOC_HTML)
