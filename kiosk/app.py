"""Wires the kiosk together: client, worker, controller, window, event stream, readers."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PyQt5.QtGui import QFont
from PyQt5.QtWidgets import QApplication

from hallclient import HallApi
from hallclient.fonts import ui_family
from hallclient.qt import EventBridge, QtScheduler, Worker
from hallclient.speech import EspeakSpeaker, make_speaker
from kiosk.config import KioskConfig
from kiosk.controller import KioskController
from kiosk.devices.base import InputDevice
from kiosk.devices.loader import create_device
from kiosk.printing import TicketPrinter
from kiosk.ui.window import ActivityFilter, KioskWindow

log = logging.getLogger(__name__)


class KioskApp:
    """One kiosk: call start() after a QApplication exists, stop() before it quits."""

    def __init__(self, config: KioskConfig, *, printer: TicketPrinter | None = None,
                 devices: Sequence[InputDevice] | None = None, live: bool = True,
                 speaker: EspeakSpeaker | None = None) -> None:
        app = QApplication.instance()
        assert app is not None, "create the QApplication first"
        app.setFont(QFont(ui_family()))
        self.config = config
        self.api = HallApi(config.server, config.token, timeout=config.http_timeout)
        self.printer = printer or TicketPrinter(config.printer)
        self.worker = Worker()
        self.speaker = speaker or make_speaker(config.voice, config.audio)
        self.ctl = KioskController(config, self.api, self.printer, runner=self.worker,
                                   scheduler=QtScheduler(), speaker=self.speaker)
        self.window = KioskWindow(self.ctl, portrait=config.portrait)
        self.activity = ActivityFilter(self.ctl)
        app.installEventFilter(self.activity)
        self.devices = list(devices) if devices is not None else self._configured_devices()
        self.bridge: EventBridge | None = None
        if live:
            self.bridge = EventBridge(self.api.ws_base, config.hall, config.token)
            self.bridge.event.connect(self.window.on_event)
            self.bridge.snapshot.connect(self.window.on_snapshot)
            self.bridge.state.connect(self.window.on_stream_state)

    def _configured_devices(self) -> list[InputDevice]:
        specs = [s for s in (self.config.id_reader, self.config.qr_scanner) if s is not None]
        devices: list[InputDevice] = []
        seen_wedge = False
        for spec in specs:
            if spec.driver == "wedge":
                if seen_wedge:
                    continue  # one wedge filter reads both card numbers and QR codes
                seen_wedge = True
            devices.append(create_device(spec))
        return devices

    def start(self) -> None:
        """Load data, connect the stream, start the readers, show the window."""
        self.ctl.start()
        if self.bridge is not None:
            self.bridge.start()
        for device in self.devices:
            try:
                device.start(self.window.device_read.emit)
            except Exception:  # a broken reader must not keep the kiosk from issuing numbers
                log.exception("input device %s failed to start", type(device).__name__)

    def show(self) -> None:
        """Full screen on the kiosk, a window while developing."""
        if self.config.fullscreen:
            self.window.showFullScreen()
        else:
            self.window.show()

    def stop(self) -> None:
        """Stop readers and the stream, wait for running requests."""
        self.ctl.stop()
        self.window.idle_timer.stop()
        for device in self.devices:
            try:
                device.stop()
            except Exception:  # shutting down: log and carry on
                log.exception("input device %s failed to stop", type(device).__name__)
        if self.bridge is not None:
            self.bridge.stop()
        self.worker.wait(10000)
        if self.speaker is not None:
            self.speaker.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.activity)
        self.api.close()
