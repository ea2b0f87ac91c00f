"""What a rating pad shows and how its ratings are stored (through the evaluations domain)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.principal import Principal
from server.cases.models import FollowUpCase
from server.cases.service import BAD_RATING_MAX
from server.catalog.models import Hall
from server.core.errors import Conflict, Forbidden, Invalid, NotFound
from server.evaluations.models import BAD_REASONS, RATING_LABELS, Evaluation
from server.evaluations.service import clerk_card, evaluation_public, rate_ticket, rating_prompt
from server.tickets.models import Ticket
from server.windows.models import Window
from tongban_common.wire import ErrorCode, TicketStatus

# A pad may rate a ticket finished at its window this recently; later the citizen has left
# and only the slip's QR code (tracking page) remains.
RATE_WITHIN = timedelta(minutes=10)
# A pad that (re)starts shows a completion this recent as its prompt (missed event).
RECOVER_WITHIN = timedelta(minutes=2)


def pad_window(s: Session, principal: Principal) -> Window:
    """The window a rating pad is bound to (403 when it is not bound to one of its hall)."""
    window = s.get(Window, principal.window_id) if principal.window_id else None
    if window is None or window.hall_id != principal.hall_id:
        raise Forbidden("评价器未绑定本大厅的窗口", code=ErrorCode.RATEPAD_UNBOUND)
    return window


def pad_state(s: Session, principal: Principal, now: datetime) -> dict[str, Any]:
    """The pad's start-up view: hall, window, signed-in clerk, levels, reasons, open prompt."""
    window = pad_window(s, principal)
    hall = s.get(Hall, window.hall_id)
    assert hall is not None
    return {
        "hall": {"code": hall.code, "name": hall.name},
        "window": {"id": window.id, "number": window.number, "name": window.name,
                   "state": window.state},
        "clerk": clerk_card(s, window.current_staff_id),
        "levels": [{"rating": r, "label": RATING_LABELS[r]} for r in sorted(RATING_LABELS,
                                                                            reverse=True)],
        "bad_max": BAD_RATING_MAX,
        "reasons": [{"code": code, "label": zh, "label_en": en}
                    for code, (_, zh, en) in BAD_REASONS.items()],
        "prompt": _pending_prompt(s, window, now),
    }


def _pending_prompt(s: Session, window: Window, now: datetime) -> dict[str, Any] | None:
    ticket = s.scalar(
        select(Ticket)
        .where(Ticket.window_id == window.id, Ticket.status == TicketStatus.DONE,
               Ticket.finished_at >= now - RECOVER_WITHIN)
        .order_by(Ticket.finished_at.desc(), Ticket.id.desc())
        .limit(1)
    )
    if ticket is None or _rated(s, ticket.id):
        return None
    return rating_prompt(s, ticket)


def _rated(s: Session, ticket_id: int) -> bool:
    return s.scalar(select(Evaluation.id).where(Evaluation.ticket_id == ticket_id)) is not None


def reason_details(rating: int, reasons: list[str]) -> tuple[dict[str, int], str]:
    """Dimensions marked down and the comment text for the reasons picked with a rating."""
    unknown = [r for r in reasons if r not in BAD_REASONS]
    if unknown:
        raise Invalid(f"未知的评价原因：{'、'.join(unknown)}", code=ErrorCode.INVALID_REASON)
    if rating > BAD_RATING_MAX and reasons:
        raise Invalid("只有不满意和非常不满意需要选择原因", code=ErrorCode.REASONS_NOT_ALLOWED)
    if rating <= BAD_RATING_MAX and not reasons:
        raise Invalid("请至少选择一个不满意的原因", code=ErrorCode.REASONS_REQUIRED)
    picked = [code for code in BAD_REASONS if code in reasons]  # preset order, no repeats
    dimensions = {BAD_REASONS[code][0]: rating for code in picked}
    return dimensions, "、".join(BAD_REASONS[code][1] for code in picked)


def pad_rate(s: Session, principal: Principal, *, ticket_id: int, rating: int,
             reasons: list[str], now: datetime) -> dict[str, Any]:
    """Store the pad's rating of a ticket its window finished recently; 409 when rated before."""
    window = pad_window(s, principal)
    ticket = s.scalar(select(Ticket).where(Ticket.id == ticket_id).with_for_update())
    if ticket is None:
        raise NotFound("未找到该号码", code=ErrorCode.TICKET_NOT_FOUND)
    if ticket.hall_id != window.hall_id:
        raise Forbidden("无权操作其他大厅的号码", code=ErrorCode.FORBIDDEN_HALL)
    if ticket.window_id != window.id:
        raise Forbidden("只能评价本窗口办理的号码", code=ErrorCode.NOT_THIS_WINDOW)
    if ticket.finished_at is not None and ticket.finished_at < now - RATE_WITHIN:
        raise Conflict("评价已超时，请扫描号票上的二维码评价", code=ErrorCode.RATING_EXPIRED)
    dimensions, comment = reason_details(rating, reasons)
    ev = rate_ticket(s, ticket, rating=rating, dimensions=dimensions, comment=comment,
                     channel="pad")
    case = s.scalar(select(FollowUpCase.id).where(FollowUpCase.evaluation_id == ev.id))
    return {**evaluation_public(ev, ticket.number), "reasons": [r for r in BAD_REASONS
                                                                 if r in reasons],
            "case_opened": case is not None}
