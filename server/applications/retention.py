"""Retention for 办件: the applicant's personal data is cleared once the application ended
(result handed over or delivered, or refused) more than the retention period ago.

Running applications keep it (取件 finds the result by ID hash). Receipt number, service,
states, dates, reviews and the timeline stay, so the statistics do not change.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from server.applications.models import Application, ApplicationStep
from server.catalog.models import Hall
from server.core.clock import business_day, utcnow

MAILED_TEXT = "办理结果已寄出"  # the timeline row without the carrier's tracking number


def purge_applications(s: Session, *, older_than_days: int,
                       now: datetime | None = None) -> dict[str, int]:
    """Clear ID hash and masks, phone, citizen link, address, tracking and licence numbers of
    applications that ended before the cutoff; returns {"applications": rows changed}."""
    now = now or utcnow()
    changed = 0
    for hall in s.scalars(select(Hall)):
        cutoff_day = business_day(now, hall.timezone) - timedelta(days=older_than_days)
        cutoff_at = datetime.combine(cutoff_day, time(0), ZoneInfo(hall.timezone))
        ended = or_(Application.finished_at < cutoff_at,
                    and_(Application.outcome == "refused", Application.decided_at < cutoff_at))
        rows = s.scalars(select(Application).where(
            Application.hall_id == hall.id, ended,
            or_(Application.id_hash.is_not(None), Application.id_masked.is_not(None),
                Application.name_masked.is_not(None), Application.citizen_id.is_not(None),
                Application.phone != "", Application.mail_address != "",
                Application.mail_tracking_no != "")))
        for app in rows:
            _clear(s, app)
            changed += 1
    return {"applications": changed}


def _clear(s: Session, app: Application) -> None:
    app.id_hash = app.id_masked = app.name_masked = app.citizen_id = None
    app.phone = app.mail_address = app.mail_tracking_no = ""
    app.materials = [{k: v for k, v in m.items() if k != "licence_no"}
                     for m in app.materials or []]
    for step in s.scalars(select(ApplicationStep).where(
            ApplicationStep.application_id == app.id, ApplicationStep.action == "mailed")):
        step.text = MAILED_TEXT
