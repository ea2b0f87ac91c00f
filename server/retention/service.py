"""Retention: personal data of finished visits is purged after a configurable number of days.

Only personal fields are cleared (ID hash and mask, names, phone numbers, citizen links, the
private part of events, uploaded material files, sent notifications and old one-time codes;
for 办件 see server/applications/retention.py);
every timestamp, status, service and window stays, so statistics computed before and after a
purge are identical.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Text, cast, delete, null, or_, select, update
from sqlalchemy.orm import Session

from server.applications.retention import purge_applications
from server.appointments.models import Appointment
from server.auth.models import AuthToken
from server.catalog.models import Hall
from server.citizens.models import Notification, OtpCode
from server.core.clock import business_day, utcnow
from server.core.config import Settings
from server.core.db import Database
from server.events.models import Event
from server.materials.models import Material
from server.materials.service import storage_for
from server.tickets.models import Ticket

PURGED_FILENAME = ""  # a material whose file was removed by retention

log = logging.getLogger(__name__)


def purge_personal_data(
    s: Session, *, older_than_days: int, now: datetime | None = None
) -> dict[str, int]:
    """Clear personal data of visits whose business day is more than `older_than_days` ago."""
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    now = now or utcnow()
    counts = {"tickets": 0, "events": 0, "tokens": 0, "appointments": 0, "materials": 0,
              "notifications": 0, "otp_codes": 0}
    blobs: set[str] = set()
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
        old_appts = select(Appointment.id).where(Appointment.hall_id == hall.id,
                                                 Appointment.business_day < cutoff_day)
        blobs.update(s.scalars(select(Material.sha256).where(
            Material.appointment_id.in_(old_appts), Material.filename != PURGED_FILENAME)))
        counts["materials"] += s.execute(
            update(Material)
            .where(Material.appointment_id.in_(old_appts), or_(
                Material.filename != PURGED_FILENAME, Material.id_hash.is_not(None),
                Material.citizen_id.is_not(None)))
            .values(filename=PURGED_FILENAME, id_hash=None, citizen_id=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        counts["appointments"] += s.execute(
            update(Appointment)
            .where(Appointment.hall_id == hall.id, Appointment.business_day < cutoff_day,
                   or_(Appointment.citizen_name != "", Appointment.name_masked != "",
                       Appointment.phone != "", Appointment.id_hash.is_not(None),
                       Appointment.id_masked.is_not(None), Appointment.citizen_id.is_not(None)))
            .values(citizen_name="", name_masked="", phone="", id_hash=None, id_masked=None,
                    citizen_id=None)
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
    counts["notifications"] = s.execute(
        delete(Notification).where(Notification.created_at < token_cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount
    counts["otp_codes"] = s.execute(
        delete(OtpCode).where(OtpCode.created_at < token_cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount
    # Files still used by a visit inside the retention period (a reused material) stay.
    still_used = set(s.scalars(select(Material.sha256).where(
        Material.sha256.in_(blobs), Material.filename != PURGED_FILENAME))) if blobs else set()
    s.info[ORPHAN_BLOBS] = sorted(blobs - still_used)
    for purge in EXTRA_PURGES:
        for key, n in purge(s, older_than_days=older_than_days, now=now).items():
            counts[key] = counts.get(key, 0) + n
    log.info("retention purge (older than %d days): %s", older_than_days, counts)
    return counts


# Domains added later with their own personal data register a purge here.
EXTRA_PURGES: list[Callable[..., dict[str, int]]] = [purge_applications]
ORPHAN_BLOBS = "tongban_orphan_blobs"


def run_retention(db: Database, settings: Settings, *, days: int | None = None,
                  now: datetime | None = None) -> dict[str, int]:
    """Purge in one transaction, then delete the material files nothing references any more
    (after the commit: a file removed for a rolled-back purge could not be brought back)."""
    days = days if days is not None else settings.retention_days
    orphans: list[str] = []

    def work(s: Session) -> dict[str, int]:
        counts = purge_personal_data(s, older_than_days=days, now=now)
        orphans[:] = s.info.pop(ORPHAN_BLOBS, [])
        return counts

    counts = db.write(work)
    storage = storage_for(settings)
    removed = 0
    for sha256 in orphans:
        if storage.exists(sha256):
            storage.delete(sha256)
            removed += 1
    counts["files"] = removed
    counts["orphan_files"] = sweep_orphan_files(db, settings)
    if db.is_sqlite and any(counts.values()):
        # Old page images of the purged rows live on in the WAL until it is checkpointed
        # (only after a purge that changed something: the checkpoint briefly holds writers).
        # Run outside any transaction (on the raw connection), or it cannot checkpoint.
        with db.engine.connect() as conn:
            busy = conn.connection.driver_connection.execute(
                "PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if busy:
            log.info("WAL checkpoint after the purge was partial (busy readers)")
    return counts


def sweep_orphan_files(db: Database, settings: Settings) -> int:
    """Delete upload leftovers (temp files, blobs no material row uses) older than
    TONGBAN_ORPHAN_FILE_MINUTES: what a killed server process left half-way."""

    def in_use(names: list[str]) -> set[str]:
        used: set[str] = set()
        with db.read() as s:
            for i in range(0, len(names), 500):
                used.update(s.scalars(select(Material.sha256).where(
                    Material.sha256.in_(names[i:i + 500]),
                    Material.filename != PURGED_FILENAME)))
        return used

    removed = storage_for(settings).sweep(older_than=settings.orphan_file_minutes * 60,
                                          in_use=in_use)
    if removed:
        log.warning("removed %d orphaned upload file(s) from %s", removed, settings.data_dir)
    return removed
