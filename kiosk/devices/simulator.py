"""A simulated reader for tests and demos: `present_card()` / `scan()` deliver reads."""

from __future__ import annotations

from kiosk.devices.base import ID_CARD, QR, DeviceRead, ReadCallback


class SimulatedDevice:
    """Delivers reads on demand, as a real reader would after a card tap or a scan."""

    def __init__(self, **_options: object) -> None:
        self._callback: ReadCallback | None = None

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._callback is not None

    def start(self, on_read: ReadCallback) -> None:
        """Begin delivering reads."""
        self._callback = on_read

    def stop(self) -> None:
        """Stop delivering reads; later presents are ignored like a switched-off reader."""
        self._callback = None

    def present_card(self, id_number: str, name: str | None = None) -> None:
        """Simulate an ID card placed on the reader."""
        if self._callback:
            self._callback(DeviceRead(ID_CARD, id_number, name))

    def scan(self, text: str) -> None:
        """Simulate a QR code held under the scanner."""
        if self._callback:
            self._callback(DeviceRead(QR, text))
