"""A stand-in for a vendor SDK reader, loaded through the "module:Class" config path."""

from __future__ import annotations

from kiosk.devices.base import ID_CARD, DeviceRead, ReadCallback


class VendorCardReader:
    """Pretends to wrap a vendor SDK; `tap()` is what the SDK's callback thread would do."""

    def __init__(self, port: str = "", beep: bool = False) -> None:
        self.port = port
        self.beep = beep
        self.callback: ReadCallback | None = None

    def start(self, on_read: ReadCallback) -> None:
        """Open the SDK session."""
        self.callback = on_read

    def stop(self) -> None:
        """Close it."""
        self.callback = None

    def tap(self, id_number: str) -> None:
        """A card was read."""
        if self.callback:
            self.callback(DeviceRead(ID_CARD, id_number))


class NotADevice:
    """Has no start/stop."""
