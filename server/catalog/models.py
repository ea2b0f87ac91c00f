"""Halls and service items (事项)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.core.db import Base, UTCDateTime


class Hall(Base):
    """A service hall (大厅); owns the per-hall event sequence."""

    __tablename__ = "halls"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    address: Mapped[str] = mapped_column(String(200), default="")
    opening_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notice: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    event_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ServiceItem(Base):
    """A service item with its ticket prefix, expected time and material list."""

    __tablename__ = "service_items"
    __table_args__ = (UniqueConstraint("hall_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    department: Mapped[str] = mapped_column(String(100), default="")
    category: Mapped[str] = mapped_column(String(50), default="")
    prefix: Mapped[str] = mapped_column(String(2))
    expected_minutes: Mapped[int] = mapped_column(Integer, default=10)
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    guide: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    booking: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    online_capable: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
