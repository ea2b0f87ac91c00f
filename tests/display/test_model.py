"""The Qt-free model: state from snapshot + events, and which calls are announced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from display.controller import DisplayModel

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


class FakeClock:
    """Monotonic seconds under the test's control."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def board(seq: int, at: datetime = T0, calls: list[dict[str, Any]] | None = None) -> dict:
    return {
        "seq": seq, "generated_at": at.isoformat(), "notice": "欢迎",
        "hall": {"code": "demo", "name": "示范政务服务大厅", "timezone": "Asia/Shanghai"},
        "windows": [
            {"id": 11, "number": 1, "name": "一窗", "state": "open", "clerk_name": "王芳",
             "current_ticket": None},
            {"id": 12, "number": 2, "name": "二窗", "state": "open", "clerk_name": "李娜",
             "current_ticket": {"number": "A001", "status": "serving", "ticket_id": 1}},
        ],
        "recent_calls": calls or [],
        "services": [{"code": "hk", "name": "户口", "prefix": "A", "waiting": 5,
                      "estimated_wait_minutes": 20}],
    }


def ev(seq: int, type_: str, at: datetime, **data: Any) -> dict:
    return {"seq": seq, "hall": "demo", "type": type_, "at": at.isoformat(), "data": data}


def called(seq: int, number: str, window: int, tid: int, at: datetime,
           recall: bool = False) -> dict:
    return ev(seq, "ticket.recalled" if recall else "ticket.called", at, ticket_id=tid,
              number=number, service_code="hk", window_id=10 + window, window_number=window,
              window_name="", call_count=2 if recall else 1)


def test_first_snapshot_is_state_not_news() -> None:
    m = DisplayModel(clock=FakeClock())
    old = [{"seq": 3, "type": "ticket.called", "number": "A001", "window_number": 2,
            "ticket_id": 1, "at": T0.isoformat()}]
    assert m.apply_snapshot(board(5, calls=old)) == []
    assert m.window_by_number(2).ticket_number == "A001"
    assert m.recent_calls[0].number == "A001"


def test_live_calls_recalls_and_window_changes() -> None:
    clock = FakeClock()
    m = DisplayModel(clock=clock)
    m.apply_snapshot(board(5))
    clock.now += 10
    at = T0 + timedelta(seconds=10)
    out = m.apply_event(called(6, "A002", 1, 2, at))
    assert [c.number for c in out] == ["A002"]
    assert m.services["hk"].waiting == 4
    w1 = m.window_by_number(1)
    assert (w1.ticket_number, w1.ticket_status) == ("A002", "called")
    # A recall is a new event: announced again, waiting unchanged, one line in the list.
    assert [c.recall for c in m.apply_event(called(7, "A002", 1, 2, at, recall=True))] == [True]
    assert m.services["hk"].waiting == 4
    assert [c.number for c in m.recent_calls] == ["A002"]
    m.apply_event(ev(8, "ticket.started", at, ticket_id=2, number="A002", window_id=11,
                     window_number=1))
    assert w1.ticket_status == "serving"
    m.apply_event(ev(9, "ticket.completed", at, ticket_id=2, number="A002", window_id=11))
    assert w1.ticket_number is None
    m.apply_event(ev(10, "window.paused", at, window_id=11, window_number=1, state="paused",
                     clerk_name="王芳"))
    assert w1.state == "paused" and w1.clerk_name == "王芳"
    m.apply_event(ev(11, "window.closed", at, window_id=11, window_number=1, state="closed"))
    assert w1.state == "closed" and w1.clerk_name is None
    m.apply_event(ev(12, "notice.updated", at, notice="今日下午停电检修"))
    assert m.notice == "今日下午停电检修"
    m.apply_event(ev(13, "ticket.issued", at, ticket_id=9, number="A009", service_code="hk",
                     waiting=7, estimated_wait_minutes=31))
    assert (m.services["hk"].waiting, m.services["hk"].eta_minutes) == (7, 31)


def test_replayed_or_duplicated_events_change_nothing_and_announce_nothing() -> None:
    clock = FakeClock()
    m = DisplayModel(clock=clock)
    m.apply_snapshot(board(5))
    e = called(6, "A002", 1, 2, T0)
    assert len(m.apply_event(e)) == 1
    assert m.apply_event(e) == []
    assert m.apply_event(called(4, "A000", 1, 9, T0)) == []
    assert m.seq == 6 and len(m.recent_calls) == 1


def test_stale_replayed_calls_are_shown_but_not_announced() -> None:
    clock = FakeClock()
    m = DisplayModel(clock=clock, max_age_seconds=120)
    m.apply_snapshot(board(5))  # server time T0 at local 1000
    clock.now += 600  # ten minutes offline
    replay = [called(6, "A002", 1, 2, T0 + timedelta(seconds=30)),
              called(7, "A003", 2, 3, T0 + timedelta(seconds=500)),
              called(8, "A004", 1, 4, T0 + timedelta(seconds=590))]
    announced = [c.number for e in replay for c in m.apply_event(e)]
    assert announced == ["A003", "A004"]  # 570 s old: skipped; 100 s and 10 s: read out
    assert [c.number for c in m.recent_calls] == ["A004", "A003", "A002"]
    assert m.window_by_number(1).ticket_number == "A004"


def test_display_clock_skew_does_not_silence_live_calls() -> None:
    clock = FakeClock()
    m = DisplayModel(clock=clock, max_age_seconds=120)
    # The board was generated an hour "earlier" than the events say (server clock stepped).
    m.apply_snapshot(board(5, at=T0 - timedelta(hours=1)))
    out = m.apply_event(called(6, "A002", 1, 2, T0))
    assert [c.number for c in out] == ["A002"]


def test_resync_snapshot_announces_only_fresh_unseen_calls() -> None:
    clock = FakeClock()
    m = DisplayModel(clock=clock, max_age_seconds=120)
    m.apply_snapshot(board(5))
    m.apply_event(called(6, "A002", 1, 2, T0))
    clock.now += 300
    calls = [
        {"seq": 6, "type": "ticket.called", "number": "A002", "window_number": 1,
         "ticket_id": 2, "at": T0.isoformat()},  # already announced
        {"seq": 40, "type": "ticket.called", "number": "A003", "window_number": 1,
         "ticket_id": 3, "at": (T0 + timedelta(seconds=100)).isoformat()},  # 200 s old
        {"seq": 90, "type": "ticket.recalled", "number": "A004", "window_number": 2,
         "ticket_id": 4, "at": (T0 + timedelta(seconds=290)).isoformat()},
    ]
    out = m.apply_snapshot(board(95, at=T0 + timedelta(seconds=300), calls=calls))
    assert [(c.seq, c.number, c.recall) for c in out] == [(90, "A004", True)]
    assert m.announced_through == 95
    assert m.apply_snapshot(board(95, at=T0 + timedelta(seconds=300), calls=calls)) == []
