"""Hall snapshot for wall screens, kiosks and websocket resync."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.models import Staff
from server.catalog.models import Hall
from server.catalog.service import list_services
from server.core.clock import business_day, day_start, iso, utcnow
from server.core.config import Settings
from server.events.models import Event
from server.tickets import eta
from server.tickets.models import Ticket
from server.windows.models import Window
from server.windows.service import list_windows
from tongban_common.wire import ACTIVE_STATUSES, EventType

CALL_TYPES = (EventType.TICKET_CALLED, EventType.TICKET_RECALLED)


def services_with_load(
    s: Session, hall: Hall, settings: Settings, *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Catalog entries with live waiting count, whether any window serves them (`accepting`)
    and the estimated wait for a new ticket (None when not accepting)."""
    now = now or utcnow()
    out = []
    hall_load = eta.hall_load(s, hall_id=hall.id, now=now, lookback=settings.eta_window_minutes)
    for svc in list_services(s, hall.id):
        load = eta.load_for(s, service=svc, now=now, lookback=settings.eta_window_minutes)
        out.append(
            {
                "code": svc.code,
                "name": svc.name,
                "department": svc.department,
                "category": svc.category,
                "prefix": svc.prefix,
                "expected_minutes": svc.expected_minutes,
                "online_capable": svc.online_capable,
                "materials": svc.materials,
                "waiting": len(load.waiting),
                "open_windows": load.open_windows,
                # False = 暂停受理: no open or paused window handles it, so no estimate either
                "accepting": eta.accepting(hall_load, svc.id),
                "estimated_wait_minutes": eta.new_ticket_minutes(
                    hall_load, svc, starvation=settings.starvation_minutes),
            }
        )
    return out


def board_snapshot(s: Session, hall: Hall, settings: Settings) -> dict[str, Any]:
    """Everything a wall screen needs to draw itself, with the seq it is valid at."""
    now = utcnow()
    seq = hall.event_seq
    # Only the current business day is on the wall, whether or not the day close has run.
    today = business_day(now, hall.timezone)
    windows = []
    for w in list_windows(s, hall.id):
        current = _current_ticket(s, w, today)
        windows.append(
            {
                "id": w.id,
                "number": w.number,
                "name": w.name,
                "state": w.state,
                "current_ticket": current,
                "clerk_name": _clerk_name(s, w),
            }
        )
    calls = s.scalars(
        select(Event)
        .where(Event.hall_id == hall.id, Event.type.in_(CALL_TYPES))
        .order_by(Event.seq.desc())
        .limit(10)
    ).all()
    # The last ten calls, of today only (filtered here: Event.at has no index to seek on).
    since = day_start(today, hall.timezone)
    calls = [e for e in calls if e.at >= since]
    return {
        "hall": {"code": hall.code, "name": hall.name, "timezone": hall.timezone},
        "seq": seq,
        "generated_at": iso(now),
        "notice": hall.notice,
        "windows": windows,
        "recent_calls": [
            {"seq": e.seq, "type": e.type, "at": iso(e.at), **_call_fields(e.data)} for e in calls
        ],
        "services": [
            {k: v for k, v in svc.items() if k != "materials"}
            for svc in services_with_load(s, hall, settings, now=now)
        ],
    }


def _current_ticket(s: Session, window: Window, today: date) -> dict[str, Any] | None:
    ticket = s.scalar(
        select(Ticket)
        .where(Ticket.window_id == window.id, Ticket.status.in_(ACTIVE_STATUSES),
               Ticket.business_day == today)
        .limit(1)
    )
    if ticket is None:
        return None
    return {"number": ticket.number, "status": ticket.status, "ticket_id": ticket.id}


def _clerk_name(s: Session, window: Window) -> str | None:
    """The signed-in clerk's name, shown on the window screen (staff, not citizen data)."""
    if window.current_staff_id is None:
        return None
    staff = s.get(Staff, window.current_staff_id)
    return staff.full_name if staff else None


def _call_fields(data: dict[str, Any]) -> dict[str, Any]:
    keys = ("ticket_id", "number", "service_code", "service_name", "window_id",
            "window_number", "window_name", "call_count")
    return {k: data.get(k) for k in keys}
