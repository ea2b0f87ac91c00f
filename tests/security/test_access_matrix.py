"""Every route × every role: only the allowed roles succeed; nobody else gets through.

The route list comes from the app itself, so a new endpoint without a matrix row fails here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute, _IncludedRouter
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocketDisconnect

from server.app import create_app
from tests.conftest import ARTIFACTS, make_settings
from tests.security.matrix import MATRIX, Req, Row
from tests.security.world import ROLES, World
from tests.support.databases import copy_sqlite

TALLY: Counter[str] = Counter()


def app_routes(app: object) -> set[tuple[str, str]]:
    """(method, path) of every HTTP route and ("WS", path) of every websocket route."""
    out: set[tuple[str, str]] = set()

    def add(route: object) -> None:
        original = getattr(route, "original_route", route)
        path = getattr(route, "path", "") or getattr(original, "path", "")
        if isinstance(original, APIWebSocketRoute | WebSocketRoute):
            out.add(("WS", path))
            return
        for method in getattr(original, "methods", None) or ():
            if method != "HEAD":
                out.add((method, path))

    def walk(routes: list[BaseRoute]) -> None:
        for route in routes:
            if isinstance(route, _IncludedRouter):
                for ctx in route.effective_route_contexts():
                    add(ctx)
            elif isinstance(route, APIRoute | Route | APIWebSocketRoute | WebSocketRoute):
                add(route)
            else:
                raise AssertionError(f"unknown route type {type(route).__name__}: {route}")

    walk(app.routes)  # type: ignore[attr-defined]
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[World]:
    data = tmp_path_factory.mktemp("matrix")
    url = copy_sqlite(sqlite_template, data)
    app = create_app(make_settings(data, url, alert_interval_seconds=0,
                                   retention_interval_hours=0, login_failures_per_client="0"))
    with TestClient(app, follow_redirects=False) as client:
        yield World(client)
    summary = ARTIFACTS / "security" / "access-matrix.json"
    summary.parent.mkdir(parents=True, exist_ok=True)
    summary.write_text(json.dumps({"routes": len(MATRIX), "roles": len(ROLES),
                                   "checks": sum(TALLY.values()), "outcomes": TALLY}, indent=1))


def test_every_route_has_a_matrix_row(world: World) -> None:
    routes = app_routes(world.c.app)
    missing = sorted(routes - MATRIX.keys())
    stale = sorted(MATRIX.keys() - routes)
    assert not missing, f"routes without an access-matrix row: {missing}"
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"
    assert len(routes) >= 60


def _send(world: World, method: str, req: Req, headers: dict[str, str]) -> int:
    if method == "WS":
        return _ws_status(world, req, headers)
    r = world.c.request(method, req.url, json=req.json, params=req.params, headers=headers,
                        data=req.data, files=req.files)
    return r.status_code


def _ws_status(world: World, req: Req, headers: dict[str, str]) -> int:
    """200 when the socket delivers its first message, else 401/403 from the close code."""
    token = headers.get("Authorization", " ").split(" ", 1)[1]
    url = f"{req.url}?token={token}" if token else req.url
    try:
        with world.c.websocket_connect(url) as ws:
            first = ws.receive_json()
            return 200 if first.get("type") in ("snapshot", "ticket.issued", "track") \
                or "seq" in first else 500
    except WebSocketDisconnect as exc:
        return {4401: 401, 4403: 403}.get(exc.code, 1000 + exc.code)


def _expected_refusal(row: Row, role: str) -> int:
    return row.refused.get(role, 401 if role == "anonymous" else 403)


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_allows_only_its_roles(world: World, route: tuple[str, str]) -> None:
    method, _ = route
    row = MATRIX[route]
    problems = []
    shared = row.make(world)  # refused roles must fail before state matters: one target
    for role in sorted(ROLES, key=lambda r: r in row.allowed):  # refused ones first
        allowed = role in row.allowed
        req = row.make(world) if allowed and not row.reuse else shared
        headers = world.fresh_headers(role) if req.fresh_token else world.headers[role]
        status = _send(world, method, req, headers)
        TALLY["allowed" if allowed else "refused"] += 1
        if allowed and not 200 <= status < 400:
            problems.append(f"{role}: expected success, got {status}")
        if not allowed and status != _expected_refusal(row, role):
            problems.append(f"{role}: expected {_expected_refusal(row, role)}, got {status}")
    assert not problems, f"{method} {route[1]}: " + "; ".join(problems)
