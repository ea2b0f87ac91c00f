"""WS /ws/halls/{hall}: replay after `since` (or a snapshot), then live events."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlalchemy.exc import SQLAlchemyError

from server.auth.principal import Principal
from server.auth.service import resolve_token
from server.catalog.models import Hall
from server.catalog.service import get_hall
from server.core.clock import iso, utcnow
from server.core.db import Database
from server.core.errors import DomainError, Forbidden, Unauthorized
from server.devices.service import touch_device
from server.events.hub import Hub, Subscriber, dumps
from server.events.service import envelope, events_after
from tongban_common.wire import ErrorCode, WsMessage

log = logging.getLogger(__name__)
router = APIRouter()

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_SLOW = 4408
CLOSE_INTERNAL_ERROR = 1011
CLOSE_TRY_AGAIN_LATER = 1013
# What a websocket raises when its client has gone (closed, reset, or sent after closing).
CLIENT_GONE = (WebSocketDisconnect, RuntimeError, ConnectionError)


@router.websocket("/ws/halls/{hall_code}")
async def hall_events(websocket: WebSocket, hall_code: str) -> None:
    """Stream a hall's events to a device or staff client."""
    app = websocket.app
    await websocket.accept()
    token = websocket.query_params.get("token") or _header_token(websocket)
    since_raw = websocket.query_params.get("since")
    try:
        since = int(since_raw) if since_raw not in (None, "") else None
    except ValueError:
        await websocket.close(1008, "since must be an integer")
        return
    try:
        hall, principal = await to_thread.run_sync(_authorize, app, hall_code, token)
    except DomainError as exc:
        code = {401: CLOSE_UNAUTHORIZED, 403: CLOSE_FORBIDDEN, 404: CLOSE_NOT_FOUND,
                503: CLOSE_TRY_AGAIN_LATER}.get(
            exc.status, 1008
        )
        await websocket.close(code, exc.code)
        return
    except Exception as exc:  # database down, disk full...: say so, do not just drop
        await _close_failed(websocket, exc)
        return
    hub: Hub = app.state.hub
    sub = await hub.subscribe(hall, private=principal.sees_personal_data)
    app.state.metrics_ws_open = getattr(app.state, "metrics_ws_open", 0) + 1
    try:
        await _catch_up(websocket, app, hall, principal, sub, since)
        await _run(websocket, app, principal, sub, token or "")
    except CLIENT_GONE:
        pass
    except Exception as exc:
        await _close_failed(websocket, exc)
    finally:
        hub.unsubscribe(hall.id, sub)
        app.state.metrics_ws_open -= 1


async def _close_failed(websocket: WebSocket, exc: Exception) -> None:
    """Close with a code the client can act on: 1013 (retry later) when the database or the
    disk is unavailable, 1011 for anything else."""
    if isinstance(exc, SQLAlchemyError | OSError):
        log.warning("websocket closed, service unavailable: %s", exc.__class__.__name__)
        code, reason = CLOSE_TRY_AGAIN_LATER, "service unavailable: reconnect later"
    else:
        log.error("websocket failed", exc_info=exc)
        code, reason = CLOSE_INTERNAL_ERROR, "internal error"
    with contextlib.suppress(Exception):  # the client may be gone already
        await websocket.close(code, reason)


def _touch_quietly(db: Database, device_id: int) -> None:
    """Record a device heartbeat; a failed write (disk full) must not cut the device's feed."""
    try:
        touch_device(db, device_id)
    except (SQLAlchemyError, OSError) as exc:
        log.warning("heartbeat of device %s not recorded: %s", device_id, exc)


def _header_token(websocket: WebSocket) -> str | None:
    auth = websocket.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _authorize(app: Any, hall_code: str, token: str | None) -> tuple[Hall, Principal]:
    with app.state.db.read() as s:
        hall = get_hall(s, hall_code)
        principal = resolve_token(s, token) if token else None
    if principal is None:
        raise Unauthorized("missing or invalid token", code=ErrorCode.INVALID_TOKEN)
    if principal.kind == "citizen" or not principal.can_access_hall(hall.id):
        raise Forbidden("no access to this hall", code=ErrorCode.FORBIDDEN_HALL)
    if principal.kind == "device":
        # Rate-limited like heartbeats: a reconnect storm of displays sharing a token (or
        # reconnecting within 30 s) must not queue thousands of writes ahead of kiosks.
        _touch_quietly(app.state.db, principal.id)
    return hall, principal


