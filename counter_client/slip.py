"""补打小票 without Qt: the slip of a ticket as the kiosk prints it, for the counter's printer
or its on-screen preview (python-escpos through `printers`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from printers import PrinterConfig, TicketSlip, print_ticket, render_preview_png

REPRINT_NOTICE = "补打小票 Reprinted at window {window}"


def local_time(value: str | None, tz: str) -> datetime:
    """An ISO time from the server as the hall's naive local time (now when missing)."""
    if not value:
        return datetime.now()
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    return moment


def slip_for(ticket: dict[str, Any], *, tracking_url: str, window_number: int | None,
             tz: str = "Asia/Shanghai") -> TicketSlip:
    """The slip of a ticket (staff JSON of GET /tickets/{id}); no personal data on it."""
    return TicketSlip(
        hall_name=ticket.get("hall_name") or ticket.get("hall_code", ""),
        number=ticket["number"],
        service_name=ticket.get("service_name") or ticket.get("service_code", ""),
        people_ahead=int(ticket.get("people_ahead") or 0),
        issued_at=local_time(ticket.get("issued_at"), tz),
        tracking_url=tracking_url,
        window_hint=ticket.get("window_hint") or None,
        estimated_wait_minutes=ticket.get("estimated_wait_minutes"),
        notice=REPRINT_NOTICE.format(window=window_number if window_number is not None else "—"),
        accepting=ticket.get("accepting") is not False,
    )


def print_slip(slip: TicketSlip, printer: PrinterConfig) -> None:
    """Print on the counter's printer (raises a printers.PrinterError on failure)."""
    print_ticket(slip, printer)


def preview_png(slip: TicketSlip, printer: PrinterConfig | None) -> bytes:
    """The slip as a PNG, at the paper width of the counter's printer (80 mm without one)."""
    return render_preview_png(slip, printer.paper if printer else 80,
                              printer.lang if printer else "zh")
