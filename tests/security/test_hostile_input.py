"""Hostile input gets a clear 4xx JSON error, never a 500, and nothing is stored."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.tickets.models import Ticket
from tests.support.api import HUKOU, KIOSK, login
from tests.support.databases import copy_sqlite
from tests.support.live import LiveServer

JSON = {"content-type": "application/json"}
TICKETS = "/api/v1/halls/demo/tickets"


def _error(r: httpx.Response, status: int, code: str | None = None) -> None:
    assert r.status_code == status, f"{r.status_code} {r.text[:200]}"
    body = r.json()["error"]
    assert body["message"]
    if code:
        assert body["code"] == code, body


def _nothing_stored(c: TestClient) -> None:
    with c.app.state.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == 0
    assert c.get("/api/v1/halls/demo/board").json()["seq"] == 0


def test_oversized_bodies_are_413(any_client: TestClient) -> None:
    c = any_client
    big = b'{"service_code": "' + b"A" * 1_100_000 + b'"}'
    _error(c.post(TICKETS, content=big, headers={**KIOSK, **JSON}), 413, "payload_too_large")

    def chunks():  # no Content-Length: counted while streaming
        for _ in range(30):
            yield b" " * 50_000

    _error(c.post(TICKETS, content=chunks(), headers={**KIOSK, **JSON}), 413, "payload_too_large")
    _nothing_stored(c)


def test_deeply_nested_json_is_refused(any_client: TestClient) -> None:
    c = any_client
    deep_list = b"[" * 10_000 + b"]" * 10_000
    _error(c.post(TICKETS, content=deep_list, headers={**KIOSK, **JSON}), 400, "invalid_body")
    deep_in_field = b'{"service_code": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    _error(c.post(TICKETS, content=deep_in_field, headers={**KIOSK, **JSON}), 400)
    admin = {**login(c, "admin"), **JSON}
    deep_dict = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
    for url in ("/api/v1/halls/demo/alert-rules", "/api/v1/halls/demo/manager-settings"):
        _error(c.put(url, content=deep_dict, headers=admin), 400, "invalid_body")
    _nothing_stored(c)
    assert c.get("/api/v1/halls/demo/audit", headers=admin).json() == []


def test_bad_utf8_anywhere(any_client: TestClient) -> None:
    c = any_client
    _error(c.post(TICKETS, content=b'{"service_code": "\xff\xfe\xfd"}',
                  headers={**KIOSK, **JSON}), 400, "invalid_body")
    _error(c.post(TICKETS, content=b'{"service_code": "\\ud800"}', headers={**KIOSK, **JSON}),
           422, "validation_error")  # a lone surrogate escape
    _error(c.get("/api/v1/halls/%ff%fe/services"), 404, "hall_not_found")
    _error(c.get("/api/v1/windows?hall=%ff%c3%28", headers=login(c, "clerk1")), 404,
           "hall_not_found")
    _error(c.get("/api/v1/track/%c3%28"), 404, "ticket_not_found")
    _error(c.post("/api/v1/auth/login", content=b'{"username": "\xc3\x28", "password": "x"}',
                  headers=JSON), 400, "invalid_body")
    _nothing_stored(c)


def test_nul_characters_are_refused_on_every_backend(any_client: TestClient) -> None:
    c = any_client
    admin = login(c, "admin")
    _error(c.post(TICKETS, json={"service_code": HUKOU, "citizen_name": "张\u0000三"},
                  headers=KIOSK), 422, "invalid_characters")
    _error(c.post(TICKETS, json={"service_code": "A\u0000"}, headers=KIOSK), 422,
           "invalid_characters")
    _error(c.post("/api/v1/auth/login", json={"username": "admin\u0000", "password": "x"}), 422,
           "invalid_characters")
    _error(c.post("/api/v1/halls", json={"code": "nul-hall", "name": "坏\u0000名"},
                  headers=admin), 422, "invalid_characters")
    _error(c.get("/api/v1/halls/de%00mo/services"), 400, "invalid_characters")
    _error(c.get("/api/v1/windows?hall=demo%00", headers=admin), 400, "invalid_characters")
    _error(c.get("/dashboard/index.html%00.js"), 400, "invalid_characters")
    _nothing_stored(c)
    assert [h["code"] for h in c.get("/api/v1/halls").json()] == ["demo"]


@pytest.mark.parametrize("path", [
    "/dashboard/%2e%2e/%2e%2e/app.py",
    "/dashboard/..%2f..%2fapp.py",
    "/dashboard/%2e%2e%2f%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/dashboard/....//....//app.py",
    "/dashboard/%252e%252e/app.py",
    "/dashboard//etc/passwd",
    "/dashboard/static/../../app.py",
])
def test_path_tricks_never_leave_the_static_folder(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert "create_app" not in r.text and "root:" not in r.text


def test_path_tricks_in_names(any_client: TestClient) -> None:
    c = any_client
    admin = login(c, "admin")
    for code in ("../east", "%2e%2e", "a/b", "east\\..", ".."):
        _error(c.post("/api/v1/halls", json={"code": code, "name": "x"}, headers=admin), 422,
               "validation_error")
    _error(c.post("/api/v1/staff", headers=admin, json={
        "username": "../../root", "password": "pass12345", "role": "admin"}), 422)
    _error(c.get("/api/v1/halls/..%2fdemo/services"), 404)
    _error(c.get("/api/v1/halls/demo/stats/export.csv", params={"group": 'x"\r\nSet-Cookie: a=b'},
                 headers=admin), 422)
    _error(c.get("/api/v1/halls/demo/stats/export.sh", headers=admin), 422, "invalid_format")
    assert [h["code"] for h in c.get("/api/v1/halls").json()] == ["demo"]


def _raw_http(port: int, head: bytes, first_bytes: bytes) -> bytes:
    """Send a request head and the first bytes of its body, then read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + first_bytes)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, f"connection closed early: {data!r}"
            data += chunk
        header, _, body = data.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in header.split(b"\r\n")
                          if line.lower().startswith(b"content-length")))
        while len(body) < length:
            chunk = sock.recv(65536)
            assert chunk, "connection closed before the answer was complete"
            body += chunk
        return header + b"\r\n\r\n" + body


