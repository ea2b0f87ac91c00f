"""Opening, pausing and closing windows, and configuring what they handle."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.auth.models import Staff
from server.auth.principal import Principal
from server.catalog.models import ServiceItem
from server.core.clock import utcnow
from server.core.db import keep_loaded
from server.core.errors import Conflict, Forbidden, Invalid, NotFound
from server.core.hooks import Hook
from server.events.service import append_event
from server.windows.models import Window, WindowService
from tongban_common.wire import (
    HALL_STAFF,
    ErrorCode,
    EventType,
    StaffRole,
)

WINDOW_EVENTS = {"open": EventType.WINDOW_OPENED, "paused": EventType.WINDOW_PAUSED,
                 "closed": EventType.WINDOW_CLOSED}


class TicketAtWindow(Protocol):
    """The little of a ticket a window view shows."""

    id: int
    number: str
    status: str


@dataclass(frozen=True)
class TicketSide:
    """What windows need to know of tickets; server/tickets (a layer above) installs it."""

    current: Callable[[Session, Window], TicketAtWindow | None]
    busy_number: Callable[[Session, Window], str | None]
    close_past_days: Callable[..., int]


ticket_side: Hook[TicketSide] = Hook("server.tickets.service", "windows cannot see tickets")
install_ticket_side = ticket_side.install
tickets = ticket_side.get


def get_window(s: Session, window_id: int, *, for_update: bool = False) -> Window:
    """A window by id, or 404."""
    stmt = select(Window).where(Window.id == window_id)
    if for_update:  # the locked row, even if this transaction read it before
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    window = s.scalar(stmt)
    if window is None:
        raise NotFound(f"窗口 {window_id} 不存在", code=ErrorCode.WINDOW_NOT_FOUND)
    keep_loaded(s, window)  # the response view shows it
    return window


def check_window_holder(window: Window, principal: Principal) -> None:
    """Only the clerk holding the window (or a manager/admin of the hall) may act on it."""
    if not principal.can_access_hall(window.hall_id):
        raise Forbidden("无权操作其他大厅的窗口", code=ErrorCode.FORBIDDEN_HALL)
    if principal.role in ("manager", "admin"):
        return
    if window.current_staff_id != principal.id:
        raise Forbidden(f"您当前未在 {window.number} 号窗口登录", code=ErrorCode.NOT_YOUR_WINDOW)


def set_state(
    s: Session, *, window_id: int, state: str, principal: Principal, force: bool = False,
    now: datetime | None = None,
) -> Window:
    """Open (and claim), pause or close (and release) a window."""
    now = now or utcnow()
    window = get_window(s, window_id, for_update=True)
    if not principal.can_access_hall(window.hall_id):
        raise Forbidden("无权操作其他大厅的窗口", code=ErrorCode.FORBIDDEN_HALL)
    if state == "open":
        _claim(s, window, principal, force=force)
        # Opening on a new day (or finding the window left open) clears what earlier days
        # left in the queues, before anyone can call it.
        tickets().close_past_days(s, hall_id=window.hall_id, now=now)
    else:
        check_window_holder(window, principal)
    if state == "closed":
        busy = tickets().busy_number(s, window)
        if busy:
            raise Conflict(f"请先处理当前号码 {busy} 再关闭窗口", code=ErrorCode.WINDOW_BUSY)
        window.current_staff_id = None
    if window.state == state:
        return window
    window.state = state
    window.state_changed_at = now
    staff = s.get(Staff, window.current_staff_id) if window.current_staff_id else None
    append_event(
        s, hall_id=window.hall_id, type=WINDOW_EVENTS[state], at=now,
        data={"window_id": window.id, "window_number": window.number, "window_name": window.name,
              "state": state, "clerk_name": staff.full_name if staff else None},
    )
    return window


def _claim(s: Session, window: Window, principal: Principal, *, force: bool) -> None:
    if principal.kind != "staff" or principal.role not in HALL_STAFF:
        raise Forbidden("只有工作人员可以开放窗口", code=ErrorCode.FORBIDDEN_ROLE)
    holder = window.current_staff_id
    if holder not in (None, principal.id) and not (force and principal.role != StaffRole.CLERK):
        other = s.get(Staff, holder)
        raise Conflict(f"{window.number} 号窗口已由 {other.full_name if other else holder} 登录",
                       code=ErrorCode.WINDOW_TAKEN)
    held = s.scalar(select(Window).where(
        Window.current_staff_id == principal.id, Window.id != window.id))
    if held is not None and principal.role == StaffRole.CLERK:
        raise Conflict(f"您已在 {held.number} 号窗口登录，请先关闭该窗口",
                       code=ErrorCode.ALREADY_AT_WINDOW)
    window.current_staff_id = principal.id


def window_view(s: Session, window: Window) -> dict[str, Any]:
    """A window with its services (and priorities), clerk and current ticket."""
    services = s.execute(
        select(ServiceItem.code, ServiceItem.name, WindowService.priority)
        .join(WindowService, WindowService.service_id == ServiceItem.id)
        .where(WindowService.window_id == window.id)
        .order_by(WindowService.priority.desc(), ServiceItem.sort_order)
    ).all()
    staff = s.get(Staff, window.current_staff_id) if window.current_staff_id else None
    current = tickets().current(s, window)
    return {
        "id": window.id,
        "number": window.number,
        "name": window.name,
        "state": window.state,
        "clerk": {"id": staff.id, "name": staff.full_name, "username": staff.username}
        if staff else None,
        "services": [{"code": c, "name": n, "priority": p} for c, n, p in services],
        "current_ticket": {"id": current.id, "number": current.number, "status": current.status}
        if current else None,
        "state_changed_at": window.state_changed_at.isoformat(),
    }


def list_windows(s: Session, hall_id: int) -> list[Window]:
    """Windows of a hall by number."""
    return list(s.scalars(select(Window).where(Window.hall_id == hall_id).order_by(Window.number)))


def create_window(
    s: Session, *, hall_id: int, number: int, name: str, services: list[tuple[int, int]]
) -> Window:
    """Create a window handling (service_id, priority) pairs."""
    if s.scalar(select(Window.id).where(Window.hall_id == hall_id, Window.number == number)):
        raise Conflict(f"{number} 号窗口已存在", code=ErrorCode.WINDOW_EXISTS)
    window = Window(hall_id=hall_id, number=number, name=name, state="closed")
    s.add(window)
    s.flush()
    set_services(s, window=window, services=services)
    return window


def set_services(s: Session, *, window: Window, services: list[tuple[int, int]]) -> None:
    """Replace the services a window handles; priority 1..9, higher first."""
    for service_id, priority in services:
        if not 1 <= priority <= 9:
            raise Invalid("窗口事项优先级应在 1–9 之间", code=ErrorCode.INVALID_PRIORITY)
        svc = s.get(ServiceItem, service_id)
        if svc is None or svc.hall_id != window.hall_id:
            raise Invalid(f"事项 {service_id} 不属于本大厅", code=ErrorCode.SERVICE_NOT_IN_HALL)
    s.execute(delete(WindowService).where(WindowService.window_id == window.id))
    for service_id, priority in services:
        s.add(WindowService(window_id=window.id, service_id=service_id, priority=priority))
