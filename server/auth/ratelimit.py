"""Per-client rate limits for credential endpoints (login, one-time codes).

Account lockout (in the database) stops guessing one account's password; these limits stop
one client from spraying many accounts or phone numbers. Counters live in the storage named
by `TONGBAN_RATE_LIMIT_STORAGE` (the `limits` library): `memory://` counts per process, a
shared `redis://` store makes every server process count against the same allowance.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import Request
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from server.core.errors import TooManyRequests, Unavailable
from tongban_common.wire import ErrorCode

log = logging.getLogger(__name__)
DEFAULT_KEY_PREFIX = "tongban"


class RateLimitStorageError(RuntimeError):
    """The configured rate-limit storage cannot be used (bad URL or unreachable)."""


def _redacted(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def open_storage(uri: str) -> Storage:
    """The `limits` storage for a URI, checked to answer now (never a silent fallback).

    Redis URIs may carry `?key_prefix=...` (default `tongban`), so several installations or
    test runs can share one Redis without sharing counters.
    """
    parts = urlsplit(uri)
    options: dict[str, str | bool | float] = {}
    if parts.scheme.startswith("redis"):
        query = parse_qsl(parts.query, keep_blank_values=True)
        prefix = [v for k, v in query if k == "key_prefix"]
        options["key_prefix"] = prefix[-1] if prefix else DEFAULT_KEY_PREFIX
        options["wrap_exceptions"] = True  # StorageError at request time → 503, not 500
        names = {k for k, _ in query}
        for timeout in ("socket_connect_timeout", "socket_timeout"):
            if timeout not in names:  # an unreachable host must not hang start or requests
                options[timeout] = 5.0
        uri = urlunsplit(parts._replace(query=urlencode(
            [(k, v) for k, v in query if k != "key_prefix"])))
    try:
        storage = storage_from_string(uri, **options)
        ok = storage.check()
    except Exception as exc:  # unknown scheme, missing driver, malformed URL
        raise RateLimitStorageError(
            f"TONGBAN_RATE_LIMIT_STORAGE={_redacted(uri)!r} cannot be used: {exc}") from exc
    if not ok:
        raise RateLimitStorageError(
            f"TONGBAN_RATE_LIMIT_STORAGE={_redacted(uri)!r} does not answer; start it or "
            "set TONGBAN_RATE_LIMIT_STORAGE=memory:// (then each process counts alone)")
    return storage


class CredentialLimiter:
    """Counts failed (or costly) attempts per bucket and client; 429 once a limit is used up."""

    def __init__(self, rules: dict[str, str], storage: Storage | None = None) -> None:
        self._limiter = MovingWindowRateLimiter(storage or open_storage("memory://"))
        self._items: dict[str, RateLimitItem | None] = {
            bucket: (parse(rule) if rule and rule != "0" else None)
            for bucket, rule in rules.items()
        }

    def check(self, bucket: str, *keys: str) -> None:
        """Raise 429 when the client has used up the bucket's allowance."""
        item = self._items.get(bucket)
        if item is not None and not self._call(self._limiter.test, item, bucket, *keys):
            raise TooManyRequests("尝试次数过多，请稍后再试", code=ErrorCode.RATE_LIMITED)

    def hit(self, bucket: str, *keys: str) -> None:
        """Count one attempt against the bucket."""
        item = self._items.get(bucket)
        if item is not None:
            self._call(self._limiter.hit, item, bucket, *keys)

    def check_and_hit(self, bucket: str, *keys: str) -> None:
        """Count an attempt, refusing it with 429 when the allowance is used up."""
        item = self._items.get(bucket)
        if item is not None and not self._call(self._limiter.hit, item, bucket, *keys):
            raise TooManyRequests("请求过于频繁，请稍后再试", code=ErrorCode.RATE_LIMITED)

    @staticmethod
    def _call(fn: object, *args: object) -> bool:
        try:
            return fn(*args)  # type: ignore[operator]
        except StorageError as exc:
            # Fail closed: without the shared counter a guess cannot be counted.
            log.error("rate-limit storage unavailable: %s", exc)
            raise Unavailable("服务暂时不可用，请稍后重试",
                              code=ErrorCode.RATE_LIMIT_UNAVAILABLE) from exc


def client_key(request: Request) -> str:
    """The client address used for per-client limits."""
    return request.client.host if request.client else "unknown"


def get_limiter(request: Request) -> CredentialLimiter:
    """The app's credential limiter."""
    return request.app.state.limiter
