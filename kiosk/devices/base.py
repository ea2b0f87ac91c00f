"""The driver interface every reader implements: start(callback), stop()."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from kiosk.idnumber import normalize

ID_CARD, QR = "id_card", "qr"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")


@dataclass(frozen=True)
class DeviceRead:
    """One read: `source` is id_card or qr; `value` the ID number or the QR text."""

    source: str
    value: str
    name: str | None = None  # a card reader may also return the holder's name (never shown)


ReadCallback = Callable[[DeviceRead], None]


@runtime_checkable
class InputDevice(Protocol):
    """A reader. The callback may be called from any thread; the kiosk marshals it to the UI."""

    def start(self, on_read: ReadCallback) -> None:
        """Begin delivering reads to `on_read`."""

    def stop(self) -> None:
        """Stop delivering reads and release the hardware."""


def classify(text: str, default: str = QR) -> DeviceRead:
    """Tell an ID number from a QR payload for input devices that can send both (wedges)."""
    value = text.strip()
    number = normalize(value)  # ASCII digits and X, whatever the reader or keyboard layout sent
    if _ID_RE.match(number):
        return DeviceRead(ID_CARD, number)
    return DeviceRead(default, value)
