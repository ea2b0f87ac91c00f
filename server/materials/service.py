"""Uploading, reusing, reviewing and reading pre-submitted materials (every read audited)."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, BinaryIO
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.appointments.models import Appointment
from server.appointments.service import own_appointment
from server.appointments.views import MaterialsSide, install_materials_side
from server.audit.models import ConfigAudit
from server.audit.service import record
from server.auth.models import Staff
from server.auth.principal import Principal, require
from server.catalog.models import Hall, ServiceItem
from server.catalog.service import service_materials
from server.citizens.notify import notify
from server.core.clock import iso, utcnow
from server.core.config import Settings
from server.core.db import Database
from server.core.errors import (
    STORAGE_FULL_MESSAGE,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    StorageFull,
)
from server.materials.licences import FETCHED_TEXT, licence_store, material_sources
from server.materials.models import Material, MaterialAccess
from server.materials.sniff import check_content
from server.materials.storage import LocalStorage, Storage, TooLarge
from server.ops.disk import MB, free_bytes
from server.tickets.models import Ticket
from server.windows.models import Window
from tongban_common.wire import HALL_STAFF, MANAGERS, ErrorCode, TicketStatus

log = logging.getLogger(__name__)
HANDLING = (TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.SUSPENDED)
UPLOADABLE = ("booked", "checked_in")


def storage_for(settings: Settings) -> LocalStorage:
    """The configured store: files under <data_dir>/materials."""
    return LocalStorage(settings.data_dir / "materials")


def stored_file(settings: Settings, sha256: str) -> bytes:
    """The bytes of a stored file; 404 MATERIAL_PURGED once the retention purge removed it."""
    try:
        return storage_for(settings).open(sha256)
    except FileNotFoundError:
        raise NotFound("材料已超过保存期限并已删除", code=ErrorCode.MATERIAL_PURGED) from None


def file_headers(filename: str) -> dict[str, str]:
    """Response headers of an uploaded file shown to staff or its owner (never cached)."""
    return {
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
        # Opened directly, an uploaded PDF must not run script in the server's origin.
        "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self' data:",
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(filename, safe='')}",
    }


def current_materials(s: Session, appointment_id: int) -> dict[str, Material]:
    """The latest (not replaced) material per code of an appointment."""
    rows = s.scalars(select(Material).where(Material.appointment_id == appointment_id,
                                            Material.replaced_at.is_(None))
                     .order_by(Material.id))
    return {m.material_code: m for m in rows}


def licence_held(s: Session, hall_id: int, service: ServiceItem,
                 id_hash: str | None) -> dict[str, str | None]:
    """Codes of the service's materials the person's 电子证照 cover, with the licence number
    (三个凡能: what the government already holds is never asked for)."""
    if not id_hash or not any(m.get("licence_type") for m in service.materials or []):
        return {}
    hall = s.get(Hall, hall_id)
    assert hall is not None
    return {m["code"]: m["licence_no"]
            for m in material_sources(licence_store(s, hall), service, id_hash)
            if m["from_licence"]}


def _licence_item(name: str, required: bool) -> dict[str, Any]:
    return {"name": name, "required": required, "status": "from_licence", "source": "licence",
            "licence_text": FETCHED_TEXT}


def checklist(s: Session, appt: Appointment, service: ServiceItem) -> list[dict[str, Any]]:
    """Each material of the service with its pre-review status (missing when not uploaded,
    from_licence when the 电子证照库 holds it: then no upload counts)."""
    have = current_materials(s, appt.id)
    held = licence_held(s, appt.hall_id, service, appt.id_hash)
    out = []
    for m in service_materials(service):
        mat = None if m["code"] in held else have.get(m["code"])
        item = (_licence_item(m["name"], m["required"]) if m["code"] in held else
                {"name": m["name"], "required": m["required"],
                 "status": mat.review_status if mat else "missing",
                 "source": "online" if mat else None, "licence_text": None})
        out.append({
            "code": m["code"], **item, "presubmit": m["presubmit"] and m["code"] not in held,
            "reason": mat.review_reason if mat else None,
            "reused": bool(mat and mat.reused_from_id),
            "material_id": mat.id if mat else None,
            "filename": mat.filename if mat else None,
        })
    return out


def summary(items: list[dict[str, Any]]) -> dict[str, int]:
    """Counts per status for a checklist."""
    out = {"total": len(items), "accepted": 0, "rejected": 0, "pending": 0, "missing": 0,
           "from_licence": 0}
    for item in items:
        out[item["status"]] += 1
    return out


def material_view(s: Session, m: Material) -> dict[str, Any]:
    """The contract's material JSON."""
    verifier = s.get(Staff, m.verified_by) if m.verified_by else None
    return {
        "id": m.id, "material_code": m.material_code, "name": m.name, "required": m.required,
        "review_status": m.review_status, "review_reason": m.review_reason,
        "content_type": m.content_type, "size": m.size, "sha256": m.sha256,
        "filename": m.filename, "reused": m.reused_from_id is not None,
        "verified": m.verified,
        "verified_by": (verifier.full_name or verifier.username) if verifier else None,
        "uploaded_at": iso(m.uploaded_at), "reviewed_at": iso(m.reviewed_at),
    }


