"""Refuse oversized request bodies early, before anything is parsed or stored."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tongban_common.wire import ErrorCode


class BodyLimitMiddleware:
    """413 for bodies over the limit: by Content-Length up front, or while streaming."""

    def __init__(self, app: ASGIApp, *, json_limit: int, upload_limit: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        multipart = headers.get(b"content-type", b"").startswith(b"multipart/")
        limit = self.upload_limit if multipart else self.json_limit
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = True
            if too_big:
                await _reject(send, limit)
                return
        received = 0
        rejected = False

        async def counting_receive() -> Message:
            nonlocal received, rejected
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    rejected = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            # Whatever the app answers after an over-limit read, the client gets the 413.
            if not rejected:
                await send(message)
            elif message["type"] == "http.response.start":
                await _reject(send, limit)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            await _reject(send, limit)


class BodyTooLarge(Exception):
    """Raised inside the app when a streamed body passes the limit."""


async def _reject(send: Send, limit: int) -> None:
    body = json.dumps({"error": {"code": ErrorCode.PAYLOAD_TOO_LARGE,
                                 "message": f"请求内容过大（上限 {limit // 1024} KB）"}},
                      ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