async def _catch_up(
    websocket: WebSocket, app: Any, hall: Hall, principal: Principal, sub: Subscriber,
    since: int | None,
) -> None:
    """Send missed events, or a snapshot when none/too many; live ones queue meanwhile."""
    limit = app.state.settings.ws_replay_limit

    def load() -> tuple[list[str], dict[str, Any] | None, int]:
        with app.state.db.read() as s:
            fresh = s.get(Hall, hall.id)
            assert fresh is not None
            if since is not None and since <= fresh.event_seq:
                events = events_after(s, hall_id=hall.id, since=since, limit=limit + 1)
                if len(events) <= limit:
                    private = principal.sees_personal_data
                    msgs = [dumps(envelope(e, hall.code, include_private=private)) for e in events]
                    return msgs, None, events[-1].seq if events else since
            # The board (a layer above) gives the snapshot: app.state.board_snapshot, set in app.py.
            snap = app.state.board_snapshot(s, fresh, app.state.settings)
            return [], snap, snap["seq"]

    messages, snapshot, delivered = await to_thread.run_sync(load)
    if snapshot is not None:
        await websocket.send_text(dumps({"type": WsMessage.SNAPSHOT, "seq": delivered,
                                         "data": snapshot}))
    for text in messages:
        await websocket.send_text(text)
    sub.delivered = delivered
    # Drop anything queued live that the replay already covered.
    kept = []
    while not sub.queue.empty():
        seq, text = sub.queue.get_nowait()
        if seq > delivered:
            kept.append((seq, text))
    for item in kept:
        sub.queue.put_nowait(item)


async def _run(websocket: WebSocket, app: Any, principal: Principal, sub: Subscriber,
               token: str) -> None:
    """Pump queued events out and answer client pings until either side stops."""
    heartbeat = app.state.settings.heartbeat_seconds
    sender = asyncio.create_task(_send_loop(websocket, app, sub, heartbeat, token))
    receiver = asyncio.create_task(_receive_loop(websocket, app, principal, sub))
    overflow = asyncio.create_task(sub.overflowed.wait())
    if overflow in await until_first_ends(sender, receiver, overflow):
        log.info("websocket client too slow; disconnecting it")
        with contextlib.suppress(Exception):
            await websocket.close(CLOSE_TOO_SLOW, "too slow: reconnect with since")


async def until_first_ends(*tasks: asyncio.Task[Any]) -> set[asyncio.Task[Any]]:
    """Wait for the first task to end, cancel the others, return the ended ones.

    Each ended task's exception is retrieved (asyncio otherwise logs "Task exception was
    never retrieved" with a traceback for every client that leaves); a client leaving is
    no error, anything else is raised.
    """
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    for task in done:
        error = task.exception()
        if error is not None and not isinstance(error, CLIENT_GONE):
            raise error
    return done


async def _send_loop(websocket: WebSocket, app: Any, sub: Subscriber, heartbeat: float,
                     token: str) -> None:
    queue = sub.queue
    loop = asyncio.get_running_loop()
    # The heartbeat is one timer per period, re-armed from the last send when it fires,
    # not a timeout armed and cancelled around every event (that was ~15 % of the fan-out's
    # CPU with 1,000 displays).
    sub.last_sent = loop.time()
    timer: asyncio.TimerHandle | None = None

    def check_idle() -> None:
        nonlocal timer
        due = sub.last_sent + heartbeat
        if loop.time() >= due:
            timer = None
            queue.idle()
        else:
            timer = loop.call_at(due, check_idle)

    async def send(text: str) -> None:
        sub.busy = True  # the pump queues behind a send of ours that may be suspended
        try:
            await websocket.send_text(text)
        finally:
            sub.busy = False
        sub.last_sent = loop.time()

    # From here on the pump writes events itself while nothing is queued or in flight.
    sub.direct = websocket.send_text
    try:
        while True:
            if timer is None:
                timer = loop.call_at(sub.last_sent + heartbeat, check_idle)
            item = await queue.get_or_idle()
            if sub.stalled is not None:
                # A direct send had to wait: it goes out before anything queued after it.
                await sub.finish_stalled()
                sub.last_sent = loop.time()
            if sub.error is not None:
                raise sub.error
            if item is None:
                if loop.time() < sub.last_sent + heartbeat:
                    continue  # woken by the pump, or something was sent meanwhile
                # A revoked device or logged-out user loses its live feed by the next heartbeat.
                if not await to_thread.run_sync(_token_still_valid, app, token):
                    sub.direct = None
                    await websocket.close(CLOSE_UNAUTHORIZED, "token revoked or expired")
                    return
                await send(dumps({"type": WsMessage.PING, "at": iso(utcnow())}))
                continue
            seq, text = item
            if seq > sub.delivered:
                sub.delivered = seq
                await send(text)
    finally:
        sub.direct = None
        if timer is not None:
            timer.cancel()


def _token_still_valid(app: Any, token: str) -> bool:
    with app.state.db.read() as s:
        return resolve_token(s, token) is not None


async def answer_pings(websocket: WebSocket, pong: Callable[[], dict[str, Any]],
                       on_ping: Callable[[], Awaitable[None]] | None = None) -> None:
    """Read client messages until the socket closes; a {"type": "ping"} gets a pong."""
    while True:
        raw = await websocket.receive_text()
        try:
            msg = json.loads(raw)
        except ValueError:
            continue
        if isinstance(msg, dict) and msg.get("type") == WsMessage.PING:
            await websocket.send_text(dumps({"type": WsMessage.PONG, **pong(),
                                             "at": iso(utcnow())}))
            if on_ping is not None:
                await on_ping()


async def _receive_loop(
    websocket: WebSocket, app: Any, principal: Principal, sub: Subscriber
) -> None:
    async def touch() -> None:
        await to_thread.run_sync(_touch_quietly, app.state.db, principal.id)

    await answer_pings(websocket, lambda: {"seq": sub.delivered},
                       touch if principal.kind == "device" else None)
