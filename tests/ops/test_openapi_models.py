"""The OpenAPI document says what each operation answers, and the response models describe
the JSON as sent: no key added, dropped or retyped by declaring them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis.core.failures import FailureGroup

from tests.support.api import HUKOU, KIOSK, login, open_window

ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
BINARY = {"type": "string", "format": "binary"}


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_api_operation_documents_its_success_body(spec: dict[str, Any]) -> None:
    described = 0
    for path, item in spec["paths"].items():
        for method, op in item.items():
            ok = {s: r for s, r in op["responses"].items() if s.startswith("2")}
            assert ok, (method, path)
            for status, response in ok.items():
                content = response.get("content")
                if status == "204":
                    assert not content, (method, path)  # no body, nothing to describe
                    continue
                assert content, (method, path, status)
                for media, body in content.items():
                    schema = body.get("schema", {})
                    if media == "application/json":
                        target = _resolve(spec, schema.get("items", schema))
                        # a model with named fields, not FastAPI's bare `dict`/`list[dict]`
                        assert target.get("properties"), (method, path, status)
                        described += 1
                    else:
                        assert schema == BINARY, (method, path, media)
            for status, response in op["responses"].items():
                if status[0] in "45" and not (path == "/readyz" and status == "503"):
                    assert response["content"]["application/json"]["schema"] == ERROR_REF, (
                        method, path, status)
    assert described >= 100
    upload = spec["paths"]["/api/v1/appointments/{booking_code}/materials"]["post"]
    assert "507" in upload["responses"]  # a full disk refuses the upload
    qr = spec["paths"]["/api/v1/appointments/{booking_code}/qr.{fmt}"]["get"]["responses"]
    assert set(qr["200"]["content"]) == {"image/png", "image/svg+xml"}
    ticket = spec["components"]["schemas"]["TicketStaffOut"]
    assert {"number", "status", "tracking_token", "call_reason_text"} <= set(
        ticket["required"])
    assert ticket["additionalProperties"] is True  # fields added later pass through


def _check(spec: dict[str, Any], response: httpx.Response) -> None:
    """The response conforms to its operation's documented schema (schemathesis' check)."""
    request = response.request
    path = next(p for p in spec["paths"] if _matches(p, request.url.path))
    operation = schemathesis.openapi.from_dict(spec)[path][request.method]
    operation.validate_response(response)  # raises on any mismatch


def _matches(template: str, path: str) -> bool:
    parts, real = template.split("/"), path.split("/")
    return len(parts) == len(real) and all(
        p == r or (p.startswith("{") and p.endswith("}")) for p, r in zip(parts, real,
                                                                        strict=True))


def test_a_kiosk_ticket_keeps_its_shape_and_staff_tickets_their_nulls(
        client: TestClient, spec: dict[str, Any]) -> None:
    kiosk = client.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                        headers=KIOSK)
    assert kiosk.status_code == 201
    body = kiosk.json()
    _check(spec, kiosk)
    # The kiosk's public view: the staff fields the model declares stay absent, not null.
    assert "id_masked" not in body and "call_reason" not in body and "appointment" not in body
    assert body["replayed"] is False and body["window"] is None

    clerk = login(client, "clerk1")
    wid = open_window(client, clerk, 1)
    called = client.post(f"/api/v1/windows/{wid}/call-next", headers=clerk)
    assert called.status_code == 200
    staff = called.json()
    _check(spec, called)
    assert staff["number"] == body["number"] and staff["status"] == "called"
    # Keys with no value are sent as null, as before the models existed.
    assert staff["appointment"] is None and staff["id_masked"] is None
    assert staff["window"]["id"] == wid and isinstance(staff["expected_minutes"], int)
    track = client.get(f"/api/v1/track/{body['tracking_token']}")
    assert track.status_code == 200 and "id" not in track.json()  # the token is the handle
    _check(spec, track)
    board = client.get("/api/v1/halls/demo/board")
    assert board.status_code == 200
    assert all("materials" not in svc for svc in board.json()["services"])
    _check(spec, board)


def test_statistics_keep_the_from_key(client: TestClient, spec: dict[str, Any]) -> None:
    manager = login(client, "manager")
    r = client.get("/api/v1/halls/demo/stats", headers=manager)
    assert r.status_code == 200
    body = r.json()
    assert "from" in body and "from_" not in body and body["from"] == body["to"]
    assert isinstance(body["totals"]["tickets"], int)
    _check(spec, r)


def test_the_check_fails_for_a_body_that_differs_from_the_model(client: TestClient,
                                                                spec: dict[str, Any]) -> None:
    r = client.get("/api/v1/halls/demo/board")
    body = r.json()
    body["windows"][0]["number"] = "一"  # a string where the model says integer
    del body["seq"]
    forged = httpx.Response(200, json=body, request=r.request)
    forged.read()
    forged.elapsed = r.elapsed
    with pytest.raises(FailureGroup) as failed:
        _check(spec, forged)
    found = " ".join(str(e) for e in failed.value.exceptions)
    assert '"seq" is a required property' in found and '"type": "integer"' in found
