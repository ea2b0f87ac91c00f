"""Gapless ticket numbers per hall + prefix + business day."""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.tickets.models import TicketCounter


def next_number(s: Session, *, hall_id: int, prefix: str, day: date) -> int:
    """Increment and return the day's counter in the caller's transaction.

    A rolled-back issue rolls its increment back too, which keeps numbering gapless.
    """
    dialect = s.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(TicketCounter).values(
        hall_id=hall_id, prefix=prefix, business_day=day, last_number=1
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["hall_id", "prefix", "business_day"],
        set_={"last_number": TicketCounter.last_number + 1},
    ).returning(TicketCounter.last_number)
    return int(s.execute(stmt).scalar_one())


def format_number(prefix: str, n: int) -> str:
    """A012 style: prefix + at least three digits."""
    return f"{prefix}{n:03d}"
