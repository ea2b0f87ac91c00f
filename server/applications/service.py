"""办件 life cycle: accept, parallel review, 补正 pause, decide, 出件/送达; each step logged.

Every transition records a timeline row, queues an outbox notification to the applicant and
appends a hall event, all in the caller's transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.applications import pickup
from server.applications.calendar import due_date, working_days_between, working_days_left
from server.applications.models import (
    RATEABLE,
    STATUS_ZH,
    Application,
    ApplicationReview,
    ApplicationStep,
)
from server.applications.rating import application_rated
from server.auth.principal import Principal
from server.catalog.calendar import add_working_days, closed_days
from server.catalog.models import Hall, ServiceItem
from server.citizens.models import Citizen
from server.citizens.notify import notify
from server.citizens.service import mask_phone
from server.core.clock import business_day, iso, utcnow
from server.core.config import Settings
from server.core.errors import Conflict, Forbidden, Invalid, NotFound
from server.events.service import append_event
from server.materials.licences import (
    LicenceConnector,
    material_sources,
)
from server.materials.models import Material
from server.materials.service import current_materials
from server.tickets.models import Ticket
from tongban_common.wire import ErrorCode, EventType, StaffRole, TicketStatus

DEFAULT_LEGAL_DAYS = 20
OPEN = ("accepted", "in_review", "correction")  # the clock runs (or is paused) until decided
REVIEWABLE = ("in_review", "correction")  # what a department's queue shows
DELIVERY_ZH = {"pickup": "窗口取件", "mail": "邮寄送达"}


@dataclass
class Applicant:
    """Who applies: ID hash and masks (never the number itself), account and phone."""

    id_hash: str
    id_masked: str
    name_masked: str | None = None
    citizen_id: int | None = None
    phone: str = ""


def limits_of(service: ServiceItem) -> tuple[int, int]:
    """(legal, promised) time limits in working days from the service's 办事指南."""
    guide = service.guide or {}
    legal = int(guide.get("legal_time_limit_days", DEFAULT_LEGAL_DAYS))
    promised = int(guide.get("promised_time_limit_days", legal))
    return legal, min(promised, legal)


def review_departments(service: ServiceItem) -> list[str]:
    """The departments that approve the service (several for a joint matter: 并联审批)."""
    listed = [d for d in (service.guide or {}).get("review_departments", []) if d]
    return listed or [service.department or "综合受理"]


def checked_materials(connector: LicenceConnector, service: ServiceItem, id_hash: str,
                      received: set[str], presubmitted: set[str]) -> list[dict[str, Any]]:
    """The material list of a new application; 422 naming the first required one missing."""
    out = []
    for m in material_sources(connector, service, id_hash):
        if m["from_licence"]:
            source = "licence"
        elif m["code"] in presubmitted:
            source = "online"
        elif m["code"] in received:
            source = "window"
        elif m["required"]:
            raise Invalid(f"缺少必需材料「{m['name']}」，请一次性告知申请人补齐后再受理",
                          code=ErrorCode.MATERIAL_MISSING)
        else:
            continue
        out.append({"code": m["code"], "name": m["name"], "source": source,
                    "licence_no": m["licence_no"], "licence_text": m["licence_text"]})
    return out


