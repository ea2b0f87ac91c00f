"""取号, live counts, query, idle, maintenance and language against a real server."""

from __future__ import annotations

from typing import Any

import httpx
from PyQt5.QtCore import Qt

from kiosk import idnumber
from tests.kiosk.kiosk_kit import KIOSK_TOKEN, button_text, issue_direct, waiting
from tests.support.api import FUND, HUKOU, IDCARD, MEDICAL, SOCIAL
from tests.support.live import LiveServer

ELDER_17 = "11010519500314002"  # born 1950-03-14: well over 60
YOUNG_17 = "11010520000101003"


def test_take_number_prints_escpos_with_the_number(kiosk: Any, live: LiveServer) -> None:
    """Category → service → skip ID → the ticket on screen and in GB18030 ESC/POS bytes."""
    before = waiting(live.url, SOCIAL)
    h = kiosk()
    h.click("取号")
    h.wait_screen("categories")
    h.click("社保")
    h.wait_screen("services")
    h.click("社会保障卡申领")
    h.take_anyway_if_asked()
    h.click("跳过")
    h.wait_screen("ticket")
    h.qtbot.waitUntil(lambda: h.ctl.state.print_state == "printed")
    ticket = h.ctl.state.ticket
    number = ticket["number"]
    assert number.startswith("B")
    assert number in h.texts()
    assert "请取走号票" in h.texts()
    data = h.app.printer.journal[-1]
    assert data.startswith(b"\x1b@")
    text = data.decode("gb18030", errors="replace")
    assert number in text
    assert "社会保障卡申领" in text and "示范政务服务大厅" in text
    assert h.ctl.state.ticket_link.encode() in data  # the QR payload is in the stream
    assert waiting(live.url, SOCIAL) == before + 1
    link = h.ctl.state.ticket_link
    assert link == f"{live.url}/t/{ticket['tracking_token']}"
    assert httpx.get(link, timeout=5).status_code == 200  # the portal's tracking page
    tracked = httpx.get(f"{live.url}/api/v1/track/{ticket['tracking_token']}", timeout=5).json()
    assert tracked["number"] == number and tracked["status"] == "waiting"


def test_elder_id_typed_on_keypad_gets_green_channel(kiosk: Any, live: LiveServer) -> None:
    """The keypad validates as typed; an ID of someone over 60 makes the ticket 绿色通道."""
    h = kiosk()
    h.open_id_prompt("户籍", "户口迁移登记")
    confirm = next(b for b in h.buttons() if "确认取号" in b.text())
    h.type_keys("110105199")
    assert "还差 9 位" in h.texts() and not confirm.isEnabled()
    wrong = "0" if idnumber.check_digit(ELDER_17) != "0" else "1"
    h.ctl.id_clear()
    h.type_keys(ELDER_17 + wrong)
    assert "校验码不对" in h.texts() and not confirm.isEnabled()
    h.click("删除")
    h.type_keys(idnumber.check_digit(ELDER_17))
    assert "格式正确" in h.texts() and confirm.isEnabled()
    h.click("确认取号")
    h.wait_screen("ticket")
    assert h.ctl.state.ticket["priority_class"] == "green"
    assert "绿色通道" in h.texts()
    h.qtbot.waitUntil(lambda: h.ctl.state.print_state == "printed")
    assert "绿色通道" in h.app.printer.journal[-1].decode("gb18030", errors="replace")
    # the full ID number is never shown back on the ticket screen
    assert ELDER_17 not in h.texts()


def test_young_id_from_card_reader_is_a_normal_ticket(kiosk: Any, live: LiveServer) -> None:
    """A card tap on the ID prompt issues at once; under 60 there is no badge."""
    h = kiosk()
    h.open_id_prompt("户籍", "居民身份证换领")
    h.reader.present_card(idnumber.make_id_number(YOUNG_17), name="李四")
    h.wait_screen("ticket")
    assert h.ctl.state.ticket["priority_class"] == "normal"
    assert h.ctl.state.ticket["service_code"] == IDCARD
    assert "绿色通道" not in h.texts()


