"""The citizen portal in Chromium against a real server: log in, read the guide, book, upload,
see the pre-review, check in at the kiosk, get called, rate (Playwright, 390×844)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Page, expect

from server.demo import DEMO_LICENCE_ID
from tests.support.api import HUKOU, KIOSK, SOCIAL, login, open_window
from tests.support.live import LiveServer
from tests.support.online import (
    current_slot,
    latest_code,
    make_id_number,
    sample_jpeg,
    sample_pdf,
    sample_png,
)

PHONE = "13800138000"


def fits(page: Page, width: int) -> None:
    """Nothing sticks out sideways (no horizontal scrolling on a phone)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# Elements below the page that scroll on their own (a scroll box inside the scrolling page).
NESTED_SCROLLERS = """() => [...document.querySelectorAll("#view *")].filter(e => {
  const st = getComputedStyle(e);
  const y = /auto|scroll/.test(st.overflowY) && e.scrollHeight > e.clientHeight + 1;
  const x = /auto|scroll/.test(st.overflowX) && e.scrollWidth > e.clientWidth + 1;
  return x || y;
}).map(e => e.className || e.tagName)"""


def agree_to_privacy_notice(page: Page) -> None:
    """The 个人信息保护告知 asked before the first page that takes personal data."""
    expect(page).to_have_url(re.compile(r"#/consent\?next="))
    expect(page.locator("#consent-form h2")).to_have_text("个人信息保护告知")
    page.click("#consent-agree")  # not ticked yet
    expect(page.locator("#consent-msg")).to_have_text("请先阅读并勾选同意")
    page.check("#consent-check")
    page.click("#consent-agree")


