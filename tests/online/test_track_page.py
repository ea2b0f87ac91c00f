"""The /t/{token} page in Chromium (390×844): live over the websocket, polling only as fallback."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, update

from server.tickets.models import Ticket
from tests.support.api import ESTATE, HUKOU, issue, login, open_window
from tests.support.live import LiveServer

# navigator.vibrate and the Web Audio oscillators, recorded instead of felt and heard.
RECORD_ALERTS = """
window.vibrations = [];
navigator.vibrate = pattern => { window.vibrations.push(pattern); return true; };
window.tones = 0;
const makeOscillator = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  window.tones++;
  return makeOscillator.call(this);
};
"""


def _requests_to_track_api(page: Page) -> list[str]:
    seen: list[str] = []
    # The tracking GET only (the 到号提醒 form and the 办件 progress have their own URLs under it).
    page.on("request", lambda r: seen.append(r.url)
            if "/api/v1/track/" in r.url
            and not r.url.endswith(("/reminder", "/applications")) else None)
    return seen


def test_page_follows_the_queue_live_without_reloading(server: LiveServer, page: Page,
                                                       artifacts_dir: Path) -> None:
    shots = artifacts_dir / "online"
    shots.mkdir(parents=True, exist_ok=True)
    http = httpx.Client(base_url=server.url, timeout=10)
    page.add_init_script(RECORD_ALERTS)
    # 不动产 is handled by window 7 only, closed: 暂停受理 in amber, no estimate, no window.
    unserved = issue(http, ESTATE)
    page.goto(f"{server.url}/t/{unserved['tracking_token']}?poll=3600")
    line = page.locator("#status-line")
    expect(line).to_have_text("暂停受理：暂无窗口办理，窗口开放后按顺序叫号")
    assert line.evaluate("e => getComputedStyle(e).color") == "rgb(161, 74, 0)"
    expect(page.locator("#eta")).to_have_text("—")
    expect(page.locator("#windows")).to_have_text("")
    page.screenshot(path=str(shots / "track-no-window.png"))
    open_window(http, login(http, "clerk7"), 7)
    expect(page.locator("#windows")).to_have_text("办理窗口：7号窗口")  # live, no reload
    expect(line).to_have_text("")

    ahead = [issue(http, HUKOU) for _ in range(2)]
    mine = issue(http, HUKOU)
    polls = _requests_to_track_api(page)
    # ?poll=3600: if anything below shows up, it came over the websocket.
    page.goto(f"{server.url}/t/{mine['tracking_token']}?poll=3600")
    expect(page.locator("#number")).to_have_text(mine["number"])
    expect(page.locator("#ahead")).to_have_text("2")
    expect(page.locator("#link")).to_have_text("已连接 · 实时更新")
    sound = page.locator("#sound")
    expect(sound).to_have_text("开启提醒音")
    sound.click()  # the gesture browsers need before a page may make a sound
    expect(sound).to_have_text("提醒音已开启，叫到您时会响铃并振动")
    expect(sound).to_be_disabled()
    assert page.evaluate("[window.tones, window.vibrations.length]") == [1, 0]
    # 到号提醒: two ahead, so only "one ahead" can be asked for; a bad phone is refused on the page.
    remind = page.locator("#remind")
    expect(page.locator("#remind-ahead option")).to_have_text(["前面剩 1 人时"])
    page.fill("#remind-phone", "1391234")
    remind.get_by_role("button", name="设置短信提醒").click()
    expect(page.locator("#remind-msg")).to_have_text("请输入11位手机号码")
    page.screenshot(path=str(shots / "track-remind-form.png"), full_page=True)
    page.fill("#remind-phone", "139 1234 5678")
    remind.get_by_role("button", name="设置短信提醒").click()
    expect(page.locator("#remind-status")).to_have_text("前面剩 1 人时将短信提醒 139****5678")
    expect(page.locator("#remind-form")).to_be_hidden()
    page.screenshot(path=str(shots / "track-live-waiting.png"), full_page=True)

    clerk = login(http, "clerk1")
    wid = open_window(http, clerk, 1)
    first = http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
    assert first["id"] == ahead[0]["id"]
    expect(page.locator("#ahead")).to_have_text("1")
    page.reload()  # the reminder stays set for this number
    expect(page.locator("#remind-status")).to_have_text("已发送短信提醒至 139****5678")
    sound.click()  # a reloaded page is silent again until tapped
    [note] = http.get("/api/v1/admin/outbox", headers=login(http, "admin"),
                      params={"kind": "track_reminder"}).json()
    assert note["recipient"] == "13912345678" and note["data"]["people_ahead"] == 1
    http.post(f"/api/v1/tickets/{first['id']}/no-show", headers=clerk)
    second = http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()
    expect(page.locator("#ahead")).to_have_text("0")

    # The clerk finishes the one before us and calls ours: the page says where to go.
    http.post(f"/api/v1/tickets/{second['id']}/no-show", headers=clerk)
    assert http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()["id"] == \
        mine["id"]
    expect(page.locator("#called")).to_have_text("请到 1 号窗口办理")
    expect(page.locator("#called-note")).to_have_text("正在呼叫您的号码，请尽快前往")
    expect(page.locator("#waiting-stats")).to_be_hidden()
    expect(page.locator("#windows")).to_have_text("")
    assert page.title() == "请到 1 号窗口办理"
    # Called: the phone vibrated once and beeped three times (after the test tone).
    assert page.evaluate("window.vibrations") == [[400, 150, 400, 150, 400]]
    assert page.evaluate("window.tones") == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(shots / "track-live-called.png"))

    http.post(f"/api/v1/tickets/{mine['id']}/start", headers=clerk)
    http.post(f"/api/v1/tickets/{mine['id']}/complete", headers=clerk)
    expect(page.locator("#rate-form")).to_be_visible()
    expect(page.locator("#link")).to_have_text("")  # finished: no "connected" line any more
    # Done: who served, for the rating; no list of windows that might call the number any more.
    expect(page.locator("#served")).to_have_text("为您办理：1 号窗口工作人员 王芳（工号 clerk1）")
    expect(page.locator("#windows")).to_have_text("")
    page.screenshot(path=str(shots / "track-done.png"), full_page=True)
    assert polls == [], f"the page polled although the socket was up: {polls}"


def test_page_polls_while_the_server_is_down_and_goes_live_again(
        server: LiveServer, page: Page, artifacts_dir: Path) -> None:
    http = httpx.Client(base_url=server.url, timeout=10)
    first = issue(http, HUKOU)
    mine = issue(http, HUKOU)
    page.goto(f"{server.url}/t/{mine['tracking_token']}?poll=2")
    expect(page.locator("#link")).to_have_text("已连接 · 实时更新")
    expect(page.locator("#ahead")).to_have_text("1")

    server.kill()
    expect(page.locator("#link")).to_have_text("重新连接中… 暂时每 2 秒刷新")
    page.screenshot(path=str(artifacts_dir / "online" / "track-reconnecting.png"))
    expect(page.locator("#number")).to_have_text(mine["number"])  # last view stays up
    expect(page.locator("#track-error")).to_have_text("")

    server.start()
    expect(page.locator("#link")).to_have_text("已连接 · 实时更新", timeout=45000)
    clerk = login(http, "clerk1")
    wid = open_window(http, clerk, 1)
    assert http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()["id"] == \
        first["id"]
    expect(page.locator("#ahead")).to_have_text("0")


def test_page_without_websocket_polls(server: LiveServer, page: Page) -> None:
    http = httpx.Client(base_url=server.url, timeout=10)
    first = issue(http, HUKOU)
    mine = issue(http, HUKOU)
    page.add_init_script("delete window.WebSocket")
    page.goto(f"{server.url}/t/{mine['tracking_token']}?poll=1")
    expect(page.locator("#link")).to_have_text("每 1 秒自动刷新")
    expect(page.locator("#ahead")).to_have_text("1")
    clerk = login(http, "clerk1")
    wid = open_window(http, clerk, 1)
    assert http.post(f"/api/v1/windows/{wid}/call-next", headers=clerk).json()["id"] == \
        first["id"]
    expect(page.locator("#ahead")).to_have_text("0")


def test_unknown_token_says_so_and_stops(server: LiveServer, page: Page) -> None:
    attempts: list[str] = []
    page.on("websocket", lambda ws: attempts.append(ws.url))
    page.goto(f"{server.url}/t/no-such-ticket?poll=1")
    expect(page.locator("#track-error")).to_have_text("未找到该号码，请核对二维码")
    expect(page.locator("#link")).to_have_text("")
    expect(page.locator("#number")).to_have_text("—")
    assert len(attempts) == 1  # no reconnect loop for a number that does not exist


def test_an_earlier_days_number_says_expired_not_waiting(server: LiveServer, page: Page,
                                                         artifacts_dir: Path) -> None:
    """Yesterday's slip opened today, before the day close lapsed it (polling: the GET view)."""
    old = issue(httpx.Client(base_url=server.url, timeout=10), HUKOU)
    engine = create_engine(f"sqlite:///{server.data_dir / 'tongban.sqlite3'}")
    with engine.begin() as conn:  # WAL: written beside the running server
        conn.execute(update(Ticket).where(Ticket.id == old["id"])
                     .values(business_day=date(2020, 1, 1)))
    engine.dispose()
    page.add_init_script("delete window.WebSocket")
    page.goto(f"{server.url}/t/{old['tracking_token']}?poll=1")
    expect(page.locator("#status-line")).to_have_text("该号码已过期（仅限取号当日有效），如需办理请重新取号")
    expect(page.locator("#waiting-stats")).to_be_hidden()
    (artifacts_dir / "online").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(artifacts_dir / "online" / "track-expired.png"))
