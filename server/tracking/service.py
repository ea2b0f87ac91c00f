"""What a citizen holding the slip sees: the tracking view behind GET and WS /…/track/{token}."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import Hall
from server.core.clock import business_day, utcnow
from server.core.config import Settings
from server.core.errors import NotFound
from server.evaluations.service import clerk_card
from server.tickets.models import Ticket
from server.tickets.service import DAY_CLOSE
from server.tickets.views import ticket_public
from tongban_common.wire import ErrorCode, TicketStatus

# After these a ticket never changes again: the live channel sends it once more and closes.
FINAL_STATUSES = frozenset({TicketStatus.DONE, TicketStatus.NO_SHOW, TicketStatus.CANCELLED})
# Tokens are secrets.token_urlsafe(16) (22 characters); the column holds 64.
MAX_TOKEN_LENGTH = 64
EXPIRED_TEXT = "已过期"


@dataclass(frozen=True)
class TrackedTicket:
    """Which ticket (and hall) a tracking token names, for the live channel."""

    ticket_id: int
    hall_id: int
    hall_code: str


def find_ticket(s: Session, tracking_token: str) -> Ticket:
    """The ticket behind a tracking token, or NotFound."""
    ticket = None
    if 0 < len(tracking_token) <= MAX_TOKEN_LENGTH:
        ticket = s.scalar(select(Ticket).where(Ticket.tracking_token == tracking_token))
    if ticket is None:
        raise NotFound("未找到该号码，请核对二维码", code=ErrorCode.TICKET_NOT_FOUND)
    return ticket


def locate(s: Session, tracking_token: str) -> TrackedTicket:
    """Ticket and hall ids of a tracking token (NotFound when unknown)."""
    ticket = find_ticket(s, tracking_token)
    hall = s.get(Hall, ticket.hall_id)
    assert hall is not None
    return TrackedTicket(ticket_id=ticket.id, hall_id=hall.id, hall_code=hall.code)


def track_view(s: Session, ticket: Ticket, settings: Settings,
               *, now: datetime | None = None) -> dict[str, Any]:
    """The public view of one ticket (number, status, position, wait, window); no personal data.

    A number of an earlier business day that the day close has not lapsed yet is shown as it
    will end (已过期: cancelled, or no-show if it was called), never as still waiting.
    """
    now = now or utcnow()
    data = ticket_public(s, ticket, settings, now=now)
    data.pop("id", None)  # the tracking token is the public handle, not the row id
    data["expired"] = is_expired(s, ticket, now=now)
    # Who served, next to the 好差评 form: the clerk as the window screen and rating pad show them.
    data["clerk"] = clerk_card(s, ticket.staff_id) if ticket.status == TicketStatus.DONE else None
    if data["expired"]:
        data.update(status=DAY_CLOSE[ticket.status][0], status_text=EXPIRED_TEXT, position=None,
                    people_ahead=None, estimated_wait_minutes=None, window=None)
    return data


def is_expired(s: Session, ticket: Ticket, *, now: datetime | None = None) -> bool:
    """A number is only good for its own business day (hall timezone): later it is stale.

    The statuses the day close lapses only: a ticket still being served stays with its clerk.
    """
    if ticket.status not in DAY_CLOSE:
        return False
    hall = s.get(Hall, ticket.hall_id)
    assert hall is not None
    return ticket.business_day < business_day(now or utcnow(), hall.timezone)