def _definition(service: ServiceItem, code: str) -> dict[str, Any]:
    for m in service_materials(service):
        if m["code"] == code:
            if not m["presubmit"]:
                raise Invalid(f"「{m['name']}」需现场提交原件，不能网上预审",
                              code=ErrorCode.NOT_PRESUBMITTABLE)
            return m
    raise NotFound(f"该事项没有材料 {code}", code=ErrorCode.MATERIAL_NOT_FOUND)


def _safe_name(raw: str | None) -> str:
    name = PureWindowsPath(PurePosixPath(raw or "").name).name.strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return (name or "upload")[:200]


def _check_uploadable(s: Session, appt: Appointment, service: ServiceItem,
                      code: str) -> dict[str, Any]:
    if appt.status not in UPLOADABLE:
        raise Conflict("该预约已结束或已取消，不能再上传材料", code=ErrorCode.NOT_UPLOADABLE)
    definition = _definition(service, code)
    if code in licence_held(s, appt.hall_id, service, appt.id_hash):
        raise Conflict(f"「{definition['name']}」{FETCHED_TEXT}，无需上传",
                       code=ErrorCode.MATERIAL_FROM_LICENCE)
    return definition


def _new_version(s: Session, appt: Appointment, definition: dict[str, Any], material_code: str,
                 **fields: Any) -> Material:
    """Add a material row for the appointment; the one it replaces is marked replaced."""
    now = utcnow()
    previous = current_materials(s, appt.id).get(material_code)
    if previous is not None:
        previous.replaced_at = now
    m = Material(hall_id=appt.hall_id, appointment_id=appt.id, citizen_id=appt.citizen_id,
                 id_hash=appt.id_hash, material_code=material_code, name=definition["name"],
                 required=definition["required"], uploaded_at=now, **fields)
    s.add(m)
    return m


def upload(
    db: Database, *, settings: Settings, storage: Storage, principal: Principal,
    booking_code: str, material_code: str, filename: str | None, stream: BinaryIO,
) -> dict[str, Any]:
    """Store one file for one material of the citizen's appointment.

    Order: check the request, copy to a temp file while hashing, check the content, rename
    into place, then record it; any failure leaves neither a file nor a row behind.
    """
    with db.read() as s:
        appt = own_appointment(s, booking_code=booking_code, principal=principal)
        service = s.get(ServiceItem, appt.service_id)
        assert service is not None
        _check_uploadable(s, appt, service, material_code)
    # Below the reserve the space is kept for tickets and the database, not for uploads.
    if free_bytes(settings.data_dir) < settings.min_free_mb * MB:
        raise StorageFull(STORAGE_FULL_MESSAGE)
    try:
        staged = storage.stage(stream, max_bytes=settings.material_max_bytes)
    except TooLarge:
        limit = settings.material_max_bytes / 1_000_000
        raise Invalid(f"文件超过大小限制（最大 {limit:g} MB）",
                      code=ErrorCode.FILE_TOO_LARGE) from None
    try:
        content_type = check_content(staged.path, staged.head, staged.size)
        created = storage.commit(staged)  # ENOSPC here (a new fan-out directory) too
    except Exception:
        storage.discard(staged)
        raise

    def record(s: Session) -> dict[str, Any]:
        appt = own_appointment(s, booking_code=booking_code, principal=principal,
                               for_update=True)
        service = s.get(ServiceItem, appt.service_id)
        assert service is not None
        definition = _check_uploadable(s, appt, service, material_code)
        m = _new_version(s, appt, definition, material_code, filename=_safe_name(filename),
                         content_type=content_type, size=staged.size, sha256=staged.sha256,
                         review_status="pending")
        s.flush()
        return material_view(s, m)

    try:
        return db.write(record)
    except Exception:
        if created:
            _delete_if_unreferenced(db, storage, staged.sha256)
        raise


