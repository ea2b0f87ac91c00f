"""Ticket slips from server tickets, and the kiosk's printer with its typed failures."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from printers import (
    PrinterConfig,
    PrinterCoverOpen,
    PrinterError,
    PrinterOffline,
    PrinterOutOfPaper,
    PrinterStatus,
    PrinterTimeout,
    TicketSlip,
    check_status,
    print_ticket,
    render_ticket_bytes,
)

log = logging.getLogger(__name__)

SendFn = Callable[[TicketSlip, PrinterConfig], None]


def parse_time(value: str | None, tz: str = "Asia/Shanghai") -> datetime | None:
    """An ISO timestamp from the server as a naive local time of the hall."""
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    return moment


def slot_text(appointment: dict[str, Any], tz: str = "Asia/Shanghai") -> str:
    """'09:30-10:00' from an appointment's slot_start / slot_end."""
    start = parse_time(appointment.get("slot_start"), tz)
    end = parse_time(appointment.get("slot_end"), tz)
    if start is None:
        return ""
    return start.strftime("%H:%M") + (f"-{end.strftime('%H:%M')}" if end else "")


def slip_from_ticket(ticket: dict[str, Any], *, tracking_url: str, hall_name: str = "",
                     appointment_line: str | None = None, tz: str = "Asia/Shanghai",
                     priority_label: str | None = None) -> TicketSlip:
    """What the printer needs, from the ticket JSON the server returned (no personal data)."""
    issued = parse_time(ticket.get("issued_at"), tz) or datetime.now()
    return TicketSlip(
        hall_name=ticket.get("hall_name") or hall_name,
        number=ticket["number"],
        service_name=ticket.get("service_name") or ticket.get("service_code", ""),
        people_ahead=int(ticket.get("people_ahead") or 0),
        issued_at=issued,
        tracking_url=tracking_url,
        window_hint=ticket.get("window_hint") or None,
        estimated_wait_minutes=ticket.get("estimated_wait_minutes"),
        appointment_line=appointment_line,
        priority_label=priority_label,
        accepting=ticket.get("accepting") is not False,
    )


def error_key(exc: BaseException) -> str:
    """strings.py key describing a printer failure to the citizen."""
    if isinstance(exc, PrinterOutOfPaper):
        return "printer_paper"
    if isinstance(exc, PrinterCoverOpen):
        return "printer_cover"
    if isinstance(exc, PrinterTimeout):
        return "printer_timeout"
    if isinstance(exc, PrinterOffline):
        return "printer_offline"
    return "printer_other"


class TicketPrinter:
    """Prints slips with the configured transport; never lets a non-printer error escape."""

    def __init__(self, config: PrinterConfig, *, send: SendFn | None = None,
                 journal_size: int = 20) -> None:
        self.config = config
        self._send = send or self._default_send
        # what a dummy printer "printed": the exact ESC/POS streams, newest last
        self.journal: deque[bytes] = deque(maxlen=journal_size)

    def _default_send(self, slip: TicketSlip, config: PrinterConfig) -> None:
        if config.kind == "dummy":
            self.journal.append(render_ticket_bytes(slip, config))
            log.info("ticket %s rendered for the dummy printer", slip.number)
            return
        print_ticket(slip, config)

    def print_slip(self, slip: TicketSlip) -> None:
        """Print, raising a PrinterError subclass on any failure."""
        try:
            self._send(slip, self.config)
        except PrinterError:
            raise
        except Exception as exc:  # a driver bug is still "the printer failed" to the citizen
            log.exception("printer transport failed")
            raise PrinterError(f"{type(exc).__name__}: {exc}") from exc

    def status(self) -> PrinterStatus:
        """Online / paper / cover status (unknown for write-only transports)."""
        if self.config.kind == "dummy":
            return PrinterStatus()
        return check_status(self.config)

    def describe(self) -> str:
        """Short description for the maintenance screen."""
        c = self.config
        where = {"network": f"{c.host}:{c.port}", "serial": c.device, "file": c.device,
                 "usb": f"{c.usb_vendor}:{c.usb_product}", "cups": c.cups_printer}.get(c.kind)
        return f"{c.kind} {where or ''} {c.paper}mm {c.encoding}".replace("  ", " ").strip()
