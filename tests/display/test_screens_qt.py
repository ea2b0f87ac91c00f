"""Qt screens at 1920×1080 and 1080×1920 from a real server's board: screenshots and checks
that the digits are huge, Chinese renders in Noto Sans CJK SC and no text is cut off."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PyQt5.QtGui import QFontInfo
from PyQt5.QtWidgets import QLabel, QWidget

from display.app import DisplayController
from display.controller import DisplayModel, ServiceView
from display.strings import Strings
from display.ui.common import MUTED, WARN, ElidedLabel, line_height
from display.ui.hall import QUEUE_MIN_PX, HallScreen, ServiceRow
from display.ui.window_screen import WindowScreen
from hallclient import HallApi
from tests.display.conftest import DISPLAY_TOKEN, HallDriver
from tests.support.api import FUND, SOCIAL
from tests.support.live import LiveServer, demo_server

MOMENT = datetime(2026, 12, 1, 9, 41, 27)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[LiveServer]:
    """One server for all screenshots of this module (the flash test runs last)."""
    with demo_server(tmp_path_factory.mktemp("screens") / "live", sqlite_template) as server:
        yield server


@pytest.fixture(scope="module")
def busy_hall(live: LiveServer) -> Iterator[HallDriver]:
    """1 serving, 2 called then recalled, 3 called, 4 paused, 5 open and idle."""
    hall = HallDriver(live.url)
    hall.open(1, 2, 3)
    hall.issue(6)
    hall.issue(4, SOCIAL)
    hall.issue(4, FUND)
    hall.call(1)
    hall.action(1, hall.current[1]["id"], "start")
    hall.call(2)
    hall.call(3)
    hall.call(3)
    hall.open(4, 5)
    hall.call(4)
    hall.set_state(4, "pause")
    hall.recall(2)
    yield hall
    hall.close()


def _show(qtbot: Any, live: LiveServer, screen: QWidget) -> DisplayController:
    qtbot.addWidget(screen)
    ctl = DisplayController(HallApi(live.url, DISPLAY_TOKEN), "demo", DISPLAY_TOKEN, screen, None)
    ctl.start()
    qtbot.waitUntil(lambda: ctl.bridge is not None and ctl.bridge.stream.state == "connected",
                    timeout=15000)
    ctl.clock.stop()
    screen.set_time(MOMENT)
    screen.show()
    qtbot.waitExposed(screen)
    return ctl


def _clipped(screen: QWidget) -> list[str]:
    """Plain labels whose text is wider or taller than the label (elided ones are allowed)."""
    bad = []
    for lab in screen.findChildren(QLabel):
        if not lab.isVisible() or not lab.text() or isinstance(lab, ElidedLabel):
            continue
        wide, high = lab.fontMetrics().horizontalAdvance(lab.text()), line_height(lab.font())
        if wide > lab.width() + 1 or high > lab.height() + 2:
            bad.append(f"{lab.text()!r} {wide}x{high} in {lab.width()}x{lab.height()}")
    return bad


def _save(screen: QWidget, path: Path, size: tuple[int, int]) -> None:
    image = screen.grab()
    assert (image.width(), image.height()) == size, "the layout must not outgrow the screen"
    assert image.save(str(path))


@pytest.mark.parametrize("portrait", [False, True], ids=["1920x1080", "1080x1920"])
def test_hall_screen(qtbot: Any, live: LiveServer, busy_hall: HallDriver,
                     display_artifacts: Path, portrait: bool) -> None:
    size = (1080, 1920) if portrait else (1920, 1080)
    screen = HallScreen(Strings("zh"), portrait=portrait)
    ctl = _show(qtbot, live, screen)
    try:
        board = busy_hall.board()
        newest = board["recent_calls"][0]
        assert newest["type"] == "ticket.recalled" and newest["window_number"] == 2
        assert screen.newest_number.text() == newest["number"]
        assert screen.newest_title.text() == "最新叫号 · 重呼"
        assert screen.newest_number.font().pixelSize() >= 200  # readable from 10 m
        # The demo's eleven windows (ten plus 出件) take three rows of cards in portrait.
        assert screen.window_cards[1].number.font().pixelSize() >= (56 if portrait else 70)
        assert screen.window_cards[1].state.text() == "办理中"
        assert screen.window_cards[2].state.text() == "请到窗口"
        assert screen.window_cards[4].state.text() == "暂停服务"
        assert screen.window_cards[5].number.text() == "—"
        assert screen.window_cards[9].state.text() == "已关闭"
        assert QFontInfo(screen.newest_title.font()).family() == "Noto Sans CJK SC"  # real bold
        hukou = next(s for s in board["services"] if s["prefix"] == "A")
        row = screen.service_rows[0]
        assert row.name.text().endswith(hukou["name"])
        assert row.waiting.text() == f"{hukou['waiting']} 人"
        assert screen.header.clock.text() == "09:41:27"
        assert screen.header.date.text() == "2026年12月1日  星期二"
        assert screen.marquee.text.startswith("请按叫号顺序")
        assert _clipped(screen) == []
        name = f"qt-hall-{'portrait' if portrait else 'landscape'}.png"
        _save(screen, display_artifacts / name, size)
    finally:
        ctl.stop()


@pytest.mark.parametrize(("window", "portrait", "expect"), [
    (1, False, "办理中"), (1, True, "办理中"), (4, False, "暂停服务"), (9, True, "已关闭")],
    ids=["serving-1920x1080", "serving-1080x1920", "paused-1920x1080", "closed-1080x1920"])
def test_window_screen(qtbot: Any, live: LiveServer, busy_hall: HallDriver,
                       display_artifacts: Path, window: int, portrait: bool,
                       expect: str) -> None:
    size = (1080, 1920) if portrait else (1920, 1080)
    screen = WindowScreen(Strings("zh"), window, portrait=portrait)
    ctl = _show(qtbot, live, screen)
    try:
        board = busy_hall.board()
        w = next(x for x in board["windows"] if x["number"] == window)
        assert screen.title.text() == f"{window}号窗口"
        assert screen.name.text() == w["name"]
        if expect == "办理中":
            assert screen.number.text() == w["current_ticket"]["number"]
            assert screen.state.text() == "办理中"
            assert screen.number.font().pixelSize() >= 280
            assert screen.clerk.text() == "王芳" and screen.photo.initial == "王"
        else:
            assert screen.number.text() == expect
        assert _clipped(screen) == []
        _save(screen, display_artifacts / f"qt-window{window}-"
              f"{'portrait' if portrait else 'landscape'}.png", size)
    finally:
        ctl.stop()


def test_hall_screen_in_english(qtbot: Any, live: LiveServer, busy_hall: HallDriver,
                                display_artifacts: Path) -> None:
    screen = HallScreen(Strings("en"))
    ctl = _show(qtbot, live, screen)
    try:
        assert screen.newest_title.text() == "Now calling · Recall"
        assert screen.window_cards[1].title.text() == "Window 1"
        assert screen.window_cards[1].state.text() == "Serving"
        assert _clipped(screen) == []
        _save(screen, display_artifacts / "qt-hall-landscape-en.png", (1920, 1080))
    finally:
        ctl.stop()


def test_newest_call_flashes_when_a_new_call_arrives(qtbot: Any, live: LiveServer,
                                                    busy_hall: HallDriver) -> None:
    screen = HallScreen(Strings("zh"))
    ctl = _show(qtbot, live, screen)
    try:
        assert not screen.flashing
        number = busy_hall.call(3)["number"]
        qtbot.waitUntil(lambda: screen.newest_number.text() == number, timeout=15000)
        assert screen.flashing
        assert screen.newest_window.text() == "到 3 号窗口"
    finally:
        ctl.stop()


def test_big_hall_with_sixteen_windows_still_fits(qtbot: Any, display_artifacts: Path) -> None:
    model = DisplayModel()
    model.apply_snapshot({
        "seq": 1, "hall": {"code": "big", "name": "市民中心综合服务大厅"}, "notice": "",
        "windows": [{"id": n, "number": n, "name": f"综合窗口{n}", "state": "open",
                     "current_ticket": {"number": f"A{n:03d}", "status": "serving",
                                        "ticket_id": n}} for n in range(1, 17)],
        "recent_calls": [], "services": []})
    screen = HallScreen(Strings("zh"))
    qtbot.addWidget(screen)
    screen.render_model(model)
    screen.set_time(MOMENT)
    screen.show()
    qtbot.waitExposed(screen)
    assert sorted(screen.window_cards) == list(range(1, 17))
    assert screen.window_cards[16].number.text() == "A016"
    assert _clipped(screen) == []
    _save(screen, display_artifacts / "qt-hall-16-windows.png", (1920, 1080))


def test_wrong_token_is_explained_on_screen(qtbot: Any, live: LiveServer) -> None:
    screen = HallScreen(Strings("zh"))
    qtbot.addWidget(screen)
    ctl = DisplayController(HallApi(live.url, "not-a-token"), "demo", "not-a-token", screen,
                            None)
    ctl.start()
    try:
        qtbot.waitUntil(lambda: screen.header.status.text().startswith("无法连接"),
                        timeout=15000)
        assert ctl.bridge is None
    finally:
        ctl.stop()


@pytest.fixture(scope="module")
def big_hall(tmp_path_factory: pytest.TempPathFactory,
             sqlite_template: Path) -> Iterator[tuple[LiveServer, HallDriver]]:
    """A demo server whose hall grows to 14, then 25 service items (windows 1–3 calling)."""
    with demo_server(tmp_path_factory.mktemp("big") / "live", sqlite_template) as server:
        hall = HallDriver(server.url)
        hall.open(1, 2, 3)
        hall.issue(6)
        hall.issue(3, SOCIAL)
        for w in (1, 2, 3, 1):
            hall.call(w)
        yield server, hall
        hall.close()


@pytest.mark.parametrize("total", [14, 25])
def test_big_hall_pages_through_every_service_and_never_hides_the_calls(
        qtbot: Any, big_hall: tuple[LiveServer, HallDriver], display_artifacts: Path,
        total: int) -> None:
    server, hall = big_hall
    codes = hall.grow_catalog(total)
    pages = 2 if total == 14 else 3  # ten a page: 2 × 5 landscape, 1 × 10 portrait
    for lang, portrait in (("zh", False), ("en", False), ("zh", True)):
        s = Strings(lang)
        screen = HallScreen(s, portrait=portrait, page_seconds=7)
        ctl = _show(qtbot, server, screen)
        try:
            screen.page_timer.stop()  # turned by hand below: no race with the real timer
            assert screen.page_timer.interval() == 7000
            board = hall.board()
            by_code = {svc["code"]: svc for svc in board["services"]}
            newest = board["recent_calls"][0]["number"]
            recent = [row.number.text() for row in screen.recent_rows]
            call_area = (screen.newest.geometry(), screen.recent.geometry())
            seen = []
            for page in range(pages):
                assert screen.page_label.isVisible()
                assert screen.page_label.text() == s("page", page=page + 1, total=pages)
                for row in screen.service_rows:
                    if row.code:
                        svc = by_code[row.code]
                        assert row.name.text().endswith(svc["name"])
                        assert row.waiting.text() == s("people", n=svc["waiting"])
                        assert row.name.font().pixelSize() >= 28
                        assert row.name.fitted()[0].pixelSize() >= QUEUE_MIN_PX
                        if len(svc["name"]) <= 9:  # long names may end in …, these must not
                            assert row.name.fitted()[1] == row.name.text(), svc["name"]
                # The calls stay put and whole on every page.
                assert screen.newest_number.text() == newest
                assert [row.number.text() for row in screen.recent_rows] == recent
                assert (screen.newest.geometry(), screen.recent.geometry()) == call_area
                assert _clipped(screen) == []
                orient = "portrait" if portrait else "landscape"
                _save(screen, display_artifacts / f"qt-hall-{total}-services-{orient}-{lang}-"
                      f"p{page + 1}.png", (1080, 1920) if portrait else (1920, 1080))
                seen.append(screen.shown_services())
                screen.page_timer.timeout.emit()
            # One full rotation showed every service exactly once, in catalog order, and
            # came back to the first page; pages are balanced (no lonely last row).
            assert [c for page in seen for c in page] == codes
            assert max(map(len, seen)) - min(map(len, seen)) <= 1
            assert screen.pager.page == 0 and screen.shown_services() == seen[0]
            if lang == "zh" and not portrait:
                # A new call re-renders the screen but keeps the page being read.
                screen.page_timer.timeout.emit()
                number = hall.call(2)["number"]
                qtbot.waitUntil(lambda n=number, sc=screen: sc.newest_number.text() == n,
                                timeout=15000)
                assert screen.pager.page == 1 and screen.shown_services() == seen[1]
        finally:
            ctl.stop()


def test_small_hall_has_one_page_and_no_indicator(qtbot: Any, live: LiveServer,
                                                  busy_hall: HallDriver) -> None:
    screen = HallScreen(Strings("zh"))
    ctl = _show(qtbot, live, screen)
    try:
        codes = [svc["code"] for svc in busy_hall.board()["services"]]
        assert len(codes) == 10 and screen.shown_services() == codes
        assert not screen.page_label.isVisible()
        screen.page_timer.timeout.emit()
        assert screen.shown_services() == codes
    finally:
        ctl.stop()


@pytest.mark.parametrize(("lang", "waiting", "eta", "shown"), [
    ("zh", 0, None, "无需等候"),
    ("zh", 3, None, "—"),  # nobody open for it: no promise, and certainly not "no wait"
    ("zh", 2, 0, "即将叫号"),
    ("zh", 5, 12, "约 12 分钟"),
    ("en", 3, None, "—"),
    ("en", 2, 0, "soon"),
])
def test_queue_row_never_says_no_wait_while_people_wait(
        qtbot: Any, lang: str, waiting: int, eta: int | None, shown: str) -> None:
    row = ServiceRow(Strings(lang), 1.0)
    qtbot.addWidget(row)
    row.show_service(ServiceView("S1", "社保", "B", waiting=waiting, eta_minutes=eta))
    assert row.eta.text() == shown


ENTERPRISE = "11110000MB0567890B4000517001"  # 企业设立登记: window 8 only, closed in busy_hall


def test_services_nobody_serves_say_so_until_a_window_opens(
        qtbot: Any, live: LiveServer, busy_hall: HallDriver, display_artifacts: Path) -> None:
    screen = HallScreen(Strings("zh"))
    ctl = _show(qtbot, live, screen)
    try:
        rows = {row.code: row for row in screen.service_rows if row.code}
        board = {s["code"]: s for s in busy_hall.board()["services"]}
        assert board[ENTERPRISE]["accepting"] is False
        row = rows[ENTERPRISE]
        assert row.eta.text() == "暂停受理" and WARN in row.eta.styleSheet()  # no estimate
        served = rows[FUND]
        assert served.eta.text().startswith("约 ") and MUTED in served.eta.styleSheet()
        _save(screen, display_artifacts / "qt-hall-no-window.png", (1920, 1080))
        busy_hall.open(8)  # window.opened: the screen re-reads the queues, no ticket moved
        qtbot.waitUntil(lambda: row.eta.text() == "无需等候", timeout=15000)
        assert MUTED in row.eta.styleSheet()
    finally:
        ctl.stop()
