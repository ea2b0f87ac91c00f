"""Material upload/reuse (citizen), pre-review (staff) and counter access (audited)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.appointments.models import Appointment
from server.appointments.service import own_appointment
from server.auth.deps import PrincipalDep
from server.auth.principal import require
from server.catalog.models import ServiceItem
from server.catalog.service import get_hall
from server.core.deps import DbDep, SettingsDep
from server.core.errors import STORAGE_FULL
from server.core.schemas import download, out
from server.materials.models import Material
from server.materials.schemas import (
    ChecklistOut,
    HallMaterialOut,
    MaterialAuditEntry,
    MaterialOut,
    ReusableItem,
)
from server.materials.service import (
    audit,
    audit_log,
    check_material_access,
    check_ticket_access,
    counter_checklist,
    file_headers,
    get_material,
    material_view,
    reusable,
    reuse,
    review,
    storage_for,
    stored_file,
    ticket_materials,
    upload,
    verify,
)
from server.tickets.service import get_ticket
from tongban_common.wire import MANAGERS

router = APIRouter(tags=["materials"])


class ReviewIn(BaseModel):
    decision: str = Field(pattern="^(accept|reject)$")
    reason: str | None = Field(None, max_length=200)


@router.post("/appointments/{booking_code}/materials", status_code=201, **out(MaterialOut),
             responses=STORAGE_FULL)
def post_material(
    booking_code: str, db: DbDep, settings: SettingsDep, principal: PrincipalDep,
    material_code: Annotated[str, Form(min_length=1, max_length=64)],
    file: Annotated[UploadFile, File()],
) -> dict:
    """Upload one file (PDF/JPEG/PNG by content) for a material of an own appointment."""
    p = require(principal, citizen=True)
    return upload(db, settings=settings, storage=storage_for(settings), principal=p,
                  booking_code=booking_code, material_code=material_code,
                  filename=file.filename, stream=file.file)


@router.get("/appointments/{booking_code}/materials", **out(list[MaterialOut]))
def get_own_materials(booking_code: str, db: DbDep, principal: PrincipalDep) -> list[dict]:
    """Current files of an own appointment with their review results."""
    p = require(principal, citizen=True)
    with db.read() as s:
        appt = own_appointment(s, booking_code=booking_code, principal=p)
        rows = s.scalars(select(Material).where(Material.appointment_id == appt.id,
                                                Material.replaced_at.is_(None))
                         .order_by(Material.id))
        return [material_view(s, m) for m in rows]


@router.get("/appointments/{booking_code}/reusable", **out(list[ReusableItem]))
def get_reusable(booking_code: str, db: DbDep, principal: PrincipalDep) -> list[dict]:
    """Accepted materials from earlier bookings of the same person, offered for reuse."""
    p = require(principal, citizen=True)
    with db.read() as s:
        appt = own_appointment(s, booking_code=booking_code, principal=p)
        service = s.get(ServiceItem, appt.service_id)
        assert service is not None
        return reusable(s, appt, service)


@router.post("/appointments/{booking_code}/materials/{material_code}/reuse", status_code=201,
             **out(MaterialOut))
def post_reuse(booking_code: str, material_code: str, db: DbDep,
               principal: PrincipalDep) -> dict:
    """Use an earlier accepted material instead of uploading it again."""
    p = require(principal, citizen=True)

    def work(s: Session) -> dict:
        appt = own_appointment(s, booking_code=booking_code, principal=p, for_update=True)
        return reuse(s, appt=appt, material_code=material_code)

    return db.write(work)


@router.get("/tickets/{ticket_id}/materials", **out(list[MaterialOut]))
def get_ticket_materials(ticket_id: int, db: DbDep, principal: PrincipalDep) -> list[dict]:
    """Pre-submitted materials of the ticket's appointment (clerk handling it, manager)."""
    with db.read() as s:
        ticket = get_ticket(s, ticket_id)
        check_ticket_access(s, ticket, principal)
        return ticket_materials(s, ticket)


