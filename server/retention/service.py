"""Retention: personal data of finished visits is purged after a configurable number of days.

Only personal fields are cleared (ID hash and mask, masked names, citizen links, the private
part of events); every timestamp, status, service and window stays, so statistics computed
before and after a purge are identical.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Text, cast, delete, null, or_, select, update
from sqlalchemy.orm import Session

from server.auth.models import AuthToken
from server.catalog.models import Hall
from server.core.clock import business_day, utcnow
from server.events.models import Event
from server.tickets.models import Ticket

log = logging.getLogger(__name__)


def purge_personal_data(
    s: Session, *, older_than_days: int, now: datetime | None = None
) -> dict[str, int]:
    """Clear personal data of visits whose business day is more than `older_than_days` ago."""
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    now = now or utcnow()
    counts = {"tickets": 0, "events": 0, "tokens": 0}
    for hall in s.scalars(select(Hall)):
        cutoff_day = business_day(now, hall.timezone) - timedelta(days=older_than_days)
        cutoff_at = datetime.combine(cutoff_day, time(0), ZoneInfo(hall.timezone))
        counts["tickets"] += s.execute(
            update(Ticket)
            .where(Ticket.hall_id == hall.id, Ticket.business_day < cutoff_day,
                   or_(Ticket.id_hash.is_not(None), Ticket.id_masked.is_not(None),
                       Ticket.citizen_name_masked.is_not(None), Ticket.citizen_id.is_not(None)))
            .values(id_hash=None, id_masked=None, citizen_name_masked=None, citizen_id=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        counts["events"] += s.execute(
            update(Event)
            .where(Event.hall_id == hall.id, Event.at < cutoff_at, Event.private.is_not(None),
                   cast(Event.private, Text) != "null")  # JSON null is not SQL NULL
            .values(private=null())
            .execution_options(synchronize_session=False)
        ).rowcount
    # Dead tokens (expired long ago) still link a citizen to login times: drop them.
    token_cutoff = now - timedelta(days=older_than_days)
    counts["tokens"] = s.execute(
        delete(AuthToken).where(AuthToken.expires_at < token_cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount
    for purge in EXTRA_PURGES:
        for key, n in purge(s, older_than_days=older_than_days, now=now).items():
            counts[key] = counts.get(key, 0) + n
    log.info("retention purge (older than %d days): %s", older_than_days, counts)
    return counts


# Domains with their own personal data (appointments, materials) register a purge here.
EXTRA_PURGES: list[Callable[..., dict[str, int]]] = []
