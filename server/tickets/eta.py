"""Positions and estimated waits for waiting tickets.

Two estimators live here:

* `naive_minutes` — people ahead x mean service time / open windows (the first estimator,
  kept as the baseline the hall-day bench compares against);
* `estimate_wait` — a small forward run of the real calling rule over the hall as it is
  now: every open window with its services and priorities, the ticket it is busy with, the
  waiting tickets in their classes, and the arrivals the last half hour suggests will still
  overtake (green channel, appointments, higher-priority services at shared 一窗受理
  windows). Service times are recent window occupancy per service (first call to finish,
  so walking up and no-shows count), shrunk towards the configured expected minutes.

Both run inside the issue transaction: a handful of indexed queries and a loop over at most
a few hundred queue entries, well under a millisecond or two.

At issue the hall's load is usually not read at all: `hall_loads` remembers, per database and
hall, the load as of the hall's last event seq (every change to a ticket or window appends an
event in the same transaction). An issue whose transaction sees the same seq adds its own
ticket to the remembered load instead of re-reading the queue, and after its commit leaves
the load with its ticket in it for the next issue. Any other event (a call, a window opening,
another process's ticket on PostgreSQL) changes the seq, and the next issue reads the hall
again. Changes that append no event (catalog and window-service edits) empty this process's
memory when they commit, and reach other processes within `MODEL_TTL_SECONDS`.
"""

from __future__ import annotations

import heapq
import math
import threading
import time
import weakref
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, event, func, select
from sqlalchemy.orm import Session

from server.catalog.models import Hall, ServiceItem
from server.core.groupcommit import after_durable_commit, on_abandon
from server.tickets.models import Ticket
from server.tickets.ordering import QueueEntry, queue_day, sort_key, starve_cutoff
from server.windows.models import Window, WindowService
from tongban_common.wire import ACTIVE_STATUSES, TicketStatus

# ---------------------------------------------------------------- the naive baseline


@dataclass(frozen=True)
class ServiceLoad:
    """What the naive estimator knows about one service's queue right now."""

    waiting: list[QueueEntry]
    mean_service_minutes: float
    open_windows: int
    any_windows: int


def mean_service_minutes(
    s: Session, *, service: ServiceItem, now: datetime, lookback_minutes: float
) -> float:
    """Mean serving time of recently completed tickets, else the service's expected time."""
    since = now - timedelta(minutes=lookback_minutes)
    rows = s.execute(
        select(Ticket.started_at, Ticket.finished_at)
        .where(
            Ticket.service_id == service.id,
            Ticket.status == TicketStatus.DONE,
            Ticket.finished_at >= since,
            Ticket.started_at.is_not(None),
        )
        .order_by(Ticket.finished_at.desc())
        .limit(30)
    ).all()
    durations = [(f - st).total_seconds() / 60 for st, f in rows if f and st]
    if len(durations) < 3:
        return float(service.expected_minutes)
    # Blend with the expected time so a few quick tickets do not swing the estimate.
    observed = sum(durations) / len(durations)
    weight = min(len(durations), 20) / 20
    return weight * observed + (1 - weight) * service.expected_minutes


def load_for(s: Session, *, service: ServiceItem, now: datetime, lookback: float) -> ServiceLoad:
    """Collect the waiting queue and capacity of one service."""
    waiting = [
        QueueEntry(*row)
        for row in s.execute(
            select(
                Ticket.id, Ticket.priority_class, Ticket.appointment_slot_start, Ticket.queued_at
            ).where(Ticket.service_id == service.id, Ticket.status == TicketStatus.WAITING,
                    Ticket.business_day == queue_day(s, service.hall_id, now))
        ).all()
    ]
    counts = s.execute(
        select(Window.state, func.count())
        .join(WindowService, WindowService.window_id == Window.id)
        .where(WindowService.service_id == service.id)
        .group_by(Window.state)
    ).all()
    by_state = {state: n for state, n in counts}
    return ServiceLoad(
        waiting=waiting,
        mean_service_minutes=mean_service_minutes(
            s, service=service, now=now, lookback_minutes=lookback
        ),
        open_windows=by_state.get("open", 0),
        any_windows=sum(by_state.values()),
    )


