"""Slow and greedy clients against a real server on 127.0.0.1: connections that never finish
their headers or body get 408 and are closed, a normal client is served meanwhile, and one
address cannot hold more than its share of connections."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.databases import copy_sqlite
from tests.support.live import LiveServer

CAP = 8
SLOW = {"TONGBAN_HEADER_TIMEOUT_SECONDS": "1", "TONGBAN_BODY_TIMEOUT_SECONDS": "1",
        "TONGBAN_CONNECTIONS_PER_CLIENT": str(CAP), "TONGBAN_ALERT_INTERVAL_SECONDS": "0"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("slow") / "data"
    srv = LiveServer(data, copy_sqlite(sqlite_template, data), env=SLOW).start(timeout=120)
    try:
        yield srv
    finally:
        srv.stop()


def _open(srv: LiveServer, first_bytes: bytes = b"", source: str = "127.0.0.1") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10,
                                    source_address=(source, 0))
    if first_bytes:
        sock.sendall(first_bytes)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (socket timeout: 10 s, the test fails)."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _get(sock: socket.socket, path: str = "/healthz") -> bytes:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
    return _read_all(sock)


def test_stalled_requests_are_timed_out_while_others_are_served(server: LiveServer) -> None:
    slowloris = [_open(server, b"GET /healthz HTT") for _ in range(4)]
    silent = _open(server)  # connects and says nothing
    headers_only = _open(server, b"POST /api/v1/halls/demo/tickets HTTP/1.1\r\nHost: t\r\n")
    half_body = _open(server, b"POST /api/v1/halls/demo/tickets HTTP/1.1\r\nHost: t\r\n"
                              b"Authorization: Bearer demo-kiosk-token\r\n"
                              b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                              b'{"service_')
    stalled = [*slowloris, silent, headers_only, half_body]
    try:
        # While they hang, a normal client is answered.
        assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200
        for sock in stalled:
            answer = _read_all(sock)  # EOF after the deadline, not never
            assert answer.startswith(b"HTTP/1.1 408 "), answer
            assert b'"request_timeout"' in answer
    finally:
        for sock in stalled:
            sock.close()
    assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200


def test_one_address_cannot_hold_more_than_its_cap(server: LiveServer) -> None:
    held = [_open(server, b"GET /healthz HTT") for _ in range(CAP)]
    try:
        extra = _open(server)
        answer = _read_all(extra)  # refused at once, before it sends anything
        extra.close()
        assert answer.startswith(b"HTTP/1.1 429 "), answer
        assert b'"too_many_connections"' in answer
        # Another address is not affected by this one's connections.
        other = _open(server, source="127.0.0.2")
        assert _get(other).startswith(b"HTTP/1.1 200 ")
        other.close()
    finally:
        for sock in held:
            sock.close()
    # Closed connections free the address's share again.
    assert _get(_open(server)).startswith(b"HTTP/1.1 200 ")
