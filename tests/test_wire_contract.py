"""The wire contract (tongban_common/wire.py): what the server sends is in the enums, and the
hall apps compare against the enums instead of retyping the names."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from server.demo import DEMO_LICENCE_ID
from tests.support.api import ESTATE, HUKOU, SOCIAL, issue, login, open_window, window_id
from tongban_common.wire import (
    DEVICE_KINDS,
    STAFF_ROLES,
    DeviceKind,
    EventType,
    TicketStatus,
    WsMessage,
)

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = ("hallclient", "kiosk", "counter_client", "display", "ratepad")
STATUSES = {s.value for s in TicketStatus}
EVENTS = {e.value for e in EventType}


def _ok(r: Any, status: int = 200) -> Any:  # noqa: ANN401 - JSON of a response
    assert r.status_code == status, r.text
    return r.json()


def _hall_day(c: TestClient) -> set[str]:
    """A short hall day over HTTP; returns every ticket status the answers carried."""
    clerk, manager = login(c, "clerk1"), login(c, "manager")
    seen: set[str] = set()
    wid = open_window(c, clerk, 1)
    a, b, d = issue(c, HUKOU), issue(c, HUKOU), issue(c, SOCIAL)
    seen.add(a["status"])
    for action in ("recall", "start", "hang", "resume", "complete"):
        if action == "recall":
            seen.add(_ok(c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk))["status"])
        seen.add(_ok(c.post(f"/api/v1/tickets/{a['id']}/{action}", headers=clerk))["status"])
    _ok(c.post(f"/api/v1/tickets/{a['id']}/rating-request", headers=clerk))
    _ok(c.post(f"/api/v1/track/{a['tracking_token']}/evaluation", json={"rating": 5}), 201)
    _ok(c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk))
    seen.add(_ok(c.post(f"/api/v1/tickets/{b['id']}/requeue", headers=clerk))["status"])
    _ok(c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk))
    seen.add(_ok(c.post(f"/api/v1/tickets/{b['id']}/no-show", headers=clerk))["status"])
    seen.add(_ok(c.post(f"/api/v1/tickets/{d['id']}/cancel", headers=clerk))["status"])
    e = issue(c, HUKOU)
    _ok(c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk))
    _ok(c.post(f"/api/v1/tickets/{e['id']}/start", headers=clerk))
    _ok(c.post(f"/api/v1/tickets/{e['id']}/transfer", headers=clerk,
               json={"service_code": SOCIAL, "reason": "转社保"}))
    for state in ("pause", "close"):
        _ok(c.post(f"/api/v1/windows/{wid}/{state}", headers=clerk))
    _ok(c.put("/api/v1/halls/demo/notice", headers=manager, json={"notice": "今日下午闭厅"}))
    # 办件: accepted at window 7, approved by both departments, result ready.
    clerk7 = login(c, "clerk7")
    t = issue(c, ESTATE, id_number=DEMO_LICENCE_ID, citizen_name="张三")
    w7 = open_window(c, clerk7, 7)
    _ok(c.post(f"/api/v1/windows/{w7}/call-next", headers=clerk7))
    _ok(c.post(f"/api/v1/tickets/{t['id']}/start", headers=clerk7))
    app = _ok(c.post(f"/api/v1/tickets/{t['id']}/application", headers=clerk7, json={
        "materials": ["id_card", "sale_contract", "tax_receipt"], "phone": "13800001234",
        "delivery": "pickup"}), 201)
    for reviewer in ("reviewer1", "reviewer2"):
        _ok(c.post(f"/api/v1/applications/{app['id']}/review", headers=login(c, reviewer),
                   json={"decision": "approve"}))
    _ok(c.post(f"/api/v1/applications/{app['id']}/ready", headers=clerk7))
    return seen


def test_every_event_and_status_the_server_sends_is_in_the_contract(client: TestClient) -> None:
    statuses = _hall_day(client)
    assert statuses == STATUSES
    seq = _ok(client.get("/api/v1/halls/demo/board"))["seq"]
    types: list[str] = []
    with client.websocket_connect("/ws/halls/demo?token=demo-display-token&since=0") as ws:
        while len(types) < seq:
            msg = ws.receive_json()
            if msg["type"] != WsMessage.PING:
                assert msg["seq"] == len(types) + 1
                types.append(msg["type"])
                if msg["type"].startswith("ticket.") and "status" in msg["data"]:
                    assert msg["data"]["status"] in STATUSES
        ws.send_text(json.dumps({"type": WsMessage.PING}))
        while (msg := ws.receive_json())["type"] == WsMessage.PING:
            pass
        assert msg["type"] == WsMessage.PONG
    assert set(types) <= EVENTS, set(types) - EVENTS
    # The flow reached the ticket, window, rating, notice and 办件 families.
    assert {EventType.TICKET_ISSUED, EventType.TICKET_CALLED, EventType.TICKET_RECALLED,
            EventType.TICKET_STARTED, EventType.TICKET_SUSPENDED, EventType.TICKET_RESUMED,
            EventType.TICKET_COMPLETED, EventType.TICKET_RATING_REQUESTED,
            EventType.EVALUATION_RECEIVED, EventType.TICKET_REQUEUED, EventType.TICKET_NO_SHOW,
            EventType.TICKET_CANCELLED, EventType.TICKET_TRANSFERRED, EventType.WINDOW_OPENED,
            EventType.WINDOW_PAUSED, EventType.WINDOW_CLOSED, EventType.NOTICE_UPDATED,
            EventType.APPLICATION_DISPATCHED, EventType.APPLICATION_APPROVED,
            EventType.APPLICATION_DECIDED, EventType.APPLICATION_READY} <= set(types)


def test_roles_and_device_kinds_are_the_ones_the_server_accepts(client: TestClient) -> None:
    admin = login(client, "admin")
    wid = window_id(client, admin, 2)
    for kind in DEVICE_KINDS:
        r = client.post("/api/v1/devices", headers=admin, json={
            "hall_code": "demo", "kind": kind, "name": f"新{kind}",
            **({"window_id": wid} if kind == DeviceKind.RATEPAD else {})})
        assert r.status_code == 201, r.text
    r = client.post("/api/v1/devices", headers=admin,
                    json={"hall_code": "demo", "kind": "toaster", "name": "x"})
    assert r.status_code == 422
    for role in STAFF_ROLES:
        r = client.post("/api/v1/staff", headers=admin, json={
            "username": f"new_{role}", "password": "Str0ng-pass-123", "full_name": "新同事",
            "role": role, "hall_code": "demo", "department": "不动产登记中心"})
        assert r.status_code == 201, r.text


def _literal_strings(node: ast.AST) -> list[str]:
    """The string constants of a literal or of a tuple/list/set of literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [s for e in node.elts for s in _literal_strings(e)]
    return []


