"""Recording ratings; exactly once per completed ticket."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.cases.service import open_case_for
from server.core.errors import Conflict, Invalid, NotFound
from server.evaluations.models import CHANNELS, DIMENSIONS, RATING_LABELS, Evaluation
from server.events.service import append_event
from server.tickets.models import Ticket


def evaluate(
    s: Session,
    *,
    tracking_token: str,
    rating: int,
    dimensions: dict[str, int] | None = None,
    comment: str = "",
    channel: str = "tracking",
) -> Evaluation:
    """Store a rating for a finished ticket; a second rating is a 409."""
    ticket = s.scalar(
        select(Ticket).where(Ticket.tracking_token == tracking_token).with_for_update()
    )
    if ticket is None:
        raise NotFound("未找到该号码", code="ticket_not_found")
    if ticket.status != "done":
        raise Conflict("业务办结后才能评价", code="not_finished")
    if rating not in RATING_LABELS:
        raise Invalid("评价等级应为1–5", code="invalid_rating")
    dims = dimensions or {}
    unknown = set(dims) - set(DIMENSIONS)
    if unknown or any(v not in RATING_LABELS for v in dims.values()):
        raise Invalid("评价维度应为 attitude/efficiency/quality/integrity，取值1–5",
                      code="invalid_dimensions")
    if channel not in CHANNELS:
        raise Invalid("未知评价渠道", code="invalid_channel")
    if s.scalar(select(Evaluation.id).where(Evaluation.ticket_id == ticket.id)) is not None:
        raise Conflict("该号码已评价，感谢您的反馈", code="already_rated")
    ev = Evaluation(
        ticket_id=ticket.id, hall_id=ticket.hall_id, service_id=ticket.service_id,
        window_id=ticket.window_id, staff_id=ticket.staff_id, rating=rating,
        dimensions=dims, comment=comment.strip(), channel=channel,
    )
    s.add(ev)
    s.flush()
    open_case_for(s, ev)  # 差评 → follow-up case in the same transaction
    append_event(s, hall_id=ticket.hall_id, type="evaluation.received", ticket_id=ticket.id,
                 data=evaluation_public(ev, ticket.number))
    return ev


def evaluation_public(ev: Evaluation, number: str) -> dict[str, Any]:
    """Wire form of a rating (no personal data)."""
    return {
        "ticket_id": ev.ticket_id, "number": number, "rating": ev.rating,
        "rating_label": RATING_LABELS[ev.rating], "dimensions": ev.dimensions,
        "channel": ev.channel, "window_id": ev.window_id,
    }
