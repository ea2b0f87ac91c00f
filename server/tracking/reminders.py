"""到号提醒: an SMS through the outbox when N or fewer people are ahead of a tracked ticket.

A citizen sets it on the tracking page (the token is the credential). Each hall with pending
reminders has one task in the server watching the hub like a tracking socket does; after every
batch of ticket/window events it recounts the people ahead of each pending ticket and records
the message once — a conditional UPDATE of `notified_at` makes "once" hold across processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any

from anyio import to_thread
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from server.catalog.models import Hall
from server.citizens.notify import notify
from server.citizens.service import mask_phone, normalize_phone
from server.core.clock import iso, utcnow
from server.core.config import Settings
from server.core.errors import Conflict, Invalid, TooManyRequests
from server.events.hub import Hub
from server.tickets.models import Ticket
from server.tickets.views import ticket_public
from server.tracking.models import TrackReminder
from server.tracking.service import find_ticket, is_expired
from tongban_common.wire import ErrorCode, TicketStatus

log = logging.getLogger(__name__)

AHEAD_CHOICES = (1, 2, 3, 5, 10)
# Abuse limits: the page is public, so nobody may turn it into an SMS cannon.
PER_CLIENT_PER_HOUR = 10
PER_PHONE_PER_DAY = 5
# A pump wake-up is the trigger; this only re-checks in case one was missed.
RECHECK_SECONDS = 60.0
DEBOUNCE_SECONDS = 0.2
OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.SUSPENDED)


def reminder_view(r: TrackReminder | None) -> dict[str, Any] | None:
    """Wire form for the tracking page: the phone only masked."""
    if r is None:
        return None
    return {"ahead": r.ahead, "phone_masked": mask_phone(r.phone),
            "sent": r.notified_at is not None, "sent_at": iso(r.notified_at),
            "ended": r.ended_at is not None}


def get_reminder(s: Session, tracking_token: str) -> dict[str, Any] | None:
    """The reminder set for this token, if any."""
    ticket = find_ticket(s, tracking_token)
    return reminder_view(s.scalar(select(TrackReminder)
                                  .where(TrackReminder.ticket_id == ticket.id)))


def subscribe(s: Session, *, tracking_token: str, phone: str, ahead: int, client: str,
              settings: Settings, now: datetime | None = None) -> tuple[int, dict[str, Any]]:
    """Set (or change) the ticket's reminder; (hall id, view). Rate-limited per client/phone."""
    now = now or utcnow()
    phone = normalize_phone(phone)
    if ahead not in AHEAD_CHOICES:
        raise Invalid("请选择提醒时机", code=ErrorCode.INVALID_AHEAD)
    ticket = find_ticket(s, tracking_token)
    if ticket.status not in OPEN_STATUSES or is_expired(s, ticket, now=now):
        raise Conflict("该号码已不在等候中，无需提醒", code=ErrorCode.NOT_WAITING)
    people = ticket_public(s, ticket, settings, now=now)["people_ahead"]
    if people is not None and people <= ahead:
        raise Conflict(f"您前面只有 {people} 人了，请留意叫号", code=ErrorCode.ALREADY_NEAR)
    recent = s.scalar(select(func.count()).select_from(TrackReminder).where(
        TrackReminder.client == client, TrackReminder.created_at > now - timedelta(hours=1)))
    daily = s.scalar(select(func.count()).select_from(TrackReminder).where(
        TrackReminder.phone == phone, TrackReminder.created_at > now - timedelta(days=1)))
    if recent >= PER_CLIENT_PER_HOUR or daily >= PER_PHONE_PER_DAY:
        raise TooManyRequests("提醒设置过于频繁，请稍后再试", code=ErrorCode.REMINDER_LIMIT)
    r = s.scalar(select(TrackReminder).where(TrackReminder.ticket_id == ticket.id))
    if r is None:
        r = TrackReminder(ticket_id=ticket.id, hall_id=ticket.hall_id)
        s.add(r)
    r.phone, r.ahead, r.client, r.created_at = phone, ahead, client[:64], now
    r.notified_at = r.ended_at = None
    s.flush()
    return ticket.hall_id, reminder_view(r) or {}