def _delete_if_unreferenced(db: Database, storage: Storage, sha256: str) -> None:
    with db.read() as s:
        used = s.scalar(select(Material.id).where(Material.sha256 == sha256).limit(1))
    if used is None:
        storage.delete(sha256)


def reusable(s: Session, appt: Appointment, service: ServiceItem) -> list[dict[str, Any]]:
    """Accepted materials of the same person from earlier bookings, offered instead of
    uploading again (三个凡能: what was submitted once is not asked for again)."""
    if not appt.id_hash:
        return []
    have = current_materials(s, appt.id)
    held = licence_held(s, appt.hall_id, service, appt.id_hash)
    out = []
    for m in service_materials(service):
        mine = have.get(m["code"])
        if (not m["presubmit"] or m["code"] in held
                or (mine and mine.review_status == "accepted")):
            continue
        prior = s.scalar(
            select(Material).where(
                Material.id_hash == appt.id_hash, Material.citizen_id == appt.citizen_id,
                Material.material_code == m["code"], Material.review_status == "accepted",
                Material.appointment_id != appt.id, Material.replaced_at.is_(None))
            .order_by(Material.reviewed_at.desc(), Material.id.desc()).limit(1))
        if prior is not None:
            out.append({"material_code": m["code"], "name": m["name"],
                        "from_material_id": prior.id, "filename": prior.filename,
                        "accepted_at": iso(prior.reviewed_at), "size": prior.size})
    return out


def reuse(s: Session, *, appt: Appointment, material_code: str) -> dict[str, Any]:
    """Attach an earlier accepted material to this appointment (accepted, marked reused)."""
    service = s.get(ServiceItem, appt.service_id)
    assert service is not None
    definition = _check_uploadable(s, appt, service, material_code)
    offer = next((o for o in reusable(s, appt, service) if o["material_code"] == material_code),
                 None)
    if offer is None:
        raise NotFound("没有可复用的已审核材料", code=ErrorCode.NOTHING_TO_REUSE)
    prior = s.get(Material, offer["from_material_id"])
    assert prior is not None
    m = _new_version(s, appt, definition, material_code, filename=prior.filename,
                     content_type=prior.content_type, size=prior.size, sha256=prior.sha256,
                     review_status="accepted", review_reason=None,
                     reviewed_by=prior.reviewed_by, reviewed_at=prior.reviewed_at,
                     reused_from_id=prior.id)
    s.flush()
    return material_view(s, m)


# ---------------------------------------------------------------- staff side


def get_material(s: Session, material_id: int) -> Material:
    """A material by id, or 404."""
    m = s.get(Material, material_id)
    if m is None:
        raise NotFound("材料不存在", code=ErrorCode.MATERIAL_NOT_FOUND)
    return m


def handling_ticket(s: Session, ticket: Ticket, principal: Principal) -> bool:
    """Whether the clerk is handling this ticket right now (called/serving/suspended)."""
    if ticket.status not in HANDLING or principal.kind != "staff":
        return False
    if ticket.staff_id == principal.id:
        return True
    window = s.get(Window, ticket.window_id) if ticket.window_id else None
    return window is not None and window.current_staff_id == principal.id


