"""Counter client fixtures: one real server per module, clients driven through their widgets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QApplication

from counter_client.app import CounterApp
from counter_client.config import CounterConfig, merge_shortcuts
from counter_client.ui.common import setup_app
from printers import PrinterConfig
from tests.support.databases import copy_sqlite
from tests.support.live import LiveServer


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[LiveServer]:
    """A real `python -m server` on 127.0.0.1 with the demo hall, shared by a test module."""
    data = tmp_path_factory.mktemp("counter-live")
    server = LiveServer(data, copy_sqlite(sqlite_template, data)).start()
    yield server
    server.stop()


@pytest.fixture
def http(live: LiveServer) -> Iterator[httpx.Client]:
    """Plain HTTP client to the live server (kiosk, manager)."""
    with httpx.Client(base_url=live.url, timeout=10) as client:
        yield client


@pytest.fixture
def counter(qtbot, live: LiveServer, tmp_path: Path) -> Iterator[Callable[..., CounterApp]]:
    """Factory: a counter client logged in through its login dialog as `username`."""
    setup_app(QApplication.instance())
    apps: list[CounterApp] = []

    def make(username: str, window_number: int | None = None, *, lang: str = "zh",
             open_window: bool = True, shortcuts: dict[str, str] | None = None,
             accept_after_complete: bool = False, printer: PrinterConfig | None = None,
             ) -> CounterApp:
        config = CounterConfig.load(tmp_path / f"{username}.json")
        config.server, config.hall, config.lang = live.url, "demo", lang
        config.accept_after_complete, config.printer = accept_after_complete, printer
        if shortcuts:
            config.shortcuts = merge_shortcuts(shortcuts)
        app = CounterApp(config)
        apps.append(app)
        app.start()
        qtbot.addWidget(app.login)
        if app.login.username.text() != username:  # the config remembers the last user
            app.login.username.clear()
            qtbot.keyClicks(app.login.username, username)
        qtbot.keyClicks(app.login.password, "demo1234")
        qtbot.mouseClick(app.login.button, Qt.LeftButton)
        qtbot.waitUntil(lambda: app.main is not None, timeout=10000)
        assert app.main is not None
        qtbot.addWidget(app.main)
        if window_number is not None:
            choose_window(qtbot, app, window_number)
            if open_window:
                click(qtbot, app, "open")
                qtbot.waitUntil(lambda: app.session.holds_window()
                                and app.session.window["state"] == "open", timeout=10000)
        qtbot.waitUntil(lambda: app.session.connection.level == "connected", timeout=10000)
        return app

    yield make
    for app in apps:
        release_window(app)
        app.shutdown()


def release_window(app: CounterApp) -> None:
    """Finish whatever the clerk has at the window and close it, so later tests can take it."""
    app.worker.wait(5000)
    session = app.session
    if session.window_id is None or session.user is None:
        return
    try:
        window = session.api.window(session.window_id)
        if not window.get("clerk") or window["clerk"]["username"] != session.username:
            return
        current = window.get("current_ticket")
        if current and current["status"] in ("called", "serving"):
            step = "no-show" if current["status"] == "called" else "complete"
            session.api.ticket_action(current["id"], step)
        session.api.set_window_state(session.window_id, "close")
    except Exception:  # the server may be down in a restart test; nothing to release then
        pass


def choose_window(qtbot, app: CounterApp, number: int) -> None:
    """Pick a window in the top-bar chooser."""
    combo = app.main.window_combo
    index = next(i for i in range(combo.count())
                 if app.session.windows[i]["number"] == number)
    combo.setCurrentIndex(index)
    qtbot.waitUntil(lambda: app.session.window and app.session.window["number"] == number)


def idle(qtbot, app: CounterApp) -> None:
    """Wait until no action and no refresh is in flight."""
    qtbot.waitUntil(lambda: app.session.busy is None and not app.session._inflight,
                    timeout=10000)


def click(qtbot, app: CounterApp, action: str) -> None:
    """Click an action button (must be enabled) and wait for the answer."""
    button = app.main.buttons[action]
    assert button.isEnabled(), f"{action} is disabled"
    qtbot.mouseClick(button, Qt.LeftButton)
    idle(qtbot, app)


def press(qtbot, app: CounterApp, key: int) -> None:
    """Press a function key on the client's main window and wait for the answer."""
    main = app.main
    main.activateWindow()
    main.raise_()
    qtbot.waitUntil(main.isActiveWindow, timeout=5000)
    qtbot.keyClick(main, key)
    idle(qtbot, app)
