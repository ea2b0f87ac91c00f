"""Every web page in Chromium against a real server, checked with axe-core (WCAG 2.1 A/AA):
portal (home, guide, booking, tracking, pre-review), dashboard (login and every tab), back
office, wall display and rating pad. axe.min.js comes from the axe-playwright-python wheel
(no CDN); it is evaluated through the DevTools protocol, so the pages keep their strict CSP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from server.demo import DEMO_DISPLAY_TOKEN, DEMO_LICENCE_ID, demo_ratepad_token
from tests.support.api import (
    ESTATE,
    FUND,
    HUKOU,
    KIOSK,
    SOCIAL,
    issue,
    login,
    open_window,
    window_id,
)
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
def world(server: LiveServer) -> dict:
    """Data that makes every part of every page show (lists, badges, alerts, previews)."""
    api = httpx.Client(base_url=server.url, timeout=15)
    mgr = login(api, "manager")
    tickets = [issue(api, HUKOU) for _ in range(3)]
    for _ in range(2):
        issue(api, FUND)  # nobody serves 住房公积金 today: 暂无窗口办理
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
    return {"ticket": tickets[1], "booking": booking,
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


def test_portal_pages(server: LiveServer, browser: Browser, world: dict,
                      artifacts_dir: Path) -> None:
    found: dict[str, list[str]] = {}
    (artifacts_dir / "a11y").mkdir(parents=True, exist_ok=True)
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
    # A new document (not a hash change): the page reads the citizen token when it loads.
    page.goto(f"{server.url}/portal/index.html#/book/{HUKOU}")
    expect(page.locator(".slots button").first).to_be_visible()
    _scan(page, "portal booking", found)
    page.goto(f"{server.url}/portal/#/appt/{world['booking']['booking_code']}")
    expect(page.locator("#appt-code")).to_be_visible()
    expect(page.locator("#appt-status")).to_have_css("color", "rgb(15, 107, 69)")  # 6.5:1
    page.screenshot(path=str(artifacts_dir / "a11y" / "portal-appointment-390.png"), full_page=True)
    _scan(page, "portal appointment", found)
    page.goto(f"{server.url}/portal/#/remote/{SOCIAL}")
    expect(page.locator("#remote-btn")).to_be_visible()
    _scan(page, "portal remote ticket", found)
    page.goto(f"{server.url}/portal/#/my")
    expect(page.locator(".appt-item").first).to_be_visible()
    _scan(page, "portal my bookings", found)
    page.goto(f"{server.url}/t/{world['ticket']['tracking_token']}?poll=3600")
    expect(page.locator("#number")).to_contain_text(world["ticket"]["number"])
    page.screenshot(path=str(artifacts_dir / "a11y" / "tracking-390.png"), full_page=True)
    _scan(page, "tracking", found)
    page.goto(f"{server.url}/portal/review.html")  # the pre-review page on a phone
    expect(page.locator("#staff-login")).to_be_visible()
    _scan(page, "pre-review login 390", found)
    _assert_clean(found)


def test_pre_review_page(server: LiveServer, browser: Browser, world: dict,
                         artifacts_dir: Path) -> None:
    found: dict[str, list[str]] = {}
    page = browser.new_context(viewport=DESKTOP, locale="zh-CN",
                               timezone_id="America/New_York").new_page()
    page.set_default_timeout(15000)
    page.goto(f"{server.url}/portal/review.html")
    expect(page.locator("#staff-login")).to_be_visible()
    _scan(page, "pre-review login", found)
    page.fill("#rv-user", "manager")
    page.fill("#rv-pass", "demo1234")
    page.click("#staff-login button[type=submit]")
    expect(page.locator("#rv-count")).to_contain_text("2")
    mats = {m["code"]: m["material_id"] for m in world["booking"]["materials"]}
    card, pdf = mats["id_card"], mats["hukou_book"]
    page.click(f'[data-view="{pdf}"]')  # the PDF opens inline beside the list, not in a tab
    expect(page.locator("#rv-preview iframe")).to_be_visible()
    assert len(page.context.pages) == 1
    shots = artifacts_dir / "a11y"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "pre-review-pdf-1920.png"))
    page.click(f'[data-view="{card}"]')
    image = page.locator("#rv-preview img")
    expect(image).to_be_visible()
    api = httpx.Client(base_url=server.url, timeout=10)
    pending = api.get("/api/v1/halls/demo/materials", headers=login(api, "manager")).json()
    uploaded = datetime.fromisoformat(next(m for m in pending if m["id"] == card)["uploaded_at"])
    # The submission time in the hall's timezone, though the browser sits in New York.
    expect(page.locator(".rv-facts")).to_contain_text(
        uploaded.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M:%S"))
    assert page.evaluate("e => e.naturalWidth", image.element_handle()) > 0
    _scan(page, "pre-review", found)
    # Preset reasons: "其他" needs its text; the citizen reads the presets and the text.
    page.check('label.rv-chip:has-text("模糊不清") input')
    page.check('label.rv-chip:has-text("与申请人不符") input')
    page.check("#rv-other")
    page.click(f'[data-reject="{card}"]')
    expect(page.locator(f'[data-msg="{card}"]')).to_have_text("选择“其他”时请填写说明")
    page.fill(f'[data-reason="{card}"]', "照片反光")
    _scan(page, "pre-review reasons", found)
    page.screenshot(path=str(shots / "pre-review-1920.png"))
    page.click(f'[data-reject="{card}"]')
    expect(page.locator("#rv-count")).to_have_text("待预审材料 1 份")
    got = api.get(f"/api/v1/appointments/{world['booking']['booking_code']}",
                  headers={"Authorization": f"Bearer {world['citizen']}"}).json()
    reasons = {m["code"]: m["reason"] for m in got["materials"]}
    assert reasons["id_card"] == "模糊不清；与申请人不符；照片反光", reasons
    _assert_clean(found)


def test_dashboard_pages(server: LiveServer, browser: Browser, world: dict,
                        artifacts_dir: Path) -> None:
    found: dict[str, list[str]] = {}
    # The browser sits in New York: the clock must still show the hall's (Shanghai) time.
    page = browser.new_context(viewport=DESKTOP, locale="zh-CN",
                               timezone_id="America/New_York").new_page()
    page.set_default_timeout(15000)
    page.goto(f"{server.url}/dashboard/")
    expect(page.locator("#login-form")).to_be_visible()
    _scan(page, "dashboard login", found)
    page.fill("#login-user", "manager")
    page.fill("#login-pass", "demo1234")
    page.click("#login-form button[type=submit]")
    # One card per (kind, service) with its count, not one per waiting ticket.
    fund = page.locator(f'#alert-list li.alert[data-rule="long_wait"][data-service="{FUND}"]')
    expect(fund).to_have_attribute("data-count", "2")
    expect(fund).to_contain_text("住房公积金")
    expect(fund.locator(".a-count")).to_have_text("×2")
    expect(page.locator(f'#alert-list li.alert[data-rule="long_wait"][data-service="{HUKOU}"]'))\
        .to_have_attribute("data-count", "2")
    expect(page.locator('#alert-list li.alert[data-rule="long_wait"]')).to_have_count(2)
    row = page.locator(f'#svc-table tr[data-code="{FUND}"]')
    expect(row).to_have_class("nowin")
    expect(row.locator(".badge.warn")).to_have_text("暂无窗口办理")
    assert row.locator("td").first.evaluate("e => getComputedStyle(e).backgroundColor") \
        == "rgb(255, 241, 220)"  # the warning colour
    expect(page.locator(f'#svc-table tr[data-code="{HUKOU}"]')).not_to_have_class("nowin")
    # the clock ticks once a second; midnight reads 00:xx (hourCycle h23), never 24:xx
    expect(page.locator("#clock")).to_have_text(re.compile(r"^([01]\d|2[0-3]):[0-5]\d"))
    clock = page.locator("#clock").inner_text()
    shanghai = datetime.now(ZoneInfo("Asia/Shanghai"))
    assert clock[:5] in {(shanghai - timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}, clock
    shots = artifacts_dir / "a11y"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "dashboard-live-1920.png"))
    _scan(page, "dashboard live", found)
    page.locator("#main-view .lang-toggle").click()  # English: same checks, lang="en"
    expect(fund.locator("button.ack")).to_have_text("Acknowledge all")
    _scan(page, "dashboard live (English)", found)
    page.locator("#main-view .lang-toggle").click()
    expect(fund.locator("button.ack")).to_have_text("全部确认")
    fund.locator("button.ack").click()  # acknowledges both alerts of the card
    expect(fund.locator(".acked")).to_be_visible()
    # The tabs follow the WAI-ARIA tabs pattern: arrow keys move, aria-selected follows.
    page.focus('.tabs [data-tab="live"]')
    page.keyboard.press("ArrowRight")
    expect(page.locator('.tabs [data-tab="stats"]')).to_have_attribute("aria-selected", "true")
    expect(page.locator("#tab-stats")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(page.locator('.tabs [data-tab="live"]')).to_have_attribute("aria-selected", "true")
    for tab, ready in (("stats", "#chart-bar svg"), ("cases", "#case-table tbody tr")):
        page.click(f'.tabs [data-tab="{tab}"]')
        expect(page.locator(ready).first).to_be_visible()
        if tab == "stats":  # the charts' text alternative carries the numbers
            expect(page.locator("#chart-bar svg")).to_have_attribute(
                "aria-label", re.compile(r"^取号与办结：取号数 .*\d"))
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
    # The no-window policy is a dashboard setting now (it was API-only).
    page.click('.subtabs [data-sub="rules"]')
    page.select_option("#set-no_window_policy", "refuse")
    page.click("#set-save")
    expect(page.locator("#cfg-msg")).to_have_text("已保存")
    api = httpx.Client(base_url=server.url, timeout=10)
    mgr = login(api, "manager")
    assert api.get("/api/v1/halls/demo/manager-settings",
                   headers=mgr).json()["no_window_policy"] == "refuse"
    r = api.post("/api/v1/halls/demo/tickets", json={"service_code": FUND}, headers=KIOSK)
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_open_window", r.text
    # A rating pad (评价器) is registered from the device form, bound to its window.
    page.click('.subtabs [data-sub="devices"]')
    page.select_option("#dv-kind", "ratepad")
    expect(page.locator("#dv-window")).to_be_visible()
    page.select_option("#dv-window", label="5 社保医保窗口")
    page.fill("#dv-name", "5号窗口新评价器")
    page.click("#dv-add")
    expect(page.locator("#dv-token")).to_contain_text("设备令牌")
    expect(page.locator('#cfg-body tr:has-text("5号窗口新评价器")')).to_contain_text("评价器")
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
    # 公安局's reviewer opens the ID card a citizen uploaded online for an application.
    api = httpx.Client(base_url=server.url, timeout=15)
    booking = book_appointment(api, phone="13900000501", accept=["id_card"], materials={
        "id_card": ("身份证.jpg", sample_jpeg(), "image/jpeg")})
    r = api.post(f"/api/v1/appointments/{booking['booking_code']}/application",
                 headers=login(api, "manager"), json={"materials": ["hukou_book", "move_proof"]})
    assert r.status_code == 201, r.text
    page = _page(browser, DESKTOP)
    page.goto(f"{server.url}/backoffice/")
    page.fill("#login-user", "reviewer3")
    page.fill("#login-pass", "demo1234")
    page.click("#login-form button[type=submit]")
    page.locator("button[data-view]").first.click()
    expect(page.locator("#preview-box img")).to_be_visible()
    _scan(page, "backoffice material preview", found)
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
    # The clerk of window 1 finishes a ticket and asks for the rating: prompt, then reasons.
    api = httpx.Client(base_url=server.url, timeout=15)
    clerk = login(api, "clerk1")
    wid = window_id(api, clerk, 1)  # opened by the world fixture
    issue(api, HUKOU)
    t = api.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
    for action in ("start", "complete", "rating-request"):
        assert api.post(f"/api/v1/tickets/{t['id']}/{action}", headers=clerk).status_code == 200
    expect(page.locator("#p-ticket")).to_contain_text(t["number"])
    _scan(page, "ratepad prompt", found)
    page.locator(".lv1").click()
    expect(page.locator("#reasons")).to_be_visible()
    _scan(page, "ratepad reasons", found)
    _assert_clean(found)
