"""Appending to the event log inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, literal, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from server.catalog.models import Hall
from server.core.clock import iso, utcnow
from server.core.db import COMMIT_NOTES
from server.events.models import Event
from server.events.pglisten import CHANNEL
from tongban_common.wire import EventType

_INSERT_EVENT = Event.__table__.insert()
_HALLS = Hall.__table__
_BUMP_SEQ = (update(_HALLS).where(_HALLS.c.id == bindparam("hall_id"))
             .values(event_seq=_HALLS.c.event_seq + 1).returning(_HALLS.c.event_seq))
# PostgreSQL: the same UPDATE also queues the NOTIFY "<hall_id>:<seq>" (RETURNING sees the new
# seq), one round trip instead of a second statement per event. Queued in this transaction,
# delivered by PostgreSQL only if and when it commits: other server processes then read the
# new events from the table.
_BUMP_SEQ_NOTIFY = _BUMP_SEQ.returning(func.pg_notify(
    literal(CHANNEL), func.concat(_HALLS.c.id, ":", _HALLS.c.event_seq)))


def append_event(
    s: Session,
    *,
    hall_id: int,
    type: EventType,
    data: dict[str, Any],
    private: dict[str, Any] | None = None,
    ticket_id: int | None = None,
    at: datetime | None = None,
) -> Event:
    """Allocate the hall's next seq and insert the event; call it last in a transaction."""
    # The hall row update is the per-hall serialization point (row lock on PostgreSQL). A
    # plain statement on the transaction's connection (the ORM's bulk-update path costs more
    # than the statement); a hall row this session holds is told its new seq.
    conn = s.connection()
    bump = _BUMP_SEQ_NOTIFY if conn.dialect.name == "postgresql" else _BUMP_SEQ
    seq = conn.execute(bump, {"hall_id": hall_id}).first()[0]
    hall = s.identity_map.get(identity_key(Hall, hall_id))
    if hall is not None:
        set_committed_value(hall, "event_seq", seq)
    ev = Event(
        hall_id=hall_id,
        seq=seq,
        type=type,
        at=at or utcnow(),
        ticket_id=ticket_id,
        data=data,
        private=private or None,
    )
    # A plain INSERT on the transaction's connection: the row is written now, in order,
    # without the ORM's flush bookkeeping (the returned Event is not attached to `s`).
    conn.execute(_INSERT_EVENT, {
        "hall_id": hall_id, "seq": seq, "type": type, "at": ev.at, "ticket_id": ticket_id,
        "data": data, "private": ev.private})
    s.info.setdefault(COMMIT_NOTES, []).append((hall_id, seq))
    return ev


def envelope(ev: Event, hall_code: str, *, include_private: bool) -> dict[str, Any]:
    """The wire form of an event; personal data only when `include_private`."""
    data = dict(ev.data or {})
    if include_private and ev.private:
        data.update(ev.private)
    return {"seq": ev.seq, "hall": hall_code, "type": ev.type, "at": iso(ev.at), "data": data}


def events_after(s: Session, *, hall_id: int, since: int, limit: int) -> list[Event]:
    """Events of a hall with seq > since, oldest first."""
    return list(
        s.scalars(
            select(Event)
            .where(Event.hall_id == hall_id, Event.seq > since)
            .order_by(Event.seq)
            .limit(limit)
        )
    )


_ROWS_AFTER = (
    select(Event.seq, Event.type, Event.ticket_id, Event.at, Event.data, Event.private)
    .where(Event.hall_id == bindparam("hall_id"), Event.seq > bindparam("since"))
    .order_by(Event.seq)
    .limit(bindparam("limit"))
)


def event_rows_after(s: Session, *, hall_id: int, since: int, limit: int) -> list[Any]:
    """Like `events_after`, as plain rows (seq, type, ticket_id, at, data, private)."""
    return list(s.connection().execute(
        _ROWS_AFTER, {"hall_id": hall_id, "since": since, "limit": limit}))


def current_seq(s: Session, hall_id: int) -> int:
    """The hall's latest allocated event seq."""
    return s.execute(select(Hall.event_seq).where(Hall.id == hall_id)).scalar_one()
