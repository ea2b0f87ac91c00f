"""Slots, booking, cancel/reschedule, booking QR, remote tickets and kiosk check-in."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Annotated

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Header, Query, Response
from pydantic import AliasChoices, BaseModel, Field
from sqlalchemy.orm import Session

from server.appointments.checkin import check_in, lookup
from server.appointments.remote import take_remote
from server.appointments.rules import local_day, rules_for
from server.appointments.schemas import (
    AppointmentOut,
    CheckinLookupOut,
    CheckinOut,
    GuideOut,
    SlotsOut,
)
from server.appointments.service import book, cancel, list_own, own_appointment, reschedule
from server.appointments.slots import slot_view
from server.appointments.views import appointment_citizen
from server.auth.deps import PrincipalDep
from server.auth.principal import require
from server.catalog.service import get_hall, get_service, service_materials
from server.citizens.service import get_citizen
from server.core.clock import iso, utcnow
from server.core.deps import DbDep, SettingsDep
from server.core.errors import Invalid
from server.core.schemas import download, out
from server.tickets.views import ticket_public, ticket_staff, window_hint
from tongban_common.wire import HALL_STAFF, DeviceKind, ErrorCode

router = APIRouter(tags=["appointments"])
STAFF = HALL_STAFF


class BookIn(BaseModel):
    hall_code: str = Field(validation_alias=AliasChoices("hall_code", "hall"), max_length=32)
    service_code: str = Field(min_length=1, max_length=64)
    slot_start: datetime
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(min_length=1, max_length=32)
    phone: str | None = Field(None, max_length=20)


class RescheduleIn(BaseModel):
    slot_start: datetime


class RemoteIn(BaseModel):
    hall_code: str = Field(validation_alias=AliasChoices("hall_code", "hall"), max_length=32)
    service_code: str = Field(min_length=1, max_length=64)


class CheckinIn(BaseModel):
    booking_code: str | None = Field(None, max_length=32)
    id_number: str | None = Field(None, max_length=32)


@router.get("/halls/{hall_code}/services/{code}/slots", **out(SlotsOut))
def get_slots(
    hall_code: str, code: str, db: DbDep,
    day: Annotated[date | None, Query(alias="date")] = None,
) -> dict:
    """Slots of one day (default today) with remaining capacity; public."""
    now = utcnow()
    with db.read() as s:
        hall = get_hall(s, hall_code)
        service = get_service(s, hall.id, code)
        rules = rules_for(hall, service)
        day = day or local_day(rules, now)
        closed = day.isoformat() in rules.closed_dates
        return {
            "hall_code": hall.code, "service_code": service.code, "date": day.isoformat(),
            "timezone": hall.timezone, "slot_minutes": int(rules.slot_minutes),
            "capacity_per_slot": int(rules.capacity_per_slot),
            "horizon_days": int(rules.horizon_days), "lead_minutes": int(rules.lead_minutes),
            "bookable": bool(service.online_capable and rules.enabled),
            "closed": closed, "closed_reason": "节假日不开放预约" if closed else None,
            "slots": slot_view(s, hall=hall, service=service, rules=rules, day=day, now=now),
        }


@router.post("/appointments", status_code=201, **out(AppointmentOut))
def post_appointment(body: BookIn, db: DbDep, settings: SettingsDep,
                     principal: PrincipalDep) -> dict:
    """Book a slot (citizen): name + ID number + phone; returns the booking with its code."""
    p = require(principal, citizen=True)

    def work(s: Session) -> dict:
        phone = body.phone or get_citizen(s, p.id).phone
        appt = book(s, citizen_id=p.id, hall_code=body.hall_code,
                    service_code=body.service_code, slot_start=body.slot_start,
                    name=body.name, id_number=body.id_number, phone=phone, settings=settings)
        return appointment_citizen(s, appt)

    return db.write(work)


@router.get("/appointments", **out(list[AppointmentOut]))
def get_appointments(db: DbDep, principal: PrincipalDep) -> list[dict]:
    """The caller's own appointments and remote tickets (citizen)."""
    p = require(principal, citizen=True)
    with db.read() as s:
        return [appointment_citizen(s, a) for a in list_own(s, citizen_id=p.id)]


@router.get("/appointments/{booking_code}", **out(AppointmentOut))
def get_appointment(booking_code: str, db: DbDep, principal: PrincipalDep) -> dict:
    """One own appointment with materials and review results; others' codes are 404."""
    p = require(principal, citizen=True)
    with db.read() as s:
        return appointment_citizen(s, own_appointment(s, booking_code=booking_code,
                                                      principal=p))


@router.delete("/appointments/{booking_code}", **out(AppointmentOut))
def delete_appointment(booking_code: str, db: DbDep, settings: SettingsDep,
                       principal: PrincipalDep) -> dict:
    """Cancel an own appointment before the cut-off."""
    p = require(principal, citizen=True)

    def work(s: Session) -> dict:
        appt = own_appointment(s, booking_code=booking_code, principal=p, for_update=True)
        return appointment_citizen(s, cancel(s, appt=appt, settings=settings))

    return db.write(work)


@router.post("/appointments/{booking_code}/reschedule", **out(AppointmentOut))
def post_reschedule(booking_code: str, body: RescheduleIn, db: DbDep, settings: SettingsDep,
                    principal: PrincipalDep) -> dict:
    """Move an own appointment to another slot before the cut-off."""
    p = require(principal, citizen=True)

    def work(s: Session) -> dict:
        appt = own_appointment(s, booking_code=booking_code, principal=p, for_update=True)
        return appointment_citizen(s, reschedule(s, appt=appt, slot_start=body.slot_start,
                                                 settings=settings))

    return db.write(work)


