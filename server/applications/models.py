"""Applications (办件), their per-department reviews and timeline."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.core.db import Base, UTCDateTime

STATUSES = ("accepted", "in_review", "correction", "decided", "ready_for_pickup", "mailed",
            "picked_up", "delivered")
STATUS_ZH = {"accepted": "已受理", "in_review": "审批中", "correction": "待补正",
             "decided": "已办结", "ready_for_pickup": "待取件", "mailed": "已寄出",
             "picked_up": "已取件", "delivered": "已送达"}
RATEABLE = ("decided", "ready_for_pickup", "mailed", "picked_up", "delivered")  # 一事一评
DELIVERIES = ("pickup", "mail")
REVIEW_STATUSES = ("pending", "approved", "refused", "withdrawn")


class Application(Base):
    """One 办件 from 受理 to 出件/送达; the due dates move when the clock pauses (补正)."""

    __tablename__ = "applications"
    __table_args__ = (Index("ix_applications_hall_status", "hall_id", "status"),
                      Index("ix_applications_pickup_slot", "hall_id", "pickup_slot_start"))

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"))
    receipt_no: Mapped[str] = mapped_column(String(32), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    appointment_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    citizen_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    id_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    id_masked: Mapped[str | None] = mapped_column(String(32), nullable=True)
    name_masked: Mapped[str | None] = mapped_column(String(64), nullable=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(20), default="accepted")
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)  # approved|refused
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    delivery: Mapped[str] = mapped_column(String(16), default="pickup")
    mail_address: Mapped[str] = mapped_column(String(300), default="")
    mail_tracking_no: Mapped[str] = mapped_column(String(64), default="")
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    accepted_day: Mapped[date] = mapped_column(Date)
    promised_days: Mapped[int] = mapped_column(Integer, default=0)
    legal_days: Mapped[int] = mapped_column(Integer, default=0)
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    promised_due: Mapped[date] = mapped_column(Date)
    legal_due: Mapped[date] = mapped_column(Date)
    paused_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    correction_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    correction_note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_day: Mapped[date | None] = mapped_column(Date, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    pickup_ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # 窗口取件 time slot the citizen chose (at acceptance, or later online); null = not chosen
    pickup_slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    pickup_slot_end: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ApplicationReview(Base):
    """One department's review of an application (several in parallel: 并联审批)."""

    __tablename__ = "application_reviews"
    __table_args__ = (UniqueConstraint("application_id", "department"),
                      Index("ix_application_reviews_dept", "department", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    department: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reviewer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ApplicationStep(Base):
    """A timeline row: what happened to the application, when, shown to the citizen."""

    __tablename__ = "application_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20))
    department: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
