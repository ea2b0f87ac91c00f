"""GET /api/v1/track/{token} and WS /ws/track/{token}: a citizen's own number, live.

The tracking token on the slip is the only credential. The socket sends the same view as
the GET on connect and again after any hall batch of ticket/window events, recomputed once
per batch (after a short debounce) in a small thread pool of its own, so a busy hall with many
phones watching can neither flood the event loop nor take the threads HTTP requests need.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from typing import Any

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Request, WebSocket
from pydantic import BaseModel, Field

from server.auth.ratelimit import client_key
from server.core.clock import iso, utcnow
from server.core.deps import DbDep, SettingsDep
from server.core.errors import RATE_LIMITED, NotFound
from server.core.schemas import out
from server.events.hub import Hub, Watcher, dumps
from server.events.router import CLIENT_GONE, answer_pings, until_first_ends
from server.tickets.models import Ticket
from server.tracking.reminders import get_reminder, reminder_watch, subscribe
from server.tracking.schemas import ReminderOut, TrackOut
from server.tracking.service import (
    FINAL_STATUSES,
    TrackedTicket,
    find_ticket,
    is_expired,
    locate,
    track_view,
)
from tongban_common.wire import WsMessage

log = logging.getLogger(__name__)
router = APIRouter(tags=["tracking"])

CLOSE_FINAL = 1000  # normal closure once the final state has been sent
CLOSE_NOT_FOUND = 4404
CLOSE_EXPIRED = 4410
CLOSE_TOO_MANY = 4429


@router.get("/api/v1/track/{tracking_token}", **out(TrackOut))
def track(tracking_token: str, db: DbDep, settings: SettingsDep) -> dict:
    """Public tracking by the token on the slip's QR code; no personal data."""
    with db.read() as s:
        return track_view(s, find_ticket(s, tracking_token), settings)


class ReminderIn(BaseModel):
    phone: str = Field(min_length=5, max_length=20)
    ahead: int


@router.get("/api/v1/track/{tracking_token}/reminder", **out(ReminderOut))
def track_reminder(tracking_token: str, db: DbDep) -> dict:
    """The 到号提醒 set for this number (phone masked), or null."""
    with db.read() as s:
        return {"reminder": get_reminder(s, tracking_token)}


@router.post("/api/v1/track/{tracking_token}/reminder", status_code=201, responses=RATE_LIMITED,
             **out(ReminderOut))
async def post_track_reminder(tracking_token: str, body: ReminderIn, request: Request,
                              db: DbDep, settings: SettingsDep) -> dict:
    """Ask for an SMS when `ahead` or fewer people are ahead (once; rate-limited)."""
    client = client_key(request)
    hall_id, view = await to_thread.run_sync(lambda: db.write(lambda s: subscribe(
        s, tracking_token=tracking_token, phone=body.phone, ahead=body.ahead, client=client,
        settings=settings)))
    reminder_watch(request.app).ensure(hall_id)
    return {"reminder": view}


class TrackSockets:
    """This process's open tracking sockets per token, and the threads that compute views."""

    def __init__(self, threads: int) -> None:
        self.open: Counter[str] = Counter()
        self.limiter = CapacityLimiter(threads)


def _sockets(app: Any) -> TrackSockets:
    # Created on first use: an anyio limiter belongs to the running event loop.
    reg = getattr(app.state, "track_sockets", None)
    if reg is None:
        reg = app.state.track_sockets = TrackSockets(app.state.settings.track_threads)
    return reg


