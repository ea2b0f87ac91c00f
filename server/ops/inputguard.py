"""Refuse NUL characters in paths, query strings and JSON bodies before any handler runs.

PostgreSQL text cannot hold NUL and file APIs reject it, while SQLite would store it: refusing
it at the edge gives one clear 4xx on every backend instead of backend-specific surprises.
"""

from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tongban_common.wire import ErrorCode

_JSON_NUL = b"\\u0000"


class InputGuardMiddleware:
    """400 for NUL in the path, query or headers; 422 for a NUL escape inside a JSON body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope.get("path", "").encode()
        query = scope.get("query_string", b"")
        header_nul = any(b"\x00" in v for _, v in scope.get("headers") or [])
        if _has_nul(raw_path) or _has_nul(query) or header_nul:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": "invalid path"})
                return
            await _reject(send, 400, "路径、查询参数或请求头包含非法字符（NUL）")
            return
        headers = dict(scope.get("headers") or [])
        if scope["type"] != "http" or b"json" not in headers.get(b"content-type", b""):
            await self.app(scope, receive, send)
            return
        tail = b""
        found = False

        async def scanning_receive() -> Message:
            nonlocal tail, found
            message = await receive()
            if message["type"] == "http.request":
                chunk = tail + message.get("body", b"")
                if _JSON_NUL in chunk.lower():
                    found = True
                    raise NulInBody
                tail = chunk[-(len(_JSON_NUL) - 1):]
            return message

        async def guarded_send(message: Message) -> None:
            if not found:
                await send(message)

        try:
            await self.app(scope, scanning_receive, guarded_send)
        except NulInBody:
            await _reject(send, 422, "请求内容包含非法字符（NUL）")
            return
        if found:
            await _reject(send, 422, "请求内容包含非法字符（NUL）")


class NulInBody(Exception):
    """Raised inside the app when a JSON body carries a NUL escape."""


def _has_nul(raw: bytes) -> bool:
    return b"\x00" in raw or b"\x00" in unquote_to_bytes(raw)


async def _reject(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": {"code": ErrorCode.INVALID_CHARACTERS, "message": message}},
                      ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
