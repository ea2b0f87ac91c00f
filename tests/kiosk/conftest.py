"""Fixtures for the kiosk tests: one real server for all of them, kiosks built on demand."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.kiosk.kiosk_kit import KioskHarness, make_config
from tests.support.live import LiveServer


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`python -m server --demo` on 127.0.0.1 (SQLite file), shared by the kiosk tests.

    Tests compare counts before and after, so sharing is safe; the outage tests stop it and
    start it again on the same data and port."""
    server = LiveServer(tmp_path_factory.mktemp("kiosk-live")).start(timeout=90)  # busy CI box
    yield server
    server.stop()


@pytest.fixture
def kiosk(qtbot: Any, live: LiveServer) -> Iterator[Any]:
    """Factory: kiosk(**config changes, printer=..., live=...) -> a started KioskHarness."""
    made: list[KioskHarness] = []

    def build(*, printer: Any = None, ws: bool = True, wait_loaded: bool = True,
              speaker: Any = None, **changes: Any) -> KioskHarness:
        harness = KioskHarness(qtbot, make_config(live.url, **changes), printer=printer, live=ws,
                               wait_loaded=wait_loaded, speaker=speaker)
        made.append(harness)
        return harness

    yield build
    for harness in made:
        harness.stop()
