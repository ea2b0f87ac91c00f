"""The OpenAPI pages (/docs, /redoc) from packaged assets, without inline script (strict CSP)."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import FileResponse, HTMLResponse

from server.core.errors import NotFound
from tongban_common.wire import ErrorCode

STATIC = Path(__file__).parent / "static"
# Swagger UI 5 and ReDoc 2 as shipped by the fastapi-offline wheel (MIT): no CDN, so the
# pages work in a hall without internet.
VENDOR = Path(fastapi_offline.__file__).parent / "static"
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
}
ASSET_URL = "/docs/assets"
TITLE = "Tongban 通办 - API"
router = APIRouter(include_in_schema=False)

# FastAPI's get_swagger_ui_html inlines its start-up script, which the CSP forbids; the same
# page with the start-up code as a file (swagger-init.js).
_SWAGGER_HTML = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{TITLE}</title>
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="{ASSET_URL}/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="{ASSET_URL}/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-init.js"></script>
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


@router.get(ASSET_URL + "/{name}")
def docs_asset(name: str) -> FileResponse:
    """The Swagger UI and ReDoc bundles (packaged copies)."""
    if name not in ASSETS:
        raise NotFound("文件不存在", code=ErrorCode.NOT_FOUND)
    return FileResponse(VENDOR / name, media_type=ASSETS[name],
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/redoc")
def redoc_page() -> HTMLResponse:
    """Read-only API documentation (ReDoc)."""
    return get_redoc_html(openapi_url="/openapi.json", title=TITLE,
                          redoc_js_url=f"{ASSET_URL}/redoc.standalone.js",
                          redoc_favicon_url="/favicon.ico", with_google_fonts=False)