def people_ahead(load: ServiceLoad, ticket_id: int, *, now: datetime, starvation: float) -> int:
    """How many waiting tickets of the same service come before this one."""
    cutoff = starve_cutoff(now, starvation)
    ordered = sorted(load.waiting, key=lambda e: sort_key(e, now=now, starve_cutoff=cutoff))
    for i, entry in enumerate(ordered):
        if entry.id == ticket_id:
            return i
    return len(ordered)


def naive_minutes(load: ServiceLoad, ahead: int) -> int | None:
    """Baseline: people ahead × mean service time ÷ serving windows (rounded up)."""
    windows = load.open_windows or load.any_windows
    if windows == 0:
        return None
    return math.ceil(ahead * load.mean_service_minutes / windows)


# The catalog and dashboards still read a service's naive load; they call this name.
estimate_minutes = naive_minutes

# ---------------------------------------------------------------- the hall estimator

MAX_QUEUE = 200  # waiting tickets read per estimate; beyond that the rest is extrapolated
PRIOR_WEIGHT = 4.0  # expected minutes count as this many observed tickets
WALK_UP_MINUTES = 0.5  # added to the expected time: calling and walking to the window
RESIDUAL_FLOOR = 0.3  # a busy window has at least this share of a service time left
PAUSE_MINUTES = 10.0  # how long a pause is assumed to last
ARRIVAL_LOOKBACK = 30.0  # minutes of issued tickets that set the expected arrival rate
MAX_PICKS = 3000
MAX_FUTURE = 300  # expected future arrivals simulated (bursts beyond that are not a hall day)
SERVING_STATES = ("open", "paused")  # a paused window is expected back; a closed one is not


@dataclass
class WindowLoad:
    """An open or paused window as the estimator sees it."""

    id: int
    state: str
    state_changed_at: datetime
    services: dict[int, int]  # service id → window priority (higher first)
    busy_service: int | None = None
    busy_since: datetime | None = None
    number: int = 0


@dataclass
class HallLoad:
    """One read of everything the calling rule will decide on."""

    now: datetime
    waiting: list[tuple[int, int, str, datetime | None, datetime, int | None]]
    waiting_total: int
    windows: list[WindowLoad]
    occupancy: dict[int, float]  # service id → minutes a window is taken per ticket
    arrivals: dict[tuple[int, str], float] = field(default_factory=dict)  # per minute
    beyond_cap: set[int] = field(default_factory=set)  # read although past MAX_QUEUE
    waiting_by_service: dict[int, int] = field(default_factory=dict)  # counted when capped


