"""The PyQt5 rating pad offscreen against a real server: idle clerk card, the prompt after the
clerk's 办结, reasons for a bad level, thanks, back to idle; a good level is sent at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QWidget

from hallclient import HallApi
from ratepad.app import PadController
from ratepad.controller import IDLE, PROMPT, REASONS, THANKS
from ratepad.strings import Strings
from ratepad.ui.screen import PadScreen
from tests.counter.conftest import press
from tests.ratepad.conftest import Clerk
from tests.support.api import SOCIAL, issue
from tests.support.live import LiveServer

WAIT = 15000


@pytest.fixture
def pads(qtbot: Any, live: LiveServer) -> Iterator[Callable[[str], tuple[PadScreen,
                                                                        PadController]]]:
    """Factory: a connected pad screen for a device token (wired like `python -m ratepad`)."""
    made: list[PadController] = []

    def make(token: str) -> tuple[PadScreen, PadController]:
        screen = PadScreen(Strings("zh"))
        qtbot.addWidget(screen)
        ctl = PadController(HallApi(live.url, token), token, screen, thanks_ms=300,
                            max_backoff=0.5)
        made.append(ctl)
        screen.chose.connect(ctl.choose)
        screen.toggled.connect(ctl.toggle)
        screen.back_clicked.connect(ctl.back)
        screen.submit_clicked.connect(ctl.submit)
        screen.show()
        ctl.start()
        qtbot.waitUntil(lambda: ctl.bridge is not None and
                        ctl.bridge.stream.state == "connected", timeout=WAIT)
        return screen, ctl

    yield make
    for ctl in made:
        ctl.stop()


def _shot(widget: QWidget, path: Path) -> None:
    assert widget.grab().save(str(path))


def test_pad_prompt_reasons_thanks_idle(qtbot: Any, live: LiveServer, pads: Any,
                                        pad_artifacts: Path) -> None:
    screen, ctl = pads("demo-ratepad-token")
    assert screen.size().width() == 1280 and screen.size().height() == 800
    assert ctl.model.clerk is None and screen.idle_name.text() == "本窗口暂无工作人员"
    clerk = Clerk(live.url, 1)
    # Opening the window is a window event: the pad re-reads its clerk.
    qtbot.waitUntil(lambda: screen.idle_name.text() == "王芳", timeout=WAIT)
    assert screen.idle_staff_no.text() == "工号：clerk1"
    _shot(screen, pad_artifacts / "qt-idle.png")

    ticket = clerk.finish_one()
    qtbot.waitUntil(lambda: ctl.model.screen == PROMPT, timeout=WAIT)
    assert screen.prompt_ticket.text() == f"您的号码 {ticket['number']}"
    assert screen.prompt_clerk.name.text() == "王芳"
    assert [b.text.text() for b in screen.level_buttons.values()] == [
        "非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    _shot(screen, pad_artifacts / "qt-prompt.png")

    qtbot.mouseClick(screen.level_buttons[2], Qt.LeftButton)
    assert ctl.model.screen == REASONS and not screen.submit_button.isEnabled()
    qtbot.mouseClick(screen.chips["attitude"], Qt.LeftButton)
    qtbot.mouseClick(screen.chips["unclear"], Qt.LeftButton)
    assert screen.chips["attitude"].isChecked() and screen.submit_button.isEnabled()
    _shot(screen, pad_artifacts / "qt-reasons.png")

    qtbot.mouseClick(screen.submit_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: ctl.model.screen == THANKS, timeout=WAIT)
    assert screen.thanks_level.text() == "您的评价：不满意"
    _shot(screen, pad_artifacts / "qt-thanks.png")
    qtbot.waitUntil(lambda: ctl.model.screen == IDLE, timeout=WAIT)  # after thanks_ms

    case = clerk.case_of(ticket["id"])
    assert case is not None and case["channel"] == "pad" and case["window_number"] == 1
    assert case["rated_staff"]["name"] == "王芳"
    assert case["comment"] == "服务态度不好、一次性告知不清"

    # A good level goes straight to thanks; rating the same ticket again is refused (409).
    second = clerk.finish_one()
    qtbot.waitUntil(lambda: ctl.model.screen == PROMPT, timeout=WAIT)
    qtbot.mouseClick(screen.level_buttons[5], Qt.LeftButton)
    qtbot.waitUntil(lambda: ctl.model.screen == THANKS, timeout=WAIT)
    assert screen.thanks_note.text() == "祝您生活愉快"
    assert clerk.case_of(second["id"]) is None
    r = clerk.http.post("/api/v1/ratepad/ratings", json={"ticket_id": second["id"], "rating": 4},
                        headers={"Authorization": "Bearer demo-ratepad-token"})
    assert r.status_code == 409


def test_counter_complete_prompts_the_pad_and_shows_the_result(
        qtbot: Any, live: LiveServer, pads: Any, counter: Any, pad_artifacts: Path) -> None:
    screen, ctl = pads("demo-ratepad-token-3")
    app = counter("clerk3", 3)
    with httpx.Client(base_url=live.url, timeout=15) as http:
        ticket = issue(http, SOCIAL)
    qtbot.waitUntil(lambda: [i["number"] for i in app.session.queue] == [ticket["number"]],
                    timeout=WAIT)
    for key in (Qt.Key_F1, Qt.Key_F3, Qt.Key_F4):  # 叫号, 开始办理, 办结
        press(qtbot, app, key)
    qtbot.waitUntil(lambda: ctl.model.screen == PROMPT, timeout=WAIT)
    assert screen.prompt_ticket.text() == f"您的号码 {ticket['number']}"
    assert screen.prompt_clerk.staff_no.text() == "工号：clerk3"
    main = app.main
    assert main.rating_status.text() == "评价器已提示群众评价…"

    qtbot.mouseClick(screen.level_buttons[3], Qt.LeftButton)  # 基本满意: no reasons asked
    qtbot.waitUntil(lambda: ctl.model.screen == THANKS, timeout=WAIT)
    qtbot.waitUntil(lambda: main.rating_status.text() == "已评价：基本满意", timeout=WAIT)
    assert main.rating_box.isVisible()
    _shot(main, pad_artifacts / "counter-rated.png")
