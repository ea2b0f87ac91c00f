"""Appointments (预约) and remote tickets, with their per-slot booking counters."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.core.db import Base, UTCDateTime

STATUSES = ("booked", "checked_in", "served", "cancelled", "no_show")
KINDS = ("appointment", "remote")


class Appointment(Base):
    """A booked slot (kind=appointment) or a place taken online (kind=remote)."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_person_day", "id_hash", "service_id", "business_day"),
        Index("ix_appointments_hall_day", "hall_id", "business_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"))
    # NULL once retention has purged the visit's link to the citizen's account.
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True,
                                                   nullable=True)
    kind: Mapped[str] = mapped_column(String(16), default="appointment")
    booking_code: Mapped[str] = mapped_column(String(16), unique=True)
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_end: Mapped[datetime] = mapped_column(UTCDateTime)
    business_day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="booked")
    citizen_name: Mapped[str] = mapped_column(String(50), default="")
    name_masked: Mapped[str] = mapped_column(String(50), default="")
    id_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    id_masked: Mapped[str | None] = mapped_column(String(32), nullable=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(100), nullable=True)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True
    )
    late: Mapped[bool] = mapped_column(default=False)
    no_show_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reschedule_count: Mapped[int] = mapped_column(Integer, default=0)


class SlotCounter(Base):
    """Bookings held per hall + service + slot; the atomic capacity check updates this row."""

    __tablename__ = "appointment_slots"

    hall_id: Mapped[int] = mapped_column(
        ForeignKey("halls.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service_items.id", ondelete="CASCADE"), primary_key=True
    )
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    booked: Mapped[int] = mapped_column(Integer, default=0)
