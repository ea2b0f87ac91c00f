"""Every web page in Chromium against a real server, checked with axe-core (WCAG 2.1 A/AA):
portal (home, guide, booking, tracking, pre-review), dashboard (login and every tab), back
office, wall display and rating pad. axe.min.js comes from the axe-playwright-python wheel
(no CDN); it is evaluated through the DevTools protocol, so the pages keep their strict CSP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from server.demo import DEMO_DISPLAY_TOKEN, DEMO_LICENCE_ID, demo_ratepad_token
from tests.support.api import ESTATE, HUKOU, issue, login, open_window
from tests.support.browser import chromium
from tests.support.databases import copy_sqlite
from tests.support.live import LiveServer
from tests.support.online import book_appointment, citizen_login, sample_jpeg, sample_pdf

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()
DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[LiveServer]:
    """A demo hall with waiting people, an alert, a bad rating, uploads and an application."""
    data = tmp_path_factory.mktemp("a11y") / "data"
    srv = LiveServer(data, copy_sqlite(sqlite_template, data),
                     env={"TONGBAN_ALERT_INTERVAL_SECONDS": "0.5"}).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def world(server: LiveServer) -> dict:
    """Data that makes every part of every page show (lists, badges, alerts, previews)."""
    api = httpx.Client(base_url=server.url, timeout=15)
    mgr = login(api, "manager")
    tickets = [issue(api, HUKOU) for _ in range(2)]
    api.put("/api/v1/halls/demo/alert-rules", headers=mgr,
            json={"long_wait": {"yellow_minutes": 0.01, "red_minutes": 600}})
    clerk = login(api, "clerk1")
    wid = open_window(api, clerk, 1)
    served = api.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
    for action in ("start", "complete"):
        api.post(f"/api/v1/tickets/{served['id']}/{action}", headers=clerk)
    r = api.post(f"/api/v1/track/{served['tracking_token']}/evaluation",
                 json={"rating": 1, "dimensions": {"attitude": 1}, "comment": "太慢",
                       "channel": "tracking"})
    assert r.status_code == 201, r.text
    booking = book_appointment(api, materials={
        "id_card": ("身份证.jpg", sample_jpeg(), "image/jpeg"),
        "hukou_book": ("户口簿.pdf", sample_pdf(), "application/pdf")})
    clerk7 = login(api, "clerk7")
    wid7 = open_window(api, clerk7, 7)
    issue(api, ESTATE, id_number=DEMO_LICENCE_ID, citizen_name="张三")
    t7 = api.post(f"/api/v1/windows/{wid7}/call-next", headers=clerk7).json()
    api.post(f"/api/v1/tickets/{t7['id']}/start", headers=clerk7)
    r = api.post(f"/api/v1/tickets/{t7['id']}/application", headers=clerk7,
                 json={"materials": ["id_card", "sale_contract", "tax_receipt"]})
    assert r.status_code == 201, r.text
    return {"ticket": tickets[0], "booking": booking,
            "citizen": citizen_login(api)["Authorization"].split()[1]}


def _page(browser: Browser, viewport: dict[str, int]) -> Page:
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.set_default_timeout(15000)
    return page


def _scan(page: Page, name: str, found: dict[str, list[str]]) -> None:
    """Run axe on the page as it is now; keep its violations under `name`."""
    page.evaluate("document.fonts.ready")
    res = AXE.run(page, options={"runOnly": {"type": "tag", "values": TAGS},
                                 "resultTypes": ["violations"]}).response
    lines = []
    for v in res["violations"]:
        for node in v["nodes"]:
            lines.append(f"{v['id']} ({v['impact']}): {node['target']} "
                         f"{node.get('failureSummary', '').splitlines()[-1:]} "
                         f"{node['html'][:160]}")
    found[name] = lines


def _assert_clean(found: dict[str, list[str]]) -> None:
    bad = {k: v for k, v in found.items() if v}
    report = "\n".join(f"[{k}] {line}" for k, lines in bad.items() for line in lines)
    assert not bad, f"{sum(map(len, bad.values()))} axe violations:\n{report}"


def test_portal_pages(server: LiveServer, browser: Browser, world: dict) -> None:
    found: dict[str, list[str]] = {}
    page = _page(browser, PHONE)
    page.goto(f"{server.url}/portal/#/services")
    expect(page.locator(f'.svc[data-code="{HUKOU}"]')).to_be_visible()
    _scan(page, "portal home", found)
    page.goto(f"{server.url}/portal/#/guide/{HUKOU}")
    expect(page.locator("#guide h2")).to_be_visible()
    _scan(page, "portal guide", found)
    page.goto(f"{server.url}/portal/#/login")
    expect(page.locator("#consent-form")).to_be_visible()
    _scan(page, "portal consent", found)
    page.check("#consent-check")
    page.click("#consent-agree")
    expect(page.locator("#phone")).to_be_visible()
    _scan(page, "portal login", found)
    page.evaluate("t => localStorage.setItem('tb.citizen', t)", world["citizen"])
    page.goto(f"{server.url}/portal/#/services")
    page.reload()
    page.goto(f"{server.url}/portal/#/book/{HUKOU}")
    expect(page.locator(".slots button").first).to_be_visible()
    _scan(page, "portal booking", found)
    page.goto(f"{server.url}/portal/#/appt/{world['booking']['booking_code']}")
    expect(page.locator("#appt-code")).to_be_visible()
    _scan(page, "portal appointment", found)
    page.goto(f"{server.url}/portal/#/my")
    expect(page.locator(".appt-item").first).to_be_visible()
    _scan(page, "portal my bookings", found)
    page.goto(f"{server.url}/t/{world['ticket']['tracking_token']}?poll=3600")
    expect(page.locator("#number")).to_contain_text(world["ticket"]["number"])
    _scan(page, "tracking", found)
    _assert_clean(found)


def test_pre_review_page(server: LiveServer, browser: Browser, world: dict) -> None:
    found: dict[str, list[str]] = {}
    page = _page(browser, DESKTOP)
    page.goto(f"{server.url}/portal/review.html")
    expect(page.locator("#staff-login")).to_be_visible()
    _scan(page, "pre-review login", found)
    page.fill("#rv-user", "manager")
    page.fill("#rv-pass", "demo1234")
    page.click("#staff-login button[type=submit]")
    expect(page.locator("#rv-count")).to_contain_text("2")
    page.locator("[data-view]").first.click()
    expect(page.locator("#rv-preview img, #rv-preview iframe")).to_be_visible()
    _scan(page, "pre-review", found)
    _assert_clean(found)


def test_dashboard_pages(server: LiveServer, browser: Browser, world: dict) -> None:
    found: dict[str, list[str]] = {}
    page = _page(browser, DESKTOP)
    page.goto(f"{server.url}/dashboard/")
    expect(page.locator("#login-form")).to_be_visible()
    _scan(page, "dashboard login", found)
    page.fill("#login-user", "manager")
    page.fill("#login-pass", "demo1234")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#alert-list li.alert").first).to_be_visible()
    _scan(page, "dashboard live", found)
    for tab, ready in (("stats", "#chart-bar svg"), ("cases", "#case-table tbody tr")):
        page.click(f'.tabs [data-tab="{tab}"]')
        expect(page.locator(ready).first).to_be_visible()
        _scan(page, f"dashboard {tab}", found)
    page.locator("#case-table tbody tr").first.click()
    expect(page.locator("#case-detail h2")).to_be_visible()
    _scan(page, "dashboard case detail", found)
    page.click('.tabs [data-tab="config"]')
    for sub in ("services", "windows", "staff", "devices", "notice", "rules", "audit"):
        page.click(f'.subtabs [data-sub="{sub}"]')
        expect(page.locator("#cfg-body > *").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        _scan(page, f"dashboard config {sub}", found)
    _assert_clean(found)


def test_backoffice_page(server: LiveServer, browser: Browser, world: dict) -> None:
    found: dict[str, list[str]] = {}
    page = _page(browser, DESKTOP)
    page.goto(f"{server.url}/backoffice/")
    expect(page.locator("#login-form")).to_be_visible()
    _scan(page, "backoffice login", found)
    page.fill("#login-user", "reviewer1")
    page.fill("#login-pass", "demo1234")
    page.click("#login-form button[type=submit]")
    expect(page.locator("tr[data-receipt]").first).to_be_visible()
    _scan(page, "backoffice queue", found)
    _assert_clean(found)


def test_display_and_ratepad_pages(server: LiveServer, browser: Browser, world: dict) -> None:
    found: dict[str, list[str]] = {}
    for query in ("mode=hall&voice=off", "mode=window&window=1&voice=off"):
        page = _page(browser, DESKTOP)
        page.goto(f"{server.url}/display/demo?token={DEMO_DISPLAY_TOKEN}&{query}")
        page.wait_for_function("() => window.tongbanDisplay"
                               " && window.tongbanDisplay.connection === 'connected'")
        _scan(page, f"display {query}", found)
    page = _page(browser, {"width": 1280, "height": 800})
    page.goto(f"{server.url}/ratepad/?token={demo_ratepad_token(1)}")
    page.wait_for_function("() => window.tongbanPad.connection === 'connected'")
    _scan(page, "ratepad idle", found)
    _assert_clean(found)