def check_hall(s: Session, hall_id: int, settings: Settings,
               now: datetime | None = None) -> tuple[int, int]:
    """Send due reminders of one hall; (sent now, still pending)."""
    now = now or utcnow()
    pending = s.scalars(select(TrackReminder).where(
        TrackReminder.hall_id == hall_id, TrackReminder.notified_at.is_(None),
        TrackReminder.ended_at.is_(None))).all()
    sent = still = 0
    for r in pending:
        ticket = s.get(Ticket, r.ticket_id)
        if ticket is None or ticket.status not in OPEN_STATUSES \
                or is_expired(s, ticket, now=now):
            r.ended_at = now  # called (or gone) before N were ahead: nothing to remind of
            continue
        view = ticket_public(s, ticket, settings, now=now)
        people = view["people_ahead"]
        if ticket.status != TicketStatus.WAITING or people is None or people > r.ahead:
            still += 1
            continue
        claimed = s.execute(update(TrackReminder)
                            .where(TrackReminder.id == r.id, TrackReminder.notified_at.is_(None))
                            .values(notified_at=now)).rowcount
        if claimed != 1:  # another process sent it
            continue
        notify(s, settings=settings, recipient=r.phone, kind="track_reminder",
               hall_id=hall_id, data={"number": ticket.number, "people_ahead": people},
               body=f"【通办】您在{view['hall_name']}的 {ticket.number} 号"
                    f"（{view['service_name']}）前面还有 {people} 人，请回到大厅留意叫号。")
        sent += 1
    return sent, still


class ReminderWatch:
    """One task per hall with pending reminders, woken by the hub like a tracking socket."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.tasks: dict[int, asyncio.Task[None]] = {}
        # Halls with a reminder newer than their task's last check (it must not stop yet).
        self.dirty: set[int] = set()

    def ensure(self, hall_id: int) -> None:
        """Start watching the hall unless already watching (call on the event loop)."""
        self.dirty.add(hall_id)
        task = self.tasks.get(hall_id)
        if task is None or task.done():
            self.tasks[hall_id] = asyncio.create_task(self._run(hall_id),
                                                      name=f"track-reminders-{hall_id}")

    async def resume(self) -> None:
        """After a start: watch every hall that still has pending reminders."""
        halls = await to_thread.run_sync(self._pending_halls)
        for hall_id in halls:
            self.ensure(hall_id)

    async def stop(self) -> None:
        """Cancel the hall tasks."""
        for task in self.tasks.values():
            task.cancel()
        for task in self.tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()

    def _pending_halls(self) -> list[int]:
        with self.app.state.db.read() as s:
            return list(s.scalars(select(TrackReminder.hall_id).distinct().where(
                TrackReminder.notified_at.is_(None), TrackReminder.ended_at.is_(None))))

    def _check(self, hall_id: int) -> int:
        settings = self.app.state.settings
        sent, pending = self.app.state.db.write(lambda s: check_hall(s, hall_id, settings))
        if sent:
            log.info("sent %d queue reminder(s) in hall %s", sent, hall_id)
        return pending

    async def _run(self, hall_id: int) -> None:
        hub: Hub = self.app.state.hub
        code = await to_thread.run_sync(self._hall_code, hall_id)
        watcher = await hub.watch(hall_id, code)
        try:
            while True:
                watcher.changed.clear()
                self.dirty.discard(hall_id)
                try:
                    pending = await to_thread.run_sync(self._check, hall_id)
                except Exception:  # a database hiccup must not end the reminders
                    log.exception("queue reminder check for hall %s failed", hall_id)
                    pending = 1
                if hall_id in self.dirty:
                    continue  # a reminder was set during the check: look again at once
                if not pending:
                    return  # nothing pending: a new reminder starts the task again
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(RECHECK_SECONDS):
                        await watcher.changed.wait()
                await asyncio.sleep(DEBOUNCE_SECONDS)  # let the rest of a burst land
        finally:
            hub.unwatch(hall_id, watcher)

    def _hall_code(self, hall_id: int) -> str:
        with self.app.state.db.read() as s:
            hall = s.get(Hall, hall_id)
            assert hall is not None
            return hall.code


def reminder_watch(app: Any) -> ReminderWatch:
    """The app's reminder tasks (created on first use)."""
    watch = getattr(app.state, "track_reminders", None)
    if watch is None:
        watch = app.state.track_reminders = ReminderWatch(app)
    return watch