def test_citizen_walkthrough(server: LiveServer, page: Page, artifacts_dir: Path,
                             tmp_path: Path) -> None:
    shots = artifacts_dir / "online"
    shots.mkdir(parents=True, exist_ok=True)
    api = httpx.Client(base_url=server.url, timeout=10)

    def shot(name: str, focus: str | None = None) -> None:
        """A 390×844 viewport screenshot, scrolled to `focus` when given."""
        if focus:
            page.locator(focus).first.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"{name}.png"))

    # 1. Log in with the code from the outbox.
    page.goto(f"{server.url}/portal/#/login")
    expect(page.locator("#consent-form")).to_contain_text("身份证号码")  # no phone field yet
    expect(page.locator("#phone")).to_have_count(0)
    shot("00-consent")
    fits(page, 390)
    agree_to_privacy_notice(page)
    page.fill("#phone", PHONE)
    page.click("#send-code")
    expect(page.locator("#login-msg")).to_have_text("验证码已发送至 138****8000")
    expect(page.locator("#send-code")).to_be_disabled()
    page.fill("#otp-code", "000000" if latest_code(api, PHONE) != "000000" else "111111")
    page.click("#login-btn")
    expect(page.locator("#login-msg")).to_contain_text("验证码错误")
    page.fill("#otp-code", latest_code(api, PHONE))
    shot("01-login")
    fits(page, 390)
    page.click("#login-btn")
    expect(page.locator(f'.svc[data-code="{HUKOU}"] .name')).to_have_text("户口迁移登记")
    shot("02-services")

    # 2. Read the service guide.
    page.click(f'.svc[data-code="{HUKOU}"] [data-act=guide]')
    expect(page.locator("#guide h2")).to_have_text("户口迁移登记")
    expect(page.locator("#guide")).to_contain_text("申请条件")
    expect(page.locator("#guide-materials li")).to_have_count(3)
    expect(page.locator("#guide")).to_contain_text("准予迁入证明")
    shot("03-guide")
    # The demo books around the clock; the guide says so instead of only the office hours.
    expect(page.locator("#booking-hours")).to_have_text("可预约时段：每天 00:00–24:00")
    shot("03b-guide-rules", "#guide-book")
    fits(page, 390)

    # 3. Book the slot covering now.
    page.click("#guide-book")
    slot = current_slot(api, service_code=HUKOU)
    # Tomorrow's 48 half-hour slots and the dates sit in the page: no scroll box of their own.
    page.locator(".chips button").nth(1).click()
    expect(page.locator(".slots button")).to_have_count(48)
    assert page.evaluate(NESTED_SCROLLERS) == []
    fits(page, 390)
    page.screenshot(path=str(shots / "04a-slots-tomorrow.png"), full_page=True)
    page.locator(".chips button").nth(0).click()
    page.click(f'[data-start="{slot["start"]}"]')
    page.fill("#b-name", "张三丰")
    page.fill("#b-id", "123")
    page.click("#book-btn")
    expect(page.locator("#book-msg")).to_have_text("请填写18位身份证号码")
    person = make_id_number("19800202")
    page.fill("#b-id", person)
    shot("04-book", "#book-btn")
    fits(page, 390)
    page.click("#book-btn")
    code_el = page.locator("#appt-code")
    expect(code_el).to_have_text(re.compile(r"^[2-9A-HJ-NP-Z]{8}$"))
    booking_code = code_el.inner_text().strip()
    page.wait_for_function("() => document.querySelector('#qr')"  # a function: no eval (CSP)
                           " && document.querySelector('#qr').naturalWidth > 100")
    expect(page.locator("#appt-status")).to_have_text("已预约")
    shot("05-booking-qr")

    # 4. Upload two materials (and one refused file: an executable renamed to .pdf).
    exe = tmp_path / "发票.pdf"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 512)
    page.set_input_files('input[type=file][data-code="id_card"]', str(exe))
    expect(page.locator('[data-msg="id_card"]')).to_contain_text("只接受 PDF、JPEG、PNG")
    card = tmp_path / "身份证.jpg"
    card.write_bytes(sample_jpeg())
    hukou = tmp_path / "户口簿.pdf"
    hukou.write_bytes(sample_pdf())
    page.set_input_files('input[type=file][data-code="id_card"]', str(card))
    expect(page.locator('.mat[data-code="id_card"] .st')).to_have_text("待预审")
    page.set_input_files('input[type=file][data-code="hukou_book"]', str(hukou))
    expect(page.locator('.mat[data-code="hukou_book"] .st')).to_have_text("待预审")
    shot("06-uploaded", '.mat[data-code="hukou_book"]')

    # 5. Back-office pre-review on the staff page: accept one, reject one with a reason.
    mgr = login(api, "manager")
    queue = {m["material_code"]: m for m in api.get("/api/v1/halls/demo/materials",
                                                    headers=mgr).json()}
    assert set(queue) == {"id_card", "hukou_book"}
    staff = page.context.browser.new_context(viewport={"width": 390, "height": 844},
                                             locale="zh-CN").new_page()
    staff.goto(f"{server.url}/portal/review.html")
    staff.fill("#rv-user", "manager")
    staff.fill("#rv-pass", "demo1234")
    staff.click("#staff-login button[type=submit]")
    expect(staff.locator("#rv-count")).to_have_text("待预审材料 2 份")
    hk = queue["hukou_book"]["id"]
    staff.click(f'[data-view="{hk}"]')  # the file opens inline beside the list
    expect(staff.locator("#rv-preview iframe")).to_be_visible()
    staff.click(f'[data-reject="{hk}"]')
    expect(staff.locator(f'[data-msg="{hk}"]')).to_have_text("退回时请填写原因")
    staff.fill(f'[data-reason="{hk}"]', "户口簿缺少本人页")
    staff.screenshot(path=str(shots / "06b-staff-review.png"))
    staff.click(f'[data-reject="{hk}"]')
    expect(staff.locator("#rv-count")).to_have_text("待预审材料 1 份")
    staff.click(f'[data-view="{queue["id_card"]["id"]}"]')
    expect(staff.locator("#rv-preview img")).to_be_visible()
    staff.click(f'[data-accept="{queue["id_card"]["id"]}"]')
    expect(staff.locator("#rv-count")).to_have_text("待预审材料 0 份")
    staff.close()
    page.reload()
    expect(page.locator('.mat[data-code="id_card"] .st')).to_have_text("预审通过")
    expect(page.locator('.mat[data-code="hukou_book"] .st')).to_have_text("预审未通过")
    expect(page.locator('.mat[data-code="hukou_book"] .reason')).to_have_text(
        "原因：户口簿缺少本人页")
    shot("07-review-results", '.mat[data-code="move_proof"]')

    # 6. Re-upload the rejected one.
    fixed = tmp_path / "户口簿本人页.png"
    fixed.write_bytes(sample_png("#888888"))
    page.set_input_files('input[type=file][data-code="hukou_book"]', str(fixed))
    expect(page.locator('.mat[data-code="hukou_book"] .st')).to_have_text("待预审")
    expect(page.locator('.mat[data-code="hukou_book"] .reason')).to_have_count(0)

    # 7. Kiosk check-in with the booking code; the clerk's call-next gets it first.
    walk_in = api.post("/api/v1/halls/demo/tickets", json={"service_code": HUKOU},
                       headers=KIOSK).json()
    r = api.post("/api/v1/halls/demo/checkins", json={"booking_code": booking_code},
                 headers=KIOSK)
    assert r.status_code == 201, r.text
    ticket = r.json()
    assert ticket["priority_class"] == "appointment"
    clerk = login(api, "clerk3")
    wid = open_window(api, clerk, 4)
    called = api.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
    assert called["id"] == ticket["id"] != walk_in["id"]
    mats = api.get(f"/api/v1/tickets/{ticket['id']}/materials", headers=clerk).json()
    assert {(m["material_code"], m["review_status"]) for m in mats} == {
        ("id_card", "accepted"), ("hukou_book", "pending")}

    # 8. The tracking page says where to go.
    page.goto(f"{server.url}/t/{ticket['tracking_token']}?poll=1")
    expect(page.locator("#called")).to_have_text("请到 4 号窗口办理")
    expect(page.locator("#number")).to_have_text(ticket["number"])
    shot("08-track-called")
    fits(page, 390)

    # 9. After completion the citizen rates the visit.
    assert api.post(f"/api/v1/tickets/{ticket['id']}/start", headers=clerk).status_code == 200
    assert api.post(f"/api/v1/tickets/{ticket['id']}/complete",
                    headers=clerk).status_code == 200
    page.reload()
    expect(page.locator("#rate-form")).to_be_visible()
    expect(page.locator("#status-line")).to_have_text("业务已办结，感谢您的耐心等待")
    page.click("#rate-form button[type=submit]")
    expect(page.locator("#rate-msg")).to_have_text("请选择评价等级")
    page.check("input[name=rating][value='5']")
    page.fill("#rate-comment", "预约后不用排队，很方便")
    shot("09-rate", "#rate-form button[type=submit]")
    page.click("#rate-form button[type=submit]")
    expect(page.locator("#status-line")).to_have_text("感谢您的评价！")
    again = api.post(f"/api/v1/track/{ticket['tracking_token']}/evaluation",
                     json={"rating": 1})
    assert again.status_code == 409
    shot("10-rated")

    # 10. My bookings shows it served.
    page.goto(f"{server.url}/portal/#/my")
    expect(page.locator(f'.appt-item[data-code="{booking_code}"]')).to_contain_text("已办结")
    shot("11-my-bookings")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{server.url}/portal/#/appt/{booking_code}")
    expect(page.locator("#appt-code")).to_have_text(booking_code)
    fits(page, 360)
    shot("12-booking-360")


