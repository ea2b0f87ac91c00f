"""Helpers for the online side: citizen login via the outbox, booking, materials, review.

`book_appointment` works with a TestClient or an httpx.Client pointed at a live server with
the demo hall (whose appointment hours cover every hour of every day).
"""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime
from typing import Any

import httpx

from server.core.ids import check_digit
from tests.support.api import HUKOU, login

ADMIN_PASSWORD = "demo1234"
_TOKENS: dict[tuple[Any, str], str] = {}


def make_id_number(birth: str = "19900101", *, region: str = "110105",
                   seq: int | None = None) -> str:
    """A valid GB 11643 ID number (random sequence unless given)."""
    n = random.randint(0, 999) if seq is None else seq
    first17 = f"{region}{birth}{n:03d}"
    return first17 + check_digit(first17)


def random_phone() -> str:
    """A random mainland mobile number (keeps tests from sharing OTP rate limits)."""
    return "139" + "".join(random.choice("0123456789") for _ in range(8))


def sample_png(color: str = "#2f6fd0", size: tuple[int, int] = (64, 48)) -> bytes:
    """A real PNG image."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return buf.getvalue()


def sample_jpeg(color: str = "#d0453c") -> bytes:
    """A real JPEG image."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buf, format="JPEG")
    return buf.getvalue()


def sample_pdf(color: str = "white") -> bytes:
    """A real one-page PDF."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 160), color).save(buf, format="PDF")
    return buf.getvalue()


def _server_key(client: httpx.Client) -> Any:
    app = getattr(client, "app", None)
    return id(app) if app is not None else str(client.base_url)


def latest_code(client: httpx.Client, phone: str) -> str:
    """The newest one-time code sent to a phone, read from the admin outbox."""
    admin = login(client, "admin", ADMIN_PASSWORD)
    r = client.get("/api/v1/admin/outbox", params={"recipient": phone, "kind": "otp",
                                                   "limit": 1}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json(), f"no code in the outbox for {phone}"
    return r.json()[0]["data"]["code"]


def citizen_login(client: httpx.Client, phone: str = "13800000000") -> dict[str, str]:
    """Log a citizen in through OTP + outbox (token cached per server and phone)."""
    key = (_server_key(client), phone)
    token = _TOKENS.get(key)
    if token:
        headers = {"Authorization": f"Bearer {token}"}
        if client.get("/api/v1/citizen/me", headers=headers).status_code == 200:
            return headers
    r = client.post("/api/v1/citizen/otp", json={"phone": phone})
    if r.status_code == 429 and r.json()["error"]["code"] != "otp_too_soon":
        raise AssertionError(r.text)
    assert r.status_code in (202, 429), r.text
    code = latest_code(client, phone)
    r = client.post("/api/v1/citizen/login", json={"phone": phone, "code": code})
    assert r.status_code == 200, r.text
    _TOKENS[key] = r.json()["access_token"]
    return {"Authorization": f"Bearer {_TOKENS[key]}"}


def current_slot(client: httpx.Client, *, hall: str = "demo", service_code: str = HUKOU,
                 day: str | None = None) -> dict[str, Any]:
    """The bookable slot covering now (else the next bookable one) of the day."""
    params = {"date": day} if day else {}
    r = client.get(f"/api/v1/halls/{hall}/services/{service_code}/slots", params=params)
    assert r.status_code == 200, r.text
    now = datetime.now(UTC)
    open_slots = [sl for sl in r.json()["slots"] if sl["bookable"]]
    assert open_slots, f"no bookable slot: {r.json()}"
    for sl in open_slots:
        if datetime.fromisoformat(sl["start"]) <= now < datetime.fromisoformat(sl["end"]):
            return sl
    return open_slots[0]


def upload_material(client: httpx.Client, headers: dict[str, str], booking_code: str,
                    material_code: str, filename: str, data: bytes,
                    content_type: str = "application/octet-stream") -> httpx.Response:
    """POST one file (multipart) for a material of a booking."""
    return client.post(f"/api/v1/appointments/{booking_code}/materials", headers=headers,
                       data={"material_code": material_code},
                       files={"file": (filename, data, content_type)})


def review_material(client: httpx.Client, material_id: int, decision: str,
                    reason: str | None = None, *, staff: str = "manager") -> dict[str, Any]:
    """Pre-review a material as demo staff (default: the hall manager)."""
    r = client.post(f"/api/v1/materials/{material_id}/review",
                    json={"decision": decision, "reason": reason},
                    headers=login(client, staff, ADMIN_PASSWORD))
    assert r.status_code == 200, r.text
    return r.json()


def book_appointment(
    client: httpx.Client,
    *,
    hall: str = "demo",
    service_code: str = HUKOU,
    id_number: str | None = None,
    name: str = "张三",
    phone: str = "13800000000",
    slot_start: str | datetime | None = None,
    materials: dict[str, tuple[str, bytes, str]] | None = None,
    accept: list[str] | tuple[str, ...] = (),
    reject: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Book as a citizen (OTP via the outbox), upload materials, let the manager review them.

    Returns the booking JSON (GET /appointments/{code}) plus `citizen_headers` and `id_number`.
    """
    headers = citizen_login(client, phone)
    id_number = id_number or make_id_number()
    if slot_start is None:
        slot_start = current_slot(client, hall=hall, service_code=service_code)["start"]
    elif isinstance(slot_start, datetime):
        slot_start = slot_start.isoformat()
    r = client.post("/api/v1/appointments", headers=headers, json={
        "hall_code": hall, "service_code": service_code, "slot_start": slot_start,
        "name": name, "id_number": id_number, "phone": phone})
    assert r.status_code == 201, r.text
    code = r.json()["booking_code"]
    uploaded: dict[str, int] = {}
    for mcode, (filename, data, ctype) in (materials or {}).items():
        up = upload_material(client, headers, code, mcode, filename, data, ctype)
        assert up.status_code == 201, up.text
        uploaded[mcode] = up.json()["id"]
    for mcode in accept:
        review_material(client, uploaded[mcode], "accept")
    for mcode, reason in (reject or {}).items():
        review_material(client, uploaded[mcode], "reject", reason)
    r = client.get(f"/api/v1/appointments/{code}", headers=headers)
    assert r.status_code == 200, r.text
    return {**r.json(), "citizen_headers": headers, "id_number": id_number}
