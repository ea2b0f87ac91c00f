"""Typed printer errors the kiosk can react to."""

from __future__ import annotations


class PrinterError(Exception):
    """Base class for every error raised by the printers package."""


class PrinterConfigError(PrinterError, ValueError):
    """The printer configuration is missing or invalid."""


class PrinterOffline(PrinterError):
    """The printer cannot be reached or reports itself offline."""


class PrinterOutOfPaper(PrinterError):
    """The paper roll is empty."""


class PrinterCoverOpen(PrinterError):
    """The printer cover is open."""


class PrinterTimeout(PrinterError):
    """The printer did not answer within the configured timeout."""


__all__ = [
    "PrinterError",
    "PrinterConfigError",
    "PrinterOffline",
    "PrinterOutOfPaper",
    "PrinterCoverOpen",
    "PrinterTimeout",
]


class PreviewFontMissing(PrinterError):
    """No CJK font was found for the PNG preview."""


__all__.append("PreviewFontMissing")
