"""Application factory: wires settings, database, hub, middleware, the route map
(`server/api.py`) and the background loops (`server/lifespan.py`)."""

from __future__ import annotations

import asyncio
import hmac
import logging

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from server.alerts.models import Alert
from server.api import mount
from server.auth.cache import AUTH_ACK_CHANNEL, AUTH_CHANNEL, principals
from server.auth.principal import require
from server.auth.ratelimit import CredentialLimiter, open_storage
from server.auth.service import resolve_token
from server.board.service import board_snapshot
from server.core import clock
from server.core.config import Settings
from server.core.db import Database
from server.core.deps import bearer_token
from server.core.errors import install_error_handlers
from server.events.hub import Hub
from server.events.pglisten import PgListener
from server.lifespan import make_lifespan
from server.migrate import upgrade
from server.ops.disk import MB, storage_state
from server.ops.headers import SecurityHeadersMiddleware
from server.ops.inputguard import InputGuardMiddleware
from server.ops.limits import BodyLimitMiddleware
from server.ops.metrics import CONTENT_TYPE, Metrics, MetricsMiddleware
from server.ops.openapi import install_openapi
from server.ops.requestlog import RequestIdMiddleware
from server.ops.schemas import HealthOut, ReadyOut
from tongban_common.wire import StaffRole

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    """Build the FastAPI app; migrations run here so `python -m server` needs nothing else."""
    settings = settings or Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if migrate:
        upgrade(settings.effective_database_url)
    if settings.clock:
        clock.configure(settings.clock)
    db = Database(settings.effective_database_url, timeouts=settings.db_timeouts)
    # The hub's LISTEN connection also carries other processes' auth changes (cache.py).
    hub = Hub(db, queue_size=settings.ws_queue_size, poll_seconds=settings.hub_poll_seconds,
              extra_channels={AUTH_CHANNEL: principals.on_notify,
                              AUTH_ACK_CHANNEL: principals.on_ack},
              acks={AUTH_CHANNEL: AUTH_ACK_CHANNEL},
              on_listener=lambda listener: _sync_principals(db.url, listener),
              listen_ping_seconds=settings.listen_ping_seconds,
              listen_ping_timeout=settings.listen_ping_timeout_seconds)
    db.commit_listeners.append(hub.notify)

    app = FastAPI(
        title="Tongban 通办",
        version="1.0",
        description="Queue, kiosk and appointment server for government service halls.",
        lifespan=make_lifespan(db, hub, settings),
        docs_url=None,  # served by server/ops/docs.py without inline script (CSP)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.hub = hub
    app.state.board_snapshot = board_snapshot  # what a hall socket sends first (events/router.py)
    app.state.metrics_ws_open = 0
    metrics = Metrics(ws_connections=hub.subscriber_count)
    metrics.gauge("tongban_alerts_open", "Open supervision alerts", lambda: _open_alerts(db))
    metrics.counter("tongban_pg_listen_reconnects", "LISTEN connections lost (broken or "
                    "stalled) and re-established", hub.listen_reconnects)
    if db.group is not None:
        group = db.group
        metrics.counter("tongban_db_group_commits", "SQLite commits shared by several "
                        "write requests", lambda: group.batches)
        metrics.counter("tongban_db_grouped_writes", "write requests committed in a shared "
                        "commit", lambda: group.grouped)
    app.state.metrics = metrics
    app.state.limiter = CredentialLimiter({
        "login": settings.login_failures_per_client,
        "otp_verify": settings.otp_failures_per_client,
    }, storage=open_storage(settings.rate_limit_storage))
    install_error_handlers(app)
    install_openapi(app)
    app.add_middleware(InputGuardMiddleware)
    app.add_middleware(BodyLimitMiddleware, json_limit=settings.json_body_limit,
                       upload_limit=settings.upload_limit)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost: also on 413/400 refusals
    mount(app)  # the route map: server/api.py

    @app.get("/healthz", tags=["ops"], response_model=HealthOut)
    async def healthz() -> dict:
        """Liveness: the process answers (on the event loop: no database, no thread pool)."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"], response_model=None,
             responses={200: {"model": ReadyOut, "description": "ready"},
                        503: {"description": "database unreachable or data directory full",
                              "content": {"application/json": {"example": {
                                  "status": "unavailable", "database": "sqlite"}}}}})
    async def readyz() -> Response | dict:
        """Readiness: the data directory takes writes and the database answers in time."""
        kind = "sqlite" if db.is_sqlite else "postgresql"
        loop = asyncio.get_running_loop()
        try:
            # Both checks block (a disk write, a query): off the event loop, bounded in time.
            async with asyncio.timeout(settings.db_connect_timeout_seconds):
                disk = await loop.run_in_executor(
                    app.state.ready_threads, storage_state, settings.data_dir,
                    round(settings.min_free_mb * MB))
                if disk.problem:
                    log.warning("not ready: data directory %s (%d bytes free)", disk.problem,
                                disk.free_bytes)
                    return JSONResponse({"status": "unavailable", "database": kind,
                                         "storage": disk.problem}, 503)
                await loop.run_in_executor(app.state.ready_threads, _ping, db)
        except (SQLAlchemyError, TimeoutError) as exc:
            log.warning("readiness check failed: %s", exc.__class__.__name__)
            return JSONResponse({"status": "unavailable", "database": kind}, 503)
        return {"status": "ready", "database": kind}

    @app.get("/metrics", tags=["ops"], include_in_schema=False)
    def metrics_endpoint(request: Request) -> Response:
        """Prometheus exposition (metrics token or an admin's token)."""
        _check_metrics_access(request, settings, db)
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    return app


def _sync_principals(db_url: str, listener: PgListener | None) -> None:
    """Let the principal cache read pending auth NOTIFYs before trusting itself."""
    if listener is None:
        principals.listeners.pop(db_url, None)
    else:
        principals.listeners[db_url] = listener


def _ping(db: Database) -> None:
    with db.read() as s:
        s.execute(text("SELECT 1"))


def _open_alerts(db: Database) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Alert).where(Alert.cleared_at.is_(None)))


def _check_metrics_access(request: Request, settings: Settings, db: Database) -> None:
    token = bearer_token(request.headers.get("authorization"))
    if settings.metrics_token and token and hmac.compare_digest(token, settings.metrics_token):
        return
    with db.read() as s:
        principal = resolve_token(s, token) if token else None
    require(principal, staff=(StaffRole.ADMIN,))
