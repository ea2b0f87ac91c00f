"""办件 endpoints: acceptance, back-office review, 出件/送达, citizen progress, 电子证照."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from server.applications import pickup
from server.applications import service as apps
from server.applications.calendar import due_date
from server.applications.models import Application
from server.applications.rating import rate_application
from server.applications.schemas import (
    ApplicationOut,
    ApplicationRatingOut,
    ApplicationStaffOut,
    ApplicationStatsOut,
    LicenceMaterial,
    LicenceOut,
    PickupOut,
    PickupSlotsOut,
)
from server.applications.stats import application_stats, stats_xlsx
from server.appointments.models import Appointment
from server.appointments.service import normalize_code
from server.auth.deps import PrincipalDep
from server.auth.principal import Principal, require
from server.catalog.calendar import closed_days
from server.catalog.models import Hall, ServiceItem
from server.catalog.service import get_hall, get_service
from server.citizens.service import normalize_phone
from server.core.clock import business_day, utcnow
from server.core.config import Settings
from server.core.deps import DbDep, SettingsDep
from server.core.errors import Conflict, Invalid, NotFound
from server.core.ids import hash_id, mask_name, parse_id_number
from server.core.schemas import download, out
from server.core.xlsx import XLSX
from server.evaluations.models import RATING_LABELS
from server.evaluations.router import EvaluationIn
from server.materials.licences import (
    add_licence,
    delete_licence,
    licence_store,
    licence_view,
    material_sources,
)
from server.materials.models import Licence
from server.materials.service import audit, current_materials, file_headers, stored_file
from server.tickets.service import get_ticket, issue_ticket
from server.tickets.views import ticket_public
from server.tracking.service import find_ticket
from server.windows.service import check_window_holder, get_window
from tongban_common.wire import (
    BACK_OFFICE,
    HALL_STAFF,
    MANAGERS,
    STAFF_ROLES,
    DeviceKind,
    ErrorCode,
    StaffRole,
    TicketStatus,
)

router = APIRouter(tags=["applications"])
FRONT = HALL_STAFF  # the window side: acceptance and handing over
BACK = BACK_OFFICE  # the back office: review decisions
STAFF = STAFF_ROLES
PICKUP_SERVICE = "PICKUP"  # the demo hall's 出件 queue (hall setting `pickup_service`)


class AcceptIn(BaseModel):
    service_code: str | None = Field(None, max_length=64, description="default: the ticket's")
    id_number: str | None = Field(None, max_length=32, description="when not read at the kiosk")
    citizen_name: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=20, description="for progress messages")
    delivery: Literal["pickup", "mail"] = "pickup"
    mail_address: str = Field("", max_length=300)
    materials: list[Annotated[str, Field(max_length=64)]] = Field(
        [], max_length=50, description="codes of the materials received at the window")
    pickup_slot_start: datetime | None = Field(
        None, description="窗口取件: start of the chosen slot (GET /halls/{hall}/pickup-slots)")


class PickupSlotIn(BaseModel):
    slot_start: datetime = Field(description="start of a free slot from the pickup-slots list")


class ReviewIn(BaseModel):
    decision: Literal["approve", "refuse"]
    reason: str = Field("", max_length=1000)
    department: str | None = Field(None, max_length=100, description="managers: which one")


class CorrectionIn(BaseModel):
    note: str = Field(min_length=1, max_length=1000)
    days: int = Field(5, ge=1, le=60, description="working days to bring the materials")
    department: str | None = Field(None, max_length=100)


class MailIn(BaseModel):
    tracking_no: str = Field(min_length=1, max_length=64)


class IdIn(BaseModel):
    id_number: str = Field(min_length=15, max_length=32)


class LicenceIn(BaseModel):
    id_number: str = Field(min_length=15, max_length=32)
    licence_type: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1, max_length=100)
    licence_no: str = Field("", max_length=64)
    issuer: str = Field("", max_length=100)
    valid_until: date | None = None


def _hall_of(s: Session, app: Application) -> Hall:
    hall = s.get(Hall, app.hall_id)
    assert hall is not None
    return hall


def _id_hash(settings: Settings, hall: Hall, raw: str) -> tuple[str, str]:
    """(hash, mask) of an ID number; 422 when it is not a valid one."""
    parsed = parse_id_number(raw, today=business_day(utcnow(), hall.timezone))
    return hash_id(parsed.value, settings.secret_key), parsed.masked


@router.post("/tickets/{ticket_id}/application", status_code=201, **out(ApplicationStaffOut))
def post_accept_ticket(ticket_id: int, body: AcceptIn, db: DbDep, settings: SettingsDep,
                       principal: PrincipalDep) -> dict:
    """受理 at the window: the clerk serving the ticket turns it into a 办件."""
    p = require(principal, staff=FRONT)

    def work(s: Session) -> dict:
        ticket = get_ticket(s, ticket_id)
        require(p, staff=FRONT, hall_id=ticket.hall_id)
        if ticket.window_id is None \
                or ticket.status not in (TicketStatus.SERVING, TicketStatus.DONE):
            raise Conflict(f"号码 {ticket.number} 不在办理中，不能受理", code=ErrorCode.NOT_SERVING)
        check_window_holder(get_window(s, ticket.window_id), p)
        hall = s.get(Hall, ticket.hall_id)
        assert hall is not None
        service = (get_service(s, hall.id, body.service_code) if body.service_code
                   else s.get(ServiceItem, ticket.service_id))
        assert service is not None
        taken = select(Application.id).where(Application.ticket_id == ticket.id,
                                             Application.service_id == service.id)
        if s.scalar(taken) is not None:
            raise Conflict(f"号码 {ticket.number} 的「{service.name}」已受理",
                           code=ErrorCode.ALREADY_ACCEPTED)
        if body.id_number:
            id_hash, masked = _id_hash(settings, hall, body.id_number)
        elif ticket.id_hash and ticket.id_masked:
            id_hash, masked = ticket.id_hash, ticket.id_masked
        else:
            raise Invalid("请读取申请人身份证后再受理", code=ErrorCode.ID_REQUIRED)
        applicant = apps.Applicant(
            id_hash=id_hash, id_masked=masked,
            name_masked=(mask_name(body.citizen_name) if body.citizen_name
                         else ticket.citizen_name_masked),
            citizen_id=ticket.citizen_id,
            phone=normalize_phone(body.phone) if body.phone else "")
        materials = apps.checked_materials(licence_store(s, hall), service, id_hash,
                                           set(body.materials), set())
        app = apps.accept(s, hall=hall, service=service, applicant=applicant, principal=p,
                          settings=settings, materials=materials, delivery=body.delivery,
                          mail_address=body.mail_address, ticket_id=ticket.id,
                          pickup_slot_start=body.pickup_slot_start)
        return apps.staff_view(s, app)

    return db.write(work)


@router.post("/appointments/{booking_code}/application", status_code=201,
             **out(ApplicationStaffOut))
def post_accept_booking(booking_code: str, body: AcceptIn, db: DbDep, settings: SettingsDep,
                        principal: PrincipalDep) -> dict:
    """受理 from an online booking: its accepted pre-submitted materials count as received."""
    p = require(principal, staff=FRONT)

    def work(s: Session) -> dict:
        appt = s.scalar(select(Appointment).where(
            Appointment.booking_code == normalize_code(booking_code)))
        if appt is None:
            raise NotFound("未找到该预约", code=ErrorCode.APPOINTMENT_NOT_FOUND)
        require(p, staff=FRONT, hall_id=appt.hall_id)
        if appt.status in ("cancelled", "no_show") or not appt.id_hash:
            raise Conflict("该预约已取消或失约，不能受理", code=ErrorCode.NOT_ACCEPTABLE)
        if s.scalar(select(Application.id).where(Application.appointment_id == appt.id)):
            raise Conflict("该预约已受理", code=ErrorCode.ALREADY_ACCEPTED)
        hall = s.get(Hall, appt.hall_id)
        service = s.get(ServiceItem, appt.service_id)
        assert hall is not None and service is not None
        online = {code for code, m in current_materials(s, appt.id).items()
                  if m.review_status == "accepted"}
        applicant = apps.Applicant(
            id_hash=appt.id_hash, id_masked=appt.id_masked or "", name_masked=appt.name_masked,
            citizen_id=appt.citizen_id,
            phone=normalize_phone(body.phone) if body.phone else appt.phone)
        materials = apps.checked_materials(licence_store(s, hall), service, appt.id_hash,
                                           set(body.materials), online)
        app = apps.accept(s, hall=hall, service=service, applicant=applicant, principal=p,
                          settings=settings, materials=materials, delivery=body.delivery,
                          mail_address=body.mail_address, ticket_id=appt.ticket_id,
                          appointment_id=appt.id, pickup_slot_start=body.pickup_slot_start)
        return apps.staff_view(s, app)

    return db.write(work)


@router.get("/tickets/{ticket_id}/licence-materials", **out(list[LicenceMaterial]))
def get_licence_materials(ticket_id: int, db: DbDep, principal: PrincipalDep,
                          service_code: Annotated[str | None, Query(max_length=64)] = None,
                          ) -> list[dict]:
    """The counter's material list: which ones the 电子证照库 already holds for the person."""
    with db.read() as s:
        ticket = get_ticket(s, ticket_id)
        require(principal, staff=FRONT, hall_id=ticket.hall_id)
        hall = s.get(Hall, ticket.hall_id)
        assert hall is not None
        service = (get_service(s, hall.id, service_code) if service_code
                   else s.get(ServiceItem, ticket.service_id))
        assert service is not None
        return material_sources(licence_store(s, hall), service, ticket.id_hash)


