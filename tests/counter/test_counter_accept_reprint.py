"""办件受理 after 办结 and 补打小票 from any counter, through the real widgets and server."""

from __future__ import annotations

from pathlib import Path

import httpx
from PyQt5.QtCore import Qt

from printers import PrinterConfig
from tests.counter.conftest import click, idle, press
from tests.support.api import ESTATE, HUKOU, KIOSK, issue, login

DEMO_PERSON = "110101198001010010"  # holds 居民户口簿 and 不动产权证书 in the 电子证照库
SHOTS = Path("/tmp/qc")


def shot(widget, name: str) -> None:
    """Keep a screenshot for a human to look at."""
    SHOTS.mkdir(exist_ok=True)
    assert widget.grab().save(str(SHOTS / name))


def test_accept_application_after_complete(qtbot, counter, http: httpx.Client) -> None:
    app = counter("clerk7", 7, accept_after_complete=True)
    main, session = app.main, app.session
    ticket = issue(http, ESTATE, id_number=DEMO_PERSON)
    qtbot.waitUntil(lambda: ticket["number"] in [i["number"] for i in session.queue])
    press(qtbot, app, Qt.Key_F1)
    qtbot.waitUntil(lambda: bool(session.materials))
    assert not main.buttons["accept"].isEnabled()  # called, not yet served
    for width, height in ((1366, 768), (1920, 1080)):
        main.resize(width, height)
        shot(main, f"counter_{width}_called.png")
    press(qtbot, app, Qt.Key_F3)
    qtbot.waitUntil(lambda: main.buttons["accept"].isEnabled())
    assert main.buttons["accept"].text() == "办件受理\nCtrl+Enter"
    main.resize(1366, 768)
    shot(main, "counter_1366_serving.png")
    main.resize(1920, 1080)
    shot(main, "counter_1920_serving.png")

    # the keyboard opens it while serving; licence-held papers are ticked and fixed
    main.activateWindow()
    qtbot.keyClick(main, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: main.accept_dialog is not None and main.accept_dialog.isVisible())
    dialog = main.accept_dialog
    qtbot.waitUntil(lambda: bool(dialog.boxes))
    licence = [i for i in dialog.items if i["from_licence"]]
    assert licence and all(not dialog.boxes[i["code"]].isEnabled()
                           and dialog.boxes[i["code"]].isChecked() for i in licence)
    assert "已从电子证照库调取" in dialog.boxes[licence[0]["code"]].text()
    row = next(r for r, m in enumerate(session.materials) if m.get("status") == "from_licence")
    assert main.materials_table.item(row, 2).text() == "已从电子证照库调取"
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible())

    # 办结 opens the dialog by itself for a service that takes a 办件
    press(qtbot, app, Qt.Key_F4)
    assert main.status_badge.text() == "已办结"
    qtbot.waitUntil(lambda: main.accept_dialog is not dialog
                    and main.accept_dialog is not None and main.accept_dialog.isVisible())
    dialog = main.accept_dialog
    qtbot.waitUntil(lambda: bool(dialog.boxes))
    dialog.mail.setChecked(True)
    for box in dialog.boxes.values():
        if box.isEnabled():
            box.setChecked(False)
    dialog.resize(600, dialog.sizeHint().height())
    shot(dialog, "counter_accept_dialog.png")
    dialog.submit()  # mail without an address: refused in the dialog, nothing sent
    assert dialog.error.text() == "邮寄送达须填写地址" and not session.accepted
    dialog.address.setPlainText("示范市人民路2号 张先生收")  # QTest types ASCII only
    dialog.submit()
    required = [i for i in dialog.items if i["required"] and not i["from_licence"]]
    if required:  # an unticked required paper is named before anything is sent
        assert dialog.error.text() == f"尚缺必需材料：{required[0]['name']}"
        for item in required:
            dialog.boxes[item["code"]].setChecked(True)
        assert dialog.error.text() == ""
    qtbot.keyClicks(dialog.phone, "13800001234")
    shot(dialog, "counter_accept_dialog_filled.png")
    qtbot.keyClick(dialog.address, Qt.Key_Return, Qt.ControlModifier)  # Ctrl+Enter sends
    qtbot.waitUntil(lambda: ticket["id"] in session.accepted, timeout=10000)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    accepted = session.accepted[ticket["id"]]
    assert accepted["receipt_no"] in main.service_name.text()
    assert accepted["receipt_no"] in main.message.text()
    assert not main.buttons["accept"].isEnabled()  # once per ticket
    clerk = login(http, "clerk7")
    stored = http.get(f"/api/v1/applications/{accepted['id']}", headers=clerk).json()
    assert stored["delivery"] == "mail" and stored["mail_address"] == "示范市人民路2号 张先生收"
    assert stored["ticket_id"] == ticket["id"] and stored["status"] == "in_review"
    assert {m["code"] for m in stored["materials"]} >= {i["code"] for i in licence}
    main.resize(1366, 768)
    shot(main, "counter_1366_accepted.png")


