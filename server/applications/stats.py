"""办件 statistics: counts by state, on-time rate and working days per service."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.applications.calendar import working_days_between
from server.applications.models import STATUS_ZH, Application
from server.cases.service import closed_days
from server.catalog.models import Hall, ServiceItem


def application_stats(s: Session, hall: Hall) -> dict[str, Any]:
    """By state; of the decided ones, the share within the promised limit, and per service
    the average working days from acceptance to decision (paused days not counted)."""
    by_state = dict(s.execute(select(Application.status, func.count())
                              .where(Application.hall_id == hall.id)
                              .group_by(Application.status)).tuples().all())
    decided = s.execute(select(Application, ServiceItem.name)
                        .join(ServiceItem, ServiceItem.id == Application.service_id)
                        .where(Application.hall_id == hall.id,
                               Application.decided_day.is_not(None))).all()
    closed = closed_days(hall)
    days: dict[str, list[int]] = defaultdict(list)
    on_time = 0
    for app, name in decided:
        assert app.decided_day is not None
        on_time += app.decided_day <= app.promised_due
        worked = working_days_between(app.accepted_day, app.decided_day, closed)
        days[name].append(max(worked - app.paused_days, 0))
    return {
        "by_state": [{"status": k, "status_text": v, "count": by_state.get(k, 0)}
                     for k, v in STATUS_ZH.items()],
        "decided": len(decided),
        "on_time_rate": round(on_time / len(decided), 4) if decided else None,
        "per_service": [{"service_name": name, "decided": len(v),
                         "avg_working_days": round(sum(v) / len(v), 2)}
                        for name, v in sorted(days.items())],
    }
