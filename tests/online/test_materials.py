"""Pre-submitted materials: content checks, nothing half-stored, access control, audit, reuse."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.app import create_app
from server.materials.models import Material
from tests.conftest import make_settings
from tests.online.conftest import db_of
from tests.support.api import HUKOU, KIOSK, login, open_window
from tests.support.online import (
    book_appointment,
    citizen_login,
    make_id_number,
    review_material,
    sample_jpeg,
    sample_pdf,
    sample_png,
    upload_material,
)

LIMIT = 200_000


@pytest.fixture
def small(tmp_path: Path, sqlite_url: str) -> Iterator[TestClient]:
    """The app with a 200 kB per-file limit."""
    app = create_app(make_settings(tmp_path / "data", sqlite_url, material_max_bytes=LIMIT))
    with TestClient(app) as c:
        yield c


def stored_files(c: TestClient) -> list[Path]:
    root = c.app.state.settings.data_dir / "materials"
    return sorted(p for p in root.rglob("*") if p.is_file())


def material_rows(c: TestClient) -> int:
    with db_of(c).read() as s:
        return s.scalar(select(func.count()).select_from(Material))


def test_refused_uploads_store_nothing(small: TestClient) -> None:
    c = small
    b = book_appointment(c)
    h, code = b["citizen_headers"], b["booking_code"]
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 4000 + b"This program cannot be run in DOS"
    cases = [
        (("setup.pdf", exe, "application/pdf"), "unsupported_type", "Windows 可执行程序"),
        (("big.pdf", b"%PDF-1.4\n" + b"0" * (LIMIT + 1), "application/pdf"), "file_too_large",
         "最大 0.2 MB"),
        (("empty.png", b"", "image/png"), "empty_file", "文件为空"),
        (("fake.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 50, "image/png"), "corrupt_file",
         "图片文件已损坏"),
        (("broken.pdf", b"%PDF-1.7\nnot really a pdf", "application/pdf"), "corrupt_file",
         "PDF"),
    ]
    for (name, data, ctype), err, text in cases:
        r = upload_material(c, h, code, "id_card", name, data, ctype)
        assert r.status_code == 422, (name, r.text)
        assert r.json()["error"]["code"] == err, (name, r.text)
        assert text in r.json()["error"]["message"], (name, r.text)
    assert stored_files(c) == []
    assert material_rows(c) == 0
    r = upload_material(c, h, code, "tax_ukey", "x.png", sample_png(), "image/png")
    assert r.status_code == 404  # not a material of this service
    # A correct file named .exe is judged by content and accepted.
    png = sample_png()
    r = upload_material(c, h, code, "id_card", "photo.exe", png, "application/x-msdownload")
    assert r.status_code == 201, r.text
    assert r.json()["content_type"] == "image/png"
    sha = hashlib.sha256(png).hexdigest()
    assert r.json()["sha256"] == sha and r.json()["size"] == len(png)
    assert [p.name for p in stored_files(c)] == [sha]
    assert stored_files(c)[0].read_bytes() == png


def test_other_citizens_see_nothing(client: TestClient) -> None:
    c = client
    mine = book_appointment(c, phone="13800000001",
                            materials={"id_card": ("id.jpg", sample_jpeg(), "image/jpeg")})
    other = citizen_login(c, "13800000002")
    code = mine["booking_code"]
    for method, path in [("GET", f"/api/v1/appointments/{code}"),
                         ("DELETE", f"/api/v1/appointments/{code}"),
                         ("GET", f"/api/v1/appointments/{code}/qr.png"),
                         ("GET", f"/api/v1/appointments/{code}/materials")]:
        r = c.request(method, path, headers=other)
        assert r.status_code == 404, (path, r.text)
        assert r.json()["error"]["code"] == "appointment_not_found"
        assert "张三" not in r.text
    r = upload_material(c, other, code, "hukou_book", "h.png", sample_png(), "image/png")
    assert r.status_code == 404
    assert c.get("/api/v1/appointments", headers=other).json() == []
    mid = mine["materials"][0]["material_id"]
    assert c.get(f"/api/v1/materials/{mid}/content", headers=other).status_code == 404
    own = c.get(f"/api/v1/materials/{mid}/content", headers=mine["citizen_headers"])
    assert own.status_code == 200 and own.content == sample_jpeg()
    qr = c.get(f"/api/v1/appointments/{code}/qr.png", headers=mine["citizen_headers"])
    assert qr.status_code == 200 and qr.content.startswith(b"\x89PNG")
    svg = c.get(f"/api/v1/appointments/{code}/qr.svg", headers=mine["citizen_headers"])
    assert svg.status_code == 200 and "<svg" in svg.text


def test_counter_access_follows_the_ticket_and_is_audited(any_client: TestClient) -> None:
    c = any_client
    b = book_appointment(c, materials={"id_card": ("id.pdf", sample_pdf(), "application/pdf")},
                         accept=["id_card"])
    mid = b["materials"][0]["material_id"]
    clerk, clerk2, mgr = login(c, "clerk1"), login(c, "clerk2"), login(c, "manager")
    assert c.get(f"/api/v1/materials/{mid}/content", headers=clerk).status_code == 403
    assert c.get(f"/api/v1/materials/{mid}/content", headers=KIOSK).status_code == 403
    assert c.get(f"/api/v1/materials/{mid}/content").status_code == 401
    ticket = c.post("/api/v1/halls/demo/checkins", json={"booking_code": b["booking_code"]},
                    headers=KIOSK).json()
    wid = open_window(c, clerk, 4)
    open_window(c, clerk2, 1)
    assert c.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()["id"] == ticket["id"]
    assert c.get(f"/api/v1/tickets/{ticket['id']}/materials", headers=clerk2).status_code == 403
    assert c.get(f"/api/v1/materials/{mid}/content", headers=clerk2).status_code == 403
    assert c.get(f"/api/v1/materials/{mid}/content", headers=clerk).status_code == 200
    assert c.post(f"/api/v1/tickets/{ticket['id']}/start", headers=clerk).status_code == 200
    assert c.get(f"/api/v1/materials/{mid}/content", headers=clerk).status_code == 200
    assert c.get(f"/api/v1/materials/{mid}/content", headers=mgr).status_code == 200
    assert c.post(f"/api/v1/tickets/{ticket['id']}/complete", headers=clerk).status_code == 200
    assert c.get(f"/api/v1/materials/{mid}/content", headers=clerk).status_code == 403
    log = c.get(f"/api/v1/materials/{mid}/audit", headers=mgr).json()
    reads = [(e["staff"], e["ticket_id"]) for e in log if e["action"] == "read"]
    assert reads == [("王芳", ticket["id"]), ("王芳", ticket["id"]), ("周主任", ticket["id"])]
    assert [e["action"] for e in log][0] == "review"
    mine = c.get("/api/v1/appointments", headers=b["citizen_headers"]).json()[0]
    assert mine["status"] == "served"


def test_review_results_reupload_and_reuse(client: TestClient) -> None:
    c = client
    person = make_id_number("19900101", seq=1)
    first = book_appointment(c, id_number=person,
                             materials={"id_card": ("id.png", sample_png(), "image/png"),
                                        "hukou_book": ("hk.pdf", sample_pdf(), "application/pdf")},
                             accept=["id_card"], reject={"hukou_book": "缺少本人页"})
    h, code = first["citizen_headers"], first["booking_code"]
    status = {m["code"]: (m["status"], m["reason"]) for m in first["materials"]}
    assert status == {"id_card": ("accepted", None), "hukou_book": ("rejected", "缺少本人页"),
                      "move_proof": ("missing", None)}
    notes = c.get("/api/v1/admin/outbox", headers=login(c, "admin"),
                  params={"kind": "review"}).json()
    assert any("缺少本人页" in n["body"] for n in notes)
    again = upload_material(c, h, code, "hukou_book", "hk2.png", sample_png("#00aa00"),
                            "image/png")
    assert again.status_code == 201
    now = c.get(f"/api/v1/appointments/{code}", headers=h).json()
    assert {m["code"]: m["status"] for m in now["materials"]}["hukou_book"] == "pending"
    old_id = next(m for m in first["materials"] if m["code"] == "hukou_book")["material_id"]
    r = c.post(f"/api/v1/materials/{old_id}/review", headers=login(c, "manager"),
               json={"decision": "accept"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "material_replaced"
    r = c.post(f"/api/v1/materials/{again.json()['id']}/review", headers=login(c, "manager"),
               json={"decision": "reject"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "reason_required"
    assert c.post(f"/api/v1/materials/{again.json()['id']}/review", headers=login(c, "clerk1"),
                  json={"decision": "accept"}).status_code == 403
    review_material(c, again.json()["id"], "accept")

    # A later booking of the same person (another service with an ID card) reuses the card.
    later = book_appointment(c, id_number=person, service_code="11110000MB0123456X4000117002")
    offers = {o["material_code"]: o for o in later["reusable"]}
    assert set(offers) == {"id_card", "hukou_book"}
    r = c.post(f"/api/v1/appointments/{later['booking_code']}/materials/id_card/reuse",
               headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["reused"] is True and r.json()["review_status"] == "accepted"
    assert r.json()["sha256"] == hashlib.sha256(sample_png()).hexdigest()
    view = c.get(f"/api/v1/appointments/{later['booking_code']}", headers=h).json()
    assert {m["code"]: m["reused"] for m in view["materials"]}["id_card"] is True
    assert [o["material_code"] for o in view["reusable"]] == ["hukou_book"]
    # Someone else's accepted materials are never offered.
    stranger = book_appointment(c, phone="13800000009", service_code=HUKOU)
    assert stranger["reusable"] == []
    pending = c.get("/api/v1/halls/demo/materials", headers=login(c, "manager")).json()
    assert pending == []
