"""Bad input and wrong callers get clear 4xx JSON errors, never a 500."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.api import DISPLAY, HUKOU, KIOSK, issue, login, open_window


def _err(r, status: int, code: str | None = None) -> dict:  # noqa: ANN001
    assert r.status_code == status, r.text
    body = r.json()["error"]
    assert body["message"]
    if code:
        assert body["code"] == code
    return body


def test_bad_input_is_4xx_with_code(client: TestClient) -> None:
    c = client
    _err(c.post("/api/v1/halls/nohall/tickets", json={"service_code": HUKOU}, headers=KIOSK),
         404, "hall_not_found")
    _err(c.post("/api/v1/halls/demo/tickets", json={"service_code": "X"}, headers=KIOSK),
         404, "service_not_found")
    body = _err(c.post("/api/v1/halls/demo/tickets",
                       json={"service_code": HUKOU, "id_number": "110105194912310021"},
                       headers=KIOSK), 422, "invalid_id_number")
    assert "校验位" in body["message"]
    _err(c.post("/api/v1/halls/demo/tickets",
                json={"service_code": HUKOU, "id_number": "110105199913310021"},
                headers=KIOSK), 422, "invalid_id_number")
    _err(c.post("/api/v1/halls/demo/tickets", json={}, headers=KIOSK), 422, "validation_error")
    _err(c.post("/api/v1/halls/demo/tickets", content=b"{not json", headers={
        **KIOSK, "content-type": "application/json"}), 422, "validation_error")
    _err(c.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU, "priority": "vip"},
                headers=KIOSK), 422, "invalid_priority")
    _err(c.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU, "priority": "green"},
                headers=KIOSK), 403, "green_needs_staff")
    _err(c.post("/api/v1/tickets/999999/start", headers=login(c, "clerk1")), 404)
    _err(c.get("/api/v1/track/does-not-exist"), 404, "ticket_not_found")
    _err(c.get("/api/v1/nothing-here"), 404, "not_found")


def test_authentication_and_roles(client: TestClient) -> None:
    c = client
    _err(c.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU}), 401,
         "unauthenticated")
    _err(c.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                headers={"Authorization": "Bearer wrong"}), 401, "invalid_token")
    _err(c.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                headers={"Authorization": "Basic abc"}), 401, "bad_auth_header")
    _err(c.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU}, headers=DISPLAY),
         403, "forbidden_role")
    _err(c.post("/api/v1/auth/login", json={"username": "clerk1", "password": "nope"}), 401,
         "bad_credentials")
    _err(c.post("/api/v1/auth/login", json={"username": "ghost", "password": "nope"}), 401,
         "bad_credentials")
    clerk = login(c, "clerk1")
    _err(c.post("/api/v1/devices", json={"hall_code": "demo", "kind": "kiosk", "name": "x"},
                headers=clerk), 403, "forbidden_role")
    _err(c.post("/api/v1/windows/1/call-next", headers=KIOSK), 403, "forbidden_role")
    # Logout revokes the token.
    assert c.post("/api/v1/auth/logout", headers=clerk).status_code == 204
    _err(c.get("/api/v1/auth/me", headers=clerk), 401, "invalid_token")


def test_login_lockout_after_repeated_failures(client: TestClient) -> None:
    c = client
    for _ in range(5):
        c.post("/api/v1/auth/login", json={"username": "clerk3", "password": "bad-pass"})
    _err(c.post("/api/v1/auth/login", json={"username": "clerk3", "password": "demo1234"}),
         429, "account_locked")


def test_other_hall_is_off_limits(client: TestClient) -> None:
    c = client
    admin = login(c, "admin")
    assert c.post("/api/v1/halls", json={"code": "east", "name": "东区分中心"},
                  headers=admin).status_code == 201
    assert c.post("/api/v1/halls/east/services", headers=admin, json={
        "code": "E-1", "name": "东区事项", "prefix": "K"}).status_code == 201
    w = c.post("/api/v1/halls/east/windows", headers=admin, json={
        "number": 1, "name": "东区1号", "services": [{"service_code": "E-1", "priority": 5}]})
    assert w.status_code == 201
    east_window = w.json()["id"]
    assert c.post("/api/v1/staff", headers=admin, json={
        "username": "eastclerk", "password": "east12345", "role": "clerk",
        "hall_code": "east"}).status_code == 201
    dev = c.post("/api/v1/devices", headers=admin,
                 json={"hall_code": "east", "kind": "kiosk", "name": "东区取号机"}).json()
    east_kiosk = {"Authorization": f"Bearer {dev['token']}"}

    # demo kiosk cannot issue in east; east kiosk cannot issue in demo
    _err(c.post("/api/v1/halls/east/tickets", json={"service_code": "E-1"}, headers=KIOSK),
         403, "forbidden_hall")
    _err(c.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                headers=east_kiosk), 403, "forbidden_hall")
    clerk1 = login(c, "clerk1")
    _err(c.post(f"/api/v1/windows/{east_window}/open", headers=clerk1), 403, "forbidden_hall")
    _err(c.get("/api/v1/windows", params={"hall": "east"}, headers=clerk1), 403,
         "forbidden_hall")
    east = login(c, "eastclerk", "east12345")
    t = issue(c, HUKOU)
    open_window(c, clerk1, 1)
    c.post("/api/v1/windows/1/call-next", headers=clerk1)
    _err(c.post(f"/api/v1/tickets/{t['id']}/start", headers=east), 403, "forbidden_hall")
    _err(c.get(f"/api/v1/tickets/{t['id']}", headers=east), 403, "forbidden_hall")
    # Manager of demo may not create a device (admin only) nor staff in another hall.
    manager = login(c, "manager")
    _err(c.post("/api/v1/staff", headers=manager, json={
        "username": "x1", "password": "12345678", "role": "clerk", "hall_code": "east"}),
        403)


def test_public_surfaces_carry_no_personal_data(client: TestClient) -> None:
    c = client
    t = issue(c, HUKOU, id_number="11010519491231002X", citizen_name="张小三")
    assert t["priority_class"] == "green"
    for leaked in ("11010519491231002X", "110105********002X", "张小三", "张*三"):
        assert leaked not in c.get(f"/api/v1/track/{t['tracking_token']}").text
        assert leaked not in c.get("/api/v1/halls/demo/board", headers=DISPLAY).text
        assert leaked not in str(t)  # the kiosk's own answer
    staff_view = c.get(f"/api/v1/tickets/{t['id']}", headers=login(c, "clerk1")).json()
    assert staff_view["id_masked"] == "110105********002X"
    assert staff_view["citizen_name_masked"] == "张*三"