def leftover_literals(path: Path, root: Path = ROOT) -> list[str]:
    """Event names and ticket statuses retyped as literals in one file ("line: text")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def of_tickets(*nodes: ast.AST) -> bool:  # appointments have statuses of their own
        return not any(w in ast.unparse(n) for n in nodes for w in ("appt", "Appointment"))

    appointments = {id(n) for c in ast.walk(tree) if isinstance(c, ast.Compare | ast.Assign)
                    and not of_tickets(c) for n in ast.walk(c)}
    for node in ast.walk(tree):
        if id(node) in appointments:
            continue
        # An event name is an event name wherever it stands.
        if isinstance(node, ast.Constant) and node.value in EVENTS:
            found.append((node.lineno, node.value))
        # A status: compared with or assigned to something that holds a status, or a
        # tuple/set/list or dict keys made of statuses only (status lists, colour tables).
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any("status" in ast.unparse(s) for s in sides):
                found += [(node.lineno, v) for s in sides for v in _literal_strings(s)
                          if v in STATUSES]
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            values = _literal_strings(node)
            if len(values) == len(node.elts) >= 2 and set(values) <= STATUSES:
                found += [(node.lineno, v) for v in values]
        elif isinstance(node, ast.Dict):
            keys = [v for k in node.keys if k is not None for v in _literal_strings(k)]
            if len(keys) == len(node.keys) >= 2 and set(keys) <= STATUSES:
                found += [(node.lineno, v) for v in keys]
        elif isinstance(node, ast.Assign) and any("status" in ast.unparse(t)
                                                  for t in node.targets):
            found += [(node.lineno, v) for v in _literal_strings(node.value) if v in STATUSES]
    return sorted({f"{path.relative_to(root)}:{line}: {v!r}" for line, v in found})


def test_hall_apps_use_the_enums_not_retyped_names() -> None:
    # UI string tables (strings.py) key their labels by words that happen to be statuses.
    files = [p for d in CLIENTS for p in sorted((ROOT / d).rglob("*.py"))
             if p.name != "strings.py"]
    assert len(files) > 40
    assert [hit for p in files for hit in leftover_literals(p)] == []


def test_the_server_uses_the_enums_for_tickets_and_events() -> None:
    files = [p for p in sorted((ROOT / "server").rglob("*.py")) if "migrations" not in p.parts]
    assert [hit for p in files for hit in leftover_literals(p)] == []


def test_the_check_finds_retyped_names(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('CALLS = ("ticket.called", "x")\n'
                      'ACTIVE = ("called", "serving")\n'
                      'if w.ticket_status == "serving": pass\n'
                      'COLORS = {"done": 1, "no_show": 2}\n'
                      'w.ticket_status = "waiting"\n'
                      'label, n = strings("waiting"), counts["done"]\n', encoding="utf-8")
    assert leftover_literals(sample, tmp_path) == [
        "sample.py:1: 'ticket.called'", "sample.py:2: 'called'", "sample.py:2: 'serving'",
        "sample.py:3: 'serving'", "sample.py:4: 'done'", "sample.py:4: 'no_show'",
        "sample.py:5: 'waiting'"]