@router.get("/halls/{hall_code}/pickup-slots", **out(PickupSlotsOut))
def get_pickup_slots(hall_code: str, db: DbDep, principal: PrincipalDep,
                     service_code: Annotated[str, Query(max_length=64)]) -> dict:
    """Free 窗口取件 slots for an application of this service accepted now (the counter's
    acceptance dialog): open days from the day after the promised date, places left each."""
    with db.read() as s:
        hall = get_hall(s, hall_code)
        require(principal, staff=FRONT, hall_id=hall.id)
        service = get_service(s, hall.id, service_code)
        today = pickup.today_of(hall)
        _, promised = apps.limits_of(service)
        due = due_date(today, promised, closed_days(hall))
        earliest = pickup.earliest_day(None, due, promised, today)
        return {"promised_due": due.isoformat(), "earliest": earliest.isoformat(),
                "days": pickup.free_slots(s, hall=hall, earliest=earliest)}


# ---------------------------------------------------------------- back office


@router.get("/halls/{hall_code}/applications", **out(list[ApplicationStaffOut]))
def get_queue(hall_code: str, db: DbDep, principal: PrincipalDep,
              status: Annotated[str | None, Query(max_length=20)] = None) -> list[dict]:
    """Open applications, soonest due first; a reviewer gets their department's queue."""
    with db.read() as s:
        hall = get_hall(s, hall_code)
        p = require(principal, staff=STAFF, hall_id=hall.id)
        return apps.queue(s, hall=hall, principal=p, status=status)