def test_huge_multipart_upload_is_refused_before_the_body_is_sent(
        tmp_path: Path, sqlite_template: Path) -> None:
    from tests.support.online import book_appointment

    data = tmp_path / "data"
    copy_sqlite(sqlite_template, data)
    server = LiveServer(data).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            booking = book_appointment(http, phone="13933330009")
            upload = f"/api/v1/appointments/{booking['booking_code']}/materials"
            token = booking["citizen_headers"]["Authorization"]
            # Declares 200 MB and sends none of it: the answer comes at once (no upload wait).
            head = (f"POST {upload} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Authorization: {token}\r\n"
                    "Content-Type: multipart/form-data; boundary=XyZ\r\n"
                    f"Content-Length: {200 * 1024 * 1024}\r\n\r\n").encode()
            answer = _raw_http(server.port, head, b"--XyZ\r\n")
            assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
            assert b"payload_too_large" in answer

            def body():  # streamed without a length: cut off once 12 MB have passed
                yield b"--XyZ\r\nContent-Disposition: form-data; name=\"material_code\"" \
                      b"\r\n\r\nid_card\r\n--XyZ\r\nContent-Disposition: form-data; " \
                      b"name=\"file\"; filename=\"../../etc/passwd\"\r\n\r\n"
                for _ in range(400):  # 26 MB
                    yield b"\0" * 65536

            r = http.post(upload, content=body(), headers={
                **booking["citizen_headers"],
                "content-type": "multipart/form-data; boundary=XyZ"})
            assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
            listed = http.get(upload, headers=booking["citizen_headers"])
            assert listed.status_code == 200 and listed.json() == []  # no material recorded
    finally:
        server.stop()
    stored = [p for p in (data / "materials").rglob("*") if p.is_file()]
    assert stored == []  # no upload left anything behind, not even a temp file


def test_hostile_material_uploads(any_client: TestClient) -> None:
    """Path tricks and NUL in file names, fake content, oversize files: refused or neutralised,
    and nothing of a refused upload is stored."""
    from tests.support.online import book_appointment, sample_png, upload_material

    c = any_client
    b = book_appointment(c, phone="13933330001")
    headers, code = b["citizen_headers"], b["booking_code"]
    root = c.app.state.settings.data_dir / "materials"

    def files() -> list[Path]:
        return sorted(p for p in root.rglob("*") if p.is_file())

    png = sample_png()
    for name in ("../../../etc/passwd.png", "..%2f..%2fserver%2fapp.py.png",
                 "C:\\Windows\\system32\\x.png", "a\u0000b.png", "%2e%2e/%2e%2e/x.png"):
        r = upload_material(c, headers, code, "id_card", name, png, "image/png")
        if r.status_code == 201:
            stored = r.json()["filename"]
            assert "/" not in stored and "\\" not in stored and "\x00" not in stored
            assert stored not in ("", ".", "..")  # a plain file name, no directory part
        else:
            _error(r, 422)
    assert all(root in p.parents for p in files())  # nothing written outside the store
    assert all(len(p.name) == 64 for p in files() if ".tmp" not in p.parts)  # sha256 names only
    before = files()
    r = upload_material(c, headers, code, "id_card", "evil.png", b"MZ\x90\x00" + b"\0" * 2000,
                        "image/png")  # an executable claiming to be a PNG
    _error(r, 422)
    r = upload_material(c, headers, code, "id_card", "big.png",
                        png + b"\0" * (c.app.state.settings.material_max_bytes + 1), "image/png")
    assert r.status_code in (413, 422) and "error" in r.json()
    r = upload_material(c, headers, code, "../../id_card", "x.png", png, "image/png")
    _error(r, 404)
    assert files() == before  # refused uploads left nothing behind (no temp files either)
