"""The shared background-work pattern: inline runner and manual scheduler behave as the Qt ones."""

from __future__ import annotations

from hallclient.jobs import ManualScheduler, SyncRunner


def test_sync_runner_reports_result_or_error() -> None:
    got: list[object] = []
    SyncRunner().run(lambda: 41 + 1, got.append, got.append)
    SyncRunner().run(lambda: 1 / 0, got.append, got.append)
    assert got[0] == 42
    assert isinstance(got[1], ZeroDivisionError)


def test_manual_scheduler_runs_due_calls_in_time_order() -> None:
    clock = ManualScheduler()
    seen: list[str] = []
    clock.later(5, lambda: seen.append("five"))
    clock.later(1, lambda: seen.append("one"))
    # a call scheduled by a due call that is itself already due runs in the same advance
    clock.later(2, lambda: clock.later(0, lambda: seen.append("chained")))
    assert clock.advance(3) == 3
    assert seen == ["one", "chained"]
    assert clock.advance(2) == 1
    assert seen == ["one", "chained", "five"]
    assert clock.pending == []