@router.get("/appointments/{booking_code}/qr.{fmt}", response_model=None,
            **download("image/png", "image/svg+xml", description="the QR code"))
def get_qr(booking_code: str, fmt: str, db: DbDep, principal: PrincipalDep) -> Response:
    """The booking code as a QR code (PNG or SVG) for scanning at the kiosk (owner)."""
    p = require(principal, citizen=True)
    if fmt not in ("png", "svg"):
        raise Invalid("格式只能是 png 或 svg", code=ErrorCode.INVALID_FORMAT)
    with db.read() as s:
        code = own_appointment(s, booking_code=booking_code, principal=p).booking_code
    if fmt == "svg":
        img = qrcode.make(code, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
        return Response(img.to_string(encoding="unicode"), media_type="image/svg+xml",
                        headers={"Cache-Control": "private, no-store"})
    buf = io.BytesIO()
    qrcode.make(code, box_size=10, border=2).save(buf, format="PNG")
    return Response(buf.getvalue(), media_type="image/png",
                    headers={"Cache-Control": "private, no-store"})


@router.post("/remote-tickets", status_code=201, **out(AppointmentOut))
def post_remote_ticket(body: RemoteIn, db: DbDep, settings: SettingsDep,
                       principal: PrincipalDep) -> dict:
    """Take a place in today's queue online (citizen); check in at a kiosk before it expires."""
    p = require(principal, citizen=True)

    def work(s: Session) -> dict:
        citizen = get_citizen(s, p.id)
        appt = take_remote(s, citizen_id=p.id, phone=citizen.phone, hall_code=body.hall_code,
                           service_code=body.service_code, settings=settings)
        return appointment_citizen(s, appt)

    return db.write(work)


@router.post("/halls/{hall_code}/checkins/lookup", **out(CheckinLookupOut))
def post_checkin_lookup(hall_code: str, body: CheckinIn, db: DbDep, settings: SettingsDep,
                        principal: PrincipalDep) -> dict:
    """What a kiosk shows before check-in (masked data, arrival window, materials)."""
    with db.read() as s:
        hall = get_hall(s, hall_code)
        require(principal, staff=STAFF, devices=(DeviceKind.KIOSK,), hall_id=hall.id)
        return {"appointments": lookup(s, hall=hall, booking_code=body.booking_code,
                                       id_number=body.id_number, settings=settings)}


@router.post("/halls/{hall_code}/checkins", status_code=201, **out(CheckinOut))
def post_checkin(
    hall_code: str, body: CheckinIn, db: DbDep, settings: SettingsDep, principal: PrincipalDep,
    response: Response, idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> dict:
    """Check an appointment in: a ticket with appointment priority inside its window."""
    if idempotency_key is not None and not idempotency_key.strip():
        raise Invalid("Idempotency-Key 不能为空", code=ErrorCode.INVALID_IDEMPOTENCY_KEY)

    def work(s: Session) -> dict:
        hall = get_hall(s, hall_code)
        p = require(principal, staff=STAFF, devices=(DeviceKind.KIOSK,), hall_id=hall.id)
        result = check_in(s, hall=hall, booking_code=body.booking_code,
                          id_number=body.id_number, settings=settings, principal=p,
                          idempotency_key=idempotency_key)
        view = ticket_staff if p.kind == "staff" else ticket_public
        out = view(s, result.ticket, settings)
        out["replayed"] = result.replayed
        out["appointment"] = {
            **(out.get("appointment") or {}),
            "booking_code": result.appointment.booking_code,
            "kind": result.appointment.kind,
            "slot_start": iso(result.appointment.slot_start),
            "slot_end": iso(result.appointment.slot_end),
            "late": result.appointment.late, "arrival": result.arrival.code,
            "reason": result.arrival.text,
        }
        return out

    out = db.write(work)
    if out["replayed"]:
        response.headers["Idempotent-Replayed"] = "true"
    return out


@router.get("/halls/{hall_code}/services/{code}/guide", **out(GuideOut))
def get_guide(hall_code: str, code: str, db: DbDep) -> dict:
    """办事指南: conditions, materials (which can be pre-submitted), fees, time limits, where
    to go, and the booking rules; public."""
    with db.read() as s:
        hall = get_hall(s, hall_code)
        service = get_service(s, hall.id, code)
        rules = rules_for(hall, service)
        return {
            "hall": {"code": hall.code, "name": hall.name, "address": hall.address,
                     "opening_hours": hall.opening_hours, "timezone": hall.timezone},
            "service": {"code": service.code, "name": service.name,
                        "department": service.department, "category": service.category,
                        "expected_minutes": service.expected_minutes,
                        "online_capable": service.online_capable},
            "guide": service.guide or {},
            "materials": service_materials(service),
            "windows": window_hint(s, service.id),
            "booking": {k: rules.values[k] for k in (
                "enabled", "slot_minutes", "capacity_per_slot", "horizon_days", "lead_minutes",
                "per_person_per_day", "cancel_cutoff_minutes", "reschedule_limit",
                "checkin_early_minutes", "checkin_late_minutes")}
            | {"hours": rules.hours},  # the weekly hours the slot list is cut from
            "remote": {"enabled": bool(rules.remote_enabled and service.online_capable),
                       "per_day": rules.remote_per_day,
                       "expire_minutes": rules.remote_expire_minutes},
        }