def test_waiting_counts_follow_live_events(kiosk: Any, live: LiveServer) -> None:
    """Another kiosk's ticket shows up in the waiting count via the websocket."""
    h = kiosk()
    h.qtbot.waitUntil(lambda: h.ctl.state.connection == "connected", timeout=10000)
    h.ctl.take_number()
    h.click("公积金")
    h.wait_screen("services")
    n = waiting(live.url, FUND)
    screen = h.window.screens[h.ctl.state.screen]
    assert f"等候 {n} 人" in screen.buttons[FUND].extra_label.text()
    issue_direct(live.url, FUND)
    issue_direct(live.url, FUND)
    h.qtbot.waitUntil(
        lambda: f"等候 {n + 2} 人" in h.window.current.buttons[FUND].extra_label.text(),
        timeout=10000)


def test_query_by_typed_number_and_by_scanned_slip(kiosk: Any, live: LiveServer) -> None:
    """查询: the number typed on the keypad, or the slip's QR, shows status and people ahead."""
    h = kiosk()
    first = issue_direct(live.url, MEDICAL)  # someone ahead
    h.ctl.take_number()
    h.click("医保")
    h.click("医保异地就医备案")
    h.take_anyway_if_asked()
    h.click("跳过")
    h.wait_screen("ticket")
    number, link = h.ctl.state.ticket["number"], h.ctl.state.ticket_link
    h.click("完成")
    h.wait_screen("home")
    h.click("查询")
    h.wait_screen("query")
    h.type_keys(number)
    h.click("查询")  # the title also says 查询; the button is the one that is clickable
    h.wait_screen("query_result")
    assert number in h.texts()
    assert "前面还有 1 人" in h.texts()
    # a number taken elsewhere in the hall is found too (tests/kiosk/test_kiosk_query.py)
    h.ctl.open_query()
    h.type_keys(first["number"])
    h.ctl.query_submit()
    h.qtbot.waitUntil(lambda: (h.ctl.state.query_result or {}).get("number") == first["number"])
    assert "前面还有 0 人" in h.texts()
    h.reader.scan(link)
    h.wait_screen("query_result")
    assert number in h.texts()
    h.ctl.go_home()
    h.reader.scan(link)  # a slip scanned on the home screen is a query, not a booking
    h.wait_screen("query_result")
    assert number in h.texts()


def test_idle_timeout_goes_home(kiosk: Any, live: LiveServer) -> None:
    """Left on a flow screen, the kiosk returns to home by itself."""
    h = kiosk(idle_timeout=0.5)
    h.ctl.take_number()
    h.click("户籍")
    h.wait_screen("services")
    h.wait_screen("home", timeout=5000)


def test_hidden_maintenance_screen(kiosk: Any, live: LiveServer) -> None:
    """5 taps on the corner → PIN → status, masked token, server URL, test print."""
    h = kiosk()
    for _ in range(4):
        h.qtbot.mouseClick(h.window.corner, Qt.LeftButton)
    assert h.screen == "home"
    h.qtbot.mouseClick(h.window.corner, Qt.LeftButton)
    h.wait_screen("pin")
    h.type_keys("1111")
    h.click("确定")
    assert "密码错误" in h.texts() and h.screen == "pin"
    h.type_keys("2468")
    h.click("确定")
    h.wait_screen("maintenance")
    h.qtbot.waitUntil(lambda: h.ctl.state.printer_status_key not in (None, "checking"))
    texts = h.texts()
    assert live.url in texts
    assert "demo****" in texts and KIOSK_TOKEN not in texts
    assert "实时连接" in texts and "打印机：dummy" in texts
    printed = len(h.app.printer.journal)
    h.click("打印测试页")
    h.qtbot.waitUntil(lambda: h.ctl.state.maint_message_key == "maint_test_ok")
    assert len(h.app.printer.journal) == printed + 1
    assert b"TEST" in h.app.printer.journal[-1]
    h.click("退出维护")
    h.wait_screen("home")


def test_language_and_large_text_switch(kiosk: Any, live: LiveServer) -> None:
    """English switch relabels everything; 大字版 makes the buttons taller."""
    h = kiosk()
    tile = h.window.screens[h.ctl.state.screen].tiles["take"]
    h.click("English")
    assert "Take a number" in h.texts() and "取号" not in tile.title_label.text()
    h.click("中文")
    assert "取号" in h.texts()
    h.ctl.take_number()
    h.click("户籍")
    normal = h.window.current.buttons[HUKOU].height()
    h.click("大字版")
    h.qtbot.wait(50)
    assert h.window.current.buttons[HUKOU].height() > normal
    assert any("标准版" in button_text(b) for b in h.buttons())