def test_reprint_any_citizens_slip_on_the_counter_printer(qtbot, counter, http: httpx.Client,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "slip.bin"
    app = counter("clerk8", 8, printer=PrinterConfig(kind="file", device=str(out)))
    main = app.main
    # a citizen of another service: the kiosk printer ran out of paper
    ticket = issue(http, HUKOU)
    main.activateWindow()
    qtbot.keyClick(main, Qt.Key_R, Qt.ControlModifier)
    qtbot.waitUntil(lambda: main.reprint_dialog is not None and main.reprint_dialog.isVisible())
    dialog = main.reprint_dialog
    assert dialog.number.text() == "" and dialog.print_button.isVisible()
    qtbot.keyClicks(dialog.number, "Z999")
    qtbot.mouseClick(dialog.find_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "未找到号码 Z999" in dialog.status.text(), timeout=10000)
    assert not dialog.print_button.isEnabled()
    dialog.number.clear()
    qtbot.keyClicks(dialog.number, ticket["number"].lower())
    qtbot.keyClick(dialog.number, Qt.Key_Return)
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=10000)
    assert dialog.preview.pixmap() is not None and dialog.preview.pixmap().width() == 576
    assert dialog.slip.tracking_url.endswith("/t/" + ticket["tracking_token"])
    qtbot.mouseClick(dialog.print_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "已补打" in dialog.status.text(), timeout=10000)
    data = out.read_bytes()
    assert data.startswith(b"\x1b@") and ticket["number"].encode() in data
    assert "补打小票".encode("gb18030") in data and b"\x1dV" in data  # and it is cut
    idle(qtbot, app)


def test_reprint_without_a_printer_shows_the_slip(qtbot, counter, http: httpx.Client) -> None:
    app = counter("clerk1", 1)
    main, session = app.main, app.session
    ticket = issue(http, HUKOU)
    qtbot.waitUntil(lambda: ticket["number"] in [i["number"] for i in session.queue])
    click(qtbot, app, "call")
    assert session.ticket is not None
    click(qtbot, app, "reprint")
    dialog = main.reprint_dialog
    assert dialog.number.text() == session.ticket["number"]  # the card's ticket by default
    assert not dialog.print_button.isVisible() and "未配置小票打印机" in dialog.note.text()
    qtbot.waitUntil(lambda: dialog.slip is not None and dialog.preview.pixmap() is not None
                    and not dialog.preview.pixmap().isNull(), timeout=10000)
    dialog.resize(560, 760)
    shot(dialog, "counter_reprint_preview.png")


def test_only_staff_get_the_id_of_a_number(http: httpx.Client) -> None:
    """The kiosk's 查询 stays queue facts only; staff of the hall also get the id to reprint."""
    ticket = issue(http, HUKOU)
    url = f"/api/v1/halls/demo/tickets/by-number/{ticket['number']}"
    as_kiosk = http.get(url, headers=KIOSK).json()
    assert "id" not in as_kiosk and "tracking_token" not in as_kiosk
    as_clerk = http.get(url, headers=login(http, "clerk1")).json()
    assert as_clerk["id"] == ticket["id"] and "tracking_token" not in as_clerk


def test_accept_with_a_pickup_slot(qtbot, counter, http: httpx.Client) -> None:
    app = counter("clerk7", 7)
    main, session = app.main, app.session
    ticket = issue(http, ESTATE, id_number=DEMO_PERSON)
    qtbot.waitUntil(lambda: ticket["number"] in [i["number"] for i in session.queue])
    press(qtbot, app, Qt.Key_F1)
    qtbot.waitUntil(lambda: session.ticket is not None and session.ticket["id"] == ticket["id"])
    press(qtbot, app, Qt.Key_F3)
    qtbot.waitUntil(lambda: main.buttons["accept"].isEnabled())
    main.activateWindow()
    qtbot.keyClick(main, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: main.accept_dialog is not None and main.accept_dialog.isVisible())
    dialog = main.accept_dialog
    # the free slots come from the server: 暂不预约 first, then each slot with its places left
    qtbot.waitUntil(lambda: bool(dialog.boxes) and dialog.slot.count() > 1)
    assert dialog.slot.itemText(0).startswith("暂不预约")
    assert "余" in dialog.slot.itemText(1)
    dialog.slot.setCurrentIndex(2)
    chosen = dialog.slot.currentData()
    for item in dialog.items:
        if item["required"]:
            dialog.boxes[item["code"]].setChecked(True)
    dialog.mail.setChecked(True)
    assert not dialog.slot.isEnabled() and "pickup_slot_start" not in dialog.body()
    dialog.pickup.setChecked(True)
    dialog.resize(600, dialog.sizeHint().height())
    shot(dialog, "counter_accept_dialog_slot.png")
    dialog.submit()
    qtbot.waitUntil(lambda: ticket["id"] in session.accepted, timeout=10000)
    accepted = session.accepted[ticket["id"]]
    stored = http.get(f"/api/v1/applications/{accepted['id']}",
                      headers=login(http, "clerk7")).json()
    assert stored["delivery"] == "pickup"
    assert stored["pickup_slot"]["start"] == chosen
