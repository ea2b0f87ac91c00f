"""The browser wall display in Chromium (Playwright) against a real server: access rules,
screenshots in both orientations, and resume with `since` after a real network drop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.display.conftest import DISPLAY_TOKEN, HallDriver
from tests.support.api import FUND, SOCIAL
from tests.support.live import LiveServer, demo_server
from tests.support.proxy import FaultProxy

LANDSCAPE = {"width": 1920, "height": 1080}
MOMENT = datetime(2026, 12, 1, 9, 41, 27, tzinfo=ZoneInfo("Asia/Shanghai"))
PORTRAIT = {"width": 1080, "height": 1920}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory,
           sqlite_template: Path) -> Iterator[tuple[LiveServer, HallDriver]]:
    """One server with a busy hall for the read-only tests of this module."""
    with demo_server(tmp_path_factory.mktemp("browser") / "live", sqlite_template) as server:
        hall = HallDriver(server.url)
        hall.open(1, 2, 3, 4)
        hall.issue(6)
        hall.issue(4, SOCIAL)
        hall.issue(4, FUND)
        hall.call(1)
        hall.action(1, hall.current[1]["id"], "start")
        hall.call(3)
        hall.call(3)
        hall.call(4)
        hall.set_state(4, "pause")
        hall.call(2)
        yield server, hall
        hall.close()


def _page(browser: Browser, viewport: dict[str, int]) -> Page:
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.set_default_timeout(15000)
    return page


def _open(page: Page, base: str, query: str, seq: int) -> None:
    page.goto(f"{base}/display/demo?token={DISPLAY_TOKEN}&{query}")
    page.wait_for_function(
        "s => window.tongbanDisplay && window.tongbanDisplay.connection === 'connected'"
        " && window.tongbanDisplay.model.seq === s", arg=seq)
    page.evaluate("document.fonts.ready")


def _overflow(page: Page) -> list[str]:
    """Elements whose content spills out of them (text cut off), and page scrolling."""
    return page.evaluate("""() => {
      const bad = [];
      if (document.documentElement.scrollHeight > innerHeight + 1) bad.push('page height');
      if (document.documentElement.scrollWidth > innerWidth + 1) bad.push('page width');
      const sel = '.card > *, #newest > *, .call-row > *, .qrow > span:not(.sname),'
        + ' #w-number, #w-title, #w-name, #w-clerk, #w-state, #clock, #date, .top, main';
      for (const el of document.querySelectorAll(sel)) {
        if (!el.offsetParent && el.tagName !== 'MAIN') continue;
        if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 2)
          bad.push(`${el.id || el.className}: ${el.textContent.slice(0, 20)}`
            + ` ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}`);
      }
      return bad;
    }""")


WARN_RGB = "rgb(255, 183, 77)"  # --warn


def _eta_color(page: Page, code: str) -> str:
    return page.eval_on_selector(f".qrow[data-code='{code}'] .seta",
                                 "e => getComputedStyle(e).color")


def test_page_checks_token_role_and_hall(shared: tuple[LiveServer, HallDriver]) -> None:
    server, _ = shared
    http = httpx.Client(base_url=server.url, timeout=10)
    assert http.get("/display/demo").status_code == 401
    r = http.get("/display/demo", params={"token": "demo-kiosk-token"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_role"
    assert http.get("/display/nowhere", params={"token": DISPLAY_TOKEN}).status_code == 404
    r = http.get("/display/demo", params={"token": DISPLAY_TOKEN, "mode": "window"})
    assert r.status_code == 422 and "error" in r.json()
    assert http.get("/display/demo", params={"token": DISPLAY_TOKEN, "mode": "x"}).status_code \
        == 422
    ok = http.get("/display/demo", params={"token": DISPLAY_TOKEN, "mode": "window",
                                           "window": 3})
    assert ok.status_code == 200 and "text/html" in ok.headers["content-type"]
    assert http.get("/display/_assets/app.js").status_code == 200
    assert http.get("/display/_assets/..%2Frouter.py").status_code == 404
    assert http.get("/display/_assets/nothing.js").status_code == 404


@pytest.mark.parametrize("viewport", [LANDSCAPE, PORTRAIT], ids=["1920x1080", "1080x1920"])
def test_hall_page(browser: Browser, shared: tuple[LiveServer, HallDriver], viewport: dict,
                   display_artifacts: Path) -> None:
    server, hall = shared
    board = hall.board()
    page = _page(browser, viewport)
    _open(page, server.url, "mode=hall", board["seq"])
    newest = board["recent_calls"][0]
    assert page.text_content("#newest-number") == newest["number"]
    assert page.text_content("#newest-window") == f"到 {newest['window_number']} 号窗口"
    assert page.text_content("#newest-title") == "最新叫号"
    big = page.eval_on_selector("#newest-number", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert big >= 200
    cards = page.eval_on_selector_all(
        ".card", "cs => cs.map(c => [c.dataset.window, c.querySelector('.wticket').textContent,"
                 " c.querySelector('.wstate').textContent])")
    by_number = {int(n): (t, st) for n, t, st in cards}
    for w in board["windows"]:
        expected = (w["current_ticket"] or {}).get("number") or "—"
        assert by_number[w["number"]][0] == (expected if w["state"] != "closed" else "—")
    assert by_number[1][1] == "办理中" and by_number[4][1] == "暂停服务"
    assert by_number[2][1] == "请到窗口" and by_number[10][1] == "已关闭"
    assert page.locator(".qrow:not(.qhead)").count() == len(board["services"])
    etas = dict(page.eval_on_selector_all(
        ".qrow:not(.qhead)", "rs => rs.map(r => [r.dataset.code, r.children[2].textContent])"))
    for svc in board["services"]:
        m = svc["estimated_wait_minutes"]
        want = ("暂停受理" if svc["accepting"] is False else "无需等候" if not svc["waiting"]
                else "—" if m is None else "即将叫号" if m < 1 else f"约 {m} 分钟")
        assert etas[svc["code"]] == want, svc
    unserved = [s["code"] for s in board["services"] if s["accepting"] is False]
    assert len(unserved) >= 3  # 不动产, 营业执照, 出入境: windows 7–9 are closed
    for code in unserved:
        assert _eta_color(page, code) == WARN_RGB
    family = page.eval_on_selector("body", "e => getComputedStyle(e).fontFamily")
    assert family.startswith('"WenQuanYi Micro Hei"')
    assert page.evaluate("document.fonts.check('40px \"WenQuanYi Micro Hei\"', '示范')")
    assert page.text_content("#notice").startswith("请按叫号顺序")
    name = "landscape" if viewport is LANDSCAPE else "portrait"
    page.screenshot(path=str(display_artifacts / f"browser-hall-{name}.png"))
    assert _overflow(page) == []
    page.context.close()


@pytest.mark.parametrize(("viewport", "window", "expect"), [
    (LANDSCAPE, 1, "办理中"), (PORTRAIT, 1, "办理中"), (LANDSCAPE, 4, "暂停服务"),
    (PORTRAIT, 9, "已关闭")], ids=["serving-1920x1080", "serving-1080x1920",
                                  "paused-1920x1080", "closed-1080x1920"])
def test_window_page(browser: Browser, shared: tuple[LiveServer, HallDriver], viewport: dict,
                     window: int, expect: str, display_artifacts: Path) -> None:
    server, hall = shared
    board = hall.board()
    w = next(x for x in board["windows"] if x["number"] == window)
    page = _page(browser, viewport)
    _open(page, server.url, f"mode=window&window={window}", board["seq"])
    assert page.text_content("#w-title") == f"{window}号窗口"
    assert page.text_content("#w-name") == w["name"]
    if expect == "办理中":
        assert page.text_content("#w-number") == w["current_ticket"]["number"]
        assert page.text_content("#w-state") == "办理中"
        assert page.text_content("#w-clerk") == "王芳"
        size = page.eval_on_selector("#w-number", "e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 280
    else:
        assert page.text_content("#w-number") == expect
    name = "landscape" if viewport is LANDSCAPE else "portrait"
    page.screenshot(path=str(display_artifacts / f"browser-window{window}-{name}.png"))
    assert _overflow(page) == []
    page.context.close()


def test_page_resumes_with_since_after_a_drop_and_announces_each_call_once(
        browser: Browser, live: LiveServer, hall: HallDriver) -> None:
    proxy = FaultProxy(live.port)
    try:
        start = hall.board()["seq"]
        page = _page(browser, LANDSCAPE)
        _open(page, proxy.url, "mode=hall&voice=off", start)
        for w in (1, 2, 3):
            hall.call(w)
        page.wait_for_function("s => window.tongbanDisplay.model.seq === s",
                               arg=hall.board()["seq"])
        proxy.cut()
        # A function, not an expression: Playwright polls expressions with eval, which the
        # page's CSP (rightly) refuses.
        page.wait_for_function("() => window.tongbanDisplay.connection !== 'connected'")
        for w in (1, 2, 3, 1):
            hall.call(w)
        hall.recall(1)
        proxy.restore()
        hall.call(2)
        board = hall.board()
        page.wait_for_function("s => window.tongbanDisplay.model.seq === s", arg=board["seq"])
        state: dict[str, Any] = page.evaluate(
            "({announced: tongbanDisplay.announced, since: tongbanDisplay.lastSince,"
            "  connects: tongbanDisplay.connects})")
        truth = [(e["seq"], e["data"]["number"], e["data"]["window_number"],
                  e["type"] == "ticket.recalled") for e in hall.call_events(start)]
        assert len(truth) == 9
        assert [(a["seq"], a["number"], a["window"], a["recall"]) for a in state["announced"]] \
            == truth
        assert state["connects"] == 2 and state["since"] is not None and state["since"] > start
        shown = page.eval_on_selector_all(
            ".card", "cs => Object.fromEntries(cs.map(c => [c.dataset.window,"
                     " c.querySelector('.wticket').textContent]))")
        for w in board["windows"][:3]:
            assert shown[str(w["number"])] == w["current_ticket"]["number"]
        assert page.text_content("#newest-number") == board["recent_calls"][0]["number"]
        page.context.close()
    finally:
        proxy.close()


@pytest.fixture(scope="module")
def big_hall(tmp_path_factory: pytest.TempPathFactory,
             sqlite_template: Path) -> Iterator[tuple[LiveServer, HallDriver]]:
    """A demo server whose hall grows to 14, then 25 service items (windows 1–3 calling)."""
    with demo_server(tmp_path_factory.mktemp("browser-big") / "live", sqlite_template) as server:
        hall = HallDriver(server.url)
        hall.open(1, 2, 3)
        hall.issue(6)
        hall.issue(3, SOCIAL)
        for w in (1, 2, 3, 1):
            hall.call(w)
        yield server, hall
        hall.close()


QUEUE_STATE = """() => ({
  page: document.querySelector('#queue-page').hidden ? null
    : document.querySelector('#queue-page').textContent,
  codes: [...document.querySelectorAll('.qrow[data-code]')].map(r => r.dataset.code),
  elided: [...document.querySelectorAll('.qrow[data-code] .sname')]
    .filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent),
  minPx: Math.min(...[...document.querySelectorAll('.qrow span, #queue-page')]
    .map(e => parseFloat(getComputedStyle(e).fontSize))),
  newest: document.querySelector('#newest-number').textContent,
  recent: [...document.querySelectorAll('#recent .num')].map(e => e.textContent),
  boxes: ['#newest', '#recent'].map(s => JSON.stringify(
    document.querySelector(s).getBoundingClientRect())),
})"""


@pytest.mark.parametrize("total", [14, 25])
def test_big_hall_page_rotates_through_every_service_and_keeps_the_calls(
        browser: Browser, big_hall: tuple[LiveServer, HallDriver], display_artifacts: Path,
        total: int) -> None:
    server, hall = big_hall
    codes = hall.grow_catalog(total)
    names = {svc["code"]: svc["name"] for svc in hall.board()["services"]}
    pages = 2 if total == 14 else 3
    for lang, viewport in (("zh", LANDSCAPE), ("en", LANDSCAPE), ("zh", PORTRAIT)):
        orient = "landscape" if viewport is LANDSCAPE else "portrait"
        page = _page(browser, viewport)
        # Page turns are driven by Playwright's clock: paused, then advanced exactly.
        page.clock.install(time=MOMENT - timedelta(hours=1))
        page.clock.pause_at(MOMENT)
        board = hall.board()
        _open(page, server.url, f"mode=hall&voice=off&lang={lang}&page_seconds=7", board["seq"])
        first: dict[str, Any] = page.evaluate(QUEUE_STATE)
        assert first["newest"] == board["recent_calls"][0]["number"]
        seen = []
        for n in range(pages):
            state: dict[str, Any] = page.evaluate(QUEUE_STATE)
            label = f"第 {n + 1}/{pages} 页" if lang == "zh" else f"Page {n + 1}/{pages}"
            assert state["page"] == label
            assert state["minPx"] >= 26  # the smallest text we accept on a wall screen
            # Names of up to nine characters are shown whole (longer ones may end in …).
            assert [t for t in state["elided"] if len(t.split("\u2002")[-1]) <= 9] == []
            # The calls never page: same numbers, same place.
            for key in ("newest", "recent", "boxes"):
                assert state[key] == first[key], key
            page.screenshot(path=str(display_artifacts /
                                     f"browser-hall-{total}-services-{orient}-{lang}-p{n + 1}.png"))
            assert _overflow(page) == []
            seen.append(state["codes"])
            page.clock.run_for(6_999)
            assert page.evaluate(QUEUE_STATE)["codes"] == state["codes"]  # not yet
            page.clock.run_for(1)
        assert [c for p in seen for c in p] == codes  # every service once per rotation
        assert max(map(len, seen)) - min(map(len, seen)) <= 1  # balanced pages
        assert page.evaluate(QUEUE_STATE)["codes"] == seen[0]  # and round again
        names_shown = page.eval_on_selector_all(".qrow[data-code] .sname",
                                                "es => es.map(e => e.textContent)")
        assert all(t.endswith(names[c]) for t, c in zip(names_shown, seen[0], strict=True))
        if viewport is LANDSCAPE and lang == "zh":
            # A live call redraws the screen but keeps the page being read.
            page.clock.run_for(7_000)
            number = hall.call(2)["number"]
            page.wait_for_function("n => document.querySelector('#newest-number')"
                                   ".textContent === n", arg=number)
            assert page.evaluate(QUEUE_STATE)["codes"] == seen[1]
        page.context.close()


def test_hall_page_serves_a_service_again_when_its_window_opens(
        browser: Browser, shared: tuple[LiveServer, HallDriver], display_artifacts: Path) -> None:
    server, hall = shared
    enterprise = "11110000MB0567890B4000517001"  # 企业设立登记: window 8 only
    page = _page(browser, LANDSCAPE)
    _open(page, server.url, "mode=hall", hall.board()["seq"])
    row = f".qrow[data-code='{enterprise}'] .seta"
    assert page.text_content(row) == "暂停受理"
    page.screenshot(path=str(display_artifacts / "browser-hall-no-window.png"))
    hall.open(8)  # a window.opened event, no ticket moved: the page re-reads the queues
    page.wait_for_function("sel => document.querySelector(sel).textContent === '无需等候'",
                           arg=row)
    assert _eta_color(page, enterprise) != WARN_RGB
    page.context.close()
