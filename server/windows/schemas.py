"""Response models of the window routes."""

from __future__ import annotations

from pydantic import Field

from server.core.schemas import Shape


class ClerkRef(Shape):
    id: int
    name: str
    username: str


class WindowServiceOut(Shape):
    code: str
    name: str
    priority: int = Field(description="1–9, higher is called first")


class CurrentTicketRef(Shape):
    id: int
    number: str
    status: str


class WindowOut(Shape):
    """A window with its services, the clerk holding it and its current ticket."""

    id: int
    number: int
    name: str
    state: str = Field(description="open | paused | closed")
    clerk: ClerkRef | None
    services: list[WindowServiceOut]
    current_ticket: CurrentTicketRef | None = Field(
        description="the called, serving or suspended ticket at the window")
    state_changed_at: str
