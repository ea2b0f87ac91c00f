"""The calling rule (docs/contract.md § Calling rule): who a window calls next, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, and_, case, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from server.catalog.models import Hall
from server.core.clock import business_day
from server.core.db import UTCDateTime
from server.tickets.models import Ticket
from server.windows.models import WindowService
from tongban_common.wire import TicketStatus

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

REASONS = {
    "starvation": "等待超过{limit}分钟，优先叫号（防饿死）",
    "appointment": "预约已签到且时段已开始，优先办理",
    "green": "绿色通道（老年人/特殊群体）优先",
    "window_priority": "本窗口对该事项的优先级更高",
    "longest_wait": "按等待时间先后",
    "transfer_target": "转指定窗口办理",
}


@dataclass(frozen=True)
class QueueEntry:
    """The fields of a waiting ticket that decide its place."""

    id: int
    priority_class: str
    appointment_slot_start: datetime | None
    queued_at: datetime


def class_rank(entry: QueueEntry, *, now: datetime, starve_cutoff: datetime) -> int:
    """0 starving, 1 appointment whose slot started, 2 green, 3 everyone else."""
    if entry.queued_at <= starve_cutoff:
        return 0
    if entry.priority_class == "appointment" and (
        entry.appointment_slot_start is None or entry.appointment_slot_start <= now
    ):
        return 1
    if entry.priority_class == "green":
        return 2
    return 3


def sort_key(entry: QueueEntry, *, now: datetime, starve_cutoff: datetime) -> tuple:
    """Python twin of the SQL order, for positions within one service."""
    rank = class_rank(entry, now=now, starve_cutoff=starve_cutoff)
    return (rank, entry.queued_at, entry.id)


def starve_cutoff(now: datetime, minutes: float) -> datetime:
    """Tickets queued at or before this moment are starving."""
    return now - timedelta(minutes=minutes)


def queue_day(s: Session, hall_id: int, now: datetime) -> date:
    """The hall's current business day (hall timezone): the only day its queues hold.

    Queues, estimates and boards filter on it themselves, so tickets an earlier day left
    waiting are never called or counted, even before the day-close pass has lapsed them.
    """
    from server.tickets.eta import hall_loads, memory_key  # eta imports this module

    hall = s.identity_map.get(identity_key(Hall, hall_id))
    if hall is not None:
        return business_day(now, hall.timezone)
    # A hall's time zone is remembered like the estimator's loads (emptied by hall edits).
    bind = memory_key(s)
    zone = hall_loads.recall(bind, ("tz", hall_id))
    if zone is None:
        generation = hall_loads.generation
        hall = s.get(Hall, hall_id)
        assert hall is not None
        zone = hall.timezone
        hall_loads.remember(bind, ("tz", hall_id), zone, generation)
    return business_day(now, zone)


def next_candidate_query(
    *, hall_id: int, window_id: int, now: datetime, day: date, starvation_minutes: float,
    limit: int = 1, lock: bool = True,
) -> Select:
    """SELECT of the tickets of business day `day` a window should call next, in order
    (skip-locked on PG)."""
    cutoff = literal(starve_cutoff(now, starvation_minutes), UTCDateTime())
    now_lit = literal(now, UTCDateTime())
    starving = Ticket.queued_at <= cutoff
    appointment_ready = and_(
        Ticket.priority_class == "appointment",
        or_(Ticket.appointment_slot_start.is_(None), Ticket.appointment_slot_start <= now_lit),
    )
    stmt = (
        select(Ticket.id)
        .join(
            WindowService,
            and_(
                WindowService.service_id == Ticket.service_id,
                WindowService.window_id == window_id,
            ),
            isouter=True,
        )
        .where(
            Ticket.hall_id == hall_id,
            Ticket.status == TicketStatus.WAITING,
            Ticket.business_day == day,
            or_(
                and_(Ticket.target_window_id.is_(None), WindowService.window_id.is_not(None)),
                Ticket.target_window_id == window_id,
            ),
        )
        .order_by(
            case((starving, 0), else_=1),
            case((starving, Ticket.queued_at), else_=literal(EPOCH, UTCDateTime())),
            case((Ticket.target_window_id == window_id, 0), else_=1),
            case((appointment_ready, 0), else_=1),
            case((Ticket.priority_class == "green", 0), else_=1),
            WindowService.priority.desc(),
            Ticket.queued_at,
            Ticket.id,
        )
        .limit(limit)
    )
    return stmt.with_for_update(skip_locked=True, of=Ticket) if lock else stmt


def explain(
    ticket: Ticket, *, window_id: int, now: datetime, starvation_minutes: float, top_priority: bool
) -> str:
    """Which rule picked this ticket (recorded on the call)."""
    if ticket.queued_at <= starve_cutoff(now, starvation_minutes):
        return "starvation"
    if ticket.target_window_id == window_id:
        return "transfer_target"
    entry = QueueEntry(
        ticket.id, ticket.priority_class, ticket.appointment_slot_start, ticket.queued_at
    )
    rank = class_rank(entry, now=now, starve_cutoff=starve_cutoff(now, starvation_minutes))
    if rank == 1:
        return "appointment"
    if rank == 2:
        return "green"
    return "window_priority" if top_priority else "longest_wait"


def reason_text(code: str, *, starvation_minutes: float) -> str:
    """Human explanation of a call reason in Chinese."""
    return REASONS.get(code, code).format(limit=int(starvation_minutes))
