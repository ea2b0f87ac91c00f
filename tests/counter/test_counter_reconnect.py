"""A server restart (and a network drop) while the clerk is logged in: the indicator shows it,
the client reconnects with `since`, and work continues without logging in again."""

from __future__ import annotations

import httpx
from PyQt5.QtCore import Qt

from tests.counter.conftest import idle, press
from tests.support.api import HUKOU, issue
from tests.support.live import LiveServer


def test_server_restart_then_next_call_works(qtbot, counter, live: LiveServer,
                                             http: httpx.Client) -> None:
    app = counter("clerk4", 4)
    main, session = app.main, app.session
    levels: list[str] = []
    session.listen(lambda part: part == "connection" and levels.append(
        session.connection.level))
    first = issue(http, HUKOU)
    qtbot.waitUntil(lambda: len(session.queue) == 1)
    press(qtbot, app, Qt.Key_F1)
    assert main.number.text() == first["number"]
    assert main.connection.text() == "● 已连接"

    live.restart()  # SIGKILL and start again on the same data and port
    qtbot.waitUntil(lambda: "reconnecting" in levels, timeout=10000)
    qtbot.waitUntil(lambda: session.connection.level == "connected", timeout=20000)
    assert main.connection.text() == "● 已连接"
    assert levels[-1] == "connected" and main.message.text() == "已重新连接服务器"

    with httpx.Client(base_url=live.url, timeout=10) as fresh:
        second = issue(fresh, HUKOU)  # issued after the restart: arrives as a live event
    qtbot.waitUntil(lambda: [i["number"] for i in session.queue] == [second["number"]],
                    timeout=10000)
    assert main.number.text() == first["number"]  # still on the card, same token works
    press(qtbot, app, Qt.Key_F3)
    press(qtbot, app, Qt.Key_F4)
    assert main.status_badge.text() == "已办结"
    press(qtbot, app, Qt.Key_F1)  # the next call works
    assert main.number.text() == second["number"]

    # A network drop: events that happen while disconnected are replayed after `since`.
    seq_before = app.bridge.stream.last_seq
    app.bridge.stream.drop_connection()
    with httpx.Client(base_url=live.url, timeout=10) as fresh:
        third = issue(fresh, HUKOU)
    qtbot.waitUntil(lambda: session.connection.level == "connected"
                    and app.bridge.stream.last_seq > seq_before, timeout=10000)
    qtbot.waitUntil(lambda: [i["number"] for i in session.queue] == [third["number"]],
                    timeout=10000)
    idle(qtbot, app)