def test_remote_ticket_and_english(server: LiveServer, page: Page, artifacts_dir: Path) -> None:
    shots = artifacts_dir / "online"
    shots.mkdir(parents=True, exist_ok=True)
    api = httpx.Client(base_url=server.url, timeout=10)
    page.goto(f"{server.url}/portal/#/guide/{SOCIAL}")
    expect(page.locator("#guide h2")).to_have_text("社会保障卡申领")
    page.click("#guide-remote")
    agree_to_privacy_notice(page)
    expect(page).to_have_url(re.compile(r"#/login"))
    page.fill("#phone", "13800138001")
    page.click("#send-code")
    expect(page.locator("#login-msg")).to_contain_text("验证码已发送")
    page.fill("#otp-code", latest_code(api, "13800138001"))
    page.click("#login-btn")
    expect(page.locator("#remote-btn")).to_be_visible()

    # A booking for tomorrow can be moved and cancelled before the cut-off.
    token = page.evaluate("localStorage.getItem('tb.citizen')")
    tomorrow = (datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)).isoformat()
    slots = api.get(f"/api/v1/halls/demo/services/{HUKOU}/slots",
                    params={"date": tomorrow}).json()["slots"]
    r = api.post("/api/v1/appointments", headers={"Authorization": f"Bearer {token}"}, json={
        "hall_code": "demo", "service_code": HUKOU, "slot_start": slots[20]["start"],
        "name": "李四", "id_number": make_id_number("19750303")})
    assert r.status_code == 201, r.text
    later = r.json()["booking_code"]
    page.goto(f"{server.url}/portal/#/appt/{later}")
    expect(page.get_by_text("10:00–10:30")).to_be_visible()
    page.click("#reschedule-btn")
    page.click(f'[data-start="{slots[21]["start"]}"]')
    page.screenshot(path=str(shots / "15-reschedule.png"))
    page.click("#book-btn")
    expect(page.locator("#appt-code")).to_have_text(later)
    expect(page.locator("#materials")).to_be_visible()
    expect(page.get_by_text("10:30–11:00")).to_be_visible()
    page.once("dialog", lambda d: d.accept())
    page.click("#cancel-btn")
    expect(page.locator("#appt-status")).to_have_text("已取消")

    # A material the 电子证照 store holds for this person: fetched, nothing to upload.
    r = api.post("/api/v1/appointments", headers={"Authorization": f"Bearer {token}"}, json={
        "hall_code": "demo", "service_code": HUKOU, "slot_start": slots[22]["start"],
        "name": "王五", "id_number": DEMO_LICENCE_ID})
    assert r.status_code == 201, r.text
    page.goto(f"{server.url}/portal/#/appt/{r.json()['booking_code']}")
    expect(page.locator("#appt-code")).to_have_text(r.json()["booking_code"])
    fetched = page.locator('.mat[data-code="hukou_book"]')
    expect(fetched).to_contain_text("已从电子证照库调取")
    expect(fetched.locator("input[type=file]")).to_have_count(0)
    expect(page.locator('.mat[data-code="id_card"] input[type=file]')).to_have_count(1)
    page.screenshot(path=str(shots / "16-licence-fetched.png"))
    page.once("dialog", lambda d: d.accept())
    page.click("#cancel-btn")
    expect(page.locator("#appt-status")).to_have_text("已取消")

    page.goto(f"{server.url}/portal/#/remote/{SOCIAL}")
    page.click("#remote-btn")
    expect(page.locator("#appt-status")).to_have_text("已预约")
    expect(page.locator("#booking")).to_contain_text("前面还有 0 人")
    expect(page.locator("#booking")).to_contain_text("前到大厅取号机签到，逾期作废")
    page.screenshot(path=str(shots / "13-remote-ticket.png"))
    code = page.locator("#appt-code").inner_text().strip()
    r = api.post("/api/v1/halls/demo/checkins", json={"booking_code": code}, headers=KIOSK)
    assert r.status_code == 201 and r.json()["source"] == "remote"
    page.reload()
    expect(page.locator("#appt-status")).to_have_text("已签到")
    expect(page.locator("#track-link")).to_be_visible()
    page.click("#lang")
    expect(page.locator("#appt-status")).to_have_text("Checked in")
    expect(page.locator("#track-link")).to_have_text("Track my place")
    page.screenshot(path=str(shots / "14-remote-checked-in-en.png"))
    fits(page, 390)
