"""The kiosk's Qt-free controller, one flow per module; widgets call its public methods and
re-render from `state` whenever a listener fires."""

from __future__ import annotations

from typing import Any

from kiosk.controller.checkin import CheckinFlow, extract_booking_code, to_bring
from kiosk.controller.maintenance import MaintenanceFlow
from kiosk.controller.pickup import PickupFlow
from kiosk.controller.query import QueryFlow
from kiosk.devices.base import ID_CARD, QR, DeviceRead
from kiosk.state import Screen

__all__ = ["KioskController", "extract_booking_code", "to_bring"]


class KioskController(CheckinFlow, PickupFlow, QueryFlow, MaintenanceFlow):
    """All kiosk behaviour without Qt: 取号, 预约签到, 取件, 查询 and maintenance."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_maintenance()

    def back(self) -> None:
        """One step back inside a flow."""
        screen = self.state.screen
        if screen == Screen.SERVICES:
            self._show(Screen.CATEGORIES)
        elif screen in (Screen.ID_PROMPT, Screen.NO_WINDOW):
            self._show(Screen.SERVICES)
        elif screen in (Screen.QUERY_RESULT, Screen.CASES):
            self.open_query()
        elif screen == Screen.CASES_RESULT:
            self.open_cases()
        elif screen == Screen.ERROR:
            self._show(self.state.error_back)
        else:
            self.go_home()

    def on_read(self, read: DeviceRead) -> None:
        """A card tap or a scan, routed by the screen being shown."""
        self.touch()
        if self.out_of_service:
            return  # nothing to look up without a server; the screen says so
        screen = self.state.screen
        if read.source == ID_CARD:
            self._card_read(screen, read.value)
        elif read.source == QR:
            if screen in (Screen.QUERY, Screen.QUERY_RESULT) or (screen == Screen.HOME
                                          and self.config.is_tracking_link(read.value)):
                self.query_scan(read.value)
            elif screen in (Screen.HOME, Screen.CHECKIN, Screen.APPOINTMENT):
                self.lookup_booking(read.value)

    def _card_read(self, screen: Screen, value: str) -> None:
        """An ID card does what the screen asks for: a number, 取件, 办件 or (home) check-in."""
        if screen == Screen.ID_PROMPT:
            self._set_id(value, from_card=True)
            self.confirm_id()
        elif screen == Screen.PICKUP:
            self._set_id(value, from_card=True)
            self.find_pickup()
        elif screen in (Screen.QUERY, Screen.CASES, Screen.CASES_RESULT):
            if screen != Screen.CASES:
                self.open_cases()
            self._set_id(value, from_card=True)
            self.find_cases()
        elif screen in (Screen.HOME, Screen.CHECKIN, Screen.APPOINTMENT):
            if screen != Screen.CHECKIN:
                self.open_checkin()
            self._set_id(value, from_card=True)
            self.find_appointment()
