"""Application factory: wires settings, database, hub and routers."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from server.alerts.models import Alert
from server.alerts.router import router as alerts_router
from server.alerts.runner import alert_loop, storage_conditions
from server.applications.page import router as backoffice_router
from server.applications.router import router as applications_router
from server.appointments.router import router as appointments_router
from server.audit.router import router as audit_router
from server.auth.cache import AUTH_ACK_CHANNEL, AUTH_CHANNEL, principals
from server.auth.ratelimit import CredentialLimiter, open_storage
from server.auth.router import router as auth_router
from server.board.router import router as board_router
from server.cases.router import router as cases_router
from server.catalog.router import router as catalog_router
from server.citizens.router import router as citizens_router
from server.core import clock
from server.core.config import Settings
from server.core.db import Database
from server.core.errors import install_error_handlers
from server.dashboard.router import router as dashboard_router
from server.devices.router import router as devices_router
from server.display_page.router import router as display_page_router
from server.evaluations.router import router as evaluations_router
from server.events.hub import Hub
from server.events.pglisten import PgListener
from server.events.router import router as events_router
from server.materials.router import router as materials_router
from server.migrate import upgrade
from server.ops.disk import MB, storage_state
from server.ops.docs import router as docs_router
from server.ops.headers import SecurityHeadersMiddleware
from server.ops.inputguard import InputGuardMiddleware
from server.ops.limits import BodyLimitMiddleware
from server.ops.metrics import CONTENT_TYPE, Metrics, MetricsMiddleware
from server.ops.openapi import install_openapi
from server.ops.requestlog import RequestIdMiddleware
from server.ops.schemas import HealthOut, ReadyOut
from server.ops.site import router as site_router
from server.portal.router import router as portal_router
from server.ratepad.router import page_router as ratepad_page_router
from server.ratepad.router import router as ratepad_router
from server.retention.runner import retention_loop
from server.stats.router import router as stats_router
from server.tickets.router import router as tickets_router
from server.tracking.reminders import reminder_watch
from server.tracking.router import router as tracking_router
from server.windows.router import router as windows_router
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

    @asynccontextmanager
    async def lifespan(started: FastAPI) -> AsyncIterator[None]:
        # Readiness checks run apart from the request threads, which a database outage fills.
        started.state.ready_threads = ThreadPoolExecutor(2, thread_name_prefix="readyz")
        hub.start()
        await reminder_watch(started).resume()
        alerts = (asyncio.create_task(alert_loop(db, settings.alert_interval_seconds,
                                                 extra=lambda: storage_conditions(settings)))
                  if settings.alert_interval_seconds > 0 else None)
        retention = (asyncio.create_task(retention_loop(db, settings))
                     if settings.retention_interval_hours > 0 else None)
        try:
            yield
        finally:
            if retention is not None:
                retention.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await retention
            if alerts is not None:
                alerts.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await alerts
            await reminder_watch(started).stop()
            await hub.stop()
            started.state.ready_threads.shutdown(wait=False, cancel_futures=True)
            db.dispose()

    app = FastAPI(
        title="Tongban 通办",
        version="1.0",
        description="Queue, kiosk and appointment server for government service halls.",
        lifespan=lifespan,
        docs_url=None,  # served by server/ops/docs.py without inline script (CSP)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.hub = hub
    app.state.metrics_ws_open = 0
    metrics = Metrics(ws_connections=hub.subscriber_count)
    metrics.gauge("tongban_alerts_open", "Open supervision alerts", lambda: _open_alerts(db))
    metrics.counter("tongban_pg_listen_reconnects", "LISTEN connections lost (broken or "
                    "stalled) and re-established", hub.listen_reconnects)
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
    for router in (auth_router, catalog_router, windows_router, devices_router, tickets_router,
                   board_router, tracking_router, evaluations_router, events_router,
                   stats_router, alerts_router, cases_router, audit_router, dashboard_router,
                   citizens_router, appointments_router, materials_router, portal_router,
                   display_page_router, ratepad_router, ratepad_page_router, docs_router,
                   applications_router, backoffice_router, site_router):
        app.include_router(router)

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
    from server.auth.principal import require
    from server.auth.service import resolve_token
    from server.core.deps import bearer_token

    token = bearer_token(request.headers.get("authorization"))
    if settings.metrics_token and token and hmac.compare_digest(token, settings.metrics_token):
        return
    with db.read() as s:
        principal = resolve_token(s, token) if token else None
    require(principal, staff=(StaffRole.ADMIN,))
