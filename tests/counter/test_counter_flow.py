"""The clerk's day through the real widgets against a real server: call, start, complete,
recall limit, no-show, suspend and call back, transfer, and two windows never sharing a ticket."""

from __future__ import annotations

from pathlib import Path

import httpx
from PyQt5.QtCore import Qt

from tests.counter.conftest import click, idle, press
from tests.support.api import KIOSK, SOCIAL, issue, login

ESTATE = "11110000MB0456789A4000417001"   # E, window 7 only
COMPANY = "11110000MB0567890B4000517001"  # F, window 8 only
EXIT = "11110000MB0678901C4000617001"     # G, window 9 only
HUKOU = "11110000MB0123456X4000117001"    # A, windows 1, 2, 4


def test_call_start_complete_with_shortcuts(qtbot, counter, http: httpx.Client,
                                            artifacts_dir: Path) -> None:
    app = counter("clerk7", 7)
    main, session = app.main, app.session
    assert not main.buttons["start"].isEnabled() and main.buttons["call"].isEnabled()
    first = issue(http, ESTATE, id_number="11010519491231002X")  # born 1949: green channel
    second = issue(http, ESTATE)
    qtbot.waitUntil(lambda: [i["number"] for i in session.queue] == [first["number"],
                                                                       second["number"]])
    assert main.queue_table.item(0, 4).text() == "绿色通道"
    assert main.queue_table.item(1, 4).text() == "按等待先后"

    press(qtbot, app, Qt.Key_F1)  # 叫号
    assert main.number.text() == first["number"]
    assert main.status_badge.text() == "已叫号"
    assert main.fields["priority"].text().endswith("绿色通道")
    assert main.fields["call_reason"].text() == "绿色通道（老年人/特殊群体）优先"
    assert main.fields["id_number"].text() == "110105********002X"
    assert main.fields["call_count"].text() == "1 / 3"
    assert main.fields["source"].text() == "现场取号"
    enabled = {a for a, b in main.buttons.items() if b.isEnabled()}
    assert enabled == {"recall", "start", "no_show", "pause", "reprint"}
    qtbot.waitUntil(lambda: [i["number"] for i in session.queue] == [second["number"]])

    press(qtbot, app, Qt.Key_F3)  # 开始办理
    assert main.status_badge.text() == "办理中"
    assert main.fields["serving_timer"].text().endswith("/ 标准 25 分钟")
    assert main.fields["serving_timer"].property("level") == "ok"
    # the service takes a 办件 (it has materials): 受理 is offered once the checklist is in
    qtbot.waitUntil(lambda: bool(session.materials))
    assert {a for a, b in main.buttons.items() if b.isEnabled()} == \
        {"complete", "transfer", "hang", "pause", "reprint", "accept"}

    press(qtbot, app, Qt.Key_F4)  # 办结
    assert main.status_badge.text() == "已办结"
    assert main.rating_box.isVisible() and session.rating["requested"] is True
    assert session.rating["url"] == f"{app.api.base_url}/t/{first['tracking_token']}"
    qtbot.waitUntil(lambda: main.stats["served"].text() == "1")
    clerk = login(http, "clerk7")
    server_view = http.get(f"/api/v1/tickets/{first['id']}", headers=clerk).json()
    assert server_view["status"] == "done" and server_view["window"]["number"] == 7
    # The rating request is an event the hall's screens can show.
    events = http.get(f"/api/v1/track/{first['tracking_token']}").json()
    assert events["status"] == "done"
    (artifacts_dir / "counter").mkdir(exist_ok=True)
    main.grab().save(str(artifacts_dir / "counter" / "after_complete.png"))

    # Suspend (F7) and call back (F8) the next one, then finish it.
    press(qtbot, app, Qt.Key_F1)
    assert main.number.text() == second["number"]
    press(qtbot, app, Qt.Key_F3)
    press(qtbot, app, Qt.Key_F7)
    assert main.status_badge.text() == "已挂起"
    qtbot.waitUntil(lambda: main.suspended_table.rowCount() == 1)
    assert main.suspended_table.item(0, 0).text() == second["number"]
    assert main.buttons["resume"].isEnabled() and main.buttons["call"].isEnabled()
    press(qtbot, app, Qt.Key_F8)
    assert main.status_badge.text() == "办理中" and main.number.text() == second["number"]
    qtbot.waitUntil(lambda: main.suspended_table.rowCount() == 0)
    click(qtbot, app, "complete")
    qtbot.waitUntil(lambda: main.stats["served"].text() == "2")

    # Nobody left: 叫号 says so.
    press(qtbot, app, Qt.Key_F1)
    assert main.message.text() == "当前没有等候的号码"


