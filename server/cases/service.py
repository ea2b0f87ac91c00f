"""好差评 follow-up: open a case for every bad rating, assign, reply, close; flag overdue."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.applications.models import Application
from server.auth.models import Staff
from server.auth.principal import Principal
from server.catalog.calendar import add_working_days, closed_days
from server.catalog.models import Hall, ServiceItem
from server.core.clock import business_day, iso, utcnow
from server.core.errors import Conflict, Forbidden, Invalid, NotFound
from server.evaluations.models import RATING_LABELS, Evaluation
from server.evaluations.service import install_case_opener
from server.tickets.models import Ticket
from server.windows.models import Window
from tongban_common.wire import ErrorCode, StaffRole

from .models import FollowUpCase

BAD_RATING_MAX = 2  # 不满意 or worse
DEFAULT_DEADLINE_DAYS = 5
STATUS_ZH = {"open": "待分派", "assigned": "处理中", "replied": "已回复", "closed": "已办结"}


def open_case_for(
    s: Session, ev: Evaluation, *, now: datetime | None = None
) -> FollowUpCase | None:
    """Open a follow-up case for a bad rating (called inside the rating's transaction)."""
    if ev.rating > BAD_RATING_MAX:
        return None
    now = now or ev.created_at or utcnow()
    hall = s.get(Hall, ev.hall_id)
    assert hall is not None
    days = int((hall.settings or {}).get("case_deadline_days", DEFAULT_DEADLINE_DAYS))
    due = add_working_days(business_day(now, hall.timezone), days, closed_days(hall))
    case = FollowUpCase(
        hall_id=ev.hall_id, evaluation_id=ev.id, ticket_id=ev.ticket_id,
        application_id=ev.application_id, rating=ev.rating,
        service_id=ev.service_id, window_id=ev.window_id, rated_staff_id=ev.staff_id,
        status="open", opened_at=now, due_date=due,
        history=[{"at": iso(now), "action": "opened", "by": None}],
    )
    s.add(case)
    s.flush()
    return case


def get_case(s: Session, case_id: int) -> FollowUpCase:
    """A case by id, or 404."""
    case = s.get(FollowUpCase, case_id)
    if case is None:
        raise NotFound("回访工单不存在", code=ErrorCode.CASE_NOT_FOUND)
    return case


def is_overdue(case: FollowUpCase, today: date) -> bool:
    """Past its due date and not closed."""
    return case.status != "closed" and today > case.due_date


def _log(case: FollowUpCase, action: str, principal: Principal, now: datetime,
         **extra: Any) -> None:
    case.history = [*case.history, {"at": iso(now), "action": action, "by": principal.id,
                                    "by_name": principal.name, **extra}]


def assign(s: Session, *, case: FollowUpCase, staff_id: int, principal: Principal,
           now: datetime | None = None) -> FollowUpCase:
    """Assign (or reassign) an open case to a staff member of the hall."""
    now = now or utcnow()
    if case.status == "closed":
        raise Conflict("工单已办结，不能再分派", code=ErrorCode.CASE_CLOSED)
    staff = s.get(Staff, staff_id)
    if staff is None or staff.hall_id != case.hall_id or not staff.active:
        raise Invalid("请选择本大厅在岗的工作人员", code=ErrorCode.INVALID_ASSIGNEE)
    case.assignee_id = staff.id
    case.assigned_at = now
    if case.status == "open":
        case.status = "assigned"
    _log(case, "assigned", principal, now, assignee_id=staff.id, assignee_name=staff.full_name)
    return case


def reply(s: Session, *, case: FollowUpCase, text: str, principal: Principal,
          now: datetime | None = None) -> FollowUpCase:
    """Record the follow-up reply (the assignee or a manager)."""
    now = now or utcnow()
    text = text.strip()
    if not text:
        raise Invalid("请填写回复内容", code=ErrorCode.REPLY_REQUIRED)
    if case.status == "closed":
        raise Conflict("工单已办结", code=ErrorCode.CASE_CLOSED)
    if case.status == "open":
        raise Conflict("请先分派工单再回复", code=ErrorCode.CASE_NOT_ASSIGNED)
    if principal.role == StaffRole.CLERK and principal.id != case.assignee_id:
        raise Forbidden("只有被分派人或管理员可以回复", code=ErrorCode.NOT_ASSIGNEE)
    case.reply = text
    case.replied_at = now
    case.replied_by = principal.id
    case.status = "replied"
    _log(case, "replied", principal, now)
    return case


def close(s: Session, *, case: FollowUpCase, resolution: str, principal: Principal,
          now: datetime | None = None) -> FollowUpCase:
    """Close a replied case with a resolution note (manager)."""
    now = now or utcnow()
    if case.status == "closed":
        raise Conflict("工单已办结", code=ErrorCode.CASE_CLOSED)
    if case.status != "replied":
        raise Conflict("请先回复群众再办结工单", code=ErrorCode.CASE_NOT_REPLIED)
    resolution = resolution.strip()
    if not resolution:
        raise Invalid("请填写办结说明", code=ErrorCode.RESOLUTION_REQUIRED)
    case.resolution = resolution
    case.closed_at = now
    case.closed_by = principal.id
    case.status = "closed"
    _log(case, "closed", principal, now)
    return case


def case_view(s: Session, case: FollowUpCase, *, today: date) -> dict[str, Any]:
    """A case for the manager page (staff view: no citizen personal data)."""
    ev = s.get(Evaluation, case.evaluation_id)
    ticket = s.get(Ticket, case.ticket_id) if case.ticket_id else None
    app = s.get(Application, case.application_id) if case.application_id else None
    svc = s.get(ServiceItem, case.service_id)
    window = s.get(Window, case.window_id) if case.window_id else None
    rated = s.get(Staff, case.rated_staff_id) if case.rated_staff_id else None
    assignee = s.get(Staff, case.assignee_id) if case.assignee_id else None
    return {
        "id": case.id, "status": case.status, "status_text": STATUS_ZH[case.status],
        "rating": case.rating, "rating_label": RATING_LABELS.get(case.rating, ""),
        "dimensions": ev.dimensions if ev else {}, "comment": ev.comment if ev else "",
        "channel": ev.channel if ev else None,
        "ticket_id": case.ticket_id, "number": ticket.number if ticket else None,
        "application_id": case.application_id, "receipt_no": app.receipt_no if app else None,
        "service_name": svc.name if svc else None,
        "window_number": window.number if window else None,
        "rated_staff": {"id": rated.id, "name": rated.full_name} if rated else None,
        "assignee": {"id": assignee.id, "name": assignee.full_name} if assignee else None,
        "opened_at": iso(case.opened_at), "due_date": case.due_date.isoformat(),
        "overdue": is_overdue(case, today), "reply": case.reply,
        "replied_at": iso(case.replied_at), "resolution": case.resolution,
        "closed_at": iso(case.closed_at), "history": case.history,
    }


def list_cases(s: Session, *, hall: Hall, today: date, status: str | None = None,
               overdue: bool | None = None) -> list[dict[str, Any]]:
    """Cases of a hall: unfinished first, oldest due first."""
    stmt = select(FollowUpCase).where(FollowUpCase.hall_id == hall.id)
    if status:
        if status not in STATUS_ZH:
            raise Invalid("status 只能是 open/assigned/replied/closed",
                          code=ErrorCode.INVALID_STATUS)
        stmt = stmt.where(FollowUpCase.status == status)
    rows = list(s.scalars(stmt.order_by(FollowUpCase.due_date, FollowUpCase.id)))
    rows.sort(key=lambda c: c.status == "closed")
    out = [case_view(s, c, today=today) for c in rows]
    if overdue is not None:
        out = [c for c in out if c["overdue"] == overdue]
    return out


# Evaluations sit below cases: a poor rating opens its case through this installed hook.
install_case_opener(open_case_for)