def hall_load(s: Session, *, hall_id: int, now: datetime, lookback: float,
              include_ticket: Ticket | None = None) -> HallLoad:
    """Read the hall's queue (its current business day only), windows, recent occupancy and
    arrival rates.

    `include_ticket` (a waiting ticket of the hall) is in the queue read even past the cap.
    """
    cols = (Ticket.id, Ticket.service_id, Ticket.priority_class, Ticket.appointment_slot_start,
            Ticket.queued_at, Ticket.target_window_id)
    day = queue_day(s, hall_id, now)
    base = (Ticket.hall_id == hall_id, Ticket.status == TicketStatus.WAITING,
            Ticket.business_day == day)
    # Plain column reads on the transaction's connection: the ORM's per-row machinery is most
    # of an estimate's cost otherwise. Pending changes are flushed first, so nothing is missed.
    s.flush()
    db = s.connection()
    waiting = [tuple(r) for r in db.execute(
        select(*cols).where(*base).order_by(Ticket.queued_at, Ticket.id).limit(MAX_QUEUE))]
    total = len(waiting)
    beyond: set[int] = set()
    by_service: dict[int, int] = {}
    if total == MAX_QUEUE:
        by_service = dict(db.execute(
            select(Ticket.service_id, func.count()).where(*base).group_by(Ticket.service_id)
        ).all())
        total = sum(by_service.values()) or total
        mine = include_ticket
        if mine is not None and mine.business_day == day and all(
                w[0] != mine.id for w in waiting):
            # The caller holds the row: no need to read it back.
            waiting.append((mine.id, mine.service_id, mine.priority_class,
                            mine.appointment_slot_start, mine.queued_at, mine.target_window_id))
            beyond.add(mine.id)
    windows: dict[int, WindowLoad] = {}
    for wid, state, changed, sid, prio, number in db.execute(
        select(Window.id, Window.state, Window.state_changed_at, WindowService.service_id,
               WindowService.priority, Window.number)
        .join(WindowService, WindowService.window_id == Window.id)
        .where(Window.hall_id == hall_id, Window.state.in_(SERVING_STATES))
    ):
        w = windows.get(wid) or windows.setdefault(
            wid, WindowLoad(wid, state, changed, {}, number=number))
        w.services[sid] = prio
    for wid, sid, first_called in db.execute(
        select(Ticket.window_id, Ticket.service_id, Ticket.first_called_at).where(
            Ticket.hall_id == hall_id, Ticket.status.in_(ACTIVE_STATUSES),
            Ticket.window_id.is_not(None))
    ):
        if wid in windows:
            windows[wid].busy_service, windows[wid].busy_since = sid, first_called or now
    return HallLoad(
        now=now, waiting=waiting, waiting_total=total,
        windows=sorted(windows.values(), key=lambda w: w.id),
        occupancy=_occupancy(db, hall_id=hall_id, now=now, lookback=lookback),
        arrivals=_arrival_rates(db, hall_id=hall_id, now=now, day=day),
        beyond_cap=beyond,
        waiting_by_service=by_service,
    )


def _occupancy(db: Connection, *, hall_id: int, now: datetime, lookback: float) -> dict[int, float]:
    """Minutes from first call to finish per service, shrunk towards the expected time."""
    since = now - timedelta(minutes=lookback)
    sums: dict[int, float] = defaultdict(float)
    counts: dict[int, int] = defaultdict(int)
    for sid, first, done in db.execute(
        select(Ticket.service_id, Ticket.first_called_at, Ticket.finished_at)
        .where(Ticket.hall_id == hall_id,
               Ticket.status.in_((TicketStatus.DONE, TicketStatus.NO_SHOW)),
               Ticket.finished_at >= since, Ticket.first_called_at.is_not(None),
               Ticket.transfer_count == 0)
        .order_by(Ticket.finished_at.desc()).limit(300)
    ):
        if counts[sid] < 40:
            sums[sid] += max((done - first).total_seconds() / 60, 0.0)
            counts[sid] += 1
    out: dict[int, float] = {}
    for sid, expected in db.execute(
        select(ServiceItem.id, ServiceItem.expected_minutes).where(
            ServiceItem.hall_id == hall_id)
    ):
        prior = float(expected) + WALK_UP_MINUTES
        out[sid] = (sums[sid] + PRIOR_WEIGHT * prior) / (counts[sid] + PRIOR_WEIGHT)
    return out


def _arrival_rates(db: Connection, *, hall_id: int, now: datetime,
                   day: date) -> dict[tuple[int, str], float]:
    """Tickets per minute over the last half hour of business day `day` per (service, class)."""
    since = now - timedelta(minutes=ARRIVAL_LOOKBACK)
    rows = db.execute(
        select(Ticket.original_service_id, Ticket.priority_class, func.count())
        .where(Ticket.hall_id == hall_id, Ticket.business_day == day,
               Ticket.issued_at >= since, Ticket.issued_at < now)
        .group_by(Ticket.original_service_id, Ticket.priority_class)
    ).all()
    return {(sid, klass): n / ARRIVAL_LOOKBACK for sid, klass, n in rows}


