"""Tongban ticket printing: ESC/POS for Chinese thermal printers, status checks and PNG preview."""

from __future__ import annotations

import logging
from pathlib import Path

from escpos.escpos import Escpos

from . import strings
from .config import PrinterConfig
from .errors import (
    PreviewFontMissing,
    PrinterConfigError,
    PrinterCoverOpen,
    PrinterError,
    PrinterOffline,
    PrinterOutOfPaper,
    PrinterTimeout,
)
from .escpos_render import render_to_bytes
from .layout import build_layout
from .preview import render_blocks_png
from .status import UNKNOWN, PrinterStatus, query_status
from .ticket import TicketSlip, maintenance_slip, mask_name
from .transports import run_with_deadline

log = logging.getLogger(__name__)

__all__ = [
    "PrinterConfig",
    "PrinterStatus",
    "TicketSlip",
    "PrinterError",
    "PrinterConfigError",
    "PrinterOffline",
    "PrinterOutOfPaper",
    "PrinterCoverOpen",
    "PrinterTimeout",
    "PreviewFontMissing",
    "print_ticket",
    "render_ticket_bytes",
    "render_preview_png",
    "check_status",
    "mask_name",
    "maintenance_slip",
]


def render_ticket_bytes(slip: TicketSlip, config: PrinterConfig) -> bytes:
    """Return the exact ESC/POS byte stream that print_ticket would send."""
    blocks = build_layout(slip, config.paper, config.lang)
    return render_to_bytes(
        blocks,
        encoding=config.encoding,
        paper=config.paper,
        native_qr=config.native_qr,
        cut=config.cut,
    )


def render_preview_png(slip: TicketSlip, paper: int, lang: str = strings.DEFAULT_LANG) -> bytes:
    """Render the ticket as PNG bytes (384 px wide for 58 mm, 576 px for 80 mm)."""
    return render_blocks_png(build_layout(slip, paper, lang), paper)


def check_status(config: PrinterConfig) -> PrinterStatus:
    """Query the printer's online/paper/cover status within config.timeout."""
    if config.kind == "preview":
        return UNKNOWN
    return run_with_deadline(config, query_status)


def print_ticket(slip: TicketSlip, config: PrinterConfig) -> None:
    """Print one ticket, raising a PrinterError subclass on failure, within config.timeout."""
    if config.kind == "preview":
        png = render_preview_png(slip, config.paper, config.lang)
        target = Path(config.device or "ticket-preview.png")
        target.write_bytes(png)
        log.info("ticket %s previewed to %s", slip.number, target)
        return
    data = render_ticket_bytes(slip, config)

    def job(printer: Escpos) -> None:
        if config.status_check:
            status = query_status(printer)
            log.debug("printer status before ticket %s: %s", slip.number, status.state)
            status.raise_for_status()
        printer._raw(data)

    run_with_deadline(config, job)
    log.info("ticket %s sent to %s printer (%d bytes)", slip.number, config.kind, len(data))
