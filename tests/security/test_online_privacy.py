"""Online side: materials only for their owner and the clerk handling the visit (audited);
retention purges old appointments, their files, sent messages and codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from server.appointments.models import Appointment
from server.citizens.models import Notification, OtpCode
from server.core.clock import utcnow
from server.materials.models import Material
from server.materials.service import storage_for
from tests.security.test_personal_data import _database_text
from tests.support.api import KIOSK, login, open_window
from tests.support.live import ROOT
from tests.support.online import (
    book_appointment,
    make_id_number,
    sample_pdf,
    sample_png,
)

IDCARD_SERVICE = "11110000MB0123456X4000117002"  # 居民身份证换领: also needs id_card


def test_materials_only_for_owner_and_handling_clerk_and_every_read_audited(
        client: TestClient) -> None:
    c = client
    png = sample_png("#123456")
    b = book_appointment(c, phone="13911110001", name="欧阳娜娜",
                         materials={"id_card": ("身份证.png", png, "image/png")})
    other = book_appointment(c, phone="13911110002", service_code=IDCARD_SERVICE)
    mid = c.get(f"/api/v1/appointments/{b['booking_code']}/materials",
                headers=b["citizen_headers"]).json()[0]["id"]
    url = f"/api/v1/materials/{mid}/content"
    clerk1, clerk2, manager = login(c, "clerk1"), login(c, "clerk2"), login(c, "manager")
    # before the visit: no clerk may read it; the owner may; another citizen cannot see it
    assert c.get(url, headers=clerk1).status_code == 403
    assert c.get(url, headers=other["citizen_headers"]).status_code == 404
    theirs = c.get("/api/v1/appointments", headers=other["citizen_headers"]).json()
    assert [a["booking_code"] for a in theirs] == [other["booking_code"]]  # only their own
    assert c.get(f"/api/v1/appointments/{b['booking_code']}",
                 headers=other["citizen_headers"]).status_code == 404
    owner = c.get(url, headers=b["citizen_headers"])
    assert owner.status_code == 200 and owner.content == png
    assert owner.headers["cache-control"] == "private, no-store"
    ticket = c.post("/api/v1/halls/demo/checkins", json={"booking_code": b["booking_code"]},
                    headers=KIOSK).json()
    lookup = c.post("/api/v1/halls/demo/checkins/lookup", headers=KIOSK,
                    json={"id_number": b["id_number"]}).json()
    assert lookup["appointments"][0]["citizen_name_masked"] == "欧**娜"  # kiosk: masked only
    seq = c.get("/api/v1/halls/demo/board").json()["seq"]
    assert seq >= 1
    with c.websocket_connect("/ws/halls/demo?token=demo-display-token&since=0") as ws:
        display = json.dumps([ws.receive_json() for _ in range(seq)], ensure_ascii=False)
    assert "ticket.issued" in display
    public = json.dumps([ticket, c.get("/api/v1/halls/demo/board").json(), display,
                         c.get(f"/api/v1/track/{ticket['tracking_token']}").json()],
                        ensure_ascii=False)
    for secret in ("欧阳娜娜", "欧**娜", b["id_number"], b["id_number"][:6] + "********"):
        assert secret not in public, secret  # kiosk, board, display, tracking: no personal data
    w1, _ = open_window(c, clerk1, 1), open_window(c, clerk2, 2)
    assert c.post(f"/api/v1/windows/{w1}/call-next", headers=clerk1).json()["id"] == ticket["id"]
    read = c.get(url, headers=clerk1)
    assert read.status_code == 200 and read.content == png
    assert c.get(url, headers=clerk2).status_code == 403  # a clerk at another window
    assert c.get(f"/api/v1/tickets/{ticket['id']}/materials", headers=clerk2).status_code == 403
    log = c.get(f"/api/v1/materials/{mid}/audit", headers=manager).json()
    reads = [(e["actor_kind"], e["staff"], e["ticket_id"]) for e in log if e["action"] == "read"]
    assert reads == [("citizen", "citizen", None), ("staff", "王芳", ticket["id"])]
    # once the visit is finished the clerk's access ends
    for action in ("start", "complete"):
        c.post(f"/api/v1/tickets/{ticket['id']}/{action}", headers=clerk1)
    assert c.get(url, headers=clerk1).status_code == 403
    assert len(c.get(f"/api/v1/materials/{mid}/audit", headers=manager).json()) == len(log)


def _age(c: TestClient, booking_code: str, days: int) -> None:
    """Move a booking `days` into the past (as if it had been made then)."""
    def work(s) -> None:  # noqa: ANN001
        appt = s.scalar(select(Appointment).where(Appointment.booking_code == booking_code))
        delta = timedelta(days=days)
        appt.business_day -= delta
        appt.slot_start -= delta
        appt.slot_end -= delta
        appt.created_at -= delta
        appt.status = "served"

    c.app.state.db.write(work)


def test_retention_purges_old_appointments_files_and_messages(
        any_client: TestClient, database_url: str) -> None:
    c = any_client
    settings = c.app.state.settings
    person = make_id_number("19800101", seq=77)
    shared_png, own_pdf = sample_png("#0a0b0c"), sample_pdf("#eeeeee")
    old = book_appointment(c, phone="13922220001", name="司马相如", id_number=person,
                           materials={"id_card": ("身份证.png", shared_png, "image/png"),
                                      "move_proof": ("准迁证.pdf", own_pdf, "application/pdf")},
                           accept=["id_card"])
    headers = old["citizen_headers"]
    recent = book_appointment(c, phone="13922220001", name="欧阳娜娜", id_number=person,
                              service_code=IDCARD_SERVICE)
    reused = c.post(f"/api/v1/appointments/{recent['booking_code']}/materials/id_card/reuse",
                    headers=headers)
    assert reused.status_code == 201 and reused.json()["reused"] is True
    with c.app.state.db.read() as s:
        mats = {m.material_code: m for m in s.scalars(select(Material).where(
            Material.appointment_id == s.scalar(select(Appointment.id).where(
                Appointment.booking_code == old["booking_code"]))))}
    store = storage_for(settings)
    pdf_sha, png_sha = mats["move_proof"].sha256, mats["id_card"].sha256
    assert store.exists(pdf_sha) and store.exists(png_sha)
    _age(c, old["booking_code"], 200)
    c.app.state.db.write(lambda s: (
        s.execute(update(OtpCode).values(created_at=utcnow() - timedelta(days=200))),
        s.execute(update(Notification).where(Notification.kind == "otp")
                  .values(created_at=utcnow() - timedelta(days=200)))))
    before = _database_text(database_url)
    assert person.encode() not in before  # only hashed, even before
    assert "司马相如".encode() in before  # (the full name is kept for the visit itself)

    r = subprocess.run([sys.executable, "-m", "server", "--database-url", database_url,
                        "--data-dir", str(settings.data_dir), "purge"], cwd=ROOT, text=True,
                       capture_output=True, timeout=60, env={**os.environ})
    assert r.returncode == 0, r.stderr
    purged = json.loads(r.stdout)["purged"]
    if database_url.startswith("sqlite"):  # the files as they are, the server still running
        blob = _database_text(database_url)
        assert "司马相如".encode() not in blob  # not even in free pages or the WAL
        assert "欧阳娜娜".encode() in blob
    assert purged["appointments"] == 1 and purged["materials"] == 2 and purged["files"] == 1
    assert purged["otp_codes"] == 1 and purged["notifications"] == 1  # the aged login code

    with c.app.state.db.read() as s:
        appt = s.scalar(select(Appointment).where(
            Appointment.booking_code == old["booking_code"]))
        assert (appt.citizen_name, appt.name_masked, appt.phone, appt.id_hash, appt.id_masked,
                appt.citizen_id) == ("", "", "", None, None, None)
        assert appt.status == "served" and appt.slot_start is not None  # timing stays
        fresh = s.scalar(select(Appointment).where(
            Appointment.booking_code == recent["booking_code"]))
        assert fresh.citizen_name == "欧阳娜娜" and fresh.id_hash is not None
        assert s.scalar(select(OtpCode.id)) is None
    assert not store.exists(pdf_sha)  # only the purged visit used it
    assert store.exists(png_sha)  # still used by the recent booking (reused material)
    # the citizen no longer sees the old visit; staff get a clear answer for its files
    mine = [a["booking_code"] for a in c.get("/api/v1/appointments", headers=headers).json()]
    assert mine == [recent["booking_code"]]
    gone = c.get(f"/api/v1/materials/{mats['move_proof'].id}/content",
                 headers=login(c, "manager"))
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "material_purged"
    reused_file = c.get(f"/api/v1/materials/{reused.json()['id']}/content", headers=headers)
    assert reused_file.status_code == 200 and reused_file.content == shared_png

