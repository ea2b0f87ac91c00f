"""一事一评 of an application: its rating, once, and whether it has one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.applications.models import RATEABLE, Application
from server.core.errors import Conflict
from server.evaluations.models import RATING_LABELS, Evaluation
from server.evaluations.service import checked_rating, open_case
from server.events.service import append_event
from server.tickets.models import Ticket
from tongban_common.wire import ErrorCode, EventType


def rate_application(
    s: Session,
    app: Application,
    *,
    rating: int,
    dimensions: dict[str, int] | None = None,
    comment: str = "",
    channel: str = "tracking",
) -> Evaluation:
    """一事一评: rate a decided application once (locked by the caller); 差评 opens a
    follow-up case. The window and clerk rated are those that accepted it."""
    if app.status not in RATEABLE:
        raise Conflict("办件办结后才能评价", code=ErrorCode.NOT_FINISHED)
    dims = checked_rating(rating, dimensions, channel)
    if s.scalar(select(Evaluation.id).where(Evaluation.application_id == app.id)) is not None:
        raise Conflict("该办件已评价，感谢您的反馈", code=ErrorCode.ALREADY_RATED)
    ticket = s.get(Ticket, app.ticket_id) if app.ticket_id else None
    ev = Evaluation(
        ticket_id=None, application_id=app.id, hall_id=app.hall_id, service_id=app.service_id,
        window_id=ticket.window_id if ticket else None, staff_id=app.accepted_by,
        rating=rating, dimensions=dims, comment=comment.strip(), channel=channel,
    )
    s.add(ev)
    s.flush()
    open_case(s, ev)
    append_event(s, hall_id=app.hall_id, type=EventType.APPLICATION_RATED, data={
        "application_id": app.id, "receipt_no": app.receipt_no, "rating": ev.rating,
        "rating_label": RATING_LABELS[ev.rating], "dimensions": ev.dimensions,
        "channel": ev.channel, "window_id": ev.window_id})
    return ev


def application_rated(s: Session, app: Application) -> int | None:
    """The application's rating, or None while it has none."""
    return s.scalar(select(Evaluation.rating).where(Evaluation.application_id == app.id))
