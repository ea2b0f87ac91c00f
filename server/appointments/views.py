"""Wire shapes of appointments for the owner citizen, the kiosk and the counter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.appointments.models import Appointment
from server.appointments.rules import rules_for
from server.appointments.service import STATUS_ZH
from server.catalog.models import Hall, ServiceItem
from server.citizens.service import mask_phone
from server.core.clock import iso, utcnow
from server.core.hooks import Hook
from server.tickets.models import Ticket
from server.tickets.views import install_appointment_view
from tongban_common.wire import TicketStatus

Items = list[dict[str, Any]]


@dataclass(frozen=True)
class MaterialsSide:
    """What appointment views show of materials; server/materials (a layer above) installs it."""

    checklist: Callable[[Session, Appointment, ServiceItem], Items]
    reusable: Callable[[Session, Appointment, ServiceItem], Items]
    summary: Callable[[Items], dict[str, int]]


materials_side: Hook[MaterialsSide] = Hook("server.materials.service", "no material checklists")
install_materials_side = materials_side.install
materials = materials_side.get


def effective_status(s: Session, appt: Appointment) -> str:
    """booked/checked_in/cancelled/no_show as stored; served once its ticket is done."""
    if appt.status == "checked_in" and appt.ticket_id:
        ticket_status = s.scalar(select(Ticket.status).where(Ticket.id == appt.ticket_id))
        if ticket_status == TicketStatus.DONE:
            return "served"
    return appt.status


def _parts(s: Session, appt: Appointment) -> tuple[Hall, ServiceItem]:
    hall = s.get(Hall, appt.hall_id)
    service = s.get(ServiceItem, appt.service_id)
    assert hall is not None and service is not None
    return hall, service


def _label(appt: Appointment, hall: Hall, service: ServiceItem) -> dict[str, str]:
    rules = rules_for(hall, service)
    start, end = appt.slot_start.astimezone(rules.tz), appt.slot_end.astimezone(rules.tz)
    return {"date": start.date().isoformat(),
            "slot_label": f"{start.month}月{start.day}日 {start:%H:%M}–{end:%H:%M}"}


def appointment_citizen(s: Session, appt: Appointment, *,
                        now: datetime | None = None) -> dict[str, Any]:
    """Everything the owner sees: slot, status, materials and their review, the ticket."""
    now = now or utcnow()
    hall, service = _parts(s, appt)
    rules = rules_for(hall, service)
    status = effective_status(s, appt)
    items = materials().checklist(s, appt, service)
    cutoff = appt.slot_start - rules.minutes("cancel_cutoff_minutes")
    ticket = s.get(Ticket, appt.ticket_id) if appt.ticket_id else None
    out: dict[str, Any] = {
        "booking_code": appt.booking_code, "kind": appt.kind,
        "hall_code": hall.code, "hall_name": hall.name, "hall_address": hall.address,
        "service_code": service.code, "service_name": service.name,
        "slot_start": iso(appt.slot_start), "slot_end": iso(appt.slot_end),
        **_label(appt, hall, service),
        "status": status, "status_text": STATUS_ZH[status],
        "citizen_name": appt.citizen_name, "citizen_name_masked": appt.name_masked,
        "id_masked": appt.id_masked, "phone_masked": mask_phone(appt.phone) if appt.phone else None,
        "created_at": iso(appt.created_at),
        "can_cancel": status == "booked" and (appt.kind == "remote" or now <= cutoff),
        "cancel_until": iso(cutoff) if appt.kind == "appointment" else None,
        "can_reschedule": status == "booked" and appt.kind == "appointment" and now <= cutoff
        and appt.reschedule_count < int(rules.reschedule_limit),
        "materials": items, "materials_summary": materials().summary(items),
        "reusable": materials().reusable(s, appt, service) if status == "booked" else [],
        "ticket": {"number": ticket.number, "status": ticket.status,
                   "tracking_token": ticket.tracking_token} if ticket else None,
        "late": appt.late,
    }
    if appt.kind == "remote":
        out["expires_at"] = iso(appt.slot_end)
        if status == "booked":
            out["people_ahead"] = s.scalar(select(func.count()).select_from(Ticket).where(
                Ticket.service_id == service.id, Ticket.status == TicketStatus.WAITING,
                Ticket.business_day == appt.business_day,
                Ticket.queued_at < appt.slot_start))
    return out


def appointment_kiosk(s: Session, appt: Appointment, arrival: Any) -> dict[str, Any]:
    """The kiosk's view before check-in: masked personal data only."""
    hall, service = _parts(s, appt)
    items = materials().checklist(s, appt, service)
    return {
        "booking_code": appt.booking_code, "kind": appt.kind,
        "service_code": service.code, "service_name": service.name,
        "slot_start": iso(appt.slot_start), "slot_end": iso(appt.slot_end),
        **_label(appt, hall, service),
        "status": effective_status(s, appt),
        "citizen_name_masked": appt.name_masked or None, "id_masked": appt.id_masked,
        "arrival": arrival.code, "arrival_text": arrival.text,
        "can_check_in": arrival.can_check_in,
        "materials": [{k: i[k] for k in ("code", "name", "required", "status", "reason",
                                         "reused", "source", "licence_text")} for i in items],
    }


def appointment_for_ticket(s: Session, ticket: Ticket) -> dict[str, Any]:
    """`appointment` and `materials_summary` of GET /tickets/{id} (None without one)."""
    appt = s.get(Appointment, ticket.appointment_id) if ticket.appointment_id else None
    if appt is None:
        return {"appointment": None, "materials_summary": None}
    hall, service = _parts(s, appt)
    items = materials().checklist(s, appt, service)
    return {
        "appointment": {
            "booking_code": appt.booking_code, "kind": appt.kind,
            "service_code": service.code, "service_name": service.name,
            "slot_start": iso(appt.slot_start), "slot_end": iso(appt.slot_end),
            **_label(appt, hall, service),
            "status": effective_status(s, appt), "late": appt.late,
            "checked_in_at": iso(appt.checked_in_at),
            "citizen_name_masked": appt.name_masked or None, "id_masked": appt.id_masked,
        },
        "materials_summary": materials().summary(items),
    }


# Tickets sit below appointments: the staff view of a ticket shows its appointment this way.
install_appointment_view(appointment_for_ticket)
