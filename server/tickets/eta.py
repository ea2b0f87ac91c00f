"""Positions and estimated waits for waiting tickets (first estimator)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.catalog.models import ServiceItem
from server.tickets.models import Ticket
from server.tickets.ordering import QueueEntry, sort_key, starve_cutoff
from server.windows.models import Window, WindowService


@dataclass(frozen=True)
class ServiceLoad:
    """What the estimator knows about one service's queue right now."""

    waiting: list[QueueEntry]
    mean_service_minutes: float
    open_windows: int
    any_windows: int


def mean_service_minutes(
    s: Session, *, service: ServiceItem, now: datetime, lookback_minutes: float
) -> float:
    """Mean serving time of recently completed tickets, else the service's expected time."""
    since = now - timedelta(minutes=lookback_minutes)
    rows = s.execute(
        select(Ticket.started_at, Ticket.finished_at)
        .where(
            Ticket.service_id == service.id,
            Ticket.status == "done",
            Ticket.finished_at >= since,
            Ticket.started_at.is_not(None),
        )
        .order_by(Ticket.finished_at.desc())
        .limit(30)
    ).all()
    durations = [(f - st).total_seconds() / 60 for st, f in rows if f and st]
    if len(durations) < 3:
        return float(service.expected_minutes)
    # Blend with the expected time so a few quick tickets do not swing the estimate.
    observed = sum(durations) / len(durations)
    weight = min(len(durations), 20) / 20
    return weight * observed + (1 - weight) * service.expected_minutes


def load_for(s: Session, *, service: ServiceItem, now: datetime, lookback: float) -> ServiceLoad:
    """Collect the waiting queue and capacity of one service."""
    waiting = [
        QueueEntry(*row)
        for row in s.execute(
            select(
                Ticket.id, Ticket.priority_class, Ticket.appointment_slot_start, Ticket.queued_at
            ).where(Ticket.service_id == service.id, Ticket.status == "waiting")
        ).all()
    ]
    counts = s.execute(
        select(Window.state, func.count())
        .join(WindowService, WindowService.window_id == Window.id)
        .where(WindowService.service_id == service.id)
        .group_by(Window.state)
    ).all()
    by_state = {state: n for state, n in counts}
    return ServiceLoad(
        waiting=waiting,
        mean_service_minutes=mean_service_minutes(
            s, service=service, now=now, lookback_minutes=lookback
        ),
        open_windows=by_state.get("open", 0),
        any_windows=sum(by_state.values()),
    )


def people_ahead(load: ServiceLoad, ticket_id: int, *, now: datetime, starvation: float) -> int:
    """How many waiting tickets of the same service come before this one."""
    cutoff = starve_cutoff(now, starvation)
    ordered = sorted(load.waiting, key=lambda e: sort_key(e, now=now, starve_cutoff=cutoff))
    for i, entry in enumerate(ordered):
        if entry.id == ticket_id:
            return i
    return len(ordered)


def estimate_minutes(load: ServiceLoad, ahead: int) -> int | None:
    """Minutes until called: people ahead × mean service time ÷ serving windows."""
    windows = load.open_windows or load.any_windows
    if windows == 0:
        return None
    return math.ceil(ahead * load.mean_service_minutes / windows)