def test_recall_limit_and_no_show(qtbot, counter, http: httpx.Client) -> None:
    app = counter("clerk8", 8)
    main = app.main
    t = issue(http, COMPANY)
    qtbot.waitUntil(lambda: len(app.session.queue) == 1)
    press(qtbot, app, Qt.Key_F1)
    assert main.number.text() == t["number"]
    press(qtbot, app, Qt.Key_F2)
    assert main.fields["call_count"].text() == "2 / 3"
    assert main.buttons["recall"].isEnabled()
    press(qtbot, app, Qt.Key_F2)
    assert main.fields["call_count"].text() == "3 / 3"
    assert not main.buttons["recall"].isEnabled()
    assert "已呼叫 3 次（上限）" in main.message.text()
    press(qtbot, app, Qt.Key_F2)  # disabled: nothing is sent
    assert main.fields["call_count"].text() == "3 / 3"
    press(qtbot, app, Qt.Key_F5)  # 过号
    assert main.status_badge.text() == "已过号"
    qtbot.waitUntil(lambda: main.stats["no_shows"].text() == "1")
    clerk = login(http, "clerk8")
    assert http.get(f"/api/v1/tickets/{t['id']}", headers=clerk).json()["status"] == "no_show"


def test_double_click_sends_one_call(qtbot, counter, http: httpx.Client) -> None:
    app = counter("clerk3", 9)
    a, b = issue(http, EXIT), issue(http, EXIT)
    qtbot.waitUntil(lambda: len(app.session.queue) == 2)
    button = app.main.buttons["call"]
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.mouseClick(button, Qt.LeftButton)  # second click while the first is in flight
    qtbot.keyClick(app.main, Qt.Key_F1)
    idle(qtbot, app)
    assert app.main.number.text() == a["number"]
    qtbot.waitUntil(lambda: [i["number"] for i in app.session.queue] == [b["number"]])
    click(qtbot, app, "no_show")


def test_transfer_dialog_to_service_keeps_number(qtbot, counter, http: httpx.Client,
                                                 artifacts_dir: Path) -> None:
    app = counter("clerk6", 9)
    main = app.main
    t = issue(http, EXIT)
    qtbot.waitUntil(lambda: any(i["number"] == t["number"] for i in app.session.queue))
    while main.number.text() != t["number"]:  # earlier tests may have left EXIT tickets
        press(qtbot, app, Qt.Key_F1)
        if main.number.text() != t["number"]:
            click(qtbot, app, "no_show")
    press(qtbot, app, Qt.Key_F3)
    press(qtbot, app, Qt.Key_F6)  # 转移 opens the dialog
    dialog = main.transfer_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok.isEnabled() and dialog.error.text() == "请选择转移目标"
    index = next(i for i in range(dialog.services.count()) if dialog.services.itemData(i) == EXIT)
    dialog.services.setCurrentIndex(index)
    assert dialog.error.text() == "目标事项与当前事项相同"
    index = next(i for i in range(dialog.services.count())
                 if dialog.services.itemData(i) == SOCIAL)
    dialog.services.setCurrentIndex(index)
    assert dialog.error.text() == "请填写转移原因" and not dialog.ok.isEnabled()
    dialog.reason.insert("需同时办理社保卡")  # QTest cannot type CJK; an IME commits like this
    assert dialog.ok.isEnabled() and dialog.error.text() == ""
    (artifacts_dir / "counter").mkdir(exist_ok=True)
    dialog.grab().save(str(artifacts_dir / "counter" / "transfer_dialog.png"))
    qtbot.mouseClick(dialog.ok, Qt.LeftButton)
    idle(qtbot, app)
    assert not dialog.isVisible()
    assert main.number.text() == t["number"] and main.status_badge.text() == "等待中"
    assert "已转移" in main.message.text() and "社会保障卡申领" in main.message.text()
    qtbot.waitUntil(lambda: main.stats["transfers"].text() == "1")

    # Window 5 (社保医保) calls it under the same number.
    clerk5 = login(http, "clerk5")
    w5 = next(w["id"] for w in http.get("/api/v1/windows", params={"hall": "demo"},
                                        headers=clerk5).json() if w["number"] == 5)
    assert http.post(f"/api/v1/windows/{w5}/open", headers=clerk5).status_code == 200
    called = http.post(f"/api/v1/windows/{w5}/call-next", headers=clerk5).json()
    assert called["id"] == t["id"] and called["number"] == t["number"]
    assert called["original_service_code"] == EXIT and called["service_code"] == SOCIAL
    http.post(f"/api/v1/tickets/{t['id']}/no-show", headers=clerk5)
    http.post(f"/api/v1/windows/{w5}/close", headers=clerk5)


