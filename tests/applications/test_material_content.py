"""A department reviewer opens the file a citizen uploaded online for an application (issue 17),
on both databases: every read is audited; other departments, clerks and citizens are refused."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from server.materials.service import storage_for
from tests.support.api import HUKOU, login
from tests.support.online import book_appointment, sample_png


def _err(r: Any, status: int) -> str:  # noqa: ANN401 - an httpx response
    assert r.status_code == status, r.text
    return r.json()["error"]["code"]


def test_reviewer_opens_an_online_material_and_the_read_is_audited(
        any_client: TestClient) -> None:
    c = any_client
    png = sample_png("#c03030")
    booking = book_appointment(c, service_code=HUKOU, phone="13900000301",
                               materials={"id_card": ("身份证 正面.png", png, "image/png")},
                               accept=["id_card"])
    manager = login(c, "manager")
    r = c.post(f"/api/v1/appointments/{booking['booking_code']}/application", headers=manager,
               json={"materials": ["hukou_book", "move_proof"]})
    assert r.status_code == 201, r.text
    app = r.json()
    sources = {m["code"]: m["source"] for m in app["materials"]}
    assert sources == {"id_card": "online", "hukou_book": "window", "move_proof": "window"}
    url = f"/api/v1/applications/{app['id']}/materials/id_card/content"

    # 公安局 reviews 户口迁移: its reviewer gets the very bytes the citizen uploaded.
    reviewer = login(c, "reviewer3")
    got = c.get(url, headers=reviewer)
    assert got.status_code == 200, got.text
    assert got.content == png
    assert got.headers["content-type"] == "image/png"
    assert got.headers["cache-control"] == "private, no-store"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-security-policy"].startswith("sandbox")
    assert got.headers["content-disposition"].startswith("inline; filename*=UTF-8''")
    assert c.get(url, headers=manager).content == png

    [material] = c.get(f"/api/v1/appointments/{booking['booking_code']}/materials",
                       headers=booking["citizen_headers"]).json()
    log = c.get(f"/api/v1/materials/{material['id']}/audit", headers=manager).json()
    reads = [(e["staff"], e["action"]) for e in log if e["action"] == "read"]
    assert reads == [("周审批", "read"), ("周主任", "read")]

    # Refused: another department's reviewer, a clerk, the citizen, nobody signed in.
    assert _err(c.get(url, headers=login(c, "reviewer1")), 403) == "forbidden_department"
    assert _err(c.get(url, headers=login(c, "clerk1")), 403) == "forbidden_role"
    assert _err(c.get(url, headers=booking["citizen_headers"]), 403) == "forbidden_role"
    assert _err(c.get(url), 401) == "unauthenticated"
    # A material handed in at the window has no file here; an unknown application none at all.
    window = f"/api/v1/applications/{app['id']}/materials/hukou_book/content"
    assert _err(c.get(window, headers=reviewer), 404) == "material_not_found"
    missing = f"/api/v1/applications/{app['id'] + 999}/materials/id_card/content"
    assert _err(c.get(missing, headers=reviewer), 404) == "application_not_found"
    # Refused reads leave no audit row.
    log = c.get(f"/api/v1/materials/{material['id']}/audit", headers=manager).json()
    assert len([e for e in log if e["action"] == "read"]) == 2

    # Once the retention purge removed the file, the reviewer is told so.
    storage_for(c.app.state.settings).delete(material["sha256"])
    assert _err(c.get(url, headers=reviewer), 404) == "material_purged"