def accept(
    s: Session, *, hall: Hall, service: ServiceItem, applicant: Applicant, principal: Principal,
    settings: Settings, materials: list[dict[str, Any]], delivery: str, mail_address: str = "",
    ticket_id: int | None = None, appointment_id: int | None = None,
    pickup_slot_start: datetime | None = None, now: datetime | None = None,
) -> Application:
    """Create the 办件 (受理) and send it to its departments (审批中) with due dates; a
    窗口取件 applicant may book the pickup slot right away."""
    now = now or utcnow()
    if delivery == "mail" and not mail_address.strip():
        raise Invalid("选择邮寄时请填写收件地址", code=ErrorCode.ADDRESS_REQUIRED)
    if delivery == "mail" and pickup_slot_start is not None:
        raise Invalid("邮寄送达无需预约取件时段", code=ErrorCode.PICKUP_SLOT_NOT_NEEDED)
    day = business_day(now, hall.timezone)
    legal, promised = limits_of(service)
    closed = closed_days(hall)
    promised_due = due_date(day, promised, closed)
    slot = None
    if pickup_slot_start is not None:
        slot = pickup.choose_slot(s, hall=hall, slot_start=pickup_slot_start, now=now,
                                  earliest=pickup.earliest_day(None, promised_due, promised, day))
    app = Application(
        hall_id=hall.id, service_id=service.id, receipt_no=secrets.token_hex(8),
        ticket_id=ticket_id, appointment_id=appointment_id, citizen_id=applicant.citizen_id,
        id_hash=applicant.id_hash, id_masked=applicant.id_masked,
        name_masked=applicant.name_masked, phone=applicant.phone, status="in_review",
        delivery=delivery, mail_address=mail_address.strip() if delivery == "mail" else "",
        materials=materials, accepted_at=now, accepted_by=principal.id, accepted_day=day,
        promised_days=promised, legal_days=legal, paused_days=0,
        promised_due=promised_due, legal_due=due_date(day, legal, closed),
        pickup_slot_start=slot.start if slot else None, pickup_slot_end=slot.end if slot else None,
    )
    s.add(app)
    s.flush()
    app.receipt_no = f"{day:%Y%m%d}{app.id:06d}"
    departments = review_departments(service)
    for dept in departments:
        s.add(ApplicationReview(application_id=app.id, department=dept, status="pending"))
    fetched = [m["name"] for m in materials if m["source"] == "licence"]
    _step(s, app, "accepted", principal, now,
          f"已受理，受理编号 {app.receipt_no}，承诺 {app.promised_due:%Y-%m-%d} 前办结"
          + (f"；{'、'.join(fetched)}已从电子证照库调取" if fetched else "")
          + (f"；预约取件时段 {pickup_slot_text(hall, app)}" if slot else ""), status="accepted")
    _changed(s, app, "in_review", principal, settings, now,
             f"已送{'、'.join(departments)}审批", action="dispatched")
    return app


# ---------------------------------------------------------------- reviews


def get_application(s: Session, app_id: int, *, for_update: bool = False) -> Application:
    """An application by id, or 404."""
    stmt = select(Application).where(Application.id == app_id)
    if for_update:
        stmt = stmt.with_for_update()
    app = s.scalar(stmt)
    if app is None:
        raise NotFound("办件不存在", code=ErrorCode.APPLICATION_NOT_FOUND)
    return app


def reviews_of(s: Session, app: Application) -> list[ApplicationReview]:
    """The application's department reviews, in the order they were created."""
    return list(s.scalars(select(ApplicationReview)
                          .where(ApplicationReview.application_id == app.id)
                          .order_by(ApplicationReview.id)))


def check_visible(s: Session, app: Application, principal: Principal) -> None:
    """Staff of the hall see every application; a reviewer only their department's."""
    if not principal.can_access_hall(app.hall_id):
        raise Forbidden("无权查看其他大厅的办件", code=ErrorCode.FORBIDDEN_HALL)
    if principal.role == StaffRole.REVIEWER and principal.department not in {
            r.department for r in reviews_of(s, app)}:
        raise Forbidden("该办件不属于您所在部门", code=ErrorCode.FORBIDDEN_DEPARTMENT)


def online_material(s: Session, app: Application, code: str) -> Material:
    """The file the citizen uploaded online for one of the application's materials (the
    current version on its booking), or 404 when that material did not come online."""
    listed = any(m.get("code") == code and m.get("source") == "online" for m in app.materials)
    m = (current_materials(s, app.appointment_id).get(code)
         if listed and app.appointment_id is not None else None)
    if m is None:
        raise NotFound("该办件没有网上提交的此项材料", code=ErrorCode.MATERIAL_NOT_FOUND)
    return m