def estimate_wait(
    load: HallLoad, *, ticket_id: int | None = None, service_id: int | None = None,
    priority_class: str = "normal", starvation: float = 30.0,
) -> float | None:
    """Minutes until a waiting ticket (or a new one for `service_id`) is called; None when
    no open or paused window handles it."""
    now = load.now

    def rel(moment: datetime | None) -> float | None:
        return None if moment is None else (moment - now).total_seconds() / 60

    entries = []
    target = None
    for tid, sid, klass, slot, queued, tw in load.waiting:
        e = (rel(queued), tid, sid, klass, rel(slot), tw)
        entries.append(e)
        if tid == ticket_id:
            target = e
    if target is None:
        if service_id is None:
            return None
        target = (0.0, 1 << 62, service_id, priority_class, None, None)
        entries.append(target)
    windows = load.windows
    if not any(target[2] in w.services for w in windows) and target[5] is None:
        return None
    horizon = starvation + 1.0
    seq = 0
    # Past the read cap the starvation guard decides; future arrivals no longer matter.
    arrivals = {} if ticket_id in load.beyond_cap else load.arrivals
    for (sid, klass), rate in sorted(arrivals.items()):
        if rate <= 0 or (klass == "normal" and not _overtakes(sid, target, windows)):
            continue
        step = 1.0 / rate
        k = 0.5 * step
        while k < horizon and seq < MAX_FUTURE:
            seq += 1
            entries.append((k, (1 << 62) + seq, sid, klass, None, None))
            k += step
    entries.sort(key=lambda e: (e[0], e[1]))
    queues: dict[tuple, deque] = defaultdict(deque)
    for e in entries:
        queues[_bucket(e)].append(e)
    occ = load.occupancy
    heap: list[tuple[float, int]] = []
    for w in windows:
        if w.state == "paused":
            free = max(PAUSE_MINUTES - (now - w.state_changed_at).total_seconds() / 60, 1.0)
        elif w.busy_service is not None:
            o = occ.get(w.busy_service, 10.0)
            elapsed = (now - (w.busy_since or now)).total_seconds() / 60
            free = max(o - elapsed, RESIDUAL_FLOOR * o)
        else:
            free = 0.0
        heap.append((free, w.id))
    heapq.heapify(heap)
    by_id = {w.id: w for w in windows}
    picks = 0
    while heap and picks < MAX_PICKS:
        t, wid = heapq.heappop(heap)
        w = by_id[wid]
        choice, next_arrival = _pick(queues, w, t, starvation)
        if choice is None:
            if next_arrival is not None:
                heapq.heappush(heap, (next_arrival, wid))
            continue
        picks += 1
        if choice is target:
            return t + (_overflow(load, windows, occ) if ticket_id in load.beyond_cap else 0.0)
        heapq.heappush(heap, (t + occ.get(choice[2], 10.0), wid))
    return None


def _overtakes(sid: int, target: tuple, windows: list[WindowLoad]) -> bool:
    """Whether new normal tickets of `sid` can be called before the target somewhere."""
    tsid = target[2]
    if sid == tsid:
        return False  # same service, later ticket: behind us
    return any(tsid in w.services and w.services.get(sid, 0) > w.services[tsid]
               for w in windows)


def _bucket(e: tuple) -> tuple:
    if e[5] is not None:
        return ("w", e[5])
    klass = e[3]
    return (e[2], "a" if klass == "appointment" else "g" if klass == "green" else "n")


def _pick(queues: dict, w: WindowLoad, t: float, starvation: float) -> tuple:
    """The entry window `w` calls at time t by the calling rule, or the next arrival time."""
    heads = []
    mine = queues.get(("w", w.id))
    if mine:
        heads.append((mine, mine[0], 9))
    for sid, prio in w.services.items():
        for klass in ("a", "g", "n"):
            q = queues.get((sid, klass))
            if q:
                heads.append((q, q[0], prio))
    best = None
    best_key = None
    upcoming = None
    cutoff = t - starvation
    for q, e, prio in heads:
        if e[0] > t:
            upcoming = e[0] if upcoming is None else min(upcoming, e[0])
            continue
        if e[0] <= cutoff:
            key = (0, e[0], 0, 0, 0, 0, e[0], e[1])
        else:
            appt = e[3] == "appointment" and (e[4] is None or e[4] <= t)
            key = (1, 0, 0 if e[5] == w.id else 1, 0 if appt else 1,
                   0 if e[3] == "green" else 1, -prio, e[0], e[1])
        if best_key is None or key < best_key:
            best, best_key = q, key
    if best is None:
        return None, upcoming
    return best.popleft(), None


