"""The counter's plain state pieces: status line, connection health, time helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

# After this long without the event stream the indicator turns red (it keeps retrying).
DISCONNECTED_AFTER_SECONDS = 10.0


@dataclass
class Message:
    """The status line under the actions."""

    text: str = ""
    level: str = "info"  # info / ok / warn / error


def parse_time(value: str | None) -> datetime | None:
    """ISO string from the server → aware datetime."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def timer_level(elapsed_seconds: float, expected_minutes: float | None) -> str:
    """ok while within the service's expected time, amber when over, red beyond 1.5×."""
    if not expected_minutes:
        return "ok"
    minutes = elapsed_seconds / 60
    if minutes > expected_minutes * 1.5:
        return "red"
    if minutes > expected_minutes:
        return "amber"
    return "ok"


def format_elapsed(seconds: float) -> str:
    """mm:ss (or h:mm:ss)."""
    seconds = max(0, int(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class Connection:
    """The event stream's health as the clerk sees it: connected / reconnecting / disconnected."""

    def __init__(self) -> None:
        self.level = "reconnecting"
        self.stream_state = "connecting"
        self.lost_at: datetime | None = None
        self.ever_connected = False

    def update(self, stream_state: str, now: datetime) -> bool:
        """Apply an EventStream state; returns True when this is a reconnect."""
        self.stream_state = stream_state
        if stream_state == "connected":
            reconnect = self.ever_connected and self.level != "connected"
            self.level, self.lost_at, self.ever_connected = "connected", None, True
            return reconnect
        if stream_state == "stopped":
            self.level = "disconnected"
        elif self.level == "connected" or self.lost_at is None:
            self.level, self.lost_at = "reconnecting", now
        return False

    def tick(self, now: datetime) -> bool:
        """Turn red after a long outage; True when the level changed."""
        if (self.level == "reconnecting" and self.lost_at is not None
                and (now - self.lost_at).total_seconds() > DISCONNECTED_AFTER_SECONDS):
            self.level = "disconnected"
            return True
        return False