@router.get("/halls/{hall_code}/applications/stats", **out(ApplicationStatsOut))
def get_stats(hall_code: str, db: DbDep, principal: PrincipalDep) -> dict:
    """Applications by state, on-time rate and average working days per service."""
    with db.read() as s:
        hall = get_hall(s, hall_code)
        require(principal, staff=MANAGERS, hall_id=hall.id)
        return application_stats(s, hall)


@router.get("/halls/{hall_code}/applications/stats/export.xlsx", response_model=None,
            **download(XLSX, description="the statistics workbook"))
def get_stats_xlsx(hall_code: str, db: DbDep, principal: PrincipalDep) -> Response:
    """The same statistics as an XLSX download (manager of the hall)."""
    with db.read() as s:
        hall = get_hall(s, hall_code)
        require(principal, staff=MANAGERS, hall_id=hall.id)
        result = application_stats(s, hall)
        today = business_day(utcnow(), hall.timezone)
        data = stats_xlsx(result, f"{hall.name} 办件统计（截至 {today.isoformat()}）")
    name = f"tongban-{hall_code}-applications-{today.isoformat()}.xlsx"
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/applications/{app_id}", **out(ApplicationStaffOut))
def get_one(app_id: int, db: DbDep, principal: PrincipalDep) -> dict:
    """One application with reviews, materials and timeline (staff of its hall)."""
    with db.read() as s:
        app = apps.get_application(s, app_id)
        p = require(principal, staff=STAFF, hall_id=app.hall_id)
        apps.check_visible(s, app, p)
        return apps.staff_view(s, app)


