"""The back-office review page in Chromium under the pages' CSP: a reviewer sees a new
application arrive live, with the licence-fetched material marked, and approves it; a reviewer
opens the file a citizen uploaded online for an application (the read is audited)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect

from server.demo import DEMO_LICENCE_ID
from tests.security.test_page_csp import Watched, check_headers, host_of
from tests.support.api import ESTATE, HUKOU, issue, login, open_window
from tests.support.live import LiveServer, demo_server
from tests.support.online import book_appointment, sample_png


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path,
           ) -> Iterator[LiveServer]:
    with demo_server(tmp_path_factory.mktemp("backoffice"), sqlite_template) as srv:
        yield srv


def _accept(api: httpx.Client) -> dict:
    clerk = login(api, "clerk7")
    wid = open_window(api, clerk, 7)
    issue(api, ESTATE, id_number=DEMO_LICENCE_ID, citizen_name="张三")
    t = api.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
    api.post(f"/api/v1/tickets/{t['id']}/start", headers=clerk)
    r = api.post(f"/api/v1/tickets/{t['id']}/application", headers=clerk, json={
        "materials": ["id_card", "sale_contract", "tax_receipt"]})
    assert r.status_code == 201, r.text
    return r.json()


def test_reviewer_approves_a_live_arrival_on_the_page(server: LiveServer, browser: Browser,
                                                      artifacts_dir: Path) -> None:
    api = httpx.Client(base_url=server.url, timeout=10)
    w = Watched(browser)
    check_headers(w.open(f"{server.url}/backoffice/"), host_of(server))
    page = w.page
    page.fill("#login-user", "reviewer1")
    page.fill("#login-pass", "demo1234")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#dept")).to_have_text("不动产登记中心")
    expect(page.locator("#empty")).to_be_visible()
    expect(page.locator("#conn")).to_have_class(re.compile(r"\bon\b"))

    app = _accept(api)  # arrives over the websocket, no reload
    row = page.locator(f'tr[data-receipt="{app["receipt_no"]}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("已从电子证照库调取")
    expect(row).to_contain_text("税务局：待审")
    expect(row.locator(".left")).to_have_text(re.compile(r"^\d+天"))
    shots = artifacts_dir / "applications"
    shots.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(shots / "backoffice-queue.png"))

    row.locator('button[data-act="refuse"]').click()  # a refusal needs a reason first
    expect(page.locator("#msg")).to_have_text("请先填写意见或需补正的材料")
    row.locator('button[data-act="approve"]').click()
    expect(page.locator("#msg")).to_have_text("已批准")
    expect(row).to_be_hidden()  # nothing left for this department
    manager = login(api, "manager")
    got = api.get(f"/api/v1/applications/{app['id']}", headers=manager).json()
    assert {r["department"]: r["status"] for r in got["reviews"]} == {
        "不动产登记中心": "approved", "税务局": "pending"}
    w.assert_clean()


def _accept_online(api: httpx.Client, png: bytes) -> dict:
    """A 户口迁移 application (公安局 reviews it) from a booking whose ID card came online."""
    booking = book_appointment(api, service_code=HUKOU, phone="13900000401",
                               materials={"id_card": ("身份证 正面.png", png, "image/png")},
                               accept=["id_card"])
    r = api.post(f"/api/v1/appointments/{booking['booking_code']}/application",
                 headers=login(api, "manager"), json={"materials": ["hukou_book", "move_proof"]})
    assert r.status_code == 201, r.text
    [material] = api.get(f"/api/v1/appointments/{booking['booking_code']}/materials",
                         headers=booking["citizen_headers"]).json()
    return {**r.json(), "material_id": material["id"]}


def test_reviewer_opens_an_uploaded_material(server: LiveServer, browser: Browser,
                                             artifacts_dir: Path) -> None:
    api = httpx.Client(base_url=server.url, timeout=10)
    png = sample_png("#c03030", (480, 300))
    app = _accept_online(api, png)
    w = Watched(browser)
    w.open(f"{server.url}/backoffice/")
    page = w.page
    page.fill("#login-user", "reviewer3")
    page.fill("#login-pass", "demo1234")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#dept")).to_have_text("公安局")
    row = page.locator(f'tr[data-receipt="{app["receipt_no"]}"]')
    expect(row).to_be_visible()
    # Only the material uploaded online can be opened; those handed in at the window cannot.
    expect(row.locator("button[data-view]")).to_have_count(1)
    row.get_by_role("button", name="查看 居民身份证").click()

    preview = page.locator("#preview")
    expect(preview.get_by_role("heading")).to_have_text(
        f"材料预览：居民身份证（{app['receipt_no']}）")
    img = page.locator("#preview-box img")
    expect(img).to_be_visible()
    expect(img).to_have_attribute("alt", f"居民身份证（{app['receipt_no']}）")
    # The picture shown is the citizen's file: its size, and its red pixels.
    assert img.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [480, 300]
    assert img.evaluate("""i => { const c = document.createElement("canvas");
        c.width = i.naturalWidth; c.height = i.naturalHeight; const g = c.getContext("2d");
        g.drawImage(i, 0, 0); return [...g.getImageData(240, 150, 1, 1).data]; }""") == [
        0xc0, 0x30, 0x30, 255]
    shots = artifacts_dir / "applications"
    shots.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(shots / "backoffice-material.png"))

    manager = login(api, "manager")
    log = api.get(f"/api/v1/materials/{app['material_id']}/audit", headers=manager).json()
    assert [(e["staff"], e["action"]) for e in log if e["action"] == "read"] == [
        ("周审批", "read")]
    page.get_by_role("button", name="关闭预览").click()
    expect(preview).to_be_hidden()
    w.assert_clean()