@router.get("/tickets/{ticket_id}/checklist", **out(ChecklistOut))
def get_ticket_checklist(ticket_id: int, db: DbDep, principal: PrincipalDep) -> dict:
    """Every material of the ticket's service, 未提交 first, and the citizen's full name for
    the clerk handling it (audited); clerk handling it or a manager of the hall."""

    def work(s: Session) -> dict:
        ticket = get_ticket(s, ticket_id)
        p = check_ticket_access(s, ticket, principal)
        return counter_checklist(s, ticket, p)

    return db.write(work)


@router.get("/materials/{material_id}/content", response_model=None,
            **download("image/jpeg", "image/png", "application/pdf",
                       description="the uploaded file as stored"))
def get_material_content(material_id: int, db: DbDep, settings: SettingsDep,
                         principal: PrincipalDep) -> Response:
    """The file itself; every read is written to the audit log first."""

    def work(s: Session) -> tuple[str, str, str]:
        m = get_material(s, material_id)
        p, ticket = check_material_access(s, m, principal)
        audit(s, m=m, principal=p, ticket=ticket, action="read")
        return m.sha256, m.content_type, m.filename

    sha256, content_type, filename = db.write(work)
    return Response(stored_file(settings, sha256), media_type=content_type,
                    headers=file_headers(filename))


@router.post("/materials/{material_id}/verify", **out(MaterialOut))
def post_verify(material_id: int, db: DbDep, principal: PrincipalDep) -> dict:
    """The clerk handling the ticket confirms the file matches the original."""

    def work(s: Session) -> dict:
        m = get_material(s, material_id)
        p, ticket = check_material_access(s, m, principal)
        return verify(s, m=m, principal=p, ticket=ticket)

    return db.write(work)


@router.post("/materials/{material_id}/review", **out(MaterialOut))
def post_review(material_id: int, body: ReviewIn, db: DbDep, settings: SettingsDep,
                principal: PrincipalDep) -> dict:
    """Pre-review: accept, or reject with a reason (manager/admin, or the handling clerk)."""

    def work(s: Session) -> dict:
        m = get_material(s, material_id)
        p, _ = check_material_access(s, m, principal)
        return review(s, m=m, principal=p, decision=body.decision, reason=body.reason,
                      settings=settings)

    return db.write(work)


@router.get("/materials/{material_id}/audit", **out(list[MaterialAuditEntry]))
def get_material_audit(material_id: int, db: DbDep, principal: PrincipalDep) -> list[dict]:
    """Who read or verified the material, for which ticket, when (manager/admin)."""
    with db.read() as s:
        m = get_material(s, material_id)
        require(principal, staff=MANAGERS, hall_id=m.hall_id)
        return audit_log(s, m)


@router.get("/halls/{hall_code}/materials", **out(list[HallMaterialOut]))
def get_hall_materials(
    hall_code: str, db: DbDep, principal: PrincipalDep,
    status: Annotated[str, Query(pattern="^(pending|accepted|rejected)$")] = "pending",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict]:
    """The pre-review queue of a hall (manager/admin), oldest first."""
    with db.read() as s:
        hall = get_hall(s, hall_code)
        require(principal, staff=MANAGERS, hall_id=hall.id)
        rows = s.execute(
            select(Material, Appointment)
            .join(Appointment, Appointment.id == Material.appointment_id)
            .where(Material.hall_id == hall.id, Material.review_status == status,
                   Material.replaced_at.is_(None), Appointment.status.in_(("booked",
                                                                            "checked_in")))
            .order_by(Material.uploaded_at).limit(limit)).all()
        out = []
        for m, appt in rows:
            service = s.get(ServiceItem, appt.service_id)
            out.append({**material_view(s, m), "booking_code": appt.booking_code,
                        "service_code": service.code if service else None,
                        "service_name": service.name if service else None,
                        "citizen_name_masked": appt.name_masked,
                        "slot_start": appt.slot_start.isoformat()})
        return out