@router.get("/applications/{app_id}/materials/{material_code}/content", response_model=None,
            **download("image/jpeg", "image/png", "application/pdf",
                       description="the file the citizen uploaded online, as stored"))
def get_material_content(app_id: int, material_code: str, db: DbDep, settings: SettingsDep,
                         principal: PrincipalDep) -> Response:
    """An online material of the application (reviewer of a department reviewing it, or a
    manager of its hall); every read is written to the material's audit log first."""
    p = require(principal, staff=BACK)

    def work(s: Session) -> tuple[str, str, str]:
        app = apps.get_application(s, app_id)
        require(p, staff=BACK, hall_id=app.hall_id)
        apps.check_visible(s, app, p)
        m = apps.online_material(s, app, material_code)
        audit(s, m=m, principal=p, ticket=None, action="read")
        return m.sha256, m.content_type, m.filename

    sha256, content_type, filename = db.write(work)
    return Response(stored_file(settings, sha256), media_type=content_type,
                    headers=file_headers(filename))


def _act(db: DbDep, principal: PrincipalDep, app_id: int, roles: tuple[str, ...],
         step: Any, **kw: Any) -> dict:  # noqa: ANN401
    p = require(principal, staff=roles)

    def work(s: Session) -> dict:
        app = apps.get_application(s, app_id, for_update=True)
        require(p, staff=roles, hall_id=app.hall_id)
        apps.check_visible(s, app, p)
        step(s, app=app, principal=p, **kw)
        return apps.staff_view(s, app)

    return db.write(work)


@router.post("/applications/{app_id}/review", **out(ApplicationStaffOut))
def post_review(app_id: int, body: ReviewIn, db: DbDep, settings: SettingsDep,
                principal: PrincipalDep) -> dict:
    """A department approves or refuses (reviewer of that department, or a manager)."""
    return _act(db, principal, app_id, BACK, apps.review, settings=settings,
                decision=body.decision, reason=body.reason, department=body.department)


@router.post("/applications/{app_id}/correction", **out(ApplicationStaffOut))
def post_correction(app_id: int, body: CorrectionIn, db: DbDep, settings: SettingsDep,
                    principal: PrincipalDep) -> dict:
    """Ask for materials (补正); the time limit pauses."""
    return _act(db, principal, app_id, BACK, apps.request_correction, settings=settings,
                note=body.note, days=body.days, department=body.department)


@router.post("/applications/{app_id}/resume", **out(ApplicationStaffOut))
def post_resume(app_id: int, db: DbDep, settings: SettingsDep, principal: PrincipalDep) -> dict:
    """The requested materials arrived: review and the clock go on."""
    return _act(db, principal, app_id, STAFF, apps.resume, settings=settings)


