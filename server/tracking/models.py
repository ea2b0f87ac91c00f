"""Opt-in reminders a citizen sets on the tracking page: an SMS when N people are ahead."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.core.db import Base, UTCDateTime


class TrackReminder(Base):
    """One reminder per ticket; sent at most once (`notified_at`), or ended unsent."""

    __tablename__ = "track_reminders"
    __table_args__ = (Index("ix_track_reminders_pending", "hall_id", "notified_at", "ended_at"),
                      Index("ix_track_reminders_client", "client", "created_at"),
                      Index("ix_track_reminders_phone", "phone", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                           unique=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(20))
    ahead: Mapped[int] = mapped_column(Integer)
    client: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The ticket moved on (called early, cancelled, lapsed) before N were ahead: never sent.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
