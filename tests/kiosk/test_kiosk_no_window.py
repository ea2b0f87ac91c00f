"""暂停受理 at the kiosk (issue 16 item 1): a service whose only window (9, 出入境) is closed.

The kiosk asks before issuing, the ticket screen, the slip and the query say 暂无窗口办理 in the
warning colour with no estimate and no window; a hall that refuses such numbers is explained.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from kiosk.state import Screen
from tests.kiosk.kiosk_kit import KioskHarness
from tests.kiosk.test_kiosk_screens import shoot
from tests.support.api import login
from tests.support.live import LiveServer

SERVICE = "出入境证件办理"  # prefix G, handled by window 9 only, which no kiosk test opens
POLICY = "/api/v1/halls/demo/manager-settings"


def _choose(h: KioskHarness) -> None:
    h.ctl.go_home()
    h.ctl.take_number()
    h.click("出入境")
    h.wait_screen("services")


def test_kiosk_asks_then_warns_and_never_names_a_closed_window(
        kiosk: Any, live: LiveServer, artifacts_dir: Path) -> None:
    out = artifacts_dir / "kiosk"
    out.mkdir(parents=True, exist_ok=True)
    h = kiosk()
    _choose(h)
    line = next(b for code, b in h.window.screens[Screen.SERVICES].buttons.items()
                if code.endswith("4000617001")).extra_label
    assert "暂停受理 · 暂无窗口办理" in line.text() and "分钟" not in line.text()
    assert line.objectName() == "itemWarn"  # the warning colour
    shoot(h, out, "landscape-normal-15-services-no-window")
    h.click(SERVICE)
    h.wait_screen("no_window")
    assert "该事项暂无窗口办理，仍要取号吗？" in h.texts()
    shoot(h, out, "landscape-normal-16-no-window-ask")
    h.click("返回")
    h.wait_screen("services")
    h.click(SERVICE)
    h.click("仍要取号")
    h.wait_screen("id_prompt")
    h.click("跳过")
    h.wait_screen("ticket")
    h.qtbot.waitUntil(lambda: h.ctl.state.print_state == "printed")
    screen = h.window.screens[Screen.TICKET]
    assert screen.wait.text() == "暂无窗口办理，窗口开放后按顺序叫号"
    assert screen.wait.objectName() == "itemWarn"
    assert not screen.window.isVisible()
    assert "号窗口" not in h.texts() and "预计等候" not in h.texts()
    shoot(h, out, "landscape-normal-17-ticket-no-window")
    slip = h.app.printer.journal[-1].decode("gb18030", errors="replace")
    assert "【暂停受理】暂无窗口办理" in slip
    assert "号窗口" not in slip and "预计等待" not in slip

    h.ctl.open_query()
    h.ctl.state.query_text = h.ctl.state.ticket["number"]
    h.ctl.query_submit()
    h.wait_screen("query_result")
    result = h.window.screens[Screen.QUERY_RESULT]
    assert result.wait.text() == "暂无窗口办理，窗口开放后按顺序叫号"
    assert result.wait.objectName() == "itemWarn"


def test_kiosk_explains_a_hall_that_refuses(kiosk: Any, live: LiveServer,
                                            artifacts_dir: Path) -> None:
    with httpx.Client(base_url=live.url, timeout=10) as http:
        manager = login(http, "manager")
        assert http.put(POLICY, json={"no_window_policy": "refuse"},
                        headers=manager).status_code == 200
        try:
            h = kiosk()
            _choose(h)
            h.click(SERVICE)
            h.click("仍要取号")
            h.click("跳过")
            h.wait_screen("error")
            assert h.window.screens[Screen.ERROR].title.text() == "暂停受理"
            assert "暂无窗口办理" in h.texts()
            shoot(h, out=artifacts_dir / "kiosk", name="landscape-normal-18-no-window-refused")
            h.click("返回")
            h.wait_screen("services")
        finally:
            http.put(POLICY, json={"no_window_policy": "ask"}, headers=manager)
