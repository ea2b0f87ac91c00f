"""Synchronous HTTP client for the public contract (docs/contract.md)."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import httpx

from hallclient.errors import ApiError, ServerUnreachable

log = logging.getLogger(__name__)


class HallApi:
    """Thin typed wrapper over httpx with JSON errors mapped to ApiError."""

    def __init__(self, base_url: str, token: str | None = None, *, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout)

    # ------------------------------------------------------------------ plumbing

    @property
    def ws_base(self) -> str:
        """ws:// or wss:// form of the base URL."""
        if self.base_url.startswith("https://"):
            return "wss://" + self.base_url[len("https://"):]
        return "ws://" + self.base_url.removeprefix("http://")

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                headers: dict[str, str] | None = None, raw: bool = False) -> Any:
        """One request; returns parsed JSON (None for 204) or raises ApiError/ServerUnreachable."""
        hdrs = dict(headers or {})
        if self.token:
            hdrs["Authorization"] = f"Bearer {self.token}"
        try:
            r = self._http.request(method, path, json=json, params=params, headers=hdrs)
        except httpx.HTTPError as exc:
            raise ServerUnreachable(f"无法连接服务器：{exc.__class__.__name__}") from exc
        if r.status_code >= 400:
            raise _api_error(r)
        if raw:
            return r.content
        if r.status_code == 204 or not r.content:
            return None
        return r.json()

    def with_retries(self, method: str, path: str, *, attempts: int = 3, backoff: float = 0.5,
                     **kwargs: Any) -> Any:
        """Retry only when the server was unreachable (same request, same idempotency key)."""
        for attempt in range(1, attempts + 1):
            try:
                return self.request(method, path, **kwargs)
            except ServerUnreachable:
                if attempt == attempts:
                    raise
                time.sleep(backoff * attempt)
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ auth and catalog

    def login(self, username: str, password: str) -> dict[str, Any]:
        """Staff login; keeps the token for later calls."""
        data = self.request("POST", "/api/v1/auth/login",
                            json={"username": username, "password": password})
        self.token = data["access_token"]
        return data

    def me(self) -> dict[str, Any]:
        """Who the token belongs to."""
        return self.request("GET", "/api/v1/auth/me")

    def halls(self) -> list[dict[str, Any]]:
        """All halls."""
        return self.request("GET", "/api/v1/halls")

    def services(self, hall: str) -> list[dict[str, Any]]:
        """Catalog with live waiting counts and estimated waits."""
        return self.request("GET", f"/api/v1/halls/{hall}/services")

    def board(self, hall: str) -> dict[str, Any]:
        """Board snapshot (windows, current numbers, recent calls, queues, seq)."""
        return self.request("GET", f"/api/v1/halls/{hall}/board")

    def track(self, tracking_token: str) -> dict[str, Any]:
        """Public tracking view of a ticket."""
        return self.request("GET", f"/api/v1/track/{tracking_token}")

    # ------------------------------------------------------------------ kiosk

    def ticket_by_number(self, hall: str, number: str) -> dict[str, Any]:
        """Today's ticket of the hall by its number (kiosk/staff): queue facts only."""
        return self.request("GET", f"/api/v1/halls/{hall}/tickets/by-number/{number}")

    @staticmethod
    def new_idempotency_key() -> str:
        """A fresh key; reuse it for every retry of the same intent."""
        return uuid.uuid4().hex

    def issue_ticket(self, hall: str, service_code: str, *, id_number: str | None = None,
                     idempotency_key: str | None = None, retries: int = 3) -> dict[str, Any]:
        """Issue a ticket; retried with the same Idempotency-Key so a retry never makes two."""
        body: dict[str, Any] = {"service_code": service_code}
        if id_number:
            body["id_number"] = id_number
        key = idempotency_key or self.new_idempotency_key()
        return self.with_retries("POST", f"/api/v1/halls/{hall}/tickets", json=body,
                                 headers={"Idempotency-Key": key}, attempts=retries)

    def checkin(self, hall: str, **body: Any) -> dict[str, Any]:
        """Appointment check-in by booking_code or id_number → ticket."""
        return self.request("POST", f"/api/v1/halls/{hall}/checkins", json=body)

    # ------------------------------------------------------------------ counter

    def windows(self, hall: str) -> list[dict[str, Any]]:
        """Windows of a hall."""
        return self.request("GET", "/api/v1/windows", params={"hall": hall})

    def window(self, window_id: int) -> dict[str, Any]:
        """One window."""
        return self.request("GET", f"/api/v1/windows/{window_id}")

    def set_window_state(self, window_id: int, state: str) -> dict[str, Any]:
        """open / pause / close."""
        return self.request("POST", f"/api/v1/windows/{window_id}/{state}")

    def call_next(self, window_id: int) -> dict[str, Any] | None:
        """Next ticket for the window, or None when nobody is waiting."""
        return self.request("POST", f"/api/v1/windows/{window_id}/call-next")

    def window_queue(self, window_id: int) -> dict[str, Any]:
        """Waiting list in the order this window would call it."""
        return self.request("GET", f"/api/v1/windows/{window_id}/queue")

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        """Full ticket (staff)."""
        return self.request("GET", f"/api/v1/tickets/{ticket_id}")

    def ticket_action(self, ticket_id: int, action: str) -> dict[str, Any]:
        """recall / start / complete / no-show / requeue / cancel / hang / resume."""
        return self.request("POST", f"/api/v1/tickets/{ticket_id}/{action}")

    def transfer(self, ticket_id: int, *, reason: str, service_code: str | None = None,
                 window_id: int | None = None) -> dict[str, Any]:
        """Transfer a serving ticket to another service or window."""
        body = {"reason": reason, "service_code": service_code, "window_id": window_id}
        return self.request("POST", f"/api/v1/tickets/{ticket_id}/transfer", json=body)


    # ------------------------------------------------------------------ counter client (issue 6)

    def suspended(self, window_id: int) -> list[dict[str, Any]]:
        """Today's suspended (挂起) tickets of a window."""
        return self.request("GET", f"/api/v1/windows/{window_id}/suspended")

    def my_today(self) -> dict[str, Any]:
        """The logged-in clerk's own counts for today."""
        return self.request("GET", "/api/v1/staff/me/today")

    def request_rating(self, ticket_id: int) -> dict[str, Any]:
        """Ask the citizen of a finished ticket to rate (好差评)."""
        return self.request("POST", f"/api/v1/tickets/{ticket_id}/rating-request")

    def ticket_checklist(self, ticket_id: int) -> dict[str, Any]:
        """Every material of a ticket's service (未提交 first) and, for the clerk handling it,
        the citizen's full name (the server audits that read)."""
        return self.request("GET", f"/api/v1/tickets/{ticket_id}/checklist")

    def material_content(self, material_id: int) -> tuple[bytes, str]:
        """Raw bytes and content type of one material (the server audits every read)."""
        hdrs = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            r = self._http.get(f"/api/v1/materials/{material_id}/content", headers=hdrs)
        except httpx.HTTPError as exc:
            raise ServerUnreachable(f"无法连接服务器：{exc.__class__.__name__}") from exc
        if r.status_code >= 400:
            raise _api_error(r)
        return r.content, r.headers.get("content-type", "application/octet-stream")

    def verify_material(self, material_id: int) -> dict[str, Any]:
        """Mark a material as checked against the original by the clerk."""
        return self.request("POST", f"/api/v1/materials/{material_id}/verify")

    def licence_materials(self, ticket_id: int,
                          service_code: str | None = None) -> list[dict[str, Any]]:
        """The materials of a ticket's service for 受理, licence-fetched ones marked."""
        params = {"service_code": service_code} if service_code else None
        return self.request("GET", f"/api/v1/tickets/{ticket_id}/licence-materials",
                             params=params)

    def pickup_slots(self, hall: str, service_code: str) -> dict[str, Any]:
        """Free 窗口取件 slots for an application of this service accepted now."""
        return self.request("GET", f"/api/v1/halls/{hall}/pickup-slots",
                            params={"service_code": service_code})

    def accept_application(self, ticket_id: int, **body: Any) -> dict[str, Any]:
        """受理: turn the ticket being served (or just finished) into a 办件."""
        return self.request("POST", f"/api/v1/tickets/{ticket_id}/application", json=body)

    # ------------------------------------------------------------------ rating pad (评价器)

    def ratepad_state(self) -> dict[str, Any]:
        """The pad's window, signed-in clerk, levels, reasons and a prompt it may have missed."""
        return self.request("GET", "/api/v1/ratepad/state")

    def ratepad_rate(self, ticket_id: int, rating: int, reasons: list[str]) -> dict[str, Any]:
        """Rate a ticket finished at the pad's window (409 already_rated the second time)."""
        return self.request("POST", "/api/v1/ratepad/ratings",
                            json={"ticket_id": ticket_id, "rating": rating, "reasons": reasons})


def _api_error(r: httpx.Response) -> ApiError:
    try:
        err = r.json().get("error", {})
        return ApiError(r.status_code, str(err.get("code", "error")), str(err.get("message", "")))
    except (ValueError, AttributeError):
        return ApiError(r.status_code, "http_error", r.text[:200] or f"HTTP {r.status_code}")
