"""A window's waiting list in calling order, with the rule that places each ticket."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import ServiceItem
from server.core.clock import iso
from server.core.config import Settings
from server.tickets.models import Ticket
from server.tickets.ordering import (
    QueueEntry,
    class_rank,
    next_candidate_query,
    queue_day,
    starve_cutoff,
)
from server.windows.models import Window
from tongban_common.wire import TicketStatus

RANK_RULES = {0: "starvation", 1: "appointment", 2: "green", 3: "longest_wait"}


def window_queue(
    s: Session, *, window: Window, settings: Settings, now: datetime, limit: int = 200
) -> dict[str, Any]:
    """Waiting tickets this window may call, first-to-be-called first."""
    ordered_ids = (
        next_candidate_query(hall_id=window.hall_id, window_id=window.id, now=now,
                             day=queue_day(s, window.hall_id, now),
                             starvation_minutes=settings.starvation_minutes,
                             limit=limit, lock=False)
    )
    ids = list(s.scalars(ordered_ids))
    tickets = {t.id: t for t in s.scalars(select(Ticket).where(Ticket.id.in_(ids)))}
    services = {sv.id: sv for sv in s.scalars(select(ServiceItem).where(
        ServiceItem.hall_id == window.hall_id))}
    cutoff = starve_cutoff(now, settings.starvation_minutes)
    items = []
    for position, tid in enumerate(ids, start=1):
        t = tickets[tid]
        entry = QueueEntry(t.id, t.priority_class, t.appointment_slot_start, t.queued_at)
        rule = "transfer_target" if t.target_window_id == window.id else RANK_RULES[
            class_rank(entry, now=now, starve_cutoff=cutoff)]
        items.append({
            "position": position,
            "ticket_id": t.id,
            "number": t.number,
            "service_code": services[t.service_id].code,
            "service_name": services[t.service_id].name,
            "priority_class": t.priority_class,
            "source": t.source,
            "rule": rule,
            "waited_minutes": int((now - t.queued_at).total_seconds() // 60),
            "queued_at": iso(t.queued_at),
        })
    return {"window_id": window.id, "waiting": len(items), "items": items}


def suspended_tickets(s: Session, *, window: Window, day: Any) -> list[Ticket]:
    """Tickets hung (挂起) at this window on the given business day, oldest first."""
    return list(s.scalars(select(Ticket).where(
        Ticket.window_id == window.id, Ticket.status == TicketStatus.SUSPENDED,
        Ticket.business_day == day)
        .order_by(Ticket.suspended_at, Ticket.id)))
