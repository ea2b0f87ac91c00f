"""Wire shapes of tickets for the public, devices and staff."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from server.catalog.models import Hall, ServiceItem
from server.core.clock import iso, utcnow
from server.core.config import Settings
from server.core.hooks import Hook
from server.tickets import eta
from server.tickets.models import Ticket
from server.tickets.ordering import reason_text
from server.tickets.service import (
    ACTIVE,
    ETA_CACHE,
    STATUS_ZH,
    serving_window_numbers,
    shown_row,
)
from server.windows.models import Window
from tongban_common.wire import TicketStatus

# Appointments sit above tickets: server/appointments/views.py installs the function that adds
# a ticket's appointment and materials summary to its staff view.
appointment_view: Hook[Callable[[Session, Ticket], dict[str, Any]]] = Hook(
    "server.appointments.views", "no appointment view")
install_appointment_view = appointment_view.install


def window_hint(s: Session, service_id: int) -> str:
    """Which open or paused windows handle a service, e.g. '3、5、7号窗口'; '' when none
    does (a closed window is never named: nobody would serve the citizen there)."""
    # Window states and services change with commits that empty this memory (eta.py); other
    # processes' changes show within eta.MODEL_TTL_SECONDS.
    bind = eta.memory_key(s)
    numbers = eta.hall_loads.recall(bind, ("hint", service_id))
    if numbers is None:
        generation = eta.hall_loads.generation
        numbers = serving_window_numbers(s, service_id)
        if not s.info.get(eta.STALE):  # not a transaction that changed windows itself
            eta.hall_loads.remember(bind, ("hint", service_id), numbers, generation)
    return "、".join(str(n) for n in numbers) + "号窗口" if numbers else ""


def queue_position(
    s: Session, ticket: Ticket, service: ServiceItem, settings: Settings, now: datetime
) -> tuple[int | None, int | None, int | None]:
    """(position, people ahead, estimated minutes) for a waiting ticket, else Nones."""
    if ticket.status != TicketStatus.WAITING:
        return None, None, None
    cached = s.info.get(ETA_CACHE, {}).get(ticket.id)
    if cached is not None:  # estimated moments ago, in this transaction, at issue
        _, ahead, minutes = cached
    else:
        ahead, minutes, _ = eta.ticket_estimate(
            s, ticket=ticket, service=service, now=now,
            lookback=settings.eta_window_minutes, starvation=settings.starvation_minutes)
    if ahead is None:
        return None, None, minutes
    return ahead + 1, ahead, minutes


def ticket_public(
    s: Session, ticket: Ticket, settings: Settings, *, now: datetime | None = None,
    hall: Hall | None = None, service: ServiceItem | None = None,
) -> dict[str, Any]:
    """What anyone holding the slip may see: no personal data.

    `hall` and `service` are the ticket's own rows when the caller has them loaded already.
    """
    now = now or utcnow()
    hall, service = _hall_and_service(s, ticket, hall, service)
    position, ahead, minutes = queue_position(s, ticket, service, settings, now)
    window = s.get(Window, ticket.window_id) if ticket.window_id else None
    load = s.info.get(eta.SESSION_LOADS, {}).get(ticket.id)
    if load is not None:  # the hall's windows as just read (or remembered) for the estimate
        numbers = eta.serving_numbers(load, service.id)
        hint = "、".join(str(n) for n in numbers) + "号窗口" if numbers else ""
    else:
        hint = window_hint(s, service.id)
    return {
        "id": ticket.id,
        "number": ticket.number,
        "hall_code": hall.code,
        "hall_name": hall.name,
        "service_code": service.code,
        "service_name": service.name,
        "status": ticket.status,
        "status_text": STATUS_ZH[ticket.status],
        "source": ticket.source,
        "priority_class": ticket.priority_class,
        "priority_reason": ticket.priority_reason,
        "position": position,
        "people_ahead": ahead,
        "estimated_wait_minutes": minutes,
        "tracking_token": ticket.tracking_token,
        "window_hint": hint,
        # False: no open or paused window handles the service (暂停受理): no estimate, no window
        "accepting": bool(hint),
        "window": {"id": window.id, "number": window.number, "name": window.name}
        if window else None,
        "call_count": ticket.call_count,
        "issued_at": iso(ticket.issued_at),
        "called_at": iso(ticket.called_at),
        "finished_at": iso(ticket.finished_at),
    }


def ticket_lookup(s: Session, ticket: Ticket, settings: Settings, *,
                  now: datetime | None = None) -> dict[str, Any]:
    """A ticket found by its (guessable) number: queue facts only.

    Unlike `ticket_public` (for holders of the slip's unguessable token) it leaves out the
    tracking token (the key to the tracking page and 好差评), the id, the source and the
    priority class (绿色通道 would tell that the holder is over 60).
    """
    full = ticket_public(s, ticket, settings, now=now)
    called = ticket.status in ACTIVE
    keep = ("number", "hall_code", "hall_name", "service_code", "service_name", "status",
            "status_text", "position", "people_ahead", "estimated_wait_minutes", "window_hint",
            "accepting")
    return {**{k: full[k] for k in keep}, "window": full["window"] if called else None}


def ticket_staff(
    s: Session, ticket: Ticket, settings: Settings, *, now: datetime | None = None,
    hall: Hall | None = None, service: ServiceItem | None = None,
) -> dict[str, Any]:
    """The full ticket for clerks: adds masked personal data, timings and call reason."""
    hall, service = _hall_and_service(s, ticket, hall, service)
    data = ticket_public(s, ticket, settings, now=now, hall=hall, service=service)
    original = (service if ticket.original_service_id == service.id
                else shown_row(s, ServiceItem, ticket.original_service_id))
    data.update(
        {
            "id_masked": ticket.id_masked,
            "citizen_name_masked": ticket.citizen_name_masked,
            "appointment_id": ticket.appointment_id,
            "appointment_slot_start": iso(ticket.appointment_slot_start),
            "original_service_code": original.code if original else None,
            "staff_id": ticket.staff_id,
            "call_reason": ticket.call_reason,
            "call_reason_text": reason_text(ticket.call_reason,
                                            starvation_minutes=settings.starvation_minutes)
            if ticket.call_reason else None,
            "transfer_count": ticket.transfer_count,
            "target_window_id": ticket.target_window_id,
            "queued_at": iso(ticket.queued_at),
            "first_called_at": iso(ticket.first_called_at),
            "started_at": iso(ticket.started_at),
            "suspended_at": iso(ticket.suspended_at),
            "estimated_wait_at_issue": ticket.estimated_wait_at_issue,
        }
    )
    # The counter client shows a serving timer against this and disables 重呼 at the limit.
    data["expected_minutes"] = service.expected_minutes
    data["recall_limit"] = int(hall.settings.get("recall_limit", settings.recall_limit))
    data.update(appointment_view.get()(s, ticket))
    return data


def _hall_and_service(
    s: Session, ticket: Ticket, hall: Hall | None, service: ServiceItem | None
) -> tuple[Hall, ServiceItem]:
    if hall is None or hall.id != ticket.hall_id:
        hall = shown_row(s, Hall, ticket.hall_id)
    if service is None or service.id != ticket.service_id:
        service = shown_row(s, ServiceItem, ticket.service_id)
    assert hall is not None and service is not None
    return hall, service
