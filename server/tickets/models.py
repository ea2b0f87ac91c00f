"""Tickets (排队号), their per-day counters and idempotency keys."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.core.db import Base, UTCDateTime
from tongban_common.wire import TicketStatus

STATUSES = tuple(TicketStatus)
SOURCES = ("walk_in", "appointment", "remote")
PRIORITY_CLASSES = ("normal", "appointment", "green")


class Ticket(Base):
    """One queue number through its whole life; the number survives transfers."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("hall_id", "prefix", "business_day", "seq_no"),
        Index("ix_tickets_queue", "hall_id", "status", "service_id"),
        Index("ix_tickets_waiting_order", "hall_id", "status", "queued_at", "id"),
        Index("ix_tickets_hall_issued", "hall_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"))
    original_service_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"))
    prefix: Mapped[str] = mapped_column(String(2))
    seq_no: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(12))
    business_day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.WAITING)
    source: Mapped[str] = mapped_column(String(16), default="walk_in")
    priority_class: Mapped[str] = mapped_column(String(16), default="normal")
    priority_reason: Mapped[str] = mapped_column(String(100), default="")
    tracking_token: Mapped[str] = mapped_column(String(64), unique=True)
    id_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    id_masked: Mapped[str | None] = mapped_column(String(32), nullable=True)
    citizen_name_masked: Mapped[str | None] = mapped_column(String(64), nullable=True)
    citizen_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    appointment_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    appointment_slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    window_id: Mapped[int | None] = mapped_column(
        ForeignKey("windows.id", ondelete="SET NULL"), nullable=True
    )
    target_window_id: Mapped[int | None] = mapped_column(
        ForeignKey("windows.id", ondelete="SET NULL"), nullable=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), nullable=True
    )
    issued_by_device_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    issued_by_staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_called_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    call_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    transfer_count: Mapped[int] = mapped_column(Integer, default=0)
    estimated_wait_at_issue: Mapped[int | None] = mapped_column(Integer, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TicketCounter(Base):
    """Last number issued per hall + prefix + business day (gapless numbering)."""

    __tablename__ = "ticket_counters"

    hall_id: Mapped[int] = mapped_column(
        ForeignKey("halls.id", ondelete="CASCADE"), primary_key=True
    )
    prefix: Mapped[str] = mapped_column(String(2), primary_key=True)
    business_day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyKey(Base):
    """A client-chosen key that maps a retried issue request to its first ticket."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("hall_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(128))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
