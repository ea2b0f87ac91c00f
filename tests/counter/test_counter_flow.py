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
    assert enabled == {"recall", "start", "no_show", "pause"}
    qtbot.waitUntil(lambda: [i["number"] for i in session.queue] == [second["number"]])

    press(qtbot, app, Qt.Key_F3)  # 开始办理
    assert main.status_badge.text() == "办理中"
    assert main.fields["serving_timer"].text().endswith("/ 标准 25 分钟")
    assert main.fields["serving_timer"].property("level") == "ok"
    assert {a for a, b in main.buttons.items() if b.isEnabled()} == \
        {"complete", "transfer", "hang", "pause"}

    press(qtbot, app, Qt.Key_F4)  # 办结
    assert main.status_badge.text() == "已办结"
    assert main.rating_box.isVisible() and session.rating["requested"] is True
    assert first["tracking_token"] in session.rating["url"]
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
    app = counter("clerk3", 8, open_window=False)
    # clerk8 holds window 8 from the previous test only if it did not close; use window 9.
    from tests.counter.conftest import choose_window
    choose_window(qtbot, app, 9)
    click(qtbot, app, "open")
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
