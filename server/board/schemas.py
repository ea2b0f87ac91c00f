"""Response model of the wall-screen board snapshot."""

from __future__ import annotations

from pydantic import Field

from server.catalog.schemas import ServiceLoadOut
from server.core.schemas import Shape


class BoardHall(Shape):
    code: str
    name: str
    timezone: str


class BoardTicket(Shape):
    number: str
    status: str = Field(description="called | serving")
    ticket_id: int


class BoardWindow(Shape):
    id: int
    number: int
    name: str
    state: str
    current_ticket: BoardTicket | None
    clerk_name: str | None


class BoardCall(Shape):
    """One of today's last ten calls (fields copied from the call event, null if absent)."""

    seq: int
    type: str
    at: str | None
    ticket_id: int | None
    number: str | None
    service_code: str | None
    service_name: str | None
    window_id: int | None
    window_number: int | None
    window_name: str | None
    call_count: int | None


class BoardService(ServiceLoadOut):
    """A catalog entry with its load, without the materials list."""

    materials: list[dict] | None = Field(None, description="not sent on the board")


class BoardOut(Shape):
    """Everything a wall screen draws, valid at event `seq`."""

    hall: BoardHall
    seq: int
    generated_at: str
    notice: str
    windows: list[BoardWindow]
    recent_calls: list[BoardCall]
    services: list[BoardService]
