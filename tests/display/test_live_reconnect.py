"""Acceptance: against a real server, through a real (cuttable) TCP link, with Qt running.

Announcement rule under test (docs/display.md): every call and recall is read out once, in seq
order, including calls replayed with `since` after a drop; replayed calls older than
`max_age_seconds` are shown but not read out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from display.app import DisplayController
from display.controller import DisplayModel
from display.strings import Strings
from display.ui.hall import HallScreen
from display.ui.window_screen import WindowScreen
from display.voice.announcer import Announcer
from display.voice.engine import ClipVoice, VoiceSettings
from display.voice.sinks import CaptureSink
from hallclient import HallApi
from tests.display.conftest import DISPLAY_TOKEN, HallDriver
from tests.support.live import LiveServer
from tests.support.proxy import FaultProxy

WAIT_MS = 20_000


@pytest.fixture
def proxy(live: LiveServer) -> Iterator[FaultProxy]:
    p = FaultProxy(live.port)
    yield p
    p.close()


class Screens:
    """A hall screen (with voice) and a window-1 screen, both fed through the proxy."""

    def __init__(self, qtbot: Any, url: str, voice_cache: Any, max_age: float | None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.sink = CaptureSink()
        voice = ClipVoice.default(VoiceSettings(repeat=1), cache_dir=voice_cache)
        self.announcer = Announcer(voice, self.sink)
        self.hall = HallScreen(Strings("zh"))
        self.window = WindowScreen(Strings("zh"), 1)
        qtbot.addWidget(self.hall)
        qtbot.addWidget(self.window)
        self.snapshot_log: list[dict[str, Any]] = []
        self.hall_ctl = DisplayController(HallApi(url, DISPLAY_TOKEN), "demo", DISPLAY_TOKEN,
                                          self.hall, self.announcer,
                                          DisplayModel(max_age_seconds=max_age, clock=clock),
                                          max_backoff=0.5)
        self.win_ctl = DisplayController(HallApi(url, DISPLAY_TOKEN), "demo", DISPLAY_TOKEN,
                                         self.window, None, max_backoff=0.5)
        self.qtbot = qtbot

    def start(self) -> None:
        self.hall_ctl.start()
        self.win_ctl.start()
        self.qtbot.waitUntil(lambda: self.states() == {"connected"}, timeout=WAIT_MS)
        # Count snapshots in the stream's own thread, before the Qt signal is emitted: a slot
        # of ours would be a second queued call, posted after the model's, and the model's
        # could run (and wait_seq return) before ours was even posted.
        stream = self.hall_ctl.bridge.stream
        deliver = stream.on_snapshot
        assert deliver is not None

        def counted(snap: dict[str, Any]) -> None:
            self.snapshot_log.append(snap)
            deliver(snap)

        stream.on_snapshot = counted

    @property
    def snapshots(self) -> int:
        return len(self.snapshot_log)

    def states(self) -> set[str]:
        return {c.bridge.stream.state if c.bridge else "none"
                for c in (self.hall_ctl, self.win_ctl)}

    def wait_seq(self, seq: int) -> None:
        self.qtbot.waitUntil(lambda: self.hall_ctl.model.seq == seq
                             and self.win_ctl.model.seq == seq, timeout=WAIT_MS)

    def stop(self) -> None:
        self.hall_ctl.stop()
        self.win_ctl.stop()
        self.announcer.stop()


def _truth(hall: HallDriver, since: int) -> list[tuple[int, str, int, bool]]:
    return [(e["seq"], e["data"]["number"], e["data"]["window_number"],
             e["type"] == "ticket.recalled") for e in hall.call_events(since)]


def _assert_screens_match_board(screens: Screens, board: dict[str, Any]) -> None:
    model = screens.hall_ctl.model
    for w in board["windows"]:
        expected = (w["current_ticket"] or {}).get("number")
        mw = model.windows[w["id"]]
        assert (mw.ticket_number, mw.state) == (expected, w["state"]), w
        card = screens.hall.window_cards[w["number"]]
        assert card.number.text() == (expected or "—")
    w1 = next(w for w in board["windows"] if w["number"] == 1)
    assert screens.window.number.text() == w1["current_ticket"]["number"]
    assert screens.window.clerk.text() == "王芳"
    newest = board["recent_calls"][0]
    assert screens.hall.newest_number.text() == newest["number"]
    assert screens.hall.newest_window.text() == f"到 {newest['window_number']} 号窗口"
    # One line per ticket, newest first (a recall moves its ticket back to the top).
    expected, seen = [], set()
    for c in board["recent_calls"]:
        if c["ticket_id"] not in seen:
            seen.add(c["ticket_id"])
            expected.append(c["number"])
    shown = [c.number for c in model.recent_calls]
    assert shown[: len(expected)] == expected


def _act(hall: HallDriver, step: int) -> None:
    # Windows 1, 2, 3 in turn; every seventh step is a recall instead of a new call.
    window = 1 + step % 3
    if step % 7 == 6 and window in hall.current:
        hall.recall(window)
    else:
        hall.call(window)


def test_20_calls_with_5_during_a_network_drop_are_each_announced_once_in_order(
        qtbot: Any, live: LiveServer, hall: HallDriver, proxy: FaultProxy,
        voice_cache: Any) -> None:
    screens = Screens(qtbot, proxy.url, voice_cache, max_age=120)
    screens.start()
    start = hall.board()["seq"]
    try:
        for step in range(10):
            _act(hall, step)
        screens.wait_seq(hall.board()["seq"])
        proxy.cut()
        qtbot.waitUntil(lambda: "connected" not in screens.states(), timeout=WAIT_MS)
        for step in range(10, 15):
            _act(hall, step)
        missed = _truth(hall, hall.call_events(start)[9]["seq"])
        assert len(missed) == 5
        assert screens.hall_ctl.model.seq < missed[0][0]  # really not delivered yet
        proxy.restore()
        for step in range(15, 20):
            _act(hall, step)
        board = hall.board()
        screens.wait_seq(board["seq"])
        assert screens.announcer.wait_idle(30)
    finally:
        screens.stop()

    truth = _truth(hall, start)
    assert len(truth) == 20 and sum(r for *_, r in truth) == 2  # two recalls among them
    announced = [(c.seq, c.number, c.window_number, c.recall)
                 for c in screens.announcer.announced]
    assert announced == truth  # every call once, in order: live, replayed, live again
    assert len(screens.sink.played) == 20
    assert screens.snapshots == 0  # resumed with since: a replay, not a snapshot
    assert screens.hall_ctl.bridge.stream.last_seq == board["seq"]
    _assert_screens_match_board(screens, board)


class FrozenClock:
    """The display model's monotonic clock, moved only by the test.

    Stale or fresh is decided from this clock (plus the server's `at` stamps), so holding it
    still while a replay is delivered makes the decision independent of how slow the box is.
    """

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _call_times(hall: HallDriver) -> dict[str, float]:
    """Server time (`at`, epoch seconds) of the board's recent calls, by ticket number."""
    return {c["number"]: datetime.fromisoformat(c["at"]).timestamp()
            for c in reversed(hall.board()["recent_calls"])}


def test_server_restart_replays_missed_calls_and_stale_ones_are_shown_not_announced(
        qtbot: Any, live: LiveServer, hall: HallDriver, proxy: FaultProxy,
        voice_cache: Any) -> None:
    """The screen is offline across a SIGKILL restart; by its own clock two minutes pass, so
    the two calls made early in the outage are stale by the time the replay arrives, the two
    made just before it comes back are not. The clock stands still while the replay is
    delivered: a slow box cannot turn a fresh call stale."""
    max_age = 120.0
    clock = FrozenClock()
    screens = Screens(qtbot, proxy.url, voice_cache, max_age=max_age, clock=clock)
    screens.start()
    try:
        for step in range(3):
            _act(hall, step)
        screens.wait_seq(hall.board()["seq"])
        proxy.cut()
        qtbot.waitUntil(lambda: "connected" not in screens.states(), timeout=WAIT_MS)
        old = [hall.call(1), hall.call(2)]  # will be stale when the screen is back
        live.restart(kill=True)  # SIGKILL: the event log survives in the database
        hall.reconnect(live.url)
        fresh = [hall.call(3), hall.call(1)]
        at = _call_times(hall)
        last_old, first_fresh = at[old[-1]["number"]], at[fresh[0]["number"]]
        assert first_fresh > last_old
        # While offline the display's clock ran on: set it so its estimate of the server's
        # time is halfway between "the last old call is max_age old" and "the first fresh
        # call is". Margin: half the restart, on server timestamps only.
        model = screens.hall_ctl.model
        target = max_age + (last_old + first_fresh) / 2
        clock.now += target - model.server_now()
        proxy.restore()
        board = hall.board()
        screens.wait_seq(board["seq"])
        assert screens.announcer.wait_idle(30)
        assert model.server_now() == pytest.approx(target)  # judged at that moment, all four
    finally:
        screens.stop()

    made = [n for n, _, _ in hall.log]
    assert made[3:] == [t["number"] for t in old + fresh]
    announced = [c.number for c in screens.announcer.announced]
    assert announced == made[:3] + [t["number"] for t in fresh]
    # The stale calls are still on the screen's recent list; nothing is read twice.
    shown = [c.number for c in screens.hall_ctl.model.recent_calls]
    assert set(t["number"] for t in old) <= set(shown)
    assert len(set(announced)) == len(announced)
    assert screens.snapshots == 0  # resumed with since: a replay
    _assert_screens_match_board(screens, board)


def test_snapshot_after_a_long_gap_announces_its_fresh_calls_not_its_stale_ones(
        qtbot: Any, live: LiveServer, hall: HallDriver, proxy: FaultProxy,
        voice_cache: Any) -> None:
    """The restarted server answers `since` with a snapshot (replay limit 2: too far behind).
    A snapshot is judged on its own `generated_at`, not the display's clock, so the margins are
    real time: the old calls are made more than max_age before the fresh ones (waited for on
    the server's clock, which a slow box only lengthens), and max_age (10 s) is far above the
    fresh calls' way into the snapshot (restore, reconnect, one query: 0.3 s on a loaded
    2-core box; it would take a 30x slowdown to make them stale)."""
    max_age = 10.0
    screens = Screens(qtbot, proxy.url, voice_cache, max_age=max_age)
    screens.start()
    try:
        for step in range(3):
            _act(hall, step)
        screens.wait_seq(hall.board()["seq"])
        proxy.cut()
        qtbot.waitUntil(lambda: "connected" not in screens.states(), timeout=WAIT_MS)
        old = [hall.call(1), hall.call(2)]  # will be stale when the screen is back
        live.extra_env["TONGBAN_WS_REPLAY_LIMIT"] = "2"
        live.restart(kill=True)
        hall.reconnect(live.url)
        last_old = _call_times(hall)[old[-1]["number"]]
        # Same machine: the server stamps `at` with this wall clock.
        qtbot.waitUntil(lambda: time.time() > last_old + max_age + 1, timeout=int(
            (max_age + 30) * 1000))
        fresh = [hall.call(3), hall.call(1)]
        proxy.restore()
        board = hall.board()
        screens.wait_seq(board["seq"])
        assert screens.announcer.wait_idle(30)
    finally:
        screens.stop()

    made = [n for n, _, _ in hall.log]
    assert made[3:] == [t["number"] for t in old + fresh]
    assert screens.snapshots == 1
    generated = datetime.fromisoformat(screens.snapshot_log[0]["generated_at"]).timestamp()
    at = _call_times(hall)
    delay = generated - at[fresh[0]["number"]]
    announced = [c.number for c in screens.announcer.announced]
    assert announced == made[:3] + [t["number"] for t in fresh], f"fresh calls {delay:.1f} s old"
    shown = [c.number for c in screens.hall_ctl.model.recent_calls]
    assert set(t["number"] for t in old) <= set(shown)
    _assert_screens_match_board(screens, board)
