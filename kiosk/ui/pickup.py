"""Screens of 取件: ID card or number, then the 出件 number with what it collects."""

from __future__ import annotations

from kiosk.controller import KioskController
from kiosk.state import KioskState
from kiosk.ui.take import IdLookupScreen, TicketScreen
from kiosk.ui.widgets import label


class PickupScreen(IdLookupScreen):
    """Tap the ID card (or type the number) to collect finished results."""

    KEYS = ("pickup_title", "pickup_sub2", "pickup_go")
    MESSAGE = "pickup_message_key"

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait, ctl.find_pickup, icon_name="box", icon_color="#ffffff")


class PickupResultScreen(TicketScreen):
    """The 出件 number (printed like any ticket) and the results it collects."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait)
        self.ready = label("", "okBox")
        if portrait:
            self.info.addWidget(self.ready)
        else:  # landscape: the card is full with the number; the QR column has room
            self.side.insertWidget(2, self.ready)

    def render(self, state: KioskState) -> None:
        """The ticket, then one line per result ready (service and receipt number)."""
        super().render(state)
        apps = (state.ticket or {}).get("applications") or []
        lines = [self.t("pickup_ready", n=len(apps))]
        lines += [f"· {a.get('service_name', '')}{self.paren(a.get('receipt_no', ''))}"
                  for a in apps[:4]]
        self.ready.setText("\n".join(lines))
