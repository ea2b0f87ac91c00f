"""Citizen login: one-time codes through the outbox, expiry, attempt and rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from server.app import create_app
from server.citizens.models import OtpCode
from server.core.config import Settings
from tests.conftest import make_settings
from tests.online.conftest import db_of
from tests.support.api import login
from tests.support.online import latest_code

PHONE = "13912345678"


def otp(c: TestClient, phone: str = PHONE):  # noqa: ANN201 - a Response
    return c.post("/api/v1/citizen/otp", json={"phone": phone})


def signin(c: TestClient, code: str, phone: str = PHONE):  # noqa: ANN201 - a Response
    return c.post("/api/v1/citizen/login", json={"phone": phone, "code": code})


def test_code_from_outbox_logs_in_once(client: TestClient) -> None:
    c = client
    r = otp(c, "+86 139-1234-5678")
    assert r.status_code == 202, r.text
    assert r.json()["phone_masked"] == "139****5678"
    assert "code" not in r.text
    admin = login(c, "admin")
    [note] = c.get("/api/v1/admin/outbox", headers=admin, params={"recipient": PHONE}).json()
    assert note["kind"] == "otp" and note["status"] == "recorded" and note["channel"] == "sms"
    code = note["data"]["code"]
    assert code in note["body"] and len(code) == 6
    assert c.get("/api/v1/admin/outbox", headers=login(c, "manager")).status_code == 403
    assert c.get("/api/v1/admin/outbox").status_code == 401
    r = signin(c, code)
    assert r.status_code == 200, r.text
    token = {"Authorization": f"Bearer {r.json()['access_token']}"}
    me = c.get("/api/v1/citizen/me", headers=token).json()
    assert me["phone_masked"] == "139****5678"
    assert signin(c, code).json()["error"]["code"] == "otp_not_requested"  # used up
    assert c.get("/api/v1/citizen/me", headers=admin).status_code == 403
    assert c.post("/api/v1/auth/logout", headers=token).status_code == 204
    assert c.get("/api/v1/citizen/me", headers=token).status_code == 401
    bad = otp(c, "12345")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_phone"


def test_wrong_codes_burn_the_code_and_codes_expire(client: TestClient) -> None:
    c = client
    assert otp(c).status_code == 202
    code = latest_code(c, PHONE)
    wrong = "000000" if code != "000000" else "111111"
    messages = []
    for _ in range(4):
        r = signin(c, wrong)
        assert r.status_code == 401
        messages.append(r.json()["error"]["message"])
    assert messages[0] == "验证码错误，还可尝试 4 次" and messages[-1].endswith("1 次")
    r = signin(c, wrong)
    assert r.status_code == 429 and r.json()["error"]["code"] == "otp_attempts"
    r = signin(c, code)  # even the right code is refused now
    assert r.status_code == 429 and r.json()["error"]["code"] == "otp_attempts"

    again = otp(c)
    assert again.status_code == 429 and again.json()["error"]["code"] == "otp_too_soon"
    assert "秒后再试" in again.json()["error"]["message"]
    _age_codes(c, minutes=2)
    assert otp(c).status_code == 202
    fresh = latest_code(c, PHONE)
    _age_codes(c, minutes=6)  # older than the 5-minute lifetime
    r = signin(c, fresh)
    assert r.status_code == 401 and r.json()["error"]["code"] == "otp_expired"


def _age_codes(c: TestClient, *, minutes: int) -> None:
    """Move every code back in time (as if the minutes had passed)."""
    delta = timedelta(minutes=minutes)

    def work(s) -> None:  # noqa: ANN001
        for row in s.scalars(select(OtpCode)):
            row.created_at -= delta
            row.expires_at -= delta

    db_of(c).write(work)


@pytest.fixture
def no_gap(tmp_path: Path, sqlite_url: str) -> Iterator[TestClient]:
    """No resend gap, so the hourly limits are reached quickly."""
    app = create_app(make_settings(tmp_path / "data", sqlite_url, otp_resend_seconds=0,
                                   otp_per_ip_per_hour=8))
    with TestClient(app) as c:
        yield c


def test_hourly_limits_per_phone_and_per_client(no_gap: TestClient) -> None:
    c = no_gap
    assert [otp(c).status_code for _ in range(6)] == [202] * 5 + [429]
    assert otp(c).json()["error"]["code"] == "otp_phone_limit"
    assert [otp(c, f"1370000000{i}").status_code for i in range(4)] == [202, 202, 202, 429]
    assert otp(c, "13700000009").json()["error"]["code"] == "otp_client_limit"


def test_outside_demo_the_outbox_hides_live_codes(tmp_path: Path, sqlite_url: str) -> None:
    """An admin reading the outbox must not be able to log in as a citizen."""
    settings = Settings(data_dir=tmp_path / "data", database_url=sqlite_url, demo=False,
                        secret_key="a-real-production-secret-0123456789")
    with TestClient(create_app(settings)) as c:
        assert otp(c).status_code == 202
        [note] = c.get("/api/v1/admin/outbox", headers=login(c, "admin"),
                       params={"recipient": PHONE}).json()
        assert note["kind"] == "otp" and note["data"]["code"] == "******"
        assert "******" in note["body"]
        assert not any(ch.isdigit() for ch in note["body"].split("验证码为")[1][:8])
