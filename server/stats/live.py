"""The manager dashboard's live snapshot of a hall."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.alerts.service import list_alerts
from server.auth.models import Staff
from server.cases.models import FollowUpCase
from server.catalog.models import Hall
from server.catalog.service import list_services
from server.core.clock import business_day, iso
from server.core.config import Settings
from server.tickets import eta
from server.tickets.models import Ticket
from server.windows.service import list_windows
from tongban_common.wire import ACTIVE_STATUSES, TicketStatus


def live_snapshot(s: Session, hall: Hall, settings: Settings, now: datetime) -> dict[str, Any]:
    """Per-service queues, per-window state and today's totals, valid at `seq`."""
    today = business_day(now, hall.timezone)
    services = []
    hall_load = eta.hall_load(s, hall_id=hall.id, now=now, lookback=settings.eta_window_minutes)
    for svc in list_services(s, hall.id):
        load = eta.load_for(s, service=svc, now=now, lookback=settings.eta_window_minutes)
        oldest = s.scalar(select(func.min(Ticket.issued_at)).where(
            Ticket.service_id == svc.id, Ticket.status == TicketStatus.WAITING,
            Ticket.business_day == today))
        services.append({
            "code": svc.code, "name": svc.name, "prefix": svc.prefix,
            "waiting": len(load.waiting), "open_windows": load.open_windows,
            "longest_wait_minutes": int((now - oldest).total_seconds() // 60) if oldest else 0,
            "accepting": eta.accepting(hall_load, svc.id),
            "estimated_wait_minutes": eta.new_ticket_minutes(
                hall_load, svc, starvation=settings.starvation_minutes),
        })
    windows = []
    for w in list_windows(s, hall.id):
        t = s.scalar(select(Ticket).where(Ticket.window_id == w.id,
                                          Ticket.status.in_(ACTIVE_STATUSES)).limit(1))
        clerk = s.get(Staff, w.current_staff_id) if w.current_staff_id else None
        since = (t.started_at if t and t.status == TicketStatus.SERVING
                 else t.called_at) if t else None
        windows.append({
            "id": w.id, "number": w.number, "name": w.name, "state": w.state,
            "state_since": iso(w.state_changed_at),
            "clerk": clerk.full_name if clerk else None,
            "current_ticket": {"id": t.id, "number": t.number, "status": t.status} if t else None,
            "serving_seconds": int((now - since).total_seconds()) if since else None,
        })
    rows = s.execute(select(Ticket.status, func.count()).where(
        Ticket.hall_id == hall.id, Ticket.business_day == today).group_by(Ticket.status)).all()
    by_status = {st: n for st, n in rows}
    waits = [(f - i).total_seconds() / 60 for i, f in s.execute(
        select(Ticket.issued_at, Ticket.first_called_at).where(
            Ticket.hall_id == hall.id, Ticket.business_day == today,
            Ticket.first_called_at.is_not(None)))]
    open_cases = s.scalar(select(func.count()).select_from(FollowUpCase).where(
        FollowUpCase.hall_id == hall.id, FollowUpCase.status != "closed")) or 0
    alerts = list_alerts(s, hall_id=hall.id, state="open")
    return {
        "hall": {"code": hall.code, "name": hall.name, "timezone": hall.timezone},
        "seq": hall.event_seq, "generated_at": iso(now), "business_day": today.isoformat(),
        "notice": hall.notice,
        "totals": {
            "issued": sum(by_status.values()),
            "waiting": by_status.get(TicketStatus.WAITING, 0),
            "in_service": sum(by_status.get(status, 0) for status in ACTIVE_STATUSES),
            "served": by_status.get(TicketStatus.DONE, 0),
            "no_shows": by_status.get(TicketStatus.NO_SHOW, 0),
            "cancelled": by_status.get(TicketStatus.CANCELLED, 0),
            "avg_wait_minutes": round(sum(waits) / len(waits), 1) if waits else None,
            "open_windows": sum(1 for w in windows if w["state"] == "open"),
            "open_alerts": len(alerts),
            "open_cases": open_cases,
        },
        "services": services, "windows": windows, "alerts": alerts,
    }
