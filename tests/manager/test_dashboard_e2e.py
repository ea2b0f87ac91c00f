"""The manager dashboard in Chromium against a real server process (Playwright)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.support.api import HUKOU, KIOSK, login
from tests.support.databases import copy_sqlite
from tests.support.live import LiveServer

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def server(tmp_path: Path, sqlite_template: Path) -> Iterator[LiveServer]:
    data = tmp_path / "data"
    url = copy_sqlite(sqlite_template, data)
    srv = LiveServer(data, url, env={"TONGBAN_ALERT_INTERVAL_SECONDS": "0.5"}).start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN",
                                  accept_downloads=True)
        pg = ctx.new_page()
        pg.set_default_timeout(15000)
        yield pg
        browser.close()


def card(page: Page, key: str):  # noqa: ANN201 - a Locator
    return page.locator(f'[data-card="{key}"] .num')


def test_manager_dashboard_end_to_end(server: LiveServer, page: Page, artifacts_dir: Path,
                                      tmp_path: Path) -> None:
    shots = artifacts_dir / "manager"
    shots.mkdir(parents=True, exist_ok=True)
    api = httpx.Client(base_url=server.url, timeout=10)
    mgr = login(api, "manager")
    clerk = login(api, "clerk1")

    page.goto(f"{server.url}/dashboard/")
    page.fill("#login-user", "manager")
    page.fill("#login-pass", "wrong-password")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("用户名或密码错误")
    page.fill("#login-pass", "demo1234")
    page.screenshot(path=str(shots / "01-login.png"))
    page.click("#login-form button[type=submit]")
    expect(page.locator("#hall-name")).to_have_text("示范政务服务大厅")
    expect(page.locator("#conn")).to_have_class("conn on")
    expect(card(page, "cIssued")).to_have_text("0")

    # Live numbers follow tickets issued by a script.
    tickets = [api.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                        headers=KIOSK).json() for _ in range(3)]
    expect(card(page, "cIssued")).to_have_text("3")
    expect(card(page, "cWaiting")).to_have_text("3")
    expect(page.locator(f'#svc-table tr[data-code="{HUKOU}"] td.waiting')).to_have_text("3")
    eta = page.locator(f'#svc-table tr[data-code="{HUKOU}"] td.eta')
    expect(eta).to_have_text("暂停受理")  # no window open yet: no estimate
    expect(eta.locator(".badge.paused")).to_be_visible()  # amber

    # A tiny wait limit makes the background 电子监察 pass raise wait alerts.
    r = api.put("/api/v1/halls/demo/alert-rules", headers=mgr,
                json={"long_wait": {"yellow_minutes": 0.01, "red_minutes": 600}})
    assert r.status_code == 200, r.text
    # One card for the three waits of 户口迁移登记 (grouped by kind and service), with a count.
    alerts = page.locator('#alert-list li.alert[data-rule="long_wait"]')
    expect(alerts).to_have_count(1)
    expect(alerts).to_have_attribute("data-count", "3")
    expect(alerts).to_contain_text("A001、A002、A003")
    expect(card(page, "cAlerts")).to_have_text("3")
    page.screenshot(path=str(shots / "01b-grouped-alerts.png"))
    alerts.first.locator("button.ack").click()  # 全部确认: all three
    expect(page.locator("#alert-list .acked")).to_have_count(1)

    # The clerk calls and serves: windows table and counters change, alerts clear.
    wid = next(w["id"] for w in api.get("/api/v1/windows", params={"hall": "demo"},
                                        headers=clerk).json() if w["number"] == 4)
    assert api.post(f"/api/v1/windows/{wid}/open", headers=clerk).status_code == 200
    first = api.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
    expect(page.locator('#win-table tr[data-window="4"] td.ticket')).to_contain_text("A001")
    expect(page.locator('#win-table tr[data-window="4"]')).to_contain_text("王芳")
    expect(eta).to_have_text(re.compile(r"^\d+$"))  # window 4 serves 户籍: an estimate
    expect(card(page, "cWaiting")).to_have_text("2")
    expect(alerts).to_have_attribute("data-count", "2")
    page.screenshot(path=str(shots / "02-live-alerts.png"))
    api.post(f"/api/v1/tickets/{first['id']}/start", headers=clerk)
    api.post(f"/api/v1/tickets/{first['id']}/complete", headers=clerk)
    for _ in range(2):
        nxt = api.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
        api.post(f"/api/v1/tickets/{nxt['id']}/start", headers=clerk)
        api.post(f"/api/v1/tickets/{nxt['id']}/complete", headers=clerk)
    expect(card(page, "cServed")).to_have_text("3")
    expect(page.locator("#alert-list li.empty")).to_have_text("当前无告警")
    history = api.get("/api/v1/halls/demo/alerts", params={"state": "all"}, headers=mgr).json()
    assert len(history) == 3 and all(a["cleared_at"] for a in history)
    assert sum(1 for a in history if a["acknowledged_at"]) == 3
    page.screenshot(path=str(shots / "03-live-cleared.png"))

    # A bad rating opens a case; the manager takes it to closure.
    r = api.post(f"/api/v1/track/{tickets[1]['tracking_token']}/evaluation",
                 json={"rating": 1, "dimensions": {"attitude": 1, "efficiency": 2},
                       "comment": "窗口人员态度冷淡", "channel": "tracking"})
    assert r.status_code == 201, r.text
    expect(card(page, "cCases")).to_have_text("1")
    page.click('.tabs button[data-tab="cases"]')
    page.locator("#case-table tr[data-case]").first.click()
    expect(page.locator("#case-detail")).to_contain_text("窗口人员态度冷淡")
    page.click("#cs-assign")
    expect(page.locator("#cs-msg")).to_have_text("请选择处理人")
    page.select_option("#cs-staff", label="李娜（clerk2）")
    page.click("#cs-assign")
    expect(page.locator("#case-detail .badge.cs-assigned")).to_be_visible()
    page.fill("#cs-reply", "已电话联系群众，说明情况并致歉")
    page.click("#cs-reply-btn")
    expect(page.locator("#case-detail .badge.cs-replied")).to_be_visible()
    page.fill("#cs-res", "对窗口人员进行服务规范培训，群众表示满意")
    page.screenshot(path=str(shots / "04-case.png"))
    page.click("#cs-close")
    expect(page.locator("#case-detail .badge.cs-closed")).to_be_visible()
    expect(page.locator("#case-table tbody tr").first).to_contain_text("已办结")
    assert api.get("/api/v1/halls/demo/cases", headers=mgr).json()[0]["status"] == "closed"

    # Statistics with charts, and an XLSX download opened with openpyxl.
    page.click('.tabs button[data-tab="stats"]')
    expect(page.locator('[data-stat="sTickets"] .num')).to_have_text("3")
    expect(page.locator('[data-stat="sServed"] .num')).to_have_text("3")
    expect(page.locator("#chart-bar svg rect.bar[fill='#2f6fd0']")).to_have_count(1)
    page.screenshot(path=str(shots / "05-stats.png"))
    with page.expect_download() as dl:
        page.click("#dl-xlsx")
    target = tmp_path / dl.value.suggested_filename
    dl.value.save_as(target)
    assert target.suffix == ".xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))["统计"]
    header = [c.value for c in ws[2]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)]
    hukou = next(r for r in rows if r["名称"] == "户口迁移登记")
    total = next(r for r in rows if r["名称"] == "合计")
    assert (hukou["取号数"], hukou["办结数"], total["评价数"], total["满意率"]) == (3, 3, 1, 0)

    # Configuration: a Chinese validation message, a saved notice, the audit log.
    page.click('.tabs button[data-tab="config"]')
    row = page.locator(f'#cfg-body tr[data-code="{HUKOU}"]')
    row.locator(".w-exp").fill("0")
    row.locator(".save-svc").click()
    expect(page.locator("#cfg-msg")).to_have_text("标准时长(分)：1–480")
    row.locator(".w-slot").fill("3")
    row.locator(".w-exp").fill("15")
    row.locator(".save-svc").click()
    expect(page.locator("#cfg-msg")).to_have_text("时段(分)：5–240")
    row.locator(".w-slot").fill("30")
    row.locator(".save-svc").click()
    expect(page.locator("#cfg-msg")).to_have_text("已保存")
    page.screenshot(path=str(shots / "06-config-services.png"))
    page.click('.subtabs button[data-sub="notice"]')
    page.fill("#nt-text", "今日16:00后暂停办理不动产业务")
    page.click("#nt-save")
    expect(page.locator("#cfg-msg")).to_have_text("已保存")
    page.click('.subtabs button[data-sub="audit"]')
    expect(page.locator("#cfg-body tbody tr")).to_have_count(3)  # rules, service, notice
    expect(page.locator("#cfg-body tbody tr").first).to_contain_text("修改公告")
    page.screenshot(path=str(shots / "07-audit.png"))
    page.click('.tabs button[data-tab="live"]')
    expect(page.locator("#notice")).to_have_text("今日16:00后暂停办理不动产业务")

    # Usable at 1366×768 and in English.
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=str(shots / "08-live-1366.png"), full_page=True)
    page.locator(".status .lang-toggle").click()
    expect(page.locator('.tabs button[data-tab="stats"]')).to_have_text("Statistics")
    expect(page.locator("#conn")).to_have_text("Live")
    page.screenshot(path=str(shots / "09-live-en-1366.png"))
