"""Qt-free display state: board snapshot + events → windows, recent calls, queues, announcements.

Announcement rule (documented in docs/display.md):
- every `ticket.called` and `ticket.recalled` event is announced once, in seq order, whether it
  arrives live or is replayed after a reconnect with `since`;
- unless it is stale: older than `max_age_seconds` (default 120 s) by the server's clock when it
  reaches the display. A call made while the screen was offline for ten minutes is shown in the
  recent-calls list but not read out, because the citizen has been called again or has gone;
- the first snapshot a screen gets is state, not news: nothing in it is announced. A later
  snapshot (sent instead of a replay when the gap was too long) announces its fresh calls that
  are newer than the last call already considered;
- a seq is considered at most once (`announced_through`), so a replayed or duplicated event,
  or a call that is in a snapshot and also arrives as an event, is never read out twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from display.state import (
    CALL_TYPES,
    CLEARS_WINDOW,
    DEFAULT_MAX_AGE,
    WINDOW_STATES,
    Call,
    ServiceView,
    WindowView,
)
from tongban_common.wire import EventType, TicketStatus

__all__ = ["DEFAULT_MAX_AGE", "Call", "DisplayModel", "ServiceView", "WindowView"]


@dataclass
class DisplayModel:
    """Applies snapshots and events in seq order; returns the calls that should be announced.

    `clock` is a monotonic local clock (seconds); the server's clock is estimated from it so a
    display whose wall clock is wrong or jumps still judges the age of calls correctly.
    """

    max_age_seconds: float | None = DEFAULT_MAX_AGE
    recent_limit: int = 10
    clock: Callable[[], float] = time.monotonic
    hall_code: str = ""
    hall_name: str = ""
    timezone: str = "Asia/Shanghai"
    notice: str = ""
    seq: int | None = None
    announced_through: int | None = None
    windows: dict[int, WindowView] = field(default_factory=dict)
    recent_calls: list[Call] = field(default_factory=list)
    services: dict[str, ServiceView] = field(default_factory=dict)
    version: int = 0
    _offset: float | None = None  # server epoch seconds minus local clock

    # ------------------------------------------------------------------ inputs

    def apply_snapshot(self, data: dict[str, Any]) -> list[Call]:
        """Replace the state with a board snapshot; announces only on a resync (see module doc)."""
        snap_seq = int(data.get("seq", 0))
        generated = _epoch(data.get("generated_at"))
        if generated is not None:
            self._offset = generated - self.clock()
        hall = data.get("hall") or {}
        self.hall_code = hall.get("code", self.hall_code)
        self.hall_name = hall.get("name", self.hall_name)
        self.timezone = hall.get("timezone") or self.timezone
        self.notice = data.get("notice") or ""
        self.windows = {}
        for w in data.get("windows", []):
            cur = w.get("current_ticket") or {}
            self.windows[int(w["id"])] = WindowView(
                id=int(w["id"]), number=int(w["number"]), name=w.get("name", ""),
                state=w.get("state", "closed"), clerk_name=w.get("clerk_name"),
                ticket_id=cur.get("ticket_id"), ticket_number=cur.get("number"),
                ticket_status=cur.get("status"),
            )
        calls = [self._call_from(c) for c in data.get("recent_calls", [])]
        calls = [c for c in calls if c is not None]
        calls.sort(key=lambda c: c.seq, reverse=True)
        self.recent_calls = []
        for call in reversed(calls):
            self._push_call(call)
        self.apply_stats(data)
        to_announce: list[Call] = []
        if self.announced_through is not None:
            for call in sorted(calls, key=lambda c: c.seq):
                if call.seq > self.announced_through and self._fresh(call):
                    to_announce.append(call)
        self.announced_through = max(self.announced_through or 0, snap_seq)
        self.seq = snap_seq
        self.version += 1
        return to_announce

    def apply_stats(self, data: dict[str, Any]) -> None:
        """Refresh only the per-service queue figures (from a board fetch or queue.stats)."""
        services = data.get("services")
        if not isinstance(services, list):
            return
        fresh: dict[str, ServiceView] = {}
        for svc in services:
            code = svc.get("code")
            if not code:
                continue
            fresh[code] = ServiceView(
                code=code, name=svc.get("name", code), prefix=svc.get("prefix", ""),
                waiting=int(svc.get("waiting") or 0),
                eta_minutes=svc.get("estimated_wait_minutes"),
                open_windows=int(svc.get("open_windows") or 0),
                accepting=svc.get("accepting") is not False,
            )
        self.services = fresh
        self.version += 1

    def apply_event(self, env: dict[str, Any]) -> list[Call]:
        """Apply one envelope; events at or below the current seq are ignored (idempotent)."""
        seq = env.get("seq")
        if not isinstance(seq, int) or (self.seq is not None and seq <= self.seq):
            return []
        self.seq = seq
        kind = env.get("type", "")
        data = env.get("data") or {}
        at = _epoch(env.get("at"))
        if at is not None:
            # The server wrote this event no later than now: never let our estimate lag behind.
            candidate = at - self.clock()
            if self._offset is None or candidate > self._offset:
                self._offset = candidate
        announce: list[Call] = []
        if kind in CALL_TYPES:
            call = self._call_from({**data, "seq": seq, "type": kind, "at": env.get("at")})
            if call is not None:
                self._on_call(call, data)
                unseen = self.announced_through is None or seq > self.announced_through
                if unseen and self._fresh(call):
                    announce.append(call)
        elif kind in (EventType.TICKET_STARTED, EventType.TICKET_RESUMED):
            self._set_serving(data)
        elif kind in CLEARS_WINDOW:
            self._clear_ticket(data.get("ticket_id"))
            self._adjust_waiting(kind, data)
        elif kind == EventType.TICKET_ISSUED:
            svc = self.services.get(data.get("service_code", ""))
            if svc is not None and data.get("waiting") is not None:
                svc.waiting = int(data["waiting"])
                svc.eta_minutes = data.get("estimated_wait_minutes", svc.eta_minutes)
        elif kind in WINDOW_STATES:
            self._window_state(data, WINDOW_STATES[kind])
        elif kind == EventType.NOTICE_UPDATED:
            self.notice = data.get("notice") or ""
        elif kind == EventType.QUEUE_STATS:
            self.apply_stats(data)
        if kind in CALL_TYPES:
            self.announced_through = max(self.announced_through or 0, seq)
        self.version += 1
        return announce

    # ------------------------------------------------------------------ queries

    def window_by_number(self, number: int) -> WindowView | None:
        """The window with this number, if any."""
        return next((w for w in self.windows.values() if w.number == number), None)

    def sorted_windows(self) -> list[WindowView]:
        """Windows by number."""
        return sorted(self.windows.values(), key=lambda w: w.number)

    def sorted_services(self) -> list[ServiceView]:
        """Services in catalog order (as the server sent them)."""
        return list(self.services.values())

    def server_now(self) -> float | None:
        """The estimated server time (epoch seconds), once known."""
        return None if self._offset is None else self.clock() + self._offset

    # ------------------------------------------------------------------ internals

    def _fresh(self, call: Call) -> bool:
        if self.max_age_seconds is None:
            return True
        now = self.server_now()
        if now is None or not call.at:
            return True
        return now - call.at <= self.max_age_seconds

    def _call_from(self, c: dict[str, Any]) -> Call | None:
        if not c.get("number") or c.get("window_number") is None:
            return None
        return Call(
            seq=int(c["seq"]), number=str(c["number"]), window_number=int(c["window_number"]),
            window_name=c.get("window_name") or "", service_name=c.get("service_name") or "",
            ticket_id=c.get("ticket_id"), recall=c.get("type") == EventType.TICKET_RECALLED,
            call_count=int(c.get("call_count") or 1), at=_epoch(c.get("at")) or 0.0,
        )

    def _push_call(self, call: Call) -> None:
        # One line per ticket: a recall moves the ticket back to the top.
        self.recent_calls = [c for c in self.recent_calls
                             if c.ticket_id is None or c.ticket_id != call.ticket_id]
        self.recent_calls.insert(0, call)
        del self.recent_calls[self.recent_limit:]

    def _on_call(self, call: Call, data: dict[str, Any]) -> None:
        self._push_call(call)
        if call.ticket_id is not None:
            self._clear_ticket(call.ticket_id)
        w = self._window_for(data)
        if w is not None:
            w.ticket_id, w.ticket_number = call.ticket_id, call.number
            w.ticket_status = TicketStatus.CALLED
        if not call.recall:
            svc = self.services.get(data.get("service_code", ""))
            if svc is not None and svc.waiting > 0:
                svc.waiting -= 1

    def _set_serving(self, data: dict[str, Any]) -> None:
        w = self._window_for(data)
        if w is None:
            w = next((x for x in self.windows.values() if x.ticket_id == data.get("ticket_id")),
                     None)
        if w is not None:
            w.ticket_id = data.get("ticket_id")
            w.ticket_number = data.get("number", w.ticket_number)
            w.ticket_status = TicketStatus.SERVING

    def _clear_ticket(self, ticket_id: Any) -> None:
        if ticket_id is None:
            return
        for w in self.windows.values():
            if w.ticket_id == ticket_id:
                w.ticket_id = w.ticket_number = w.ticket_status = None

    def _adjust_waiting(self, kind: str, data: dict[str, Any]) -> None:
        if kind in (EventType.TICKET_REQUEUED, EventType.TICKET_TRANSFERRED):
            code = data.get("to_service_code") or data.get("service_code", "")
            svc = self.services.get(code)
            if svc is not None:
                svc.waiting += 1
        elif kind == EventType.TICKET_CANCELLED:
            svc = self.services.get(data.get("service_code", ""))
            if svc is not None and svc.waiting > 0:
                svc.waiting -= 1

    def _window_for(self, data: dict[str, Any]) -> WindowView | None:
        wid = data.get("window_id")
        if wid is not None and int(wid) in self.windows:
            return self.windows[int(wid)]
        number = data.get("window_number")
        return self.window_by_number(int(number)) if number is not None else None

    def _window_state(self, data: dict[str, Any], state: str) -> None:
        w = self._window_for(data)
        if w is None:
            wid, number = data.get("window_id"), data.get("window_number")
            if wid is None or number is None:
                return
            w = WindowView(id=int(wid), number=int(number), name=data.get("window_name", ""))
            self.windows[w.id] = w
        w.state = state
        w.clerk_name = None if state == "closed" else data.get("clerk_name", w.clerk_name)


def _epoch(value: Any) -> float | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None
