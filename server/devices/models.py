"""Hall devices (kiosks, displays, counter terminals, rating pads) with hashed tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.core.db import Base, UTCDateTime
from tongban_common.wire import DEVICE_KINDS as DEVICE_KINDS
from tongban_common.wire import WINDOW_DEVICES

# Kinds that belong to one window of the hall (a rating pad rates that window's tickets).
WINDOW_KINDS = WINDOW_DEVICES


class Device(Base):
    """A device bound to one hall; its bearer token is stored as a digest."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    window_id: Mapped[int | None] = mapped_column(
        ForeignKey("windows.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
