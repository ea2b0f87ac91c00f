"""Appointment check-in at the kiosk: typed ID number, booking QR scan, ID card, wedge."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PyQt5.QtCore import Qt

from kiosk.devices.wedge import KeyboardWedge
from tests.kiosk.kiosk_kit import waiting
from tests.support.api import HUKOU, KIOSK, SOCIAL
from tests.support.live import LiveServer
from tests.support.online import book_appointment, make_id_number, random_phone, sample_png


@pytest.fixture
def http(live: LiveServer) -> Iterator[httpx.Client]:
    """An HTTP client on the live server (to book appointments like a citizen would)."""
    with httpx.Client(base_url=live.url, timeout=10) as client:
        yield client


def book(http: httpx.Client, service: str = HUKOU, **kw: Any) -> dict[str, Any]:
    """Book a slot covering now, with a random ID number and phone."""
    return book_appointment(http, service_code=service, phone=random_phone(),
                            id_number=kw.pop("id_number", make_id_number("19880612")), **kw)


def test_checkin_by_typed_id_number(kiosk: Any, live: LiveServer, http: httpx.Client) -> None:
    """Keypad ID → appointment with pre-review status per material → ticket printed."""
    booking = book(http, name="张小三",
                   materials={"id_card": ("id.png", sample_png(), "image/png"),
                              "hukou_book": ("hukou.png", sample_png("#888888"), "image/png")},
                   accept=["id_card"], reject={"hukou_book": "照片页不清晰"})
    before = waiting(live.url, HUKOU)
    h = kiosk()
    h.click("预约签到")
    h.wait_screen("checkin")
    find = next(b for b in h.buttons() if "查询预约" in b.text())
    h.type_keys(booking["id_number"][:-1])
    assert not find.isEnabled()
    h.type_keys(booking["id_number"][-1])
    assert find.isEnabled()
    h.click("查询预约")
    h.wait_screen("appointment")
    texts = h.texts()
    assert "户口迁移登记" in texts and booking["booking_code"] in texts
    assert "张*三" in texts and "张小三" not in texts
    assert booking["id_number"] not in texts  # only the masked form reaches the kiosk
    assert "居民身份证" in texts and "已通过" in texts
    assert "未通过：照片页不清晰" in texts and "准予迁入证明" in texts and "未提交" in texts
    h.click("签到并取号")
    h.wait_screen("ticket")
    h.qtbot.waitUntil(lambda: h.ctl.state.print_state == "printed")
    ticket = h.ctl.state.ticket
    assert ticket["appointment"]["booking_code"] == booking["booking_code"]
    assert ticket["priority_class"] in ("appointment", "normal")
    assert ticket["number"] in h.texts() and "已签到" in h.texts()
    printed = h.app.printer.journal[-1].decode("gb18030", errors="replace")
    assert ticket["number"] in printed and "已签到" in printed
    assert waiting(live.url, HUKOU) == before + 1
    again = http.post("/api/v1/halls/demo/checkins", headers=KIOSK,
                      json={"booking_code": booking["booking_code"]})
    assert again.status_code == 409 and ticket["number"] in again.json()["error"]["message"]


def test_checkin_by_scanned_booking_qr(kiosk: Any, live: LiveServer, http: httpx.Client) -> None:
    """A booking QR scanned on the home screen finds the appointment; a second scan refuses."""
    booking = book(http, service=SOCIAL)
    h = kiosk()
    h.reader.scan(f"https://tongban.example.gov.cn/b/{booking['booking_code']}")
    h.wait_screen("appointment")
    assert "社会保障卡申领" in h.texts()
    h.click("签到并取号")
    h.wait_screen("ticket")
    number = h.ctl.state.ticket["number"]
    assert number.startswith("B")
    h.click("完成")
    h.reader.scan(booking["booking_code"])
    h.wait_screen("appointment")
    assert "已签到" in h.texts()
    blocked = next(b for b in h.buttons() if "暂不能签到" in b.text())
    assert not blocked.isEnabled()


def test_checkin_by_id_card_reader(kiosk: Any, live: LiveServer, http: httpx.Client) -> None:
    """Tapping the ID card on the check-in screen looks the appointment up at once."""
    booking = book(http)
    h = kiosk()
    h.ctl.open_checkin()
    h.reader.present_card(booking["id_number"], name="张三")
    h.wait_screen("appointment")
    assert booking["booking_code"] in h.texts()


def test_keyboard_wedge_reader_ignores_the_ime(kiosk: Any, live: LiveServer,
                                               http: httpx.Client) -> None:
    """A wedge reader 'types' the ID number + Enter fast; the kiosk reads it as a card."""
    booking = book(http)
    wedge = KeyboardWedge(max_gap=0.5)
    h = kiosk()
    wedge.start(h.window.device_read.emit)
    try:
        h.ctl.open_checkin()
        h.qtbot.keyClicks(h.window, booking["id_number"].lower())
        h.qtbot.keyClick(h.window, Qt.Key_Return)
        h.wait_screen("appointment")
        assert booking["booking_code"] in h.texts()
    finally:
        wedge.stop()


def test_unknown_id_number_says_so(kiosk: Any, live: LiveServer) -> None:
    """A valid ID without an appointment today: a clear Chinese message, back to check-in,
    or 直接取号 into the 取号 flow."""
    h = kiosk()
    h.ctl.open_checkin()
    h.type_keys(make_id_number("19700101", seq=777))
    h.click("查询预约")
    h.wait_screen("error")
    assert "未找到您今天的预约" in h.texts()
    h.click("返回")
    h.wait_screen("checkin")
    h.click("查询预约")
    h.wait_screen("error")
    h.click("直接取号")  # here anyway: a number without going back home
    h.wait_screen("categories")
    h.click("户籍")
    h.wait_screen("services")
