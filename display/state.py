"""What the wall display shows, as plain data: windows, calls, services."""

from __future__ import annotations

from dataclasses import dataclass

from tongban_common.wire import EventType

CALL_TYPES = (EventType.TICKET_CALLED, EventType.TICKET_RECALLED)
CLEARS_WINDOW = (EventType.TICKET_COMPLETED, EventType.TICKET_NO_SHOW, EventType.TICKET_REQUEUED,
                 EventType.TICKET_TRANSFERRED, EventType.TICKET_SUSPENDED,
                 EventType.TICKET_CANCELLED)
WINDOW_STATES = {EventType.WINDOW_OPENED: "open", EventType.WINDOW_PAUSED: "paused",
                 EventType.WINDOW_CLOSED: "closed"}
DEFAULT_MAX_AGE = 120.0


@dataclass
class WindowView:
    """What a screen shows for one window."""

    id: int
    number: int
    name: str
    state: str = "closed"
    clerk_name: str | None = None
    ticket_id: int | None = None
    ticket_number: str | None = None
    ticket_status: str | None = None  # called / serving


@dataclass(frozen=True)
class Call:
    """One call or recall of a ticket to a window."""

    seq: int
    number: str
    window_number: int
    window_name: str = ""
    service_name: str = ""
    ticket_id: int | None = None
    recall: bool = False
    call_count: int = 1
    at: float = 0.0  # server time, epoch seconds


@dataclass
class ServiceView:
    """Waiting count and estimated wait of one service."""

    code: str
    name: str
    prefix: str = ""
    waiting: int = 0
    eta_minutes: int | None = None
    open_windows: int = 0
    accepting: bool = True  # False: no open or paused window handles it (暂停受理)
