"""Readers on a serial or USB-CDC port that send one text line per read (pyserial)."""

from __future__ import annotations

import logging
import threading

import serial

from kiosk.devices.base import QR, DeviceRead, ReadCallback, classify

log = logging.getLogger(__name__)


class SerialReader:
    """Reads newline/CR-terminated lines from a port in a background thread.

    Options: port (e.g. /dev/ttyACM0, or any pyserial URL such as socket://host:port),
    baudrate (9600), source (qr | id_card | auto: tell them apart by content), encoding (utf-8).
    """

    def __init__(self, port: str, baudrate: int = 9600, source: str = "auto",
                 encoding: str = "utf-8", **_options: object) -> None:
        self.port = port
        self.baudrate = int(baudrate)
        self.source = source
        self.encoding = encoding
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._serial: serial.SerialBase | None = None

    def start(self, on_read: ReadCallback) -> None:
        """Open the port and start the reading thread."""
        self._serial = serial.serial_for_url(self.port, baudrate=self.baudrate, timeout=0.2)
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(on_read,), daemon=True,
                                        name=f"serial-reader-{self.port}")
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and close the port."""
        self._stop.set()
        if self._thread:
            self._thread.join(2)
        if self._serial:
            self._serial.close()

    def _emit(self, on_read: ReadCallback, line: bytes) -> None:
        text = line.decode(self.encoding, errors="replace").strip()
        if not text:
            return
        if self.source == "auto":
            on_read(classify(text))
        else:
            on_read(DeviceRead(self.source if self.source else QR, text))

    def _run(self, on_read: ReadCallback) -> None:
        buf = bytearray()
        assert self._serial is not None
        while not self._stop.is_set():
            try:
                chunk = self._serial.read(256)
            except (serial.SerialException, OSError) as exc:
                log.warning("serial reader %s failed: %s", self.port, exc)
                self._stop.wait(1.0)
                continue
            buf.extend(chunk)
            while True:
                ends = [i for i in (buf.find(b"\n"), buf.find(b"\r")) if i >= 0]
                if not ends:
                    break
                end = min(ends)
                line, buf = bytes(buf[:end]), buf[end + 1:]
                self._emit(on_read, line)
