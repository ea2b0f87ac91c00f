"""Security headers on every HTTP response (pages, API and files), and the pages' CSP."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),  # no framing of the portal/dashboard (clickjacking)
    (b"referrer-policy", b"no-referrer"),  # tracking tokens and booking codes live in URLs
)
# Our pages load only their own files: no inline script or style, no other origin, no
# plugins, no <base> tricks, no framing. The websocket origin is spelled out because older
# browsers do not let 'self' cover ws:/wss:. frame-src data: is the pre-review's inline preview
# of an uploaded PDF, fetched with the staff token by the page's own script and framed as a
# data: URL (an opaque origin: nothing in it can reach the page or the server's cookies).
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "frame-src data:; "
            "connect-src 'self'{ws}; font-src 'self'; media-src 'self'; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
# The OpenAPI pages (/docs, /redoc) run the packaged Swagger UI / ReDoc bundles (own files);
# their start-up code is a file too, so inline script stays forbidden. ReDoc injects <style>
# elements, hence inline styles (not scripts) on these two pages only.
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; "
            "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
DOCS_PATHS = ("/docs", "/redoc")
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")
_HTML_TYPES = (b"text/html", b"image/svg+xml")  # documents that could run script


def content_security_policy(path: str, host: str | None) -> str:
    """The CSP for an HTML response to `path` requested with this Host header."""
    if path in DOCS_PATHS:
        return DOCS_CSP
    # Only a well-formed Host is echoed, so a forged header cannot inject directives.
    ws = f" ws://{host} wss://{host}" if host and _HOST.match(host) else ""
    return PAGE_CSP.format(ws=ws)


class SecurityHeadersMiddleware:
    """Adds the headers unless the endpoint set them itself; a CSP on every HTML document."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in HEADERS if k not in present]
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if ctype.lower().startswith(_HTML_TYPES) and \
                        b"content-security-policy" not in present:
                    host = next((v.decode("latin-1") for k, v in scope["headers"]
                                 if k == b"host"), None)
                    csp = content_security_policy(scope["path"], host)
                    headers.append((b"content-security-policy", csp.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
