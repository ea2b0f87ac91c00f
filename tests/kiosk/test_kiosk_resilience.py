"""Printer failures and server outages: the ticket is never lost and never doubled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.printing import TicketPrinter
from printers import PrinterConfig, PrinterCoverOpen, render_ticket_bytes
from tests.kiosk.kiosk_kit import button_text, issue_direct, waiting
from tests.kiosk.test_kiosk_screens import shoot
from tests.printers.printer_testkit import LoopbackPrinter, refused_port
from tests.support.api import ESTATE, FUND, HUKOU, IDCARD, SOCIAL
from tests.support.live import LiveServer
from tests.support.online import make_id_number
from tests.support.proxy import FaultProxy

# DLE EOT replies: online, "stopped by paper end", "paper end" (fixed bits 0x12 set)
PAPER_OUT = {1: b"\x16", 2: b"\x32", 4: b"\x72"}


def take(h: Any, category: str, service: str) -> None:
    """Walk the UI to a ticket without an ID number."""
    h.open_id_prompt(category, service)
    h.click("跳过")


def assert_photo_screen(h: Any, reason: str) -> None:
    """The ticket stays on screen with its QR and the photo message."""
    h.wait_screen("ticket")
    h.qtbot.waitUntil(lambda: h.ctl.state.print_state == "failed", timeout=15000)
    texts = h.texts()
    assert h.ctl.state.ticket["number"] in texts
    assert "请拍照留存" in texts and reason in texts
    qr = h.window.current.qr.pixmap()
    assert qr is not None and not qr.isNull() and qr.width() >= 200


def test_printer_out_of_paper_keeps_the_ticket(kiosk: Any, live: LiveServer) -> None:
    """A real loopback ESC/POS printer that reports paper end: photo message, one ticket."""
    before = waiting(live.url, SOCIAL)
    with LoopbackPrinter(replies=PAPER_OUT) as lp:
        config = PrinterConfig(kind="network", host="127.0.0.1", port=lp.port, timeout=3)
        h = kiosk(printer=TicketPrinter(config))
        take(h, "社保", "社会保障卡申领")
        assert_photo_screen(h, "缺纸")
        assert lp.queries[:1] == [1]  # it asked the printer before printing
        assert lp.ticket_bytes == b""  # and sent no ticket to a printer without paper
    assert waiting(live.url, SOCIAL) == before + 1


@pytest.mark.parametrize(("make", "reason"), [
    (lambda: TicketPrinter(PrinterConfig(kind="network", host="127.0.0.1",
                                         port=refused_port(), timeout=2)), "打印机离线"),
    (lambda: TicketPrinter(PrinterConfig(kind="dummy"),
                           send=lambda slip, cfg: (_ for _ in ()).throw(
                               PrinterCoverOpen("cover open"))), "打印机盖未关"),
    (lambda: TicketPrinter(PrinterConfig(kind="dummy"),
                           send=lambda slip, cfg: 1 / 0), "打印机故障"),
], ids=["offline", "cover-open", "driver-bug"])
def test_printer_transport_that_raises(kiosk: Any, live: LiveServer, make: Any,
                                       reason: str) -> None:
    """Whatever the printer transport raises, the number is valid and shown to photograph."""
    before = waiting(live.url, FUND)
    h = kiosk(printer=make())
    take(h, "公积金", "住房公积金提取")
    assert_photo_screen(h, reason)
    assert waiting(live.url, FUND) == before + 1


def test_lost_answer_is_retried_with_the_same_key(kiosk: Any, live: LiveServer) -> None:
    """The server issues the ticket but the answer is lost: the retry gets the same ticket."""
    proxy = FaultProxy(live.port)
    try:
        before = waiting(live.url, IDCARD)
        h = kiosk(server=proxy.url)
        proxy.lose_next_answer(b"POST /api/v1/halls/demo/tickets")
        take(h, "户籍", "居民身份证换领")
        h.wait_screen("ticket", timeout=20000)
        assert proxy.lost == 1
        number = h.ctl.state.ticket["number"]
        assert h.ctl.state.ticket["replayed"] is True
        assert waiting(live.url, IDCARD) == before + 1
        # the next number is the very next one: no hidden second ticket in between
        nxt = issue_direct(live.url, IDCARD)["number"]
        assert int(nxt[1:]) == int(number[1:]) + 1
    finally:
        proxy.close()


def test_gateway_503_is_retried(kiosk: Any, live: LiveServer) -> None:
    """A 503 from a proxy in front of the server is retried like no answer at all."""
    proxy = FaultProxy(live.port)
    try:
        before = waiting(live.url, SOCIAL)
        h = kiosk(server=proxy.url)
        body = '{"error":{"code":"unavailable","message":"网关暂时不可用"}}'.encode()
        proxy.answer_next_with(b"POST /api/v1/halls/demo/tickets",
                               b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
                               b"application/json\r\nConnection: close\r\nContent-Length: "
                               + str(len(body)).encode() + b"\r\n\r\n" + body)
        take(h, "社保", "社会保障卡申领")
        h.wait_screen("ticket", timeout=20000)
        assert proxy.refused == 1 and h.ctl.state.retry_attempt >= 1
        assert waiting(live.url, SOCIAL) == before + 1
    finally:
        proxy.close()


def test_server_down_mid_flow_then_back(kiosk: Any, live: LiveServer) -> None:
    """Stopped server: clear message and automatic retries; restarted: exactly one ticket."""
    before = waiting(live.url, ESTATE)
    h = kiosk()
    keys: list[str] = []

    def record(request: httpx.Request) -> None:  # runs before every attempt, even refused ones
        if request.method == "POST" and request.url.path.endswith("/tickets"):
            keys.append(request.headers["Idempotency-Key"])

    h.app.api._http.event_hooks["request"].append(record)
    h.open_id_prompt("不动产登记", "不动产转移登记")
    live.stop()
    try:
        h.click("跳过")
        h.wait_screen("retry")
        assert "暂时无法连接服务器" in h.texts() and "不会重复取号" in h.texts()
        key = h.ctl.intent.key
        h.qtbot.waitUntil(lambda: h.ctl.state.retry_attempt >= 3, timeout=20000)
        assert h.ctl.intent is not None and h.ctl.intent.key == key
        # the UI keeps working while it retries: the language switch still answers
        h.click("English")
        assert "Cannot reach the server" in h.texts()
        h.click("中文")
    finally:
        live.start(timeout=90)
    h.wait_screen("ticket", timeout=30000)
    assert h.ctl.state.ticket["service_code"] == ESTATE
    assert len(keys) >= 4 and set(keys) == {key}  # every attempt carried the same key
    assert waiting(live.url, ESTATE) == before + 1
    nxt = issue_direct(live.url, ESTATE)["number"]
    assert int(nxt[1:]) == int(h.ctl.state.ticket["number"][1:]) + 1
    # the live connection comes back by itself
    h.qtbot.waitUntil(lambda: h.ctl.state.connection == "connected", timeout=15000)


def test_give_up_while_server_down(kiosk: Any, live: LiveServer) -> None:
    """The citizen may cancel a retrying request; no ticket appears later."""
    before = waiting(live.url, HUKOU)
    h = kiosk()
    h.ctl.take_number()
    h.click("户籍")
    h.click("户口迁移登记")
    h.take_anyway_if_asked()
    live.stop()
    try:
        h.click("跳过")
        h.wait_screen("retry")
        h.click("取消")
        h.wait_screen("home")
        assert h.ctl.intent is None
    finally:
        live.start(timeout=90)
    h.qtbot.wait(1000)  # several retry periods: a dropped intent must not come back
    assert h.screen == "home"
    assert waiting(live.url, HUKOU) == before


def test_out_of_service_names_the_hall_and_recovers(kiosk: Any, live: LiveServer,
                                                    tmp_path: Path, artifacts_dir: Path) -> None:
    """Server gone: home becomes 本机暂停服务 with the hall's name, even on a kiosk booted
    while it is down (name from the cache, never the code); back: tiles and 取号 again."""
    cache = str(tmp_path / "kiosk.json")
    running = kiosk(cache_file=cache)
    running.qtbot.waitUntil(lambda: (tmp_path / "kiosk.json").exists(), timeout=5000)
    live.stop()
    try:
        running.qtbot.waitUntil(lambda: running.window.out_of_service.isVisible(), timeout=15000)
        h = kiosk(wait_loaded=False, cache_file=cache)
        h.qtbot.waitUntil(lambda: h.window.out_of_service.isVisible(), timeout=10000)
        for k in (running, h):
            texts = k.texts()
            assert "本机暂停服务" in texts and "示范政务服务大厅" in texts
            assert "demo" not in texts and not [b for b in k.buttons() if "取号" in button_text(b)]
        for name, size in (("portrait", (1080, 1920)), ("landscape", (1920, 1080))):
            h.window.setFixedSize(*size)
            shoot(h, artifacts_dir / "kiosk", f"out-of-service-{name}")
        h.reader.present_card(make_id_number("19491231"))  # nothing to look up without a server
        assert h.screen == "home" and h.ctl.intent is None
    finally:
        live.start(timeout=90)
    for k in (running, h):
        k.qtbot.waitUntil(lambda k=k: not k.window.out_of_service.isVisible(), timeout=20000)
    h.qtbot.waitUntil(lambda: h.ctl.state.services_loaded, timeout=20000)
    h.click("取号")
    h.wait_screen("categories")
    assert "请选择办事类别" in h.texts()


def test_reprint_after_the_printer_is_fixed(kiosk: Any, live: LiveServer) -> None:
    """Cover open, then closed: 重新打印 prints the same number; still one ticket."""
    sent: list[bytes] = []
    cover_open = [True]

    def send(slip: Any, cfg: PrinterConfig) -> None:
        if cover_open[0]:
            raise PrinterCoverOpen("cover open")
        sent.append(render_ticket_bytes(slip, cfg))

    before = waiting(live.url, HUKOU)
    h = kiosk(printer=TicketPrinter(PrinterConfig(kind="dummy"), send=send))
    take(h, "户籍", "户口迁移登记")
    assert_photo_screen(h, "打印机盖未关")
    cover_open[0] = False
    h.click("重新打印")
    h.qtbot.waitUntil(lambda: h.ctl.state.print_state == "printed")
    assert "重新打印" not in " ".join(b.text() for b in h.buttons())
    number = h.ctl.state.ticket["number"]
    assert len(sent) == 1 and number in sent[0].decode("gb18030", errors="replace")
    assert waiting(live.url, HUKOU) == before + 1
