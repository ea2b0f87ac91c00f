"""Slow and greedy HTTP clients: read deadlines, a per-address connection cap, the fd budget.

uvicorn closes idle keep-alive connections but waits for ever for a request that never
finishes (slowloris: half a request line, headers or a body trickling in). Each such
connection holds a file descriptor; enough of them and the server answers nobody. The
protocol below gives every request `header_timeout` seconds from its first byte (or from the
connection opening) to finish its headers, and lets a body pause at most `body_timeout`
seconds between chunks; then it answers 408 and closes. One client address may hold at most
`per_client` HTTP connections (a websocket stops counting once upgraded: it is authenticated
and capped elsewhere); more are answered 429 and closed at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
from collections import Counter

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger(__name__)

# Descriptors kept back from connections for the database, log files, uploads and backups.
FD_RESERVE = 200


def _response(status: str, code: str, message: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}},
                      ensure_ascii=False).encode()
    head = (f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n")
    return head.encode() + body


TIMED_OUT = _response("408 Request Timeout", "request_timeout", "请求发送超时，请重试")
TOO_MANY = _response("429 Too Many Requests", "too_many_connections",
                     "来自该地址的连接过多，请稍后重试")


def guarded_protocol(*, header_timeout: float, body_timeout: float,
                     per_client: int) -> type[HttpToolsProtocol]:
    """An uvicorn HTTP protocol class with read deadlines and a per-address cap (0 = no cap)."""
    open_per_client: Counter[str] = Counter()
    refusing: set[str] = set()  # addresses at their cap (logged once, not per connection)

    class GuardedProtocol(HttpToolsProtocol):
        _address: str | None = None
        _timer: asyncio.TimerHandle | None = None
        _reading_body = False

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            address = self.client[0] if self.client else None
            if per_client and address is not None:
                if open_per_client[address] >= per_client:
                    if address not in refusing:
                        refusing.add(address)
                        log.warning("client %s holds %d connections: refusing more", address,
                                    per_client)
                    transport.write(TOO_MANY)
                    transport.close()
                    return
                open_per_client[address] += 1
                self._address = address
            self._arm(header_timeout)  # the first request line and headers must come in time

        def connection_lost(self, exc: Exception | None) -> None:
            self._release()
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._reading_body = False
            if self._timer is None:  # the next request on a keep-alive connection
                self._arm(header_timeout)

        def on_headers_complete(self) -> None:
            super().on_headers_complete()
            self._reading_body = True
            self._arm(body_timeout)

        def on_body(self, body: bytes) -> None:
            super().on_body(body)
            self._arm(body_timeout)  # a body may be long, but must keep moving

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._reading_body = False
            self._disarm()

        def handle_websocket_upgrade(self) -> None:
            self._release()
            super().handle_websocket_upgrade()

        def _arm(self, seconds: float) -> None:
            self._disarm()
            self._timer = self.loop.call_later(seconds, self._timed_out)

        def _disarm(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _release(self) -> None:
            self._disarm()
            address, self._address = self._address, None
            if address is not None:
                open_per_client[address] -= 1
                if open_per_client[address] <= 0:
                    del open_per_client[address]
                    refusing.discard(address)

        def _timed_out(self) -> None:
            self._timer = None
            if self.transport.is_closing():
                return
            what = "body" if self._reading_body else "request headers"
            log.info("closing connection from %s: %s not received in time", self.client, what)
            cycle = self.cycle
            if not self._reading_body or not (cycle and cycle.response_started):
                self.transport.write(TIMED_OUT)
            self.transport.close()

    return GuardedProtocol


def raise_fd_limit() -> int:
    """Lift the soft open-files limit to the hard one (systemd's LimitNOFILE); returns the
    soft limit now in force (RLIM_INFINITY when unlimited)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard and hard != resource.RLIM_INFINITY:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            log.warning("could not raise the open-files limit from %d to %d", soft, hard)
    return soft


def connection_limit(fd_limit: int) -> int | None:
    """Most connections plus requests uvicorn serves at once before answering 503, so that
    descriptors remain for the database and files (None: no limit to protect)."""
    if fd_limit == resource.RLIM_INFINITY:
        return None
    return max(64, fd_limit - FD_RESERVE)