@router.post("/applications/{app_id}/ready", **out(ApplicationStaffOut))
def post_ready(app_id: int, db: DbDep, settings: SettingsDep, principal: PrincipalDep) -> dict:
    """The approved result is at the 出件 window (待取件)."""
    return _act(db, principal, app_id, FRONT, apps.mark_ready, settings=settings)


@router.post("/applications/{app_id}/mail", **out(ApplicationStaffOut))
def post_mail(app_id: int, body: MailIn, db: DbDep, settings: SettingsDep,
              principal: PrincipalDep) -> dict:
    """The approved result was posted; staff enter the tracking number (已寄出)."""
    return _act(db, principal, app_id, FRONT, apps.mark_mailed, settings=settings,
                tracking_no=body.tracking_no)


@router.put("/applications/{app_id}/pickup-slot", **out(ApplicationStaffOut))
def put_pickup_slot(app_id: int, body: PickupSlotIn, db: DbDep, settings: SettingsDep,
                    principal: PrincipalDep) -> dict:
    """Book or move the applicant's 窗口取件 slot at the counter (clerk, manager)."""
    return _act(db, principal, app_id, FRONT, apps.set_pickup_slot, settings=settings,
                slot_start=body.slot_start)


@router.post("/applications/{app_id}/handover", **out(ApplicationStaffOut))
def post_handover(app_id: int, db: DbDep, settings: SettingsDep,
                  principal: PrincipalDep) -> dict:
    """The citizen has the result (已取件 / 已送达)."""
    return _act(db, principal, app_id, FRONT, apps.hand_over, settings=settings)


# ---------------------------------------------------------------- kiosk and citizen


@router.post("/halls/{hall_code}/pickups", status_code=201, **out(PickupOut))
def post_pickup(hall_code: str, body: IdIn, db: DbDep, settings: SettingsDep,
                principal: PrincipalDep) -> dict:
    """取件 at the kiosk: the ID card finds ready results and prints a 出件 queue number."""

    def work(s: Session) -> dict:
        hall = get_hall(s, hall_code)
        p = require(principal, staff=FRONT, devices=(DeviceKind.KIOSK,), hall_id=hall.id)
        id_hash, _ = _id_hash(settings, hall, body.id_number)
        ready = apps.ready_for(s, hall=hall, id_hash=id_hash)
        if not ready:
            raise NotFound("没有待领取的办理结果，请核对身份证或稍后再来",
                           code=ErrorCode.NOTHING_TO_PICK_UP)
        ticket = apps.open_pickup_ticket(s, ready)
        if ticket is None:  # a second press at the kiosk reprints the number still queued
            code = str((hall.settings or {}).get("pickup_service", PICKUP_SERVICE))
            ticket = issue_ticket(s, hall=hall, service_code=code, settings=settings,
                                  principal=p, id_number=body.id_number).ticket
            apps.link_pickup(s, ready, ticket_id=ticket.id, number=ticket.number,
                             principal=p, now=ticket.issued_at)
        out = ticket_public(s, ticket, settings, hall=hall)
        out["applications"] = [apps.public_view(s, a) for a in ready]
        return out

    return db.write(work)


@router.post("/halls/{hall_code}/applications/lookup", **out(list[ApplicationOut]))
def post_lookup(hall_code: str, body: IdIn, db: DbDep, settings: SettingsDep,
                principal: PrincipalDep) -> list[dict]:
    """Kiosk 查询 by ID card: the person's applications in this hall (no personal data)."""
    with db.read() as s:
        hall = get_hall(s, hall_code)
        require(principal, staff=FRONT, devices=(DeviceKind.KIOSK,), hall_id=hall.id)
        id_hash, _ = _id_hash(settings, hall, body.id_number)
        rows = s.scalars(select(Application).where(
            Application.hall_id == hall.id, Application.id_hash == id_hash)
            .order_by(Application.id.desc()).limit(20))
        return [apps.public_view(s, a) for a in rows]


