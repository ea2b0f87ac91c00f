"""Real-time printer status via DLE EOT n; an empty or missing reply means "unknown"."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final, Literal

from escpos.escpos import Escpos

from .errors import PrinterCoverOpen, PrinterOffline, PrinterOutOfPaper

log = logging.getLogger(__name__)

DLE_EOT: Final = b"\x10\x04"
STATUS_PRINTER: Final = 1  # n=1: printer status (bit 3 = offline)
STATUS_OFFLINE_CAUSE: Final = 2  # n=2: bit 2 cover open, bit 5 stopped by paper end
STATUS_PAPER: Final = 4  # n=4: bits 2-3 paper near end, bits 5-6 paper end

Paper = Literal["ok", "near_end", "out", "unknown"]


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """What the printer told us; None / "unknown" where it could not say."""

    online: bool | None = None
    paper: Paper = "unknown"
    cover_open: bool | None = None

    @property
    def state(self) -> str:
        """One word summary: offline, cover_open, out_of_paper, near_end, ok or unknown."""
        if self.cover_open:
            return "cover_open"
        if self.paper == "out":
            return "out_of_paper"
        if self.online is False:
            return "offline"
        if self.online is None and self.paper == "unknown":
            return "unknown"
        if self.paper == "near_end":
            return "near_end"
        return "ok"

    def raise_for_status(self) -> None:
        """Raise the typed error matching a known bad state; unknown is not an error."""
        state = self.state
        if state == "cover_open":
            raise PrinterCoverOpen("printer cover is open")
        if state == "out_of_paper":
            raise PrinterOutOfPaper("printer is out of paper")
        if state == "offline":
            raise PrinterOffline("printer reports itself offline")


UNKNOWN: Final = PrinterStatus()


def _valid_byte(reply: bytes) -> int | None:
    """The last byte of a reply that looks like a DLE EOT status byte (fixed bits 1,4 set)."""
    for byte in reversed(reply):
        if byte & 0x93 == 0x12:
            return byte
    return None


def _ask(printer: Escpos, n: int) -> int | None:
    """Send DLE EOT n and return the status byte, or None when the reply is empty/invalid."""
    printer._raw(DLE_EOT + bytes((n,)))
    reply = printer._read()
    if not reply:
        log.info("printer gave an empty reply to DLE EOT %d: status unknown", n)
        return None
    byte = _valid_byte(bytes(reply))
    if byte is None:
        log.warning("unexpected reply to DLE EOT %d: %r", n, bytes(reply))
    return byte


def can_read(printer: Escpos) -> bool:
    """True when the transport can read replies (write-only ones: file, CUPS, dummy)."""
    return type(printer)._read is not Escpos._read


def query_status(printer: Escpos) -> PrinterStatus:
    """Ask a python-escpos printer for its status (timeouts propagate to the caller)."""
    if not can_read(printer):
        log.info("transport %s cannot read status", type(printer).__name__)
        return UNKNOWN
    try:
        first = _ask(printer, STATUS_PRINTER)
    except NotImplementedError:
        log.info("transport %s cannot read status", type(printer).__name__)
        return UNKNOWN
    if first is None:
        return UNKNOWN
    online = not first & 0x08
    cause = _ask(printer, STATUS_OFFLINE_CAUSE)
    cover_open = None if cause is None else bool(cause & 0x04)
    paper: Paper = "unknown"
    if cause is not None and cause & 0x20:
        paper = "out"
    roll = _ask(printer, STATUS_PAPER)
    if roll is not None:
        if roll & 0x60:
            paper = "out"
        elif roll & 0x0C:
            paper = "near_end" if paper != "out" else paper
        elif paper == "unknown":
            paper = "ok"
    return PrinterStatus(online=online, paper=paper, cover_open=cover_open)