def _overflow(load: HallLoad, windows: list[WindowLoad], occ: dict[int, float]) -> float:
    """Extra minutes for waiting tickets beyond the ones read (very long queues only)."""
    missing = load.waiting_total - len(load.waiting)
    if missing <= 0 or not windows:
        return 0.0
    mean = sum(occ.values()) / max(len(occ), 1)
    return missing * mean / len(windows)


def position_in_service(load: HallLoad, ticket_id: int, *, starvation: float) -> int | None:
    """People ahead of a waiting ticket within its own service (the number on the slip)."""
    mine = next((w for w in load.waiting if w[0] == ticket_id), None)
    if mine is None:
        return None
    cutoff = starve_cutoff(load.now, starvation)
    entries = [QueueEntry(w[0], w[2], w[3], w[4]) for w in load.waiting if w[1] == mine[1]]
    ordered = sorted(entries, key=lambda e: sort_key(e, now=load.now, starve_cutoff=cutoff))
    return next(i for i, e in enumerate(ordered) if e.id == ticket_id)


def ticket_estimate(
    s: Session, *, ticket: Ticket, service: ServiceItem, now: datetime,
    lookback: float, starvation: float, hall_seq: int | None = None,
) -> tuple[int | None, int | None, int]:
    """(people ahead, estimated minutes, waiting in the service) for one waiting ticket.

    `hall_seq`: the hall's event seq this transaction saw before issuing `ticket` (a new
    ticket, the last row of its queue): the remembered load at that seq is used if there is
    one, and the load with the ticket in it is remembered once the transaction commits.
    """
    ticket_id = ticket.id
    load = None
    if hall_seq is not None:
        load = issue_load(s, ticket=ticket, hall_seq=hall_seq, now=now, lookback=lookback)
    if load is None:
        load = hall_load(s, hall_id=ticket.hall_id, now=now, lookback=lookback,
                         include_ticket=ticket)
    waiting = sum(1 for w in load.waiting if w[1] == service.id)
    if ticket_id in load.beyond_cap:  # a very long queue: everyone read is ahead
        waiting = load.waiting_by_service.get(service.id) or waiting
        ahead: int | None = max(waiting - 1, 0)
    else:
        ahead = position_in_service(load, ticket_id, starvation=starvation)
    # None when no open or paused window handles it: a closed window promises nothing.
    minutes = round_minutes(estimate_wait(load, ticket_id=ticket_id, starvation=starvation))
    return ahead, minutes, waiting


def new_ticket_minutes(load: HallLoad, service: ServiceItem, *, starvation: float) -> int | None:
    """Estimated minutes for a ticket taken now for `service` (catalog, board, dashboard);
    None when no open or paused window handles it."""
    return round_minutes(estimate_wait(load, service_id=service.id, starvation=starvation))


def accepting(load: HallLoad, service_id: int) -> bool:
    """Whether an open or paused window handles the service (else: 暂停受理, no estimate)."""
    return any(service_id in w.services for w in load.windows)


def round_minutes(value: float | None) -> int | None:
    """Whole minutes for people (nearest, never negative)."""
    return None if value is None else max(0, int(value + 0.5))


def serving_numbers(load: HallLoad, service_id: int) -> list[int]:
    """Numbers of the open or paused windows handling a service (as serving_window_numbers)."""
    return sorted(w.number for w in load.windows if service_id in w.services)


# ---------------------------------------------------------------- remembered hall loads

