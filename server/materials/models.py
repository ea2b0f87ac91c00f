"""Pre-submitted materials (网上预审材料), the audit log of every read, and the 电子证照
reference store (licences: what the government already holds is never asked for)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.core.db import Base, UTCDateTime

REVIEW_STATUSES = ("pending", "accepted", "rejected")


class Material(Base):
    """One uploaded (or reused) file for one required material of an appointment."""

    __tablename__ = "materials"
    __table_args__ = (
        Index("ix_materials_appointment", "appointment_id", "material_code"),
        Index("ix_materials_reuse", "id_hash", "material_code", "review_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id", ondelete="CASCADE"))
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE")
    )
    # NULL once retention has purged the visit's link to the citizen's account.
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True,
                                                   nullable=True)
    id_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    material_code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    review_status: Mapped[str] = mapped_column(String(16), default="pending")
    review_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reviewed_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reused_from_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class MaterialAccess(Base):
    """Who read or verified which material, for which ticket, when."""

    __tablename__ = "material_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(
        ForeignKey("materials.id", ondelete="CASCADE"), index=True
    )
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id", ondelete="CASCADE"))
    actor_kind: Mapped[str] = mapped_column(String(16))  # staff | citizen
    staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    staff_name: Mapped[str] = mapped_column(String(100), default="")
    ticket_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(16), default="read")  # read | verify | review
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Licence(Base):
    """An electronic licence (电子证照) held for a person (by ID hash) in the local store."""

    __tablename__ = "licences"
    __table_args__ = (UniqueConstraint("id_hash", "licence_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), index=True)
    licence_type: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    licence_no: Mapped[str] = mapped_column(String(64), default="")
    issuer: Mapped[str] = mapped_column(String(100), default="")
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
