"""Keeping the kiosk working: printer watch and its alert, 呼叫工作人员, the hidden
maintenance screen (corner taps → PIN → printer check and test print)."""

from __future__ import annotations

import logging
from typing import Any

from kiosk.controller.base import ControllerBase
from kiosk.printing import error_key
from kiosk.state import PRINTER_BANNERS, PRINTER_ERROR_STATES, Screen

log = logging.getLogger(__name__)


class MaintenanceFlow(ControllerBase):
    """Printer status, help requests and the maintenance screen."""

    _taps: list[float]
    _printer_reported: str | None  # the state the server last acknowledged
    _report_sending: bool

    def _init_maintenance(self) -> None:
        self._taps = []
        self._printer_reported = None
        self._report_sending = False

    # ------------------------------------------------------------------ printer watch, help

    def poll_printer(self) -> None:
        """Ask the printer while home shows (never during a print), again in a while."""
        if self._stopped:
            return
        self.scheduler.later(self.config.printer_poll_seconds, self.poll_printer)
        # only on home: a status query never meets a print job or a citizen's wait
        if self.state.screen != Screen.HOME or self.state.print_state == "printing":
            return

        def failed(exc: Exception) -> None:
            log.info("printer status not read: %s", exc)
            self._printer_seen(PRINTER_ERROR_STATES.get(error_key(exc), "offline"))

        self.runner.run(self.printer.status, lambda st: self._printer_seen(st.state), failed)

    def _printer_seen(self, printer_state: str) -> None:
        """Show or hide the home banner and tell the server when the state changed."""
        if self._stopped:
            return
        banner = PRINTER_BANNERS.get(printer_state)
        if banner != self.state.printer_banner_key:
            self.state.printer_banner_key = banner
            self._changed()
        if printer_state == self._printer_reported or self._report_sending:
            return  # unchanged, or a report on its way (the next poll sends a newer state)
        self._report_sending = True

        def done(_: Any) -> None:
            self._report_sending = False
            self._printer_reported = printer_state

        def failed(exc: Exception) -> None:
            self._report_sending = False  # the next poll tries again
            log.info("printer state %s not reported: %s", printer_state, exc)

        self._call(lambda: self.api.request("POST", "/api/v1/devices/me/status",
                                            json={"printer": printer_state}), done, failed)

    def call_staff(self) -> None:
        """呼叫工作人员: a dashboard alert naming this kiosk until a manager acknowledges it."""
        if self.state.help_key == "help_sending":
            return
        self.state.help_key = "help_sending"
        self._changed()

        def done(_: Any) -> None:
            self.state.help_key = "help_sent"
            self._changed()

        def failed(exc: Exception) -> None:
            log.warning("help request not sent: %s", exc)
            self.state.help_key = "help_failed"
            self._changed()

        self._call(lambda: self.api.request("POST", "/api/v1/devices/me/help"), done, failed)

    # ------------------------------------------------------------------ maintenance screen

    def corner_tap(self) -> None:
        """Hidden entry: `maintenance_taps` taps on the corner within 3 seconds."""
        now = self.clock()
        self._taps = [x for x in self._taps if now - x <= 3.0] + [now]
        if len(self._taps) >= self.config.maintenance_taps:
            self._taps = []
            self.state.pin_text, self.state.pin_error = "", False
            self._show(Screen.PIN)

    def pin_key(self, char: str) -> None:
        """PIN keypad digit."""
        if char.isdigit() and len(self.state.pin_text) < 12:
            self.state.pin_text += char
            self.state.pin_error = False
            self._changed()

    def pin_delete(self) -> None:
        """PIN keypad delete."""
        self.state.pin_text = self.state.pin_text[:-1]
        self._changed()

    def pin_submit(self) -> None:
        """Open maintenance when the PIN matches."""
        if self.state.pin_text == self.config.maintenance_pin:
            self.state.pin_text = ""
            self.state.maint_message_key = None
            self._show(Screen.MAINTENANCE)
            self.check_printer()
        else:
            self.state.pin_text, self.state.pin_error = "", True
            self._changed()

    def check_printer(self) -> None:
        """Query the printer status in the background."""
        self.state.printer_status_key = "checking"
        self._changed()

        def done(status: Any) -> None:
            self.state.printer_status_key = f"pstate_{status.state}"
            self._changed()

        def failed(exc: Exception) -> None:
            self.state.printer_status_key = error_key(exc)
            self._changed()

        self.runner.run(self.printer.status, done, failed)

    def test_print(self) -> None:
        """Print a sample slip marked as a test."""
        from printers import maintenance_slip

        slip = maintenance_slip(self.state.hall_name or self.config.hall, self.config.server)
        self.state.maint_message_key = "checking"
        self._changed()

        def done(_: Any) -> None:
            self.state.maint_message_key = "maint_test_ok"
            self._changed()

        def failed(exc: Exception) -> None:
            self.state.maint_message_key = error_key(exc)
            self._changed()

        self.runner.run(lambda: self.printer.print_slip(slip), done, failed)