MODEL_TTL_SECONDS = 5.0  # wall clock: the longest another process's catalog edit goes unseen
MODEL_MAX_AGE_MINUTES = 0.25  # the hall's clock: occupancy and arrival windows slide on
_PENDING = "tongban_eta_pending"  # Session.info key: loads to remember if the commit succeeds
STALE = "tongban_eta_stale"  # Session.info key: this transaction edited what loads derive from
_LOAD_SOURCES = (Hall, ServiceItem, Window, WindowService)
_BULK_SOURCES = (ServiceItem, Window, WindowService)
SESSION_LOADS = "tongban_eta_loads"  # Session.info key: ticket id → the load estimated on


@dataclass
class _Remembered:
    seq: int
    day: date
    stored: float
    load: HallLoad


class HallLoads:
    """Per (engine, hall id): the hall's load as of an event seq (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._facts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.generation = 0  # bumped on clear(): a load read before it is not stored
        self.hits = 0
        self.misses = 0

    def get(self, bind: object, hall_id: int, seq: int, day: date,
            now: datetime) -> HallLoad | None:
        """The remembered load at exactly `seq` on business day `day`, if fresh enough."""
        with self._lock:
            rem = self._entries.get(bind, {}).get(hall_id)
        if (rem is None or rem.seq != seq or rem.day != day
                or time.monotonic() - rem.stored > MODEL_TTL_SECONDS):
            return None
        age = (now - rem.load.now).total_seconds() / 60
        if not 0 <= age <= MODEL_MAX_AGE_MINUTES:
            return None
        return rem.load

    def recall(self, bind: object, key: tuple) -> Any:  # noqa: ANN401 - what was remembered
        """A remembered fact (at most MODEL_TTL_SECONDS old), or None. Keys: ("hint",
        service_id) serving window numbers, (Model, id) a detached row copy, ("tz", hall_id)."""
        with self._lock:
            got = self._facts.get(bind, {}).get(key)
        if got is None or time.monotonic() - got[0] > MODEL_TTL_SECONDS:
            return None
        return got[1]

    def remember(self, bind: object, key: tuple, value: object, generation: int) -> None:
        """Remember a fact read while the memory was at `generation` (else it may be stale)."""
        with self._lock:
            if generation == self.generation:
                self._facts.setdefault(bind, {})[key] = (time.monotonic(), value)

    def put(self, bind: object, hall_id: int, rem: _Remembered, generation: int) -> None:
        """Remember a load unless the memory was emptied since it was read."""
        with self._lock:
            if generation != self.generation:
                return
            self._entries.setdefault(bind, {})[hall_id] = rem

    def clear(self) -> None:
        """Forget every load (a catalog, window or window-service edit committed)."""
        with self._lock:
            self.generation += 1
            self._entries = weakref.WeakKeyDictionary()
            self._facts = weakref.WeakKeyDictionary()


hall_loads = HallLoads()
on_abandon.append(hall_loads.clear)  # loads remembered from a batch that never committed


def memory_key(s: Session) -> object:
    """What the memory is kept per: the session's engine (a group commit's sessions are bound
    to its connection; that connection's engine is the one plain write sessions use)."""
    bind = s.get_bind()
    return getattr(bind, "engine", bind)


