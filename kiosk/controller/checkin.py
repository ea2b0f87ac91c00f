"""预约签到: find today's appointment by ID card, typed ID number or booking QR; check in."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hallclient import ApiError
from kiosk.controller.take import TakeNumberFlow
from kiosk.state import BOOKING_RE, Intent, Screen


class CheckinFlow(TakeNumberFlow):
    """Appointment lookup and check-in (the ticket is shown like any other)."""

    def open_checkin(self) -> None:
        """Home → check-in (card, QR or keypad)."""
        self._reset_id()
        self.state.appointments = []
        self._show(Screen.CHECKIN)

    def find_appointment(self) -> None:
        """Look up today's appointment by the typed ID number."""
        if self.state.id_check.ok:
            self._start(Intent("lookup", {"id_number": self.state.id_check.value}))

    def lookup_booking(self, qr_text: str) -> None:
        """Look up by a scanned booking QR (the code itself or a URL ending in it)."""
        code = extract_booking_code(qr_text)
        if code:
            self._start(Intent("lookup", {"booking_code": code}))

    def do_checkin(self, booking_code: str) -> None:
        """Check the appointment in → ticket."""
        self._start(Intent("checkin", {"booking_code": booking_code}))

    # ------------------------------------------------------------------ intents

    def _request_for(self, intent: Intent) -> Callable[[], Any]:
        path, body, key = f"/api/v1/halls/{self.config.hall}/checkins", intent.body, intent.key
        if intent.kind == "checkin":
            return lambda: self.api.request("POST", path, json=body,
                                            headers={"Idempotency-Key": key})
        if intent.kind == "lookup":
            return lambda: self.api.request("POST", f"{path}/lookup", json=body)
        return super()._request_for(intent)

    def _finished(self, intent: Intent, result: Any) -> None:
        if intent.kind == "checkin":
            self._ticket_issued(result)
        elif intent.kind == "lookup":
            self.state.appointments = list(result.get("appointments", []))
            self._show(Screen.APPOINTMENT)
        else:
            super()._finished(intent, result)

    def _refused(self, intent: Intent, exc: Exception) -> bool:
        if isinstance(exc, ApiError) and exc.code == "appointment_not_found":
            # the error screen offers 直接取号: the citizen is here anyway
            self._show_error("appointment_none", exc, Screen.CHECKIN)
            return True
        return super()._refused(intent, exc)

    def _error_back(self, intent: Intent) -> Screen:
        if intent.kind in ("lookup", "checkin"):
            return Screen.CHECKIN
        return super()._error_back(intent)


def to_bring(appointment: dict[str, Any]) -> list[dict[str, Any]]:
    """Materials the citizen must bring on paper: rejected in pre-review, or required and never
    submitted (a material the 电子证照库 holds is never asked for)."""
    return [m for m in appointment.get("materials") or []
            if m.get("status") == "rejected"
            or (m.get("status") == "missing" and m.get("required"))]


def extract_booking_code(text: str) -> str | None:
    """The booking code in a scanned QR: the bare code, `...code=K7PQ2M` or a URL's last part."""
    raw = text.strip()
    match = re.search(r"(?:booking_code|code)=([A-Za-z0-9]+)", raw)
    if match:
        return match.group(1).upper()
    last = raw.rstrip("/").rsplit("/", 1)[-1].upper()
    found = BOOKING_RE.fullmatch(last)
    return found.group(0) if found else None