def _acting_review(s: Session, app: Application, principal: Principal,
                   department: str | None) -> ApplicationReview:
    """The pending review the caller decides: a reviewer's own department; a manager names
    one (or the only one still pending)."""
    if principal.role == StaffRole.REVIEWER:
        if department and department != principal.department:
            raise Forbidden("只能审批本部门的办件", code=ErrorCode.FORBIDDEN_DEPARTMENT)
        department = principal.department
    pending = [r for r in reviews_of(s, app) if r.status == "pending"]
    if department is None:
        if len(pending) != 1:
            raise Invalid("该办件有多个部门待审批，请指定 department",
                          code=ErrorCode.DEPARTMENT_REQUIRED)
        return pending[0]
    row = next((r for r in reviews_of(s, app) if r.department == department), None)
    if row is None:
        if principal.role == StaffRole.REVIEWER:
            raise Forbidden("该办件不属于您所在部门", code=ErrorCode.FORBIDDEN_DEPARTMENT)
        raise NotFound(f"该办件无需「{department}」审批", code=ErrorCode.REVIEW_NOT_FOUND)
    if row.status != "pending":
        raise Conflict(f"「{department}」已审批该办件", code=ErrorCode.ALREADY_REVIEWED)
    return row


def review(
    s: Session, *, app: Application, principal: Principal, settings: Settings, decision: str,
    reason: str = "", department: str | None = None, now: datetime | None = None,
) -> Application:
    """One department approves or refuses; all approved = 办结 approved, any refusal = refused."""
    now = now or utcnow()
    if decision not in ("approve", "refuse"):
        raise Invalid("decision 只能是 approve 或 refuse", code=ErrorCode.INVALID_DECISION)
    if app.status != "in_review":
        raise Conflict(f"办件当前状态为「{STATUS_ZH[app.status]}」，不能审批",
                       code=ErrorCode.ILLEGAL_TRANSITION)
    row = _acting_review(s, app, principal, department)
    reason = reason.strip()
    if decision == "refuse" and not reason:
        raise Invalid("不予批准时请填写理由", code=ErrorCode.REASON_REQUIRED)
    row.status = "approved" if decision == "approve" else "refused"
    row.reviewer_id, row.comment, row.decided_at = principal.id, reason, now
    reviews = reviews_of(s, app)
    if decision == "refuse":
        for other in reviews:
            if other.status == "pending":
                other.status = "withdrawn"
        _step(s, app, "refused", principal, now, f"{row.department}不予批准：{reason}",
              department=row.department)
        app.outcome, app.decision_reason = "refused", reason
        return _decide(s, app, principal, settings, now, f"办结：不予批准。理由：{reason}")
    if any(r.status == "pending" for r in reviews):
        return _changed(s, app, "in_review", principal, settings, now,
                        f"{row.department}审批通过", action="approved",
                        department=row.department, notify_citizen=False)
    _step(s, app, "approved", principal, now, f"{row.department}审批通过",
          department=row.department)
    app.outcome, app.decision_reason = "approved", reason
    after = "请等待取件通知" if app.delivery == "pickup" else "结果将邮寄送达"
    return _decide(s, app, principal, settings, now, f"办结：准予批准，{after}")


def _decide(s: Session, app: Application, principal: Principal, settings: Settings,
            now: datetime, text: str) -> Application:
    app.decided_at = now
    hall = s.get(Hall, app.hall_id)
    assert hall is not None
    app.decided_day = business_day(now, hall.timezone)
    return _changed(s, app, "decided", principal, settings, now, text, action="decided")


def request_correction(
    s: Session, *, app: Application, principal: Principal, settings: Settings, note: str,
    days: int, department: str | None = None, now: datetime | None = None,
) -> Application:
    """A department asks for materials (补正): the time limit pauses until they arrive."""
    now = now or utcnow()
    if app.status != "in_review":
        raise Conflict(f"办件当前状态为「{STATUS_ZH[app.status]}」，不能要求补正",
                       code=ErrorCode.ILLEGAL_TRANSITION)
    row = _acting_review(s, app, principal, department)
    note = note.strip()
    if not note:
        raise Invalid("请写明需要补正的材料", code=ErrorCode.NOTE_REQUIRED)
    hall = s.get(Hall, app.hall_id)
    assert hall is not None
    today = business_day(now, hall.timezone)
    app.paused_since = today
    app.correction_deadline = add_working_days(today, days, closed_days(hall))
    app.correction_note = note
    return _changed(s, app, "correction", principal, settings, now,
                    f"{row.department}要求补正：{note}（请于 {app.correction_deadline:%Y-%m-%d} "
                    "前补齐，补正期间暂停计时）", action="correction", department=row.department)


