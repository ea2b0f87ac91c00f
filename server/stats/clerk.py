"""A clerk's own figures for today (served, no-shows, transfers, average service time)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.catalog.models import Hall
from server.core.clock import business_day
from server.events.models import Event
from server.tickets.models import Ticket
from tongban_common.wire import EventType, TicketStatus


def clerk_today(s: Session, *, hall: Hall, staff_id: int, now: datetime) -> dict[str, Any]:
    """Counts for the clerk's tickets on the hall's current business day.

    served / no-shows come from the tickets the clerk finished; transfers from the
    ticket.transferred events the clerk caused (the ticket itself moves on to another window);
    average service time = mean of finished_at − started_at over the clerk's done tickets.
    """
    day = business_day(now, hall.timezone)
    mine = list(s.scalars(select(Ticket).where(
        Ticket.hall_id == hall.id, Ticket.business_day == day, Ticket.staff_id == staff_id)))
    done = [t for t in mine if t.status == TicketStatus.DONE]
    minutes = [(t.finished_at - t.started_at).total_seconds() / 60
               for t in done if t.started_at and t.finished_at]
    day_start = datetime.combine(day, time.min, tzinfo=ZoneInfo(hall.timezone))
    transfers = sum(
        1 for ev in s.scalars(select(Event).where(
            Event.hall_id == hall.id, Event.type == EventType.TICKET_TRANSFERRED,
            Event.at >= day_start))
        if (ev.private or {}).get("staff_id") == staff_id
    )
    return {
        "day": day.isoformat(),
        "served": len(done),
        "no_shows": sum(t.status == TicketStatus.NO_SHOW for t in mine),
        "transfers": transfers,
        TicketStatus.SUSPENDED: sum(t.status == TicketStatus.SUSPENDED for t in mine),
        "avg_service_minutes": round(sum(minutes) / len(minutes), 1) if minutes else None,
    }