def check_ticket_access(s: Session, ticket: Ticket, principal: Principal | None) -> Principal:
    """Clerk handling the ticket, or a manager/admin of its hall."""
    p = require(principal, staff=HALL_STAFF, hall_id=ticket.hall_id)
    if p.role in MANAGERS or handling_ticket(s, ticket, p):
        return p
    raise Forbidden("只有正在办理该号码的窗口人员可以查看其材料",
                    code=ErrorCode.NOT_HANDLING_TICKET)


def check_material_access(s: Session, m: Material, principal: Principal | None,
                          ) -> tuple[Principal, Ticket | None]:
    """Owner citizen, the clerk handling its ticket, or a manager/admin of the hall."""
    appt = s.get(Appointment, m.appointment_id)
    assert appt is not None
    ticket = s.get(Ticket, appt.ticket_id) if appt.ticket_id else None
    p = require(principal, staff=HALL_STAFF, citizen=True)
    if p.kind == "citizen":
        if m.citizen_id != p.id:
            raise NotFound("材料不存在", code=ErrorCode.MATERIAL_NOT_FOUND)
        return p, ticket
    if not p.can_access_hall(m.hall_id):
        raise Forbidden("无权查看其他大厅的材料", code=ErrorCode.FORBIDDEN_HALL)
    if p.role in MANAGERS:
        return p, ticket
    if ticket is not None and handling_ticket(s, ticket, p):
        return p, ticket
    raise Forbidden("只有正在办理该号码的窗口人员可以查看其材料",
                    code=ErrorCode.NOT_HANDLING_TICKET)


def audit(s: Session, *, m: Material, principal: Principal, ticket: Ticket | None,
          action: str, now: datetime | None = None) -> None:
    """Append one access record."""
    name = ""
    if principal.kind == "staff":
        staff = s.get(Staff, principal.id)
        name = (staff.full_name or staff.username) if staff else ""
    s.add(MaterialAccess(material_id=m.id, hall_id=m.hall_id, actor_kind=principal.kind,
                         staff_id=principal.id if principal.kind == "staff" else None,
                         staff_name=name, ticket_id=ticket.id if ticket else None,
                         action=action, at=now or utcnow()))


def ticket_materials(s: Session, ticket: Ticket) -> list[dict[str, Any]]:
    """Current materials of the ticket's appointment (empty without one)."""
    if ticket.appointment_id is None:
        return []
    return [material_view(s, m) for m in current_materials(s, ticket.appointment_id).values()]


def counter_checklist(s: Session, ticket: Ticket, principal: Principal) -> dict[str, Any]:
    """Every material of the ticket's service for the counter: 未提交 (required, not
    pre-submitted) first, then the submitted ones with their pre-review state, then what is
    brought on site, optional or fetched from the 电子证照库 (status from_licence). The clerk
    handling the ticket also gets the citizen's full name (that read is audited once per clerk
    and ticket); anyone else only the masked one."""
    service = s.get(ServiceItem, ticket.service_id)
    assert service is not None
    appt = s.get(Appointment, ticket.appointment_id) if ticket.appointment_id else None
    have = current_materials(s, appt.id) if appt else {}
    held = licence_held(s, ticket.hall_id, service,
                        ticket.id_hash or (appt.id_hash if appt else None))
    items = []
    for d in service_materials(service):
        m = have.get(d["code"])
        if d["code"] in held:
            item = {"id": None, "material_code": d["code"],
                    **_licence_item(d["name"], d["required"]), "licence_no": held[d["code"]]}
        elif m is not None:
            item = {**material_view(s, m), "status": m.review_status}
        else:
            item = {"id": None, "material_code": d["code"], "name": d["name"],
                    "required": d["required"],
                    "status": "missing" if d["presubmit"] else "on_site"}
        items.append({**item, "presubmit": d["presubmit"] and d["code"] not in held})
    items.sort(key=_counter_order)
    full = appt.citizen_name if appt and handling_ticket(s, ticket, principal) else None
    if full:
        _audit_name_read(s, ticket, principal)
    return {"ticket_id": ticket.id, "number": ticket.number, "service_name": service.name,
            "citizen_name": full or None,
            "citizen_name_masked": ticket.citizen_name_masked or (appt.name_masked if appt
                                                                  else None) or None,
            "items": items}


