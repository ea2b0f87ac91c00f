"""Property-based fuzzing of the whole OpenAPI surface: no input may produce a 5xx, and every
answer has the body its operation documents (the response models match what is sent)."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import response_schema_conformance

from server.app import create_app
from tests.conftest import FUZZ_SUMMARY, make_settings
from tests.support.api import login
from tests.support.databases import copy_sqlite
from tests.support.live import LiveServer
from tests.support.online import citizen_login

EXAMPLES = 12
ROLE_NAMES = ["anonymous", "kiosk", "clerk", "admin", "citizen"]
FORGED_TOKEN = "tb_" + "A" * 40  # shaped like a token, known to no one
TALLY: Counter[str] = Counter()
OPERATIONS: set[str] = set()
ROLE_HEADERS: dict[str, dict[str, str]] = {}
# The schema comes from the app's own OpenAPI; the cases run against a real server process.
_SPEC_DIR = Path(tempfile.mkdtemp(prefix="tongban-spec-"))
schema = schemathesis.openapi.from_dict(create_app(make_settings(
    _SPEC_DIR, f"sqlite:///{_SPEC_DIR / 'spec.sqlite3'}"), migrate=False).openapi())
# Calls that would revoke or disable the fuzzing roles' own credentials (logout, device
# revocation, deactivating staff); their access rules are in tests/security instead.
EXCLUDED = [("POST", "/api/v1/auth/logout"), ("DELETE", "/api/v1/devices/{device_id}"),
            ("DELETE", "/api/v1/halls/{hall}/config/devices/{device_id}"),
            ("PATCH", "/api/v1/halls/{hall}/config/staff/{staff_id}")]
for _method, _path in EXCLUDED:
    schema = schema.exclude(method=_method, path=_path)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("fuzz")
    copy_sqlite(sqlite_template, data)
    server = LiveServer(data).start()
    yield server
    with httpx.Client(base_url=server.url) as client:  # the roles stayed valid throughout
        for role, headers in ROLE_HEADERS.items():
            if headers:
                assert client.get("/api/v1/auth/me", headers=headers).status_code == 200, role
    server.stop()
    FUZZ_SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    figures = {"cases": sum(TALLY.values()), "operations": sorted(OPERATIONS),
               "max_examples_per_operation": EXAMPLES, "roles": [*ROLE_NAMES, "forged-token"],
               "excluded": [f"{m} {p}" for m, p in EXCLUDED],
               "server_errors": sum(n for k, n in TALLY.items() if k.startswith("5")),
               "by_status": dict(sorted(TALLY.items()))}
    FUZZ_SUMMARY.write_text(json.dumps(figures, indent=1))


@pytest.fixture(scope="module")
def roles(live: LiveServer) -> dict[str, dict[str, str]]:
    with httpx.Client(base_url=live.url) as client:
        roles = {"anonymous": {}, "kiosk": {"Authorization": "Bearer demo-kiosk-token"},
                 "clerk": login(client, "clerk1"), "admin": login(client, "admin"),
                 "citizen": citizen_login(client, "13944440001")}
    assert list(roles) == ROLE_NAMES
    ROLE_HEADERS.update(roles)
    return roles


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case, live: LiveServer,
                          roles: dict[str, dict[str, str]]) -> None:
    generated = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    # Besides the real roles, a forged bearer token: every route must refuse it cleanly.
    callers = {**roles, "forged-token": {"Authorization": f"Bearer {FORGED_TOKEN}"}}
    for role, headers in callers.items():
        # The role's token replaces the generated header, so the cases get past the auth check.
        case.headers = {**generated, **headers}
        response = case.call(base_url=live.url)
        TALLY[str(response.status_code)] += 1
        OPERATIONS.add(case.operation.label)
        assert response.status_code < 500, (
            f"{role}: {case.method} {case.formatted_path} -> {response.status_code} "
            f"{response.text[:300]}"
        )
        # The body must match the documented schema of its status (2xx model or ErrorResponse).
        case.validate_response(response, checks=[response_schema_conformance])