@router.get("/track/{tracking_token}/applications", **out(list[ApplicationOut]))
def get_tracked(tracking_token: str, db: DbDep) -> list[dict]:
    """Progress of the applications behind a slip's tracking token (the token is the key)."""
    with db.read() as s:
        ticket = find_ticket(s, tracking_token)
        rows = s.scalars(select(Application).where(or_(
            Application.ticket_id == ticket.id, Application.pickup_ticket_id == ticket.id))
            .order_by(Application.id))
        return [apps.public_view(s, a, public_link=True) for a in rows]


def _tracked_app(s: Session, tracking_token: str, receipt_no: str, *,
                 for_update: bool = False) -> Application:
    """An application behind the slip (its acceptance or pickup ticket), or 404."""
    ticket = find_ticket(s, tracking_token)
    stmt = select(Application).where(
        Application.receipt_no == receipt_no,
        or_(Application.ticket_id == ticket.id, Application.pickup_ticket_id == ticket.id))
    app = s.scalar(stmt.with_for_update() if for_update else stmt)
    if app is None:
        raise NotFound("办件不存在", code=ErrorCode.APPLICATION_NOT_FOUND)
    return app


def _own_app(s: Session, p: Principal, receipt_no: str, *,
             for_update: bool = False) -> Application:
    """The signed-in citizen's application, or 404 (another's does not exist for them)."""
    stmt = select(Application).where(Application.receipt_no == receipt_no,
                                     Application.citizen_id == p.id)
    app = s.scalar(stmt.with_for_update() if for_update else stmt)
    if app is None:
        raise NotFound("办件不存在", code=ErrorCode.APPLICATION_NOT_FOUND)
    return app


@router.get("/track/{tracking_token}/applications/{receipt_no}/pickup-slots",
            **out(PickupSlotsOut))
def get_tracked_pickup_slots(tracking_token: str, receipt_no: str, db: DbDep) -> dict:
    """The 窗口取件 slots the application behind the slip may move to (places left each)."""
    with db.read() as s:
        return apps.pickup_slots_for(s, _tracked_app(s, tracking_token, receipt_no))


@router.put("/track/{tracking_token}/applications/{receipt_no}/pickup-slot",
            **out(ApplicationOut))
def put_tracked_pickup_slot(tracking_token: str, receipt_no: str, body: PickupSlotIn,
                            db: DbDep, settings: SettingsDep, principal: PrincipalDep) -> dict:
    """Book or move the pickup slot through the slip's link, before pickup."""

    def work(s: Session) -> dict:
        app = _tracked_app(s, tracking_token, receipt_no, for_update=True)
        apps.set_pickup_slot(s, app=app, principal=principal, settings=settings,
                             slot_start=body.slot_start)
        return apps.public_view(s, app, public_link=True)

    return db.write(work)


@router.get("/citizen/applications/{receipt_no}/pickup-slots", **out(PickupSlotsOut))
def get_own_pickup_slots(receipt_no: str, db: DbDep, principal: PrincipalDep) -> dict:
    """The 窗口取件 slots the citizen's own application may move to (portal)."""
    p: Principal = require(principal, citizen=True)
    with db.read() as s:
        return apps.pickup_slots_for(s, _own_app(s, p, receipt_no))


@router.put("/citizen/applications/{receipt_no}/pickup-slot", **out(ApplicationOut))
def put_own_pickup_slot(receipt_no: str, body: PickupSlotIn, db: DbDep, settings: SettingsDep,
                        principal: PrincipalDep) -> dict:
    """Book or move the pickup slot of an own application in the portal, before pickup."""
    p: Principal = require(principal, citizen=True)

    def work(s: Session) -> dict:
        app = _own_app(s, p, receipt_no, for_update=True)
        apps.set_pickup_slot(s, app=app, principal=p, settings=settings,
                             slot_start=body.slot_start)
        return apps.public_view(s, app)

    return db.write(work)


