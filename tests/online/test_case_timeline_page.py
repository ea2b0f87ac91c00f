"""The 办件 timeline in Chromium at 390 px: on the slip's page (/t/<token>) the citizen follows
受理 → 并联审批 (two departments) → 办结 → 待取件 without reloading (polite poll), with the
promised date, the time left and the pickup slot, and moves the slot; in the portal (我的办件)
the citizen sees a 补正 request with what is asked and by when."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from server.demo import DEMO_LICENCE_ID
from tests.support.api import ESTATE, HUKOU, issue, login, open_window
from tests.support.live import LiveServer
from tests.support.online import book_appointment

ESTATE_MATERIALS = ["id_card", "sale_contract", "tax_receipt"]


def _ok(r: httpx.Response, status: int = 200) -> dict:
    assert r.status_code == status, r.text
    return r.json()


def _stage(page: Page, key: str):  # noqa: ANN202 - a Playwright locator
    return page.locator(f"ol.stages > li[data-stage='{key}']")


def test_slip_page_follows_the_application_to_pickup(server: LiveServer, page: Page,
                                                     artifacts_dir: Path) -> None:
    shots = artifacts_dir / "online"
    shots.mkdir(parents=True, exist_ok=True)
    http = httpx.Client(base_url=server.url, timeout=10)
    clerk = login(http, "clerk7")
    t = issue(http, ESTATE, id_number=DEMO_LICENCE_ID, citizen_name="张三")
    wid = open_window(http, clerk, 7)
    _ok(http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk))
    _ok(http.post(f"/api/v1/tickets/{t['id']}/start", headers=clerk))
    # 受理 with a pickup slot from the counter's list (as the counter dialog will do).
    listed = _ok(http.get("/api/v1/halls/demo/pickup-slots", headers=clerk,
                          params={"service_code": ESTATE}))
    first = listed["days"][0]["slots"][0]
    app = _ok(http.post(f"/api/v1/tickets/{t['id']}/application", headers=clerk, json={
        "materials": ESTATE_MATERIALS, "phone": "13800009999", "delivery": "pickup",
        "pickup_slot_start": first["start"]}), 201)

    page.goto(f"{server.url}/t/{t['tracking_token']}?apoll=1")
    card = page.locator("article.case")
    expect(card.get_by_role("heading", name="不动产转移登记")).to_be_visible()
    expect(card.locator(".case-status .tag")).to_have_text("审批中")
    expect(card.locator(".case-status")).to_contain_text(f"受理编号 {app['receipt_no']}")
    expect(_stage(page, "accepted")).to_contain_text("窗口受理")
    review = _stage(page, "review")
    expect(review).to_have_attribute("aria-current", "step")
    expect(review.locator("h4")).to_contain_text("审批中（2 个部门并联审批）")
    expect(review.locator("ul.depts li")).to_have_text([
        re.compile("不动产登记中心\\s*审批中"), re.compile("税务局\\s*审批中")])
    due = app["promised_due"]
    expect(card.locator(".case-due")).to_have_text(
        re.compile(f"{int(due[5:7])}月{int(due[8:10])}日"))
    expect(card.locator(".case-left")).to_have_text(f"剩余 {app['working_days_left']} 个工作日")
    slot_line = _stage(page, "ready")
    expect(slot_line).to_contain_text(f"取件时段：{int(first['date'][5:7])}月"
                                      f"{int(first['date'][8:10])}日")
    expect(slot_line).to_contain_text(first["label"])
    # Personal data stays off this public page (the ID number, name and phone).
    html = page.content()
    assert DEMO_LICENCE_ID not in html and "张三" not in html and "13800009999" not in html
    page.screenshot(path=str(shots / "case-track-review-390.png"), full_page=True)

    # 并联审批: one department approves; the page updates without a reload.
    registry, tax = login(http, "reviewer1"), login(http, "reviewer2")
    _ok(http.post(f"/api/v1/applications/{app['id']}/review", headers=registry,
                  json={"decision": "approve"}))
    expect(review.locator("ul.depts li")).to_have_text([
        re.compile("不动产登记中心\\s*已通过"), re.compile("税务局\\s*审批中")])
    expect(_stage(page, "decided")).not_to_have_class(re.compile("done"))
    _ok(http.post(f"/api/v1/applications/{app['id']}/review", headers=tax,
                  json={"decision": "approve"}))
    expect(_stage(page, "decided")).to_contain_text("准予批准")
    expect(review.locator("h4")).to_contain_text("审批（2 个部门并联审批）")
    expect(_stage(page, "decided")).to_have_class(re.compile("done"))
    expect(card.locator(".case-left")).to_have_text("已按时办结")
    expect(card.locator(".case-status .tag")).to_have_text("已办结")

    # 待取件: the current stage, with what to do and the booked slot.
    _ok(http.post(f"/api/v1/applications/{app['id']}/ready", headers=clerk))
    ready = _stage(page, "ready")
    expect(ready).to_have_attribute("aria-current", "step")
    expect(ready).to_contain_text("请携带身份证到大厅取号机选择「取件」")
    expect(card.locator(".case-status .tag")).to_have_text("待取件")
    page.screenshot(path=str(shots / "case-track-ready-390.png"), full_page=True)

    # The citizen moves the slot on the page: today's or a later one, places shown. Once decided
    # the list starts today, so the slot booked at acceptance may lie beyond it: take one offered.
    offered = _ok(http.get(f"/api/v1/track/{t['tracking_token']}/applications/"
                           f"{app['receipt_no']}/pickup-slots"))
    second = next(x for d in offered["days"] for x in d["slots"]
                  if x["available"] and x["start"] != first["start"])
    ready.get_by_role("button", name="更改取件时段").click()
    picker = ready.locator(".slot-form")
    expect(picker.get_by_role("heading", name="选择取件时段")).to_be_visible()
    picker.get_by_role("button", name="确认取件时段").click()
    expect(picker.get_by_role("alert")).to_have_text("请先选择时段")
    picker.locator(f"[data-day='{second['date']}']").click()
    picker.locator(f"[data-start='{second['start']}']").click()
    expect(picker.locator(f"[data-start='{second['start']}']")).to_have_attribute(
        "aria-pressed", "true")
    page.screenshot(path=str(shots / "case-track-picker-390.png"), full_page=True)
    picker.get_by_role("button", name="确认取件时段").click()
    expect(page.locator("#cases-msg")).to_have_text("取件时段已更新")
    expect(_stage(page, "ready")).to_contain_text(second["label"])
    expect(card.locator("details.history summary")).to_contain_text("办理记录")
    card.locator("details.history summary").click()
    expect(card.locator("ol.history li").first).to_contain_text("改约取件时段")
    staff = _ok(http.get(f"/api/v1/applications/{app['id']}", headers=clerk))
    assert staff["pickup_slot"]["start"] == second["start"]
    page.screenshot(path=str(shots / "case-track-moved-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(shots / "case-track-moved-1280.png"), full_page=True)

    # Handed over: the last stage done, nothing left to change.
    _ok(http.post(f"/api/v1/applications/{app['id']}/handover", headers=clerk))
    expect(_stage(page, "picked_up")).to_have_class(re.compile("done"))
    expect(card.get_by_role("button", name="更改取件时段")).to_have_count(0)


def test_portal_shows_own_applications_with_a_correction_request(
        server: LiveServer, page: Page, artifacts_dir: Path) -> None:
    shots = artifacts_dir / "online"
    shots.mkdir(parents=True, exist_ok=True)
    http = httpx.Client(base_url=server.url, timeout=10)
    b = book_appointment(http, service_code=HUKOU, phone="13900000401")
    manager = login(http, "manager")
    app = _ok(http.post(f"/api/v1/appointments/{b['booking_code']}/application",
                        headers=login(http, "clerk1"),
                        json={"materials": ["id_card", "hukou_book", "move_proof"]}), 201)
    _ok(http.post(f"/api/v1/applications/{app['id']}/correction", headers=manager,
                  json={"note": "请补充迁入地村（居）委会证明原件", "days": 5}))
    token = b["citizen_headers"]["Authorization"].split(" ", 1)[1]
    page.goto(f"{server.url}/portal/")
    page.evaluate("tok => { localStorage.setItem('tb.citizen', tok); "
                  "localStorage.setItem('tb.consent', '1'); }", token)
    page.goto(f"{server.url}/portal/?cpoll=1#/cases")
    expect(page.get_by_role("link", name="我的办件")).to_have_class(re.compile("on"))
    card = page.locator("article.case")
    expect(card.get_by_role("heading", name="户口迁移登记")).to_be_visible()
    review = _stage(page, "review")
    expect(review.locator("h4")).to_contain_text("待补正")
    note = review.get_by_role("note")
    expect(note).to_contain_text("请补充迁入地村（居）委会证明原件")
    expect(note).to_contain_text(re.compile(r"请于 \d+月\d+日.* 前补齐"))
    expect(card.locator(".case-left")).to_have_text("补正期间暂停计时")
    expect(_stage(page, "ready")).to_contain_text("尚未预约取件时段")
    page.screenshot(path=str(shots / "case-portal-correction-390.png"), full_page=True)

    # Materials arrive: back to review (live), then the citizen books a pickup slot here.
    _ok(http.post(f"/api/v1/applications/{app['id']}/resume", headers=manager))
    expect(review.locator("h4")).to_have_text(re.compile("^审批中"))
    expect(review.get_by_role("note")).to_have_count(0)
    _stage(page, "ready").get_by_role("button", name="预约取件时段").click()
    picker = page.locator(".slot-form")
    picker.locator("[data-start]:not([disabled])").first.click()
    picker.get_by_role("button", name="确认取件时段").click()
    expect(page.locator("#cases-msg")).to_have_text("取件时段已更新")
    expect(_stage(page, "ready")).to_contain_text("取件时段：")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(shots / "case-portal-1280.png"), full_page=True)

    # In English each step is named from its action; the server's Chinese text stays beside it.
    page.evaluate("localStorage.setItem('tb.lang', 'en')")
    page.reload()
    card = page.locator("article.case")
    card.locator("details.history summary").click()
    steps = card.locator("ol.history li")
    expect(steps.first).to_contain_text("Pickup time chosen")
    expect(steps.filter(has_text="asks for materials")).to_contain_text(
        "请补充迁入地村（居）委会证明原件")
    expect(steps.last).to_contain_text("Accepted at the window")
    expect(card.locator(".case-left")).not_to_contain_text("csDays")
    page.screenshot(path=str(shots / "case-portal-history-en-1280.png"), full_page=True)