def test_two_windows_never_get_the_same_ticket(qtbot, counter, http: httpx.Client) -> None:
    one, two = counter("clerk1", 1), counter("clerk2", 2)
    issued = {issue(http, HUKOU, headers=KIOSK)["number"] for _ in range(6)}
    qtbot.waitUntil(lambda: len(one.session.queue) >= 6 and len(two.session.queue) >= 6)
    seen: list[str] = []
    for _ in range(3):
        # Both clerks press 叫号 before either answer arrives.
        qtbot.mouseClick(one.main.buttons["call"], Qt.LeftButton)
        qtbot.mouseClick(two.main.buttons["call"], Qt.LeftButton)
        idle(qtbot, one)
        idle(qtbot, two)
        a, b = one.main.number.text(), two.main.number.text()
        assert a != b and a in issued and b in issued
        seen += [a, b]
        click(qtbot, one, "start")
        click(qtbot, two, "start")
        click(qtbot, one, "complete")
        click(qtbot, two, "complete")
    assert len(set(seen)) == 6 and set(seen) == issued
    qtbot.waitUntil(lambda: one.main.stats["served"].text() == "3"
                    and two.main.stats["served"].text() == "3")
    # Each saw the other's calls in the hall log.
    qtbot.waitUntil(lambda: one.main.log_list.count() >= 3 and two.main.log_list.count() >= 3)
    assert any("→ 2号窗口" in one.main.log_list.item(i).text()
               for i in range(one.main.log_list.count()))


def test_pause_resume_window_and_configured_shortcut(qtbot, counter, http: httpx.Client) -> None:
    app = counter("clerk8", 8, shortcuts={"call": "F12", "pause": "Ctrl+P"})
    main = app.main
    assert main.buttons["call"].text() == "叫号\nF12"
    assert main.buttons["pause"].text() == "暂停\nCtrl+P"
    t = issue(http, COMPANY)
    qtbot.waitUntil(lambda: any(i["number"] == t["number"] for i in app.session.queue))
    press(qtbot, app, Qt.Key_F1)  # no longer bound to 叫号
    assert main.number.text() == "—"
    main.activateWindow()
    qtbot.keyClick(main, Qt.Key_P, Qt.ControlModifier)  # 暂停
    idle(qtbot, app)
    assert main.window_state.text() == "已暂停"
    assert not main.buttons["call"].isEnabled() and main.buttons["open"].isEnabled()
    press(qtbot, app, Qt.Key_F12)  # disabled while paused: nothing happens
    assert main.number.text() == "—"
    press(qtbot, app, Qt.Key_F10)  # 开放窗口 again
    assert main.window_state.text() == "已开放"
    press(qtbot, app, Qt.Key_F12)
    assert main.number.text() == t["number"]
    click(qtbot, app, "no_show")


def test_last_window_is_remembered_and_locked_while_open(qtbot, counter) -> None:
    first = counter("clerk3", 10)
    assert not first.main.window_combo.isEnabled()  # holding an open window
    assert first.session.select_window(first.session.windows[0]["id"]) is False
    click(qtbot, first, "close")
    assert first.main.window_combo.isEnabled()
    assert first.config.path is not None and '"window_id"' in first.config.path.read_text()
    first.shutdown()
    again = counter("clerk3")  # same config file: window 10 is preselected
    assert again.session.window["number"] == 10
    assert again.main.window_combo.currentText().startswith("10号 税务窗口")
    assert again.main.buttons["open"].isEnabled() and not again.main.buttons["call"].isEnabled()
