"""Tokens expire and can be revoked (HTTP and live websockets); guessing is rate limited."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from starlette.websockets import WebSocketDisconnect

from server.app import create_app
from server.auth.models import AuthToken, LoginFailure, Staff
from server.core.clock import utcnow
from tests.conftest import make_settings
from tests.support.api import login


def _app_client(tmp_path: Path, url: str, **overrides: object) -> TestClient:
    return TestClient(create_app(make_settings(tmp_path / "data", url, alert_interval_seconds=0,
                                               retention_interval_hours=0, **overrides)))


@pytest.fixture
def fast(tmp_path: Path, sqlite_url: str) -> Iterator[TestClient]:
    """Short heartbeats (so revocation reaches open sockets quickly), short token lifetime."""
    with _app_client(tmp_path, sqlite_url, heartbeat_seconds=0.2, token_ttl_hours=1) as c:
        yield c


def test_staff_token_expires(fast: TestClient) -> None:
    clerk = login(fast, "clerk1")
    assert fast.get("/api/v1/auth/me", headers=clerk).status_code == 200
    fast.app.state.db.write(lambda s: s.execute(
        update(AuthToken).values(expires_at=utcnow())))  # the clock has run past its TTL
    r = fast.get("/api/v1/auth/me", headers=clerk)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"


def test_token_lifetime_follows_settings(tmp_path: Path, sqlite_url: str) -> None:
    with _app_client(tmp_path, sqlite_url, token_ttl_hours=0.0003) as c:  # about one second
        r = c.post("/api/v1/auth/login", json={"username": "clerk1", "password": "demo1234"})
        assert r.json()["expires_in"] == 1
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        assert c.get("/api/v1/auth/me", headers=headers).status_code == 200
        deadline = time.monotonic() + 10
        while c.get("/api/v1/auth/me", headers=headers).status_code == 200:
            assert time.monotonic() < deadline, "token never expired"
            time.sleep(0.2)
        assert c.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_tokens_are_stored_as_digests_only(fast: TestClient) -> None:
    raw = login(fast, "manager")["Authorization"].split()[1]
    dev = fast.post("/api/v1/devices", headers=login(fast, "admin"),
                    json={"hall_code": "demo", "kind": "kiosk", "name": "新取号机"}).json()
    with fast.app.state.db.read() as s:
        digests = set(s.scalars(select(AuthToken.digest)))
    db_file = Path(fast.app.state.settings.effective_database_url.removeprefix("sqlite:///"))
    blob = b"".join(p.read_bytes() for p in db_file.parent.glob(db_file.name + "*"))
    for secret in (raw, dev["token"]):
        assert secret.encode() not in blob
    assert len(digests) >= 2 and all(len(d) == 64 for d in digests)


def test_logout_revokes_only_that_token(fast: TestClient) -> None:
    first, second = login(fast, "clerk1"), login(fast, "clerk1")
    assert fast.post("/api/v1/auth/logout", headers=first).status_code == 204
    assert fast.get("/api/v1/auth/me", headers=first).status_code == 401
    assert fast.post("/api/v1/auth/logout", headers=first).status_code == 401
    assert fast.get("/api/v1/auth/me", headers=second).status_code == 200


def test_disabled_clerk_is_refused_on_the_very_next_request(fast: TestClient) -> None:
    # The server remembers resolved tokens for a few seconds; disabling must still bite at once.
    clerk, manager = login(fast, "clerk3"), login(fast, "manager")
    assert fast.get("/api/v1/auth/me", headers=clerk).status_code == 200
    with fast.app.state.db.read() as s:
        staff_id = s.scalar(select(Staff.id).where(Staff.username == "clerk3"))
    r = fast.patch(f"/api/v1/halls/demo/config/staff/{staff_id}", headers=manager,
                   json={"active": False})
    assert r.status_code == 200, r.text
    r = fast.get("/api/v1/auth/me", headers=clerk)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"
    fast.patch(f"/api/v1/halls/demo/config/staff/{staff_id}", headers=manager,
               json={"active": True})
    assert fast.get("/api/v1/auth/me", headers=clerk).status_code == 200


def test_revoked_device_is_refused_and_its_live_socket_cut(fast: TestClient) -> None:
    admin = login(fast, "admin")
    dev = fast.post("/api/v1/devices", headers=admin,
                    json={"hall_code": "demo", "kind": "display", "name": "临时屏"}).json()
    token = dev["token"]
    assert fast.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()[
        "kind"] == "device"
    with fast.websocket_connect(f"/ws/halls/demo?token={token}&since=0") as ws:
        ws.receive_json()
        # Only an admin may revoke; a manager of the hall uses the audited config endpoint.
        assert fast.delete(f"/api/v1/devices/{dev['id']}",
                           headers=login(fast, "manager")).status_code == 403
        assert fast.delete(f"/api/v1/devices/{dev['id']}", headers=admin).status_code == 204
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(100):  # heartbeat pings until the server notices the revocation
                ws.receive_json()
        assert closed.value.code == 4401
    r = fast.get("/api/v1/halls/demo/board", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    with fast.websocket_connect(f"/ws/halls/demo?token={token}") as ws, \
            pytest.raises(WebSocketDisconnect) as refused:
        ws.receive_json()
    assert refused.value.code == 4401
    assert fast.delete(f"/api/v1/devices/{dev['id'] + 999}", headers=admin).status_code == 404


def test_logged_out_staff_socket_is_cut(fast: TestClient) -> None:
    clerk = login(fast, "clerk2")
    token = clerk["Authorization"].split()[1]
    with fast.websocket_connect(f"/ws/halls/demo?token={token}") as ws:
        ws.receive_json()
        assert fast.post("/api/v1/auth/logout", headers=clerk).status_code == 204
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(100):
                ws.receive_json()
        assert closed.value.code == 4401


def test_account_lockout_stops_guessing_one_account(fast: TestClient) -> None:
    for _ in range(5):
        r = fast.post("/api/v1/auth/login", json={"username": "clerk4", "password": "guess-it"})
        assert r.status_code == 401
    # locked: even the right password is refused now, and the lock is in the database
    r = fast.post("/api/v1/auth/login", json={"username": "clerk4", "password": "demo1234"})
    assert r.status_code == 429 and r.json()["error"]["code"] == "account_locked"
    with fast.app.state.db.read() as s:
        locked_until = s.scalar(select(LoginFailure.locked_until)
                                .where(LoginFailure.username == "clerk4"))
    assert locked_until is not None and locked_until > utcnow()
    # other accounts are unaffected
    assert fast.post("/api/v1/auth/login", json={
        "username": "clerk5", "password": "demo1234"}).status_code == 200


def _answers(c: TestClient, username: str, n: int) -> list[tuple[int, str, str]]:
    out = []
    for _ in range(n):
        r = c.post("/api/v1/auth/login", json={"username": username, "password": "guess-it"})
        err = r.json()["error"]
        out.append((r.status_code, err["code"], err["message"]))
    return out


def test_lockout_does_not_reveal_which_usernames_exist(fast: TestClient) -> None:
    real, ghost = _answers(fast, "clerk6", 7), _answers(fast, "no-such-user", 7)
    # the same answers, in the same order: five refusals, then the same lock
    assert real == ghost
    assert [a[:2] for a in real] == [(401, "bad_credentials")] * 5 + [(429, "account_locked")] * 2
    # a made-up name is locked in the database exactly like a real account
    with fast.app.state.db.read() as s:
        locks = dict(s.execute(select(LoginFailure.username, LoginFailure.locked_until)).all())
    assert locks["clerk6"] > utcnow() and locks["no-such-user"] > utcnow()
    # a disabled account answers like an unknown one too
    with fast.app.state.db.read() as s:
        staff_id = s.scalar(select(Staff.id).where(Staff.username == "clerk7"))
    manager = login(fast, "manager")
    assert fast.patch(f"/api/v1/halls/demo/config/staff/{staff_id}", headers=manager,
                      json={"active": False}).status_code == 200
    disabled = [fast.post("/api/v1/auth/login", json={"username": "clerk7", "password": p})
                for p in ("demo1234", "guess-it")]
    assert [(r.status_code, r.json()["error"]) for r in disabled] == [
        (401, {"code": "bad_credentials", "message": real[0][2]})] * 2


def test_a_successful_login_clears_earlier_failures(fast: TestClient) -> None:
    assert [a[0] for a in _answers(fast, "clerk8", 4)] == [401] * 4
    assert fast.post("/api/v1/auth/login", json={
        "username": "clerk8", "password": "demo1234"}).status_code == 200
    # four more failures do not lock: the count started again after the success
    assert [a[0] for a in _answers(fast, "clerk8", 4)] == [401] * 4
    assert fast.post("/api/v1/auth/login", json={
        "username": "clerk8", "password": "demo1234"}).status_code == 200


def test_password_spraying_from_one_client_is_rate_limited(tmp_path: Path,
                                                           sqlite_url: str) -> None:
    with _app_client(tmp_path, sqlite_url, login_failures_per_client="6/10 minutes") as c:
        # one wrong guess per account (never enough to lock an account) ...
        users = [f"clerk{i}" for i in range(1, 9)] + ["ghost1", "ghost2"]
        codes = [c.post("/api/v1/auth/login", json={"username": u, "password": "123456"})
                 .json()["error"]["code"] for u in users]
        assert codes[:6] == ["bad_credentials"] * 6
        assert set(codes[6:]) == {"rate_limited"}
        # ... and once the client is limited, even correct passwords wait
        r = c.post("/api/v1/auth/login", json={"username": "manager", "password": "demo1234"})
        assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"


def _otp(c: TestClient, phone: str) -> str:
    assert c.post("/api/v1/citizen/otp", json={"phone": phone}).status_code == 202
    sent = c.get("/api/v1/admin/outbox", headers=login(c, "admin"),
                 params={"recipient": phone, "kind": "otp", "limit": 1}).json()
    return sent[0]["data"]["code"]


def test_one_time_codes_resist_guessing(tmp_path: Path, sqlite_url: str) -> None:
    with _app_client(tmp_path, sqlite_url, otp_failures_per_client="7/10 minutes") as c:
        code = _otp(c, "13955550001")
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        answers = [c.post("/api/v1/citizen/login", json={"phone": "13955550001", "code": wrong})
                   .json()["error"]["code"] for _ in range(5)]
        assert answers == ["otp_wrong"] * 4 + ["otp_attempts"]  # the code is burnt after 5
        r = c.post("/api/v1/citizen/login", json={"phone": "13955550001", "code": code})
        assert r.status_code == 429  # even the right code no longer works
        # asking again for the same phone at once is refused too (resend interval)
        r = c.post("/api/v1/citizen/otp", json={"phone": "13955550001"})
        assert r.status_code == 429 and r.json()["error"]["code"] == "otp_too_soon"
        # one client guessing codes of other phones is stopped by the per-client limit
        other = _otp(c, "13955550002")
        r = c.post("/api/v1/citizen/login", json={"phone": "13955550002", "code": wrong})
        assert r.status_code == 401
        r = c.post("/api/v1/citizen/login", json={"phone": "13955550002", "code": other})
        assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"


def test_citizen_token_expires_and_logs_out(fast: TestClient) -> None:
    c = fast
    token = c.post("/api/v1/citizen/login", json={
        "phone": "13955550003", "code": _otp(c, "13955550003")}).json()["access_token"]
    citizen = {"Authorization": f"Bearer {token}"}
    assert c.get("/api/v1/citizen/me", headers=citizen).status_code == 200
    assert c.get("/api/v1/windows", params={"hall": "demo"}, headers=citizen).status_code == 403
    c.app.state.db.write(lambda s: s.execute(update(AuthToken).where(
        AuthToken.kind == "citizen").values(expires_at=utcnow())))
    assert c.get("/api/v1/citizen/me", headers=citizen).status_code == 401
    token2 = c.post("/api/v1/citizen/login", json={
        "phone": "13955550004", "code": _otp(c, "13955550004")}).json()["access_token"]
    second = {"Authorization": f"Bearer {token2}"}
    assert c.post("/api/v1/auth/logout", headers=second).status_code == 204
    assert c.get("/api/v1/citizen/me", headers=second).status_code == 401


def test_idempotency_keys_replay_only_for_their_own_caller(fast: TestClient) -> None:
    c = fast
    body = {"service_code": "11110000MB0123456X4000117001"}
    key = {"Idempotency-Key": "kiosk-1-0001"}
    first = c.post("/api/v1/halls/demo/tickets", json=body,
                   headers={"Authorization": "Bearer demo-kiosk-token", **key})
    again = c.post("/api/v1/halls/demo/tickets", json=body,
                   headers={"Authorization": "Bearer demo-kiosk-token", **key})
    assert first.status_code == again.status_code == 201
    assert again.json()["tracking_token"] == first.json()["tracking_token"]
    assert again.headers["idempotent-replayed"] == "true"
    other = c.post("/api/v1/devices", headers=login(c, "admin"),
                   json={"hall_code": "demo", "kind": "kiosk", "name": "二楼取号机"}).json()
    for headers in ({"Authorization": f"Bearer {other['token']}"}, login(c, "clerk1")):
        r = c.post("/api/v1/halls/demo/tickets", json=body, headers={**headers, **key})
        assert r.status_code == 409 and r.json()["error"]["code"] == "idempotency_key_reused"
        assert first.json()["tracking_token"] not in r.text
        r = c.post("/api/v1/halls/demo/checkins", json={"booking_code": "NOPE99"},
                   headers={**headers, **key})
        assert r.status_code == 409 and r.json()["error"]["code"] == "idempotency_key_reused"
