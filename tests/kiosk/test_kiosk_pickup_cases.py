"""取件 and 办件 progress at the kiosk against a real server of their own (the 出件 queue and
window 7's applications stay predictable): ID card or typed number, the 出件 number printed
as ESC/POS bytes, timelines, and every new screen in both orientations and text sizes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.demo import DEMO_LICENCE_ID
from tests.kiosk.kiosk_kit import KioskHarness, accept_application, make_config
from tests.kiosk.test_kiosk_screens import shoot
from tests.support.live import LiveServer, demo_server
from tests.support.online import make_id_number

NOBODY = make_id_number("19750505", seq=321)  # no application anywhere


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path,
           ) -> Iterator[LiveServer]:
    """A demo server where the licence person has one result ready and one in 补正."""
    with demo_server(tmp_path_factory.mktemp("kiosk-pickup"), sqlite_template) as srv:
        srv.apps = [accept_application(srv.url, DEMO_LICENCE_ID, ready=True),  # type: ignore[attr-defined]
                    accept_application(srv.url, DEMO_LICENCE_ID, correction="缴税凭证不清晰")]
        yield srv


@pytest.fixture
def make(qtbot: Any, server: LiveServer) -> Iterator[Any]:
    """Factory: a kiosk on the module's server."""
    made: list[KioskHarness] = []

    def build(**changes: Any) -> KioskHarness:
        h = KioskHarness(qtbot, make_config(server.url, **changes))
        made.append(h)
        return h

    yield build
    for h in made:
        h.stop()


def test_pickup_by_id_card_prints_a_pickup_number(make: Any, server: LiveServer) -> None:
    """取件 → card → a Q number in the 出件 queue naming the result; a second tap reprints
    the same number; the slip's ESC/POS bytes say what it collects."""
    ready = server.apps[0]  # type: ignore[attr-defined]
    h = make()
    h.click("取件")
    h.wait_screen("pickup")
    assert "身份证请放在感应区" in h.texts()
    h.reader.present_card(DEMO_LICENCE_ID)
    h.wait_screen("pickup_result")
    h.qtbot.waitUntil(lambda: h.ctl.state.print_state == "printed")
    ticket = h.ctl.state.ticket
    assert ticket["number"].startswith("Q") and ticket["service_code"] == "PICKUP"
    texts = h.texts()
    assert ticket["number"] in texts and ready["receipt_no"] in texts
    assert "可领取（1 件）" in texts and "不动产" in texts
    assert DEMO_LICENCE_ID not in texts
    slip = h.app.printer.journal[-1]
    assert slip.startswith(b"\x1b@") and b"\x1dV" in slip  # ESC @ … GS V: a whole cut slip
    printed = slip.decode("gb18030", errors="replace")
    assert ticket["number"] in printed and ready["receipt_no"] in printed
    assert "取件" in printed and "出件窗口" in printed
    # the same card again: the number still queued, not a second one
    h.ctl.go_home()
    h.ctl.open_pickup()
    h.reader.present_card(DEMO_LICENCE_ID)
    h.wait_screen("pickup_result")
    assert h.ctl.state.ticket["number"] == ticket["number"]


def test_pickup_by_typed_id_and_nothing_ready(make: Any) -> None:
    """Typed ID without a result: said on the same screen, the field cleared; with one: a
    number."""
    h = make()
    h.ctl.open_pickup()
    h.type_keys(NOBODY)
    h.click("取件排号")
    h.qtbot.waitUntil(lambda: h.ctl.state.pickup_message_key == "pickup_none")
    assert h.screen == "pickup" and "没有待领取的办理结果" in h.texts()
    assert h.ctl.state.id_text == ""
    h.type_keys(DEMO_LICENCE_ID)
    h.click("取件排号")
    h.wait_screen("pickup_result")
    assert h.ctl.state.ticket["number"].startswith("Q")


def test_cases_by_card_on_query_show_state_and_timeline(make: Any, server: LiveServer) -> None:
    """查询 + ID card → each 办件 with its state, what to do, and its timeline."""
    ready, corr = server.apps  # type: ignore[attr-defined]
    h = make()
    h.click("查询")
    h.wait_screen("query")
    h.reader.present_card(DEMO_LICENCE_ID)
    h.wait_screen("cases_result")
    texts = h.texts()
    assert ready["receipt_no"] in texts and corr["receipt_no"] in texts
    assert "待取件" in texts and "待补正" in texts
    assert "需补正：缴税凭证不清晰" in texts and "请在首页点「取件」" in texts
    assert texts.count("已受理") >= 2  # the first step of both timelines
    assert "承诺办结" in texts
    assert DEMO_LICENCE_ID not in texts


def test_cases_by_typed_id(make: Any, server: LiveServer) -> None:
    """查办件进度 → keypad → list; an ID with nothing → a message where it was typed."""
    h = make(lang="en")
    h.ctl.open_query()
    h.click("Application progress")
    h.wait_screen("cases")
    h.type_keys(NOBODY)
    h.click("Find my applications")
    h.qtbot.waitUntil(lambda: h.ctl.state.cases_message_key == "cases_none")
    assert "No applications of yours" in h.texts()
    h.type_keys(DEMO_LICENCE_ID)
    h.click("Find my applications")
    h.wait_screen("cases_result")
    assert "ready for pickup" in h.texts() and "corrections needed" in h.texts()


COMBOS = [(p, lg) for p in (True, False) for lg in (False, True)]


@pytest.mark.parametrize(("portrait", "large"), COMBOS,
                         ids=[f"{'portrait' if p else 'landscape'}-{'large' if lg else 'normal'}"
                              for p, lg in COMBOS])
def test_new_screens_fit(make: Any, server: LiveServer, artifacts_dir: Path, portrait: bool,
                         large: bool) -> None:
    """Home with its 大字版 tile, 取件, the 出件 number and 办件 timelines fit both screens."""
    out = artifacts_dir / "kiosk"
    out.mkdir(parents=True, exist_ok=True)
    tag = f"{'portrait' if portrait else 'landscape'}-{'large' if large else 'normal'}"
    h = make(portrait=portrait, large=large)
    shoot(h, out, f"{tag}-20-home")
    h.ctl.open_pickup()
    h.type_keys(DEMO_LICENCE_ID[:10])
    shoot(h, out, f"{tag}-21-pickup")
    h.type_keys(DEMO_LICENCE_ID[10:])
    h.click("取件排号")
    h.wait_screen("pickup_result")
    h.qtbot.waitUntil(lambda: h.ctl.state.print_state == "printed")
    shoot(h, out, f"{tag}-22-pickup-result")
    h.ctl.go_home()
    h.ctl.open_query()
    shoot(h, out, f"{tag}-23-query")
    h.ctl.open_cases()
    h.type_keys(DEMO_LICENCE_ID)
    shoot(h, out, f"{tag}-24-cases")
    h.ctl.find_cases()
    h.wait_screen("cases_result")
    shoot(h, out, f"{tag}-25-cases-timeline")

