"""The bench clock: a linear, invertible wall→virtual mapping the server can run on."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from server.core import clock

START = datetime(2026, 12, 2, 0, 30, tzinfo=UTC)


def test_compressed_clock_runs_faster_and_inverts() -> None:
    real = time.time()
    spec = clock.parse_clock(f"start={START.isoformat()},real={real!r},speed=60")
    assert spec.now(real) == START
    assert spec.now(real + 10) == START + timedelta(minutes=10)  # 10 s wall = 10 min
    moment = START + timedelta(hours=3, minutes=7)
    assert spec.now(spec.wall_at(moment)) == moment
    assert clock.parse_clock(spec.render()) == spec
    try:
        clock.configure(spec.render())
        before = clock.utcnow()
        time.sleep(0.05)
        after = clock.utcnow()
        assert timedelta(seconds=2) <= after - before < timedelta(seconds=30)
        assert abs(before - spec.now()) < timedelta(seconds=5)
    finally:
        clock.configure(None)
    assert abs(clock.utcnow() - datetime.now(UTC)) < timedelta(seconds=1)


@pytest.mark.parametrize("text", [
    "speed=60", "start=2026-12-02T08:30:00,speed=60", "start=2026-12-02T00:30:00+00:00,speed=0",
    "start=2026-12-02T00:30:00+00:00,pace=2",
])
def test_bad_clock_specs_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        clock.parse_clock(text)
