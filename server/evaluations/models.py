"""好差评: one rating per ticket, from any channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.core.clock import utcnow
from server.core.db import Base, UTCDateTime

RATING_LABELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
DIMENSIONS = ("attitude", "efficiency", "quality", "integrity")  # 态度 效率 质量 廉洁
CHANNELS = ("tracking", "counter", "kiosk", "pad")
# Preset reasons a citizen picks for 不满意/非常不满意 at a rating pad: code -> (dimension it
# marks down, Chinese label, English label). The label goes into the rating's comment.
BAD_REASONS: dict[str, tuple[str, str, str]] = {
    "attitude": ("attitude", "服务态度不好", "Unfriendly service"),
    "slow": ("efficiency", "办事效率低", "Slow handling"),
    "long_wait": ("efficiency", "等候时间过长", "Waited too long"),
    "unclear": ("quality", "一次性告知不清", "Requirements not explained at once"),
    "not_done": ("quality", "事情没有办成", "Matter not resolved"),
    "integrity": ("integrity", "存在吃拿卡要", "Improper demands"),
}


class Evaluation(Base):
    """A citizen's rating of one finished ticket or one decided application."""

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A visit's rating names its ticket; a 办件's (一事一评) names its application instead.
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), unique=True, nullable=True
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), unique=True, nullable=True
    )
    hall_id: Mapped[int] = mapped_column(ForeignKey("halls.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(Integer)
    window_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rating: Mapped[int] = mapped_column(Integer)
    dimensions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(16), default="tracking")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
