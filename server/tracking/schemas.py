"""Response models of the public tracking routes."""

from __future__ import annotations

from pydantic import Field

from server.core.schemas import Shape
from server.tickets.schemas import TicketPublicBase


class ClerkCard(Shape):
    name: str
    staff_no: str = Field(description="工号 (the clerk's login)")


class TrackOut(TicketPublicBase):
    """The slip holder's view of the number (no row id, no personal data)."""

    expired: bool = Field(description="a number of an earlier business day (已过期)")
    clerk: ClerkCard | None = Field(description="who served it, once done")


class ReminderView(Shape):
    ahead: int
    phone_masked: str
    sent: bool
    sent_at: str | None
    ended: bool


class ReminderOut(Shape):
    reminder: ReminderView | None = Field(description="the 到号提醒 set for this number, or null")