@router.websocket("/ws/track/{tracking_token}")
async def track_socket(websocket: WebSocket, tracking_token: str) -> None:
    """Live view of one ticket until it reaches a final state."""
    app = websocket.app
    settings = app.state.settings
    await websocket.accept()
    try:
        tracked = await to_thread.run_sync(_locate, app, tracking_token)
    except NotFound:
        await websocket.close(CLOSE_NOT_FOUND, "ticket_not_found")
        return
    reg = _sockets(app)
    # Checked and counted with no await in between: concurrent connects cannot both slip in.
    if reg.open[tracking_token] >= settings.track_ws_per_token:
        await websocket.close(CLOSE_TOO_MANY, "too_many_connections")
        return
    reg.open[tracking_token] += 1
    hub: Hub = app.state.hub
    watcher = await hub.watch(tracked.hall_id, tracked.hall_code, tracked.ticket_id)
    app.state.metrics_ws_open = getattr(app.state, "metrics_ws_open", 0) + 1
    try:
        await _run(websocket, app, tracked, watcher, reg)
    except CLIENT_GONE:
        pass
    finally:
        hub.unwatch(tracked.hall_id, watcher)
        app.state.metrics_ws_open -= 1
        reg.open[tracking_token] -= 1
        if reg.open[tracking_token] <= 0:
            del reg.open[tracking_token]


def _locate(app: Any, tracking_token: str) -> TrackedTicket:
    with app.state.db.read() as s:
        return locate(s, tracking_token)


def _compute(app: Any, ticket_id: int) -> tuple[dict[str, Any] | None, str]:
    """(view, state) where state is live, final, expired or gone."""
    now = utcnow()
    with app.state.db.read() as s:
        ticket = s.get(Ticket, ticket_id)
        if ticket is None:
            return None, "gone"
        view = track_view(s, ticket, app.state.settings, now=now)
        if ticket.status in FINAL_STATUSES:
            return view, "final"
        return view, "expired" if is_expired(s, ticket, now=now) else "live"


async def _run(websocket: WebSocket, app: Any, tracked: TrackedTicket, watcher: Watcher,
               reg: TrackSockets) -> None:
    """Push views and answer client pings until the ticket is final or either side stops."""
    sender = asyncio.create_task(_push_loop(websocket, app, tracked, watcher, reg))
    receiver = asyncio.create_task(answer_pings(websocket, dict))
    await until_first_ends(sender, receiver)


async def _push_loop(websocket: WebSocket, app: Any, tracked: TrackedTicket, watcher: Watcher,
                     reg: TrackSockets) -> None:
    settings = app.state.settings
    heartbeat = settings.heartbeat_seconds
    debounce = settings.track_debounce_seconds
    pace = settings.track_pace_seconds
    last_compute = 0.0
    last_view: str | None = None
    last_sent = time.monotonic()
    first = True
    while True:
        if not first:
            try:
                async with asyncio.timeout(max(0.0, heartbeat - (time.monotonic() - last_sent))):
                    await watcher.changed.wait()
            except TimeoutError:
                await websocket.send_text(dumps({"type": WsMessage.PING, "at": iso(utcnow())}))
                last_sent = time.monotonic()
                continue
            if debounce:
                await asyncio.sleep(debounce)  # let the rest of a burst land: one recompute
            # People ahead moving is paced (hundreds of phones in a busy hall each recompute
            # the estimate); the ticket's own change (called, finished) is not.
            remaining = pace - (time.monotonic() - last_compute)
            if remaining > 0 and not watcher.own.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(remaining):
                        await watcher.own.wait()
        first = False
        # Cleared before computing: events pumped while the thread runs trigger one more round.
        watcher.changed.clear()
        watcher.own.clear()
        last_compute = time.monotonic()
        view, state = await to_thread.run_sync(_compute, app, tracked.ticket_id,
                                               limiter=reg.limiter)
        if view is None:
            await websocket.close(CLOSE_NOT_FOUND, "ticket_not_found")
            return
        text = dumps(view)
        if text != last_view:  # many hall events change nothing for this ticket
            last_view = text
            await websocket.send_text(dumps({"type": "track", "at": iso(utcnow()), "data": view}))
            last_sent = time.monotonic()
        if state == "final":
            await websocket.close(CLOSE_FINAL, "final")
            return
        if state == "expired":
            await websocket.close(CLOSE_EXPIRED, "ticket_expired")
            return