def resume(s: Session, *, app: Application, principal: Principal, settings: Settings,
           now: datetime | None = None) -> Application:
    """The materials arrived: review goes on and the due dates move by the paused days."""
    now = now or utcnow()
    if app.status != "correction" or app.paused_since is None:
        raise Conflict("办件不在补正中", code=ErrorCode.ILLEGAL_TRANSITION)
    hall = s.get(Hall, app.hall_id)
    assert hall is not None
    closed = closed_days(hall)
    # The request day was worked on; every working day after it up to today was paused.
    app.paused_days += working_days_between(app.paused_since, business_day(now, hall.timezone),
                                            closed)
    app.paused_since = None
    app.promised_due = due_date(app.accepted_day, app.promised_days, closed,
                                paused=app.paused_days)
    app.legal_due = due_date(app.accepted_day, app.legal_days, closed, paused=app.paused_days)
    return _changed(s, app, "in_review", principal, settings, now,
                    f"补正材料已收到，继续审批，承诺 {app.promised_due:%Y-%m-%d} 前办结",
                    action="resumed")


# ---------------------------------------------------------------- results


def mark_ready(s: Session, *, app: Application, principal: Principal, settings: Settings,
               now: datetime | None = None) -> Application:
    """The approved result is at the 出件 window (待取件)."""
    _check_result(app, "pickup")
    hall = s.get(Hall, app.hall_id)
    assert hall is not None
    when = (f"，您预约的取件时段为 {pickup_slot_text(hall, app)}"
            if app.pickup_slot_start else "")
    return _changed(s, app, "ready_for_pickup", principal, settings, now or utcnow(),
                    f"办理结果已到统一出件窗口{when}，请携带身份证到大厅取号机选择「取件」",
                    action="ready")


def mark_mailed(s: Session, *, app: Application, principal: Principal, settings: Settings,
                tracking_no: str, now: datetime | None = None) -> Application:
    """The approved result was posted (已寄出) with the carrier's tracking number."""
    _check_result(app, "mail")
    if not tracking_no.strip():
        raise Invalid("请填写快递单号", code=ErrorCode.TRACKING_NO_REQUIRED)
    app.mail_tracking_no = tracking_no.strip()
    return _changed(s, app, "mailed", principal, settings, now or utcnow(),
                    f"办理结果已寄出，快递单号 {app.mail_tracking_no}", action="mailed")


def hand_over(s: Session, *, app: Application, principal: Principal, settings: Settings,
              now: datetime | None = None) -> Application:
    """The citizen has the result: 已取件 at the window or 已送达 by post."""
    now = now or utcnow()
    if app.status not in ("ready_for_pickup", "mailed"):
        raise Conflict(f"办件当前状态为「{STATUS_ZH[app.status]}」，不能办理交付",
                       code=ErrorCode.ILLEGAL_TRANSITION)
    app.finished_at = now
    if app.status == "ready_for_pickup":
        return _changed(s, app, "picked_up", principal, settings, now, "已领取办理结果",
                        action="picked_up")
    return _changed(s, app, "delivered", principal, settings, now, "办理结果已送达",
                    action="delivered")


def pickup_slot_text(hall: Hall, app: Application) -> str:
    """The chosen pickup slot in words, e.g. 12月07日 周一 09:00–10:00 ("" when none)."""
    if app.pickup_slot_start is None or app.pickup_slot_end is None:
        return ""
    return pickup.slot_json(pickup.pickup_rules(hall), app.pickup_slot_start,
                            app.pickup_slot_end)["text"]


def pickup_earliest(hall: Hall, app: Application, now: datetime | None = None) -> date:
    """The first day this application's result can be collected."""
    return pickup.earliest_day(app.status, app.promised_due, app.promised_days,
                               pickup.today_of(hall, now))


