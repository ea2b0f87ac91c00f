"""Recording ratings; exactly once per completed ticket."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.models import Staff
from server.auth.principal import Principal
from server.core.errors import Conflict, Forbidden, Invalid, NotFound
from server.core.hooks import Hook
from server.devices.service import window_has_ratepad
from server.evaluations.models import CHANNELS, DIMENSIONS, RATING_LABELS, Evaluation
from server.events.service import append_event
from server.tickets.models import Ticket
from server.windows.models import Window
from tongban_common.wire import ErrorCode, EventType, StaffRole, TicketStatus

# Cases sit above evaluations: server/cases/service.py installs the function that opens the
# follow-up case of a poor rating (in the rating's own transaction).
case_opener: Hook[Callable[[Session, Evaluation], object]] = Hook(
    "server.cases.service", "a poor rating needs its case")
install_case_opener = case_opener.install


def open_case(s: Session, ev: Evaluation) -> None:
    """Open the follow-up case of a poor rating (through the installed case opener)."""
    case_opener.get()(s, ev)


def evaluate(
    s: Session,
    *,
    tracking_token: str,
    rating: int,
    dimensions: dict[str, int] | None = None,
    comment: str = "",
    channel: str = "tracking",
) -> Evaluation:
    """Store a rating for the finished ticket of a tracking token; a second rating is a 409."""
    ticket = s.scalar(
        select(Ticket).where(Ticket.tracking_token == tracking_token).with_for_update()
    )
    if ticket is None:
        raise NotFound("未找到该号码", code=ErrorCode.TICKET_NOT_FOUND)
    return rate_ticket(s, ticket, rating=rating, dimensions=dimensions, comment=comment,
                       channel=channel)


def rate_ticket(
    s: Session,
    ticket: Ticket,
    *,
    rating: int,
    dimensions: dict[str, int] | None = None,
    comment: str = "",
    channel: str = "tracking",
) -> Evaluation:
    """Store a rating for a finished ticket (locked by the caller); a second rating is a 409."""
    if ticket.status != TicketStatus.DONE:
        raise Conflict("业务办结后才能评价", code=ErrorCode.NOT_FINISHED)
    dims = checked_rating(rating, dimensions, channel)
    if s.scalar(select(Evaluation.id).where(Evaluation.ticket_id == ticket.id)) is not None:
        raise Conflict("该号码已评价，感谢您的反馈", code=ErrorCode.ALREADY_RATED)
    ev = Evaluation(
        ticket_id=ticket.id, hall_id=ticket.hall_id, service_id=ticket.service_id,
        window_id=ticket.window_id, staff_id=ticket.staff_id, rating=rating,
        dimensions=dims, comment=comment.strip(), channel=channel,
    )
    s.add(ev)
    s.flush()
    open_case(s, ev)  # 差评 → follow-up case in the same transaction
    append_event(s, hall_id=ticket.hall_id, type=EventType.EVALUATION_RECEIVED, ticket_id=ticket.id,
                 data=evaluation_public(ev, ticket.number))
    return ev


def checked_rating(rating: int, dimensions: dict[str, int] | None,
                   channel: str) -> dict[str, int]:
    """The rating's dimensions once rating, dimensions and channel are valid (else 422)."""
    if rating not in RATING_LABELS:
        raise Invalid("评价等级应为1–5", code=ErrorCode.INVALID_RATING)
    dims = dimensions or {}
    unknown = set(dims) - set(DIMENSIONS)
    if unknown or any(v not in RATING_LABELS for v in dims.values()):
        raise Invalid("评价维度应为 attitude/efficiency/quality/integrity，取值1–5",
                      code=ErrorCode.INVALID_DIMENSIONS)
    if channel not in CHANNELS:
        raise Invalid("未知评价渠道", code=ErrorCode.INVALID_CHANNEL)
    return dims


def evaluation_public(ev: Evaluation, number: str) -> dict[str, Any]:
    """Wire form of a rating (no personal data)."""
    return {
        "ticket_id": ev.ticket_id, "number": number, "rating": ev.rating,
        "rating_label": RATING_LABELS[ev.rating], "dimensions": ev.dimensions,
        "channel": ev.channel, "window_id": ev.window_id,
    }


def request_rating(s: Session, *, ticket_id: int, principal: Principal) -> dict[str, Any]:
    """Announce that a finished ticket's citizen is asked to rate (event ticket.rating_requested).

    Only the clerk who finished the ticket (or a manager/admin of the hall) may ask; the event
    carries no citizen data, so displays may show it; the window's rating pad shows it as its
    prompt (with the clerk's name and 工号, as on the window screen).
    """
    ticket = s.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound("未找到该号码", code=ErrorCode.TICKET_NOT_FOUND)
    if not principal.can_access_hall(ticket.hall_id):
        raise Forbidden("无权操作其他大厅的号码", code=ErrorCode.FORBIDDEN_HALL)
    if principal.role == StaffRole.CLERK and ticket.staff_id != principal.id:
        raise Forbidden("只能为自己办结的号码发起评价", code=ErrorCode.NOT_YOUR_TICKET)
    if ticket.status != TicketStatus.DONE:
        raise Conflict("业务办结后才能发起评价", code=ErrorCode.NOT_FINISHED)
    append_event(s, hall_id=ticket.hall_id, type=EventType.TICKET_RATING_REQUESTED,
                 ticket_id=ticket.id, data=rating_prompt(s, ticket))
    return {"ticket_id": ticket.id, "number": ticket.number,
            "tracking_token": ticket.tracking_token,
            "evaluation_path": f"/api/v1/track/{ticket.tracking_token}/evaluation",
            "ratepad": window_has_ratepad(s, ticket.window_id)}


def rating_prompt(s: Session, ticket: Ticket) -> dict[str, Any]:
    """What a rating pad shows for a finished ticket: number, window and the clerk who served."""
    window = s.get(Window, ticket.window_id) if ticket.window_id else None
    return {"ticket_id": ticket.id, "number": ticket.number,
            "window_id": window.id if window else None,
            "window_number": window.number if window else None,
            "clerk": clerk_card(s, ticket.staff_id)}


def clerk_card(s: Session, staff_id: int | None) -> dict[str, str] | None:
    """The clerk as citizens see them at the window: name and 工号 (their staff login)."""
    staff = s.get(Staff, staff_id) if staff_id else None
    return {"name": staff.full_name, "staff_no": staff.username} if staff else None