@router.get("/citizen/applications", **out(list[ApplicationOut]))
def get_own(db: DbDep, principal: PrincipalDep) -> list[dict]:
    """The signed-in citizen's applications with their timelines (portal)."""
    p: Principal = require(principal, citizen=True)
    with db.read() as s:
        rows = s.scalars(select(Application).where(Application.citizen_id == p.id)
                         .order_by(Application.id.desc()).limit(50))
        return [apps.public_view(s, a) for a in rows]


def _rate(s: Session, app: Application | None, body: EvaluationIn) -> dict:
    if app is None:
        raise NotFound("办件不存在", code=ErrorCode.APPLICATION_NOT_FOUND)
    ev = rate_application(s, app, rating=body.rating, dimensions=body.dimensions,
                          comment=body.comment, channel=body.channel)
    return {"receipt_no": app.receipt_no, "rating": ev.rating,
            "rating_label": RATING_LABELS[ev.rating], "dimensions": ev.dimensions,
            "channel": ev.channel}


@router.post("/track/{tracking_token}/applications/{receipt_no}/evaluation", status_code=201,
             **out(ApplicationRatingOut))
def post_tracked_rating(tracking_token: str, receipt_no: str, body: EvaluationIn,
                        db: DbDep) -> dict:
    """一事一评 through the slip: rate a decided application of that ticket once."""

    def work(s: Session) -> dict:
        ticket = find_ticket(s, tracking_token)
        app = s.scalar(select(Application).where(
            Application.receipt_no == receipt_no,
            or_(Application.ticket_id == ticket.id, Application.pickup_ticket_id == ticket.id))
            .with_for_update())
        return _rate(s, app, body)

    return db.write(work)


@router.post("/citizen/applications/{receipt_no}/evaluation", status_code=201,
             **out(ApplicationRatingOut))
def post_own_rating(receipt_no: str, body: EvaluationIn, db: DbDep,
                    principal: PrincipalDep) -> dict:
    """一事一评 in the portal: the signed-in citizen rates an own decided application once."""
    p: Principal = require(principal, citizen=True)

    def work(s: Session) -> dict:
        app = s.scalar(select(Application).where(Application.receipt_no == receipt_no,
                                                 Application.citizen_id == p.id)
                       .with_for_update())
        return _rate(s, app, body)

    return db.write(work)


# ---------------------------------------------------------------- 电子证照 store (admin)


@router.get("/licences", **out(list[LicenceOut]))
def get_licences(db: DbDep, principal: PrincipalDep,
                 licence_type: Annotated[str | None, Query(max_length=64)] = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[dict]:
    """Licences in the local store (platform admin)."""
    require(principal, staff=(StaffRole.ADMIN,))
    with db.read() as s:
        stmt = select(Licence).order_by(Licence.id.desc()).limit(limit)
        if licence_type:
            stmt = stmt.where(Licence.licence_type == licence_type)
        return [licence_view(r) for r in s.scalars(stmt)]


@router.post("/licences", status_code=201, **out(LicenceOut))
def post_licence(body: LicenceIn, db: DbDep, settings: SettingsDep,
                 principal: PrincipalDep) -> dict:
    """Add a licence for a person (platform admin); only the ID number's hash is kept."""
    require(principal, staff=(StaffRole.ADMIN,))
    parsed = parse_id_number(body.id_number)
    id_hash = hash_id(parsed.value, settings.secret_key)
    fields = body.model_dump(exclude={"id_number"})
    return db.write(lambda s: licence_view(add_licence(s, id_hash=id_hash, **fields)))


@router.delete("/licences/{licence_id}", status_code=204)
def remove_licence(licence_id: int, db: DbDep, principal: PrincipalDep) -> None:
    """Remove a licence from the local store (platform admin)."""
    require(principal, staff=(StaffRole.ADMIN,))
    db.write(lambda s: delete_licence(s, licence_id))