def can_change_pickup_slot(app: Application) -> bool:
    """Collected at the window, not refused, not yet picked up."""
    return (app.delivery == "pickup" and app.status in pickup.HOLDING
            and app.outcome != "refused")


def pickup_slots_for(s: Session, app: Application,
                     now: datetime | None = None) -> dict[str, Any]:
    """The slots this application may move to, and the one it holds."""
    hall = s.get(Hall, app.hall_id)
    assert hall is not None
    rules = pickup.pickup_rules(hall)
    current = (pickup.slot_json(rules, app.pickup_slot_start, app.pickup_slot_end)
               if app.pickup_slot_start and app.pickup_slot_end else None)
    if not can_change_pickup_slot(app):
        return {"can_change": False, "current": current, "earliest": None, "days": []}
    earliest = pickup_earliest(hall, app, now)
    return {"can_change": True, "current": current, "earliest": earliest.isoformat(),
            "days": pickup.free_slots(s, hall=hall, earliest=earliest, now=now,
                                      exclude_app=app.id)}


def set_pickup_slot(s: Session, *, app: Application, principal: Principal | None,
                    settings: Settings, slot_start: datetime,
                    now: datetime | None = None) -> Application:
    """Book or move the 窗口取件 slot (citizen online, or the counter) before pickup."""
    now = now or utcnow()
    if app.delivery != "pickup":
        raise Conflict("该办件选择邮寄送达，无需预约取件时段", code=ErrorCode.WRONG_DELIVERY)
    if not can_change_pickup_slot(app):
        raise Conflict(f"办件当前状态为「{STATUS_ZH[app.status]}」，不能更改取件时段",
                       code=ErrorCode.ILLEGAL_TRANSITION)
    hall = s.get(Hall, app.hall_id)
    assert hall is not None
    slot = pickup.choose_slot(s, hall=hall, slot_start=slot_start, now=now,
                              earliest=pickup_earliest(hall, app, now), exclude_app=app.id)
    if slot.start == app.pickup_slot_start:
        return app
    first = app.pickup_slot_start is None
    app.pickup_slot_start, app.pickup_slot_end = slot.start, slot.end
    text = f"{'预约' if first else '改约'}取件时段：{pickup_slot_text(hall, app)}"
    _step(s, app, "pickup_slot", principal, now, text)
    service = s.get(ServiceItem, app.service_id)
    assert service is not None
    s.flush()
    append_event(s, hall_id=app.hall_id, type="application.pickup_slot", at=now,
                 data={"application_id": app.id, "receipt_no": app.receipt_no,
                       "service_code": service.code, "service_name": service.name,
                       "status": app.status, "status_text": STATUS_ZH[app.status],
                       "department": "", "pickup_slot_start": slot.start.isoformat()},
                 private={"id_masked": app.id_masked, "name_masked": app.name_masked})
    return app


def _check_result(app: Application, delivery: str) -> None:
    if app.status != "decided" or app.outcome != "approved":
        raise Conflict(f"办件当前状态为「{STATUS_ZH[app.status]}」，尚无可交付的结果",
                       code=ErrorCode.ILLEGAL_TRANSITION)
    if app.delivery != delivery:
        raise Conflict(f"申请人选择的是{DELIVERY_ZH[app.delivery]}", code=ErrorCode.WRONG_DELIVERY)


def ready_for(s: Session, *, hall: Hall, id_hash: str) -> list[Application]:
    """The person's results waiting at the hall's 出件 window."""
    return list(s.scalars(select(Application).where(
        Application.hall_id == hall.id, Application.id_hash == id_hash,
        Application.status == "ready_for_pickup").order_by(Application.id)))


def open_pickup_ticket(s: Session, ready: list[Application]) -> Ticket | None:
    """The pickup number all these results already wait on, while it is still queued."""
    ids = {a.pickup_ticket_id for a in ready}
    if len(ids) != 1 or None in ids:
        return None
    ticket = s.get(Ticket, ids.pop())
    return ticket if ticket is not None \
        and ticket.status in (TicketStatus.WAITING, TicketStatus.CALLED) else None


