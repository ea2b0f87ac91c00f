"""Retention (DESIGN §6): personal data of finished appointments is purged after N days.

Timing data (slots, check-in times, statuses) stays for statistics; names, phones, ID hashes and
the uploaded files go. Audit records of who read a material are kept.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.appointments.models import Appointment
from server.core.clock import utcnow
from server.core.config import Settings
from server.core.db import Database
from server.materials.models import Material
from server.materials.storage import Storage

log = logging.getLogger(__name__)
FINISHED = ("checked_in", "served", "cancelled", "no_show")


def purge_personal_data(db: Database, *, settings: Settings, storage: Storage,
                        now: datetime | None = None) -> int:
    """Purge appointments whose day is older than the retention period; returns how many."""
    now = now or utcnow()
    cutoff = (now - timedelta(days=settings.online_retention_days)).date()

    def work(s: Session) -> tuple[int, set[str]]:
        rows = list(s.scalars(select(Appointment).where(
            Appointment.business_day < cutoff, Appointment.purged_at.is_(None),
            Appointment.status.in_(FINISHED)).with_for_update()))
        hashes: set[str] = set()
        for appt in rows:
            appt.citizen_name, appt.name_masked, appt.phone = "", "", ""
            appt.id_hash, appt.id_masked, appt.purged_at = None, None, now
            for m in s.scalars(select(Material).where(Material.appointment_id == appt.id,
                                                      Material.purged_at.is_(None))):
                hashes.add(m.sha256)
                m.purged_at, m.id_hash, m.filename = now, None, ""
        return len(rows), hashes

    count, hashes = db.write(work)
    with db.read() as s:
        still_used = set(s.scalars(select(Material.sha256).where(
            Material.sha256.in_(hashes), Material.purged_at.is_(None)))) if hashes else set()
    for sha in hashes - still_used:
        storage.delete(sha)
    if count:
        log.info("purged personal data of %d appointments (%d files)", count,
                 len(hashes - still_used))
    return count
