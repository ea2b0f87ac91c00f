"""The local Redis for shared rate-limit storage in tests, under a key prefix of the test's own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

from tests.support.databases import in_ci

REDIS_URL = "redis://127.0.0.1:6379/0"


def clear_prefix(prefix: str) -> None:
    """Delete every key under the prefix (e.g. to give a client its allowance back)."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@contextmanager
def redis_prefix() -> Iterator[str]:
    """A fresh key prefix on the local Redis, cleared afterwards; skips (fails in CI) without
    Redis."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.ping()
    except redis.ConnectionError:
        if in_ci():
            pytest.fail("Redis at 127.0.0.1:6379 is required when CI=true")
        pytest.skip("Redis not available")
    finally:
        client.close()
    prefix = f"tongban-test-{uuid.uuid4().hex[:10]}"
    try:
        yield prefix
    finally:
        clear_prefix(prefix)