def link_pickup(s: Session, apps: list[Application], *, ticket_id: int, number: str,
                principal: Principal, now: datetime) -> None:
    """Note the pickup ticket on each ready application's timeline."""
    for app in apps:
        app.pickup_ticket_id = ticket_id
        _step(s, app, "pickup_ticket", principal, now, f"已在取号机取出件号 {number}")


# ---------------------------------------------------------------- steps, events, notifications


def _step(s: Session, app: Application, action: str, principal: Principal | None,
          now: datetime, text: str, *, department: str = "", status: str | None = None) -> None:
    s.add(ApplicationStep(application_id=app.id, at=now, action=action,
                          status=status or app.status, department=department, text=text,
                          actor_id=principal.id if principal and principal.kind == "staff"
                          else None))


def _changed(s: Session, app: Application, status: str, principal: Principal,
             settings: Settings, now: datetime, text: str, *, action: str,
             department: str = "", notify_citizen: bool = True) -> Application:
    """Move to `status` with a timeline row, a message to the applicant and a hall event."""
    app.status = status
    _step(s, app, action, principal, now, text, department=department)
    service = s.get(ServiceItem, app.service_id)
    assert service is not None
    recipient = _recipient(s, app)
    if notify_citizen and recipient:
        notify(s, settings=settings, recipient=recipient, kind="application",
               body=f"【通办】您的{service.name}（受理编号 {app.receipt_no}）：{text}",
               hall_id=app.hall_id, data={"receipt_no": app.receipt_no, "status": status})
    s.flush()
    append_event(s, hall_id=app.hall_id, type=EventType(f"application.{action}"), at=now,
                 data={"application_id": app.id, "receipt_no": app.receipt_no,
                       "service_code": service.code, "service_name": service.name,
                       "status": status, "status_text": STATUS_ZH[status],
                       "department": department},
                 private={"id_masked": app.id_masked, "name_masked": app.name_masked})
    return app


def _recipient(s: Session, app: Application) -> str:
    if app.phone:
        return app.phone
    citizen = s.get(Citizen, app.citizen_id) if app.citizen_id else None
    return citizen.phone if citizen else ""


# ---------------------------------------------------------------- views and lists


def _timing(app: Application, hall: Hall, today: date) -> dict[str, Any]:
    """Due dates and working days left; the clock stands still while paused or decided."""
    closed = closed_days(hall)
    stop = app.decided_day or app.paused_since or today
    left = working_days_left(stop, app.promised_due, closed)
    return {"accepted_day": app.accepted_day.isoformat(),
            "promised_days": app.promised_days, "legal_days": app.legal_days,
            "promised_due": app.promised_due.isoformat(), "legal_due": app.legal_due.isoformat(),
            "paused_days": app.paused_days, "paused": app.paused_since is not None,
            "working_days_left": left, "overdue": left < 0,
            "on_time": (app.decided_day <= app.promised_due) if app.decided_day else None}


def timeline(s: Session, app: Application, *, hide: str = "") -> list[dict[str, Any]]:
    """The application's steps, oldest first (`hide`: a value masked in the texts)."""
    rows = s.scalars(select(ApplicationStep).where(ApplicationStep.application_id == app.id)
                     .order_by(ApplicationStep.id))
    return [{"at": iso(r.at), "action": r.action, "status": r.status,
             "status_text": STATUS_ZH[r.status], "department": r.department,
             "text": r.text.replace(hide, mask_tracking_no(hide)) if hide else r.text}
            for r in rows]


def mask_tracking_no(number: str) -> str:
    """A carrier tracking number with its middle hidden (it finds the parcel and its address)."""
    if len(number) <= 6:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 6) + number[-4:]


