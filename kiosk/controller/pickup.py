"""取件: the ID card finds results ready for pickup and prints a number in the 出件 queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hallclient import ApiError
from kiosk.controller.take import TakeNumberFlow
from kiosk.state import Intent, Screen
from kiosk.voice import SWIPE_ID
from printers import TicketSlip


class PickupFlow(TakeNumberFlow):
    """ID → POST /halls/{hall}/pickups → the 出件 number, printed with what it collects."""

    def open_pickup(self) -> None:
        """Home → 取件: ID card or typed ID number."""
        self._reset_id()
        self.state.pickup_message_key = None
        self._show(Screen.PICKUP)
        self._say(SWIPE_ID)

    def find_pickup(self) -> None:
        """Ask for the 出件 number of the results ready for the ID read or typed (a second
        press gets the number still queued, never a second one)."""
        if self.state.id_check.ok:
            self._start(Intent("pickup", {"id_number": self.state.id_check.value}))

    def _request_for(self, intent: Intent) -> Callable[[], Any]:
        if intent.kind == "pickup":
            path, body = f"/api/v1/halls/{self.config.hall}/pickups", intent.body
            return lambda: self.api.request("POST", path, json=body)
        return super()._request_for(intent)

    def _finished(self, intent: Intent, result: Any) -> None:
        if intent.kind == "pickup":
            self._ticket_issued(result, Screen.PICKUP_RESULT)
        else:
            super()._finished(intent, result)

    def _refused(self, intent: Intent, exc: Exception) -> bool:
        if intent.kind == "pickup" and isinstance(exc, ApiError) and exc.status in (404, 422):
            self._reset_id()
            self.state.pickup_message_key = ("pickup_none" if exc.status == 404
                                             else "cases_bad_id")
            self._show(Screen.PICKUP)
            return True
        return super()._refused(intent, exc)

    def _error_back(self, intent: Intent) -> Screen:
        return Screen.PICKUP if intent.kind == "pickup" else super()._error_back(intent)

    def _slip(self, ticket: dict[str, Any]) -> TicketSlip:
        """A 取件 slip names what it collects (service and receipt number, no personal data)."""
        slip = super()._slip(ticket)
        apps = ticket.get("applications") or []
        if apps:
            lines = [self.text("pickup_slip_item", s=a.get("service_name", ""),
                               r=a.get("receipt_no", "")) for a in apps]
            return replace(slip, notice="；".join([*lines, self.text("pickup_slip_notice")]))
        return slip