def _counter_order(item: dict[str, Any]) -> int:
    if item["status"] == "missing" and item["required"]:
        return 0
    return 1 if item["id"] is not None else 2


def _audit_name_read(s: Session, ticket: Ticket, principal: Principal) -> None:
    """One audit row per clerk and ticket: the counter re-reads the list on every change."""
    key = f"ticket {ticket.id} {ticket.number}"
    seen = s.scalar(select(ConfigAudit.id).where(
        ConfigAudit.hall_id == ticket.hall_id, ConfigAudit.entity == "citizen_name",
        ConfigAudit.entity_key == key, ConfigAudit.staff_id == principal.id).limit(1))
    if seen is None:
        record(s, hall_id=ticket.hall_id, principal=principal, action="read",
               entity="citizen_name", entity_key=key)


def verify(s: Session, *, m: Material, principal: Principal,
           ticket: Ticket | None) -> dict[str, Any]:
    """The clerk checked the pre-submitted file against the original."""
    if principal.kind != "staff":
        raise Forbidden("只有工作人员可以核验材料", code=ErrorCode.FORBIDDEN_ROLE)
    if m.replaced_at is not None:
        raise Conflict("该材料已被重新上传的版本替代", code=ErrorCode.MATERIAL_REPLACED)
    now = utcnow()
    m.verified, m.verified_by, m.verified_at = True, principal.id, now
    audit(s, m=m, principal=principal, ticket=ticket, action="verify", now=now)
    s.flush()
    return material_view(s, m)


def review(s: Session, *, m: Material, principal: Principal, decision: str,
           reason: str | None, settings: Settings) -> dict[str, Any]:
    """Pre-review: accept, or reject with a reason; the citizen is notified."""
    if principal.kind != "staff":
        raise Forbidden("只有工作人员可以预审材料", code=ErrorCode.FORBIDDEN_ROLE)
    if m.replaced_at is not None:
        raise Conflict("该材料已被重新上传的版本替代", code=ErrorCode.MATERIAL_REPLACED)
    if decision not in ("accept", "reject"):
        raise Invalid("decision 只能是 accept 或 reject", code=ErrorCode.INVALID_DECISION)
    reason = (reason or "").strip() or None
    if decision == "reject" and not reason:
        raise Invalid("退回材料时请填写原因", code=ErrorCode.REASON_REQUIRED)
    now = utcnow()
    m.review_status = "accepted" if decision == "accept" else "rejected"
    m.review_reason = reason if decision == "reject" else None
    m.reviewed_by, m.reviewed_at = principal.id, now
    appt = s.get(Appointment, m.appointment_id)
    assert appt is not None
    audit(s, m=m, principal=principal, ticket=None, action="review", now=now)
    if appt.phone:
        verdict = "已通过预审" if decision == "accept" else f"未通过预审（{reason}），请重新上传"
        notify(s, settings=settings, recipient=appt.phone, kind="review", hall_id=m.hall_id,
               data={"booking_code": appt.booking_code, "material_code": m.material_code,
                     "status": m.review_status},
               body=f"【通办】您预约（{appt.booking_code}）提交的「{m.name}」{verdict}。")
    s.flush()
    return material_view(s, m)


def audit_log(s: Session, m: Material) -> list[dict[str, Any]]:
    """Every recorded access to a material, oldest first."""
    rows = s.scalars(select(MaterialAccess).where(MaterialAccess.material_id == m.id)
                     .order_by(MaterialAccess.id))
    return [{"staff": r.staff_name or ("citizen" if r.actor_kind == "citizen" else ""),
             "staff_id": r.staff_id, "actor_kind": r.actor_kind, "ticket_id": r.ticket_id,
             "action": r.action, "at": iso(r.at)} for r in rows]


# Appointments sit below materials: their views show the checklist through these.
install_materials_side(MaterialsSide(checklist=checklist, reusable=reusable, summary=summary))
