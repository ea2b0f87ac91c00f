"""Response model of the 差评整改 follow-up cases."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from server.core.schemas import Shape


class StaffRef(Shape):
    id: int
    name: str


class CaseOut(Shape):
    """A case for the manager page (no citizen personal data)."""

    id: int
    status: str = Field(description="open | assigned | replied | closed")
    status_text: str
    rating: int
    rating_label: str
    dimensions: dict[str, Any]
    comment: str
    channel: str | None
    ticket_id: int | None
    number: str | None
    application_id: int | None
    receipt_no: str | None
    service_name: str | None
    window_number: int | None
    rated_staff: StaffRef | None
    assignee: StaffRef | None
    opened_at: str | None
    due_date: str
    overdue: bool
    reply: str
    replied_at: str | None
    resolution: str
    closed_at: str | None
    history: list[dict[str, Any]]
