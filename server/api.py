"""The route map: every router of the server and the prefix it is mounted under.

Routers declare only their own paths; the `/api/v1` prefix of the JSON API is given here, once.
Order matters: routes match in this order (the page routers with `{name:path}` come last).
`/healthz`, `/readyz` and `/metrics` are defined in `server/app.py` (they need the app's
database and settings directly).

| prefix | router | serves |
|---|---|---|
| /api/v1 | auth | login, logout, me, staff accounts |
| /api/v1 | catalog | halls and service items |
| /api/v1 | windows | windows: list, create, open/pause/close, their services |
| /api/v1 | devices | device registration, tokens, a kiosk's status and help calls |
| /api/v1 | tickets | issue, call-next, transitions, a window's queue and suspended tickets |
| /api/v1 | board | the wall board snapshot |
| (root) | tracking | /api/v1/track/{token} and WS /ws/track/{token} (the citizen's number) |
| /api/v1 | evaluations | 评价 of tickets |
| (root) | events | WS /ws/halls/{hall} (the hall's event stream) |
| /api/v1 | stats | statistics, the live view, a clerk's day, exports |
| /api/v1 | alerts | 电子监察 alerts |
| /api/v1 | cases | follow-up cases of poor ratings |
| /api/v1 | audit | manager configuration and the audit log |
| (root) | dashboard | /dashboard pages |
| /api/v1 | citizens | citizen accounts (OTP login) |
| /api/v1 | appointments | online booking, check-in |
| /api/v1 | materials | pre-submitted materials |
| (root) | portal | /portal pages and the tracking page /t/{token} |
| (root) | display_page | /display/{hall} browser wall screen |
| /api/v1 | ratepad | /api/v1/ratepad/... (评价器 device API) |
| (root) | ratepad page | /ratepad/ page |
| (root) | ops docs | /docs, /redoc (CSP-safe Swagger UI) |
| /api/v1 | applications | 办件, licences, an application's rating |
| (root) | applications page | /backoffice pages |
| (root) | ops site | / (to the portal) and /favicon.ico |
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from server.alerts.router import router as alerts_router
from server.applications.page import router as backoffice_router
from server.applications.router import router as applications_router
from server.appointments.router import router as appointments_router
from server.audit.router import router as audit_router
from server.auth.router import router as auth_router
from server.board.router import router as board_router
from server.cases.router import router as cases_router
from server.catalog.router import router as catalog_router
from server.citizens.router import router as citizens_router
from server.dashboard.router import router as dashboard_router
from server.devices.router import router as devices_router
from server.display_page.router import router as display_page_router
from server.evaluations.router import router as evaluations_router
from server.events.router import router as events_router
from server.materials.router import router as materials_router
from server.ops.docs import router as docs_router
from server.ops.site import router as site_router
from server.portal.router import router as portal_router
from server.ratepad.router import page_router as ratepad_page_router
from server.ratepad.router import router as ratepad_router
from server.stats.router import router as stats_router
from server.tickets.router import router as tickets_router
from server.tracking.router import router as tracking_router
from server.windows.router import router as windows_router

API_PREFIX = "/api/v1"
ROOT = ""

# (prefix, router) in matching order.
ROUTES: tuple[tuple[str, APIRouter], ...] = (
    (API_PREFIX, auth_router),
    (API_PREFIX, catalog_router),
    (API_PREFIX, windows_router),
    (API_PREFIX, devices_router),
    (API_PREFIX, tickets_router),
    (API_PREFIX, board_router),
    (ROOT, tracking_router),  # /api/v1/track/... and /ws/track/...
    (API_PREFIX, evaluations_router),
    (ROOT, events_router),  # /ws/halls/...
    (API_PREFIX, stats_router),
    (API_PREFIX, alerts_router),
    (API_PREFIX, cases_router),
    (API_PREFIX, audit_router),
    (ROOT, dashboard_router),
    (API_PREFIX, citizens_router),
    (API_PREFIX, appointments_router),
    (API_PREFIX, materials_router),
    (ROOT, portal_router),
    (ROOT, display_page_router),
    (API_PREFIX, ratepad_router),  # its own prefix /ratepad inside the API
    (ROOT, ratepad_page_router),
    (ROOT, docs_router),
    (API_PREFIX, applications_router),
    (ROOT, backoffice_router),
    (ROOT, site_router),
)


def mount(app: FastAPI) -> None:
    """Include every router of the route map in the app, in order."""
    for prefix, router in ROUTES:
        app.include_router(router, prefix=prefix)
