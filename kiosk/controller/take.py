"""取号: category → service → optional ID card / number → ticket, printed (and reprinted)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from hallclient import ApiError
from kiosk.controller.base import ControllerBase
from kiosk.printing import error_key, slip_from_ticket, slot_text
from kiosk.state import PRINTER_ERROR_STATES, Intent, Screen
from kiosk.voice import SWIPE_ID, your_number
from printers import TicketSlip

log = logging.getLogger(__name__)


class TakeNumberFlow(ControllerBase):
    """Choosing a service and getting its number; the ticket screen and its slip."""

    def take_number(self) -> None:
        """Home → categories (or straight to services when the hall has one category)."""
        if not self.state.services_loaded:
            self.refresh_services()
        cats = self.state.categories()
        if len(cats) == 1:
            self.state.category = cats[0][0]
            self._show(Screen.SERVICES)
            return
        self._show(Screen.CATEGORIES)

    def choose_category(self, category: str) -> None:
        """Category → its services."""
        self.state.category = category
        self._show(Screen.SERVICES)

    def choose_service(self, code: str) -> None:
        """Service → optional ID card / number; first a question when no window serves it."""
        svc = next((s for s in self.state.services if s["code"] == code), None)
        if svc is None:
            return
        self.state.service = svc
        if svc.get("accepting") is False:
            self._show(Screen.NO_WINDOW)
            return
        self.take_anyway()

    def take_anyway(self) -> None:
        """The chosen service → optional ID card / number (after 仍要取号 too)."""
        self._reset_id()
        self._show(Screen.ID_PROMPT)
        self._say(SWIPE_ID)

    def skip_id(self) -> None:
        """Take a number without an ID."""
        if self.state.service:
            self._start(Intent("ticket", {"service_code": self.state.service["code"]}))

    def confirm_id(self) -> None:
        """Take a number with the (valid) ID number: the server may grant the green channel."""
        if self.state.service and self.state.id_check.ok:
            self._start(Intent("ticket", {"service_code": self.state.service["code"],
                                          "id_number": self.state.id_check.value}))

    # ------------------------------------------------------------------ intents

    def _request_for(self, intent: Intent) -> Callable[[], Any]:
        if intent.kind == "ticket":
            hall, body, key = self.config.hall, intent.body, intent.key
            return lambda: self.api.issue_ticket(hall, body["service_code"],
                                                 id_number=body.get("id_number"),
                                                 idempotency_key=key, retries=1)
        return super()._request_for(intent)

    def _finished(self, intent: Intent, result: Any) -> None:
        if intent.kind == "ticket":
            self._ticket_issued(result)
        else:
            super()._finished(intent, result)

    def _refused(self, intent: Intent, exc: Exception) -> bool:
        if isinstance(exc, ApiError) and exc.code == "no_open_window":
            # The hall refuses numbers nobody would serve: 返回 = choose another service, whose
            # counts on screen are stale.
            self._show_error("no_window_title", exc, Screen.SERVICES)
            self.refresh_services()
            return True
        return super()._refused(intent, exc)

    # ------------------------------------------------------------------ ticket and printing

    def _ticket_issued(self, ticket: dict[str, Any], screen: Screen = Screen.TICKET) -> None:
        """Show a new number (queue ticket, check-in or 取件), say it and print it."""
        s = self.state
        s.ticket = ticket
        s.ticket_link = self.config.tracking_link(ticket["tracking_token"])
        appt = ticket.get("appointment")
        s.appointment_line = (self.text("appt_checked_in_line", s=slot_text(appt, self.hall_tz))
                              if appt else None)
        s.print_state = None
        self.touch()
        self._show(screen)
        self._say(your_number(ticket["number"]))
        self.refresh_services()
        self.print_ticket()

    def _slip(self, ticket: dict[str, Any]) -> TicketSlip:
        """What the printer prints for the ticket on screen."""
        s = self.state
        return slip_from_ticket(ticket, tracking_url=s.ticket_link, hall_name=s.hall_name,
                                appointment_line=s.appointment_line, tz=self.hall_tz,
                                priority_label=self.priority_label(ticket))

    def print_ticket(self) -> None:
        """Print the ticket on screen (again, after a failure: the number stays the same)."""
        s = self.state
        ticket = s.ticket
        if ticket is None or s.print_state == "printing":
            return
        s.print_state, s.print_error_key = "printing", None
        self._changed()
        slip = self._slip(ticket)

        def done(_: Any) -> None:
            if s.ticket is ticket:
                s.print_state = "printed"
                self._changed()

        def failed(exc: Exception) -> None:
            log.warning("ticket %s not printed: %s", ticket["number"], exc)
            self._printer_seen(PRINTER_ERROR_STATES.get(error_key(exc), "offline"))
            if s.ticket is ticket:
                s.print_state, s.print_error_key = "failed", error_key(exc)
                self._changed()

        self.runner.run(lambda: self.printer.print_slip(slip), done, failed)

    def priority_label(self, ticket: dict[str, Any]) -> str | None:
        """绿色通道 / 预约优先 when the server gave the ticket a priority class."""
        klass = ticket.get("priority_class")
        if klass == "green":
            return self.text("green_channel")
        if klass == "appointment":
            return self.text("appointment_ticket")
        return None
