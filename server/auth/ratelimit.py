"""Per-client rate limits for credential endpoints (login, one-time codes).

Account lockout (in the database) stops guessing one account's password; these limits stop
one client from spraying many accounts or phone numbers. They live in process memory
(the `limits` library), so each server process counts on its own.
"""

from __future__ import annotations

from fastapi import Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from server.core.errors import TooManyRequests


class CredentialLimiter:
    """Counts failed (or costly) attempts per bucket and client; 429 once a limit is used up."""

    def __init__(self, rules: dict[str, str]) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._items: dict[str, RateLimitItem | None] = {
            bucket: (parse(rule) if rule and rule != "0" else None)
            for bucket, rule in rules.items()
        }

    def check(self, bucket: str, *keys: str) -> None:
        """Raise 429 when the client has used up the bucket's allowance."""
        item = self._items.get(bucket)
        if item is not None and not self._limiter.test(item, bucket, *keys):
            raise TooManyRequests("尝试次数过多，请稍后再试", code="rate_limited")

    def hit(self, bucket: str, *keys: str) -> None:
        """Count one attempt against the bucket."""
        item = self._items.get(bucket)
        if item is not None:
            self._limiter.hit(item, bucket, *keys)

    def check_and_hit(self, bucket: str, *keys: str) -> None:
        """Count an attempt, refusing it with 429 when the allowance is used up."""
        item = self._items.get(bucket)
        if item is not None and not self._limiter.hit(item, bucket, *keys):
            raise TooManyRequests("请求过于频繁，请稍后再试", code="rate_limited")


def client_key(request: Request) -> str:
    """The client address used for per-client limits."""
    return request.client.host if request.client else "unknown"


def get_limiter(request: Request) -> CredentialLimiter:
    """The app's credential limiter."""
    return request.app.state.limiter