def issue_load(s: Session, *, ticket: Ticket, hall_seq: int, now: datetime,
               lookback: float) -> HallLoad:
    """The hall's load for estimating `ticket` just issued, and the load after it, to be
    remembered at `hall_seq + 1` when the transaction commits (see `remember_after_commit`).
    """
    bind = memory_key(s)
    generation = hall_loads.generation
    day = ticket.business_day
    row = (ticket.id, ticket.service_id, ticket.priority_class, ticket.appointment_slot_start,
           ticket.queued_at, ticket.target_window_id)
    prior = hall_loads.get(bind, ticket.hall_id, hall_seq, day, now)
    if prior is not None and prior.waiting and (
            (prior.waiting[-1][4], prior.waiting[-1][0]) > (row[4], row[0])):
        prior = None  # a backdated ticket takes a place inside the queue: read it again
    if prior is None:
        hall_loads.misses += 1
        load = hall_load(s, hall_id=ticket.hall_id, now=now, lookback=lookback,
                         include_ticket=ticket)
        after = HallLoad(
            now=now, waiting=[w for w in load.waiting if w[0] not in load.beyond_cap],
            waiting_total=load.waiting_total, windows=load.windows,
            occupancy=load.occupancy, arrivals=dict(load.arrivals),
            waiting_by_service=dict(load.waiting_by_service))
    else:
        hall_loads.hits += 1
        if len(prior.waiting) < MAX_QUEUE:
            waiting = [*prior.waiting, row]
            by_service: dict[int, int] = {}
            if len(waiting) == MAX_QUEUE:  # as read: the cap reached, counts per service
                by_service = dict(Counter(w[1] for w in waiting))
            load = HallLoad(now=now, waiting=waiting, waiting_total=len(waiting),
                            windows=prior.windows, occupancy=prior.occupancy,
                            arrivals=prior.arrivals, waiting_by_service=by_service)
            after = load
        else:  # past the cap: the ticket is counted, not read
            by_service = dict(prior.waiting_by_service)
            by_service[row[1]] = by_service.get(row[1], 0) + 1
            load = HallLoad(now=now, waiting=[*prior.waiting, row],
                            waiting_total=prior.waiting_total + 1, windows=prior.windows,
                            occupancy=prior.occupancy, arrivals=prior.arrivals,
                            beyond_cap={ticket.id}, waiting_by_service=by_service)
            after = HallLoad(now=now, waiting=prior.waiting,
                             waiting_total=prior.waiting_total + 1, windows=prior.windows,
                             occupancy=prior.occupancy, arrivals=prior.arrivals,
                             waiting_by_service=by_service)
        after = HallLoad(**{**after.__dict__, "arrivals": dict(prior.arrivals)})
    # From the next moment on this ticket counts among the last half hour's arrivals.
    key = (ticket.original_service_id, ticket.priority_class)
    after.arrivals[key] = after.arrivals.get(key, 0.0) + 1 / ARRIVAL_LOOKBACK
    s.info.setdefault(_PENDING, {})[ticket.hall_id] = (bind, hall_seq + 1, day, after,
                                                      generation)
    s.info.setdefault(SESSION_LOADS, {})[ticket.id] = load
    return load


def confirm_issue_seq(s: Session, hall_id: int, seq: int) -> None:
    """The issue's event got `seq`: remember its load after commit only if no other event
    of the hall came in between (else the load would miss that change)."""
    pending = s.info.get(_PENDING, {})
    entry = pending.get(hall_id)
    if entry is not None and entry[1] != seq:
        pending.pop(hall_id)


@event.listens_for(Session, "after_flush")
def _note_load_sources(session: Session, _ctx: object) -> None:
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, _LOAD_SOURCES) for obj in touched):
        session.info[STALE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_load_sources(state: object) -> None:
    # Bulk UPDATE/DELETE of windows, their services or service items (not the hall row:
    # every event bumps its seq, which is what the memory is keyed on).
    if not (state.is_update or state.is_delete):  # type: ignore[attr-defined]
        return
    mapper = state.bind_mapper  # type: ignore[attr-defined]
    if mapper is not None and mapper.class_ in _BULK_SOURCES:
        state.session.info[STALE] = True  # type: ignore[attr-defined]


@event.listens_for(Session, "after_commit")
def _remember_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    session.info.pop(SESSION_LOADS, None)
    if session.info.pop(STALE, False):
        hall_loads.clear()
        # Again once durable: a reader may have remembered the old state in between.
        after_durable_commit(session, hall_loads.clear)
        return
    for hall_id, (bind, seq, day, load, generation) in (pending or {}).items():
        hall_loads.put(bind, hall_id, _Remembered(seq, day, time.monotonic(), load), generation)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(SESSION_LOADS, None)
    session.info.pop(STALE, None)
