"""Every HTML page the server serves carries a strict Content-Security-Policy (no inline
script or style, no other origin) and still works under it in Chromium: each page is opened
and used, and any CSP violation ("Refused to ...") fails the test."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.support.api import KIOSK, issue, login, open_window
from tests.support.databases import copy_sqlite
from tests.support.live import LiveServer
from tests.support.online import book_appointment, sample_png

PAGE_DIRECTIVES = ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                   "img-src 'self' data:", "object-src 'none'", "base-uri 'none'",
                   "frame-ancestors 'none'")
# Records violations from inside the page too (Playwright's init scripts bypass the CSP).
WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp("csp") / "data"
    srv = LiveServer(data, copy_sqlite(sqlite_template, data),
                     env={"TONGBAN_ALERT_INTERVAL_SECONDS": "0"}).start()
    try:
        yield srv
    finally:
        srv.stop()


class Watched:
    """A page whose console, page errors and CSP violations are collected."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           locale="zh-CN")
        self.context.add_init_script(WATCH)
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.console: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _on_console(self, msg: ConsoleMessage) -> None:
        self.console.append(msg.text)

    def open(self, url: str) -> dict[str, str]:
        """Navigate and return the document's response headers."""
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        return response.headers

    def assert_clean(self) -> None:
        """No CSP violation in the console or seen by the page, no script error."""
        refused = [m for m in self.console
                   if "Refused to" in m or "Content Security Policy" in m]
        assert refused == []
        assert self.page.evaluate("window.__csp") == []
        assert self.errors == []
        self.context.close()


def wait_js(page: Page, fn: str, timeout: float = 15.0) -> None:
    """Wait until a JS function returns true (page.wait_for_function would need eval,
    which the page's own CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(fn):
        assert time.monotonic() < deadline, f"never true: {fn}"
        page.wait_for_timeout(50)


def check_headers(headers: dict[str, str], host: str) -> None:
    """The page's security headers (header names are lower case here)."""
    csp = headers["content-security-policy"]
    for directive in PAGE_DIRECTIVES:
        assert directive in csp
    assert f"connect-src 'self' ws://{host} wss://{host}" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"