def public_view(s: Session, app: Application, *, public_link: bool = False) -> dict[str, Any]:
    """What the applicant sees (portal, tracking link, kiosk): no personal data. On the public
    tracking link (anyone holding the slip) the carrier tracking number is masked too."""
    rating = application_rated(s, app)
    hall = s.get(Hall, app.hall_id)
    service = s.get(ServiceItem, app.service_id)
    assert hall is not None and service is not None
    tracking_no = app.mail_tracking_no
    hide = tracking_no if public_link and tracking_no else ""
    rules = pickup.pickup_rules(hall)
    return {
        "receipt_no": app.receipt_no, "service_code": service.code,
        "service_name": service.name, "hall": hall.code, "hall_name": hall.name,
        "timezone": hall.timezone, "status": app.status,
        "status_text": STATUS_ZH[app.status], "outcome": app.outcome,
        "decision_reason": app.decision_reason, "delivery": app.delivery,
        "delivery_text": DELIVERY_ZH[app.delivery],
        "mail_tracking_no": mask_tracking_no(tracking_no) if hide else tracking_no,
        "pickup_slot": (pickup.slot_json(rules, app.pickup_slot_start, app.pickup_slot_end)
                        if app.pickup_slot_start and app.pickup_slot_end
                        and app.outcome != "refused" else None),
        "can_change_pickup_slot": can_change_pickup_slot(app),
        "correction_note": app.correction_note if app.status == "correction" else "",
        "correction_deadline": (app.correction_deadline.isoformat()
                                if app.status == "correction" and app.correction_deadline
                                else None),
        "reviews": [{"department": r.department, "status": r.status}
                    for r in reviews_of(s, app)],
        **_timing(app, hall, business_day(utcnow(), hall.timezone)),
        "timeline": timeline(s, app, hide=hide),
        "rating": rating, "can_rate": rating is None and app.status in RATEABLE,
    }


def staff_view(s: Session, app: Application) -> dict[str, Any]:
    """The back-office view: the public view plus masked applicant data and review details."""
    out = public_view(s, app)
    reviews = reviews_of(s, app)
    out.update(
        id=app.id, ticket_id=app.ticket_id, appointment_id=app.appointment_id,
        id_masked=app.id_masked, name_masked=app.name_masked,
        phone_masked=mask_phone(app.phone) if app.phone else None,
        mail_address=app.mail_address, materials=app.materials,
        accepted_at=iso(app.accepted_at), decided_at=iso(app.decided_at),
        pickup_ticket_id=app.pickup_ticket_id,
        reviews=[{"department": r.department, "status": r.status, "comment": r.comment,
                  "reviewer_id": r.reviewer_id, "decided_at": iso(r.decided_at)}
                 for r in reviews],
    )
    return out


def queue(s: Session, *, hall: Hall, principal: Principal,
          status: str | None = None) -> list[dict[str, Any]]:
    """Open applications of the hall, soonest due first; a reviewer sees their department's
    pending reviews only."""
    stmt = select(Application).where(Application.hall_id == hall.id)
    if status:
        if status not in STATUS_ZH:
            raise Invalid(f"未知办件状态 {status}", code=ErrorCode.INVALID_STATUS)
        stmt = stmt.where(Application.status == status)
    elif principal.role != StaffRole.REVIEWER:
        stmt = stmt.where(Application.status.in_((*OPEN, "decided", "ready_for_pickup",
                                                  "mailed")))
    if principal.role == StaffRole.REVIEWER:
        stmt = stmt.where(Application.status.in_(REVIEWABLE), Application.id.in_(
            select(ApplicationReview.application_id).where(
                ApplicationReview.department == principal.department,
                ApplicationReview.status == "pending")))
    rows = s.scalars(stmt.order_by(Application.promised_due, Application.id).limit(500))
    return [staff_view(s, a) for a in rows]


def running(s: Session, hall: Hall, today: date) -> list[tuple[Application, str, int]]:
    """(application, service name, working days left) of each one whose clock runs."""
    closed = closed_days(hall)
    rows = s.execute(select(Application, ServiceItem.name)
                     .join(ServiceItem, ServiceItem.id == Application.service_id)
                     .where(Application.hall_id == hall.id,
                            Application.status.in_(("accepted", "in_review")))).all()
    return [(a, name, working_days_left(today, a.promised_due, closed)) for a, name in rows]
