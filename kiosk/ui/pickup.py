"""Screens of 取件: ID card or number, then the 出件 number with what it collects."""

from __future__ import annotations

from PyQt5.QtCore import Qt

from kiosk.controller import KioskController
from kiosk.state import KioskState
from kiosk.ui.base import KeypadScreen
from kiosk.ui.take import TicketScreen, forward_id_key, id_entry, render_id_entry
from kiosk.ui.widgets import button, icon_row, label


class PickupScreen(KeypadScreen):
    """Tap the ID card (or type the number) to collect finished results."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait, titles_above=True)
        self.card_hint = label("", "strong")
        self.left.addLayout(icon_row("idcard", 110 if portrait else 80, self.card_hint))
        self.field, self.hint, self.pad = id_entry(self, lambda v: forward_id_key(ctl, v))
        self.message = label("", "hintBad", align=Qt.AlignCenter)
        self.go = button("", ctl.find_pickup, primary=True, icon_name="box", icon_color="#ffffff")
        for w in (self.field, self.hint, self.message, self.go):
            self.left.addWidget(w)
        self.place_keypad(self.pad)

    def render(self, state: KioskState) -> None:
        """Field, hint, the last answer (nothing ready) and the button."""
        self.title.setText(self.t("pickup_title"))
        self.sub.setText(self.t("pickup_sub2"))
        self.card_hint.setText(self.t("card_hint"))
        render_id_entry(self, state, self.field, self.hint, self.pad)
        key = state.pickup_message_key
        self.message.setVisible(bool(key))
        self.message.setText(self.t(key) if key else "")
        self.go.setText(self.t("pickup_go"))
        self.go.setEnabled(state.id_check.ok)


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