@pytest.fixture
def api(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def host_of(server: LiveServer) -> str:
    return f"127.0.0.1:{server.port}"


def test_citizen_portal_booking_and_qr_under_csp(server: LiveServer, browser: Browser,
                                                  api: httpx.Client, artifacts_dir: Path) -> None:
    booking = book_appointment(api, phone="13800009001")
    w = Watched(browser)
    check_headers(w.open(f"{server.url}/portal/#/services"), host_of(server))
    expect(w.page.locator("#view .svc").first).to_be_visible()
    w.page.locator("#view .svc").first.click()  # a service guide
    w.page.wait_for_load_state("networkidle")
    # log in as the booking's citizen, then open the booking with its QR code
    token = booking["citizen_headers"]["Authorization"].split()[1]
    w.page.evaluate("t => localStorage.setItem('tb.citizen', t)", token)
    w.page.goto(f"{server.url}/portal/index.html#/my")  # a fresh load reads the token
    expect(w.page.locator(f'.appt-item[data-code="{booking["booking_code"]}"]')).to_be_visible()
    w.page.goto(f"{server.url}/portal/#/appt/{booking['booking_code']}")
    w.page.reload()
    qr = w.page.locator("#qr")
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    wait_js(w.page, "() => document.querySelector('#qr').naturalWidth > 0")
    (artifacts_dir / "security").mkdir(exist_ok=True)
    w.page.screenshot(path=str(artifacts_dir / "security" / "csp-booking.png"), full_page=True)
    # a failing view offers a retry button (it used to be an inline onclick)
    w.page.goto(f"{server.url}/portal/#/appt/NOSUCH")
    w.page.click("#retry-btn")
    expect(w.page.locator("#retry-btn")).to_be_visible()
    w.assert_clean()


def test_tracking_page_under_csp(server: LiveServer, browser: Browser, api: httpx.Client,
                                 artifacts_dir: Path) -> None:
    r = api.post("/api/v1/halls/demo/tickets", headers=KIOSK,
                 json={"service_code": "11110000MB0123456X4000117001"})
    assert r.status_code == 201, r.text
    w = Watched(browser)
    check_headers(w.open(f"{server.url}/t/{r.json()['tracking_token']}"), host_of(server))
    expect(w.page.locator("#number")).to_have_text(r.json()["number"])
    expect(w.page.locator("#service")).to_have_css("text-align", "center")  # from style.css
    (artifacts_dir / "security").mkdir(exist_ok=True)
    w.page.screenshot(path=str(artifacts_dir / "security" / "csp-track.png"))
    w.assert_clean()


def test_review_page_under_csp(server: LiveServer, browser: Browser, api: httpx.Client) -> None:
    book_appointment(api, phone="13800009002",
                     materials={"id_card": ("id.png", sample_png(), "image/png")})
    w = Watched(browser)
    check_headers(w.open(f"{server.url}/portal/review.html"), host_of(server))
    w.page.fill("#rv-user", "manager")
    w.page.fill("#rv-pass", "demo1234")
    w.page.click("#staff-login button[type=submit]")
    w.page.locator("#rv-list [data-view]").first.click()
    # The file is shown inline as a data: image: allowed by img-src, no violation reported.
    expect(w.page.locator("#rv-preview img")).to_be_visible()
    expect(w.page.locator("#rv-preview")).to_have_css("display", "grid")  # from review.css
    w.assert_clean()


def test_dashboard_under_csp(server: LiveServer, browser: Browser) -> None:
    w = Watched(browser)
    check_headers(w.open(f"{server.url}/dashboard/"), host_of(server))
    w.page.fill("#login-user", "manager")
    w.page.fill("#login-pass", "demo1234")
    w.page.click("#login-form button[type=submit]")
    expect(w.page.locator("#conn")).to_have_class(re.compile(r"\bon\b"))  # websocket is up
    w.page.click('.tabs button[data-tab="stats"]')
    w.page.click("#stats-form button[type=submit]")
    expect(w.page.locator("#chart-bar svg")).to_be_visible()
    w.page.click('.tabs button[data-tab="cases"]')
    w.page.click('.tabs button[data-tab="config"]')
    for sub in ("services", "windows", "staff", "devices", "notice", "rules", "audit"):
        w.page.click(f'.subtabs button[data-sub="{sub}"]')
        w.page.wait_for_load_state("networkidle")
    w.assert_clean()


@pytest.mark.parametrize("query", ["token=demo-display-token",
                                   "token=demo-display-token&mode=window&window=1"])
def test_browser_display_under_csp(server: LiveServer, browser: Browser, api: httpx.Client,
                                   query: str) -> None:
    w = Watched(browser)
    headers = w.open(f"{server.url}/display/demo?{query}")
    check_headers(headers, host_of(server))
    wait_js(w.page, "() => window.tongbanDisplay?.connection === 'connected'")
    # a call arrives over the websocket and is shown
    clerk = login(api, "clerk1")
    wid = open_window(api, clerk, 1)
    issue(api)
    called = api.post(f"/api/v1/windows/{wid}/call-next", headers=clerk)
    assert called.status_code == 200, called.text
    target = "#newest-number" if "mode=window" not in query else "#w-number"
    expect(w.page.locator(target)).to_contain_text(called.json()["number"])
    api.post(f"/api/v1/tickets/{called.json()['id']}/no-show", headers=clerk)
    api.post(f"/api/v1/windows/{wid}/close", headers=clerk)
    w.assert_clean()


def test_every_response_has_the_basic_headers(api: httpx.Client, server: LiveServer) -> None:
    for path in ("/api/v1/halls", "/portal/app.js", "/dashboard/style.css", "/healthz",
                 "/api/v1/track/nope", "/display/_assets/app.js"):
        r = api.get(path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["referrer-policy"] == "no-referrer", path
    # the API documentation pages: their start-up code is a file, so no inline script either
    for path in ("/docs", "/redoc"):
        r = api.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "http" not in csp, path  # packaged assets only
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert "<script>" not in r.text
    assert "SwaggerUIBundle" in api.get("/docs/swagger-init.js").text
    # a forged Host header is not echoed into the policy
    r = api.get("/portal/", headers={"Host": "evil.example; script-src *"})
    assert "evil" not in r.headers["content-security-policy"]
