"""Screens of the appointment check-in: entry (card / QR / keypad) and the appointment found."""

from __future__ import annotations

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.controller import KioskController, to_bring
from kiosk.printing import slot_text
from kiosk.state import KioskState
from kiosk.ui.base import KeypadScreen, ListScreen
from kiosk.ui.take import forward_id_key, id_entry, render_id_entry
from kiosk.ui.widgets import button, icon_row, label


class CheckinScreen(KeypadScreen):
    """Tap an ID card, scan a booking QR or type the ID number."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait)
        # landscape: the two pictogram cards below say the same, and height is short
        self.sub.setVisible(portrait)
        hints = QHBoxLayout() if portrait else QVBoxLayout()
        hints.setSpacing(20)
        self.hint_labels: list[QLabel] = []
        for name in ("idcard", "qr"):
            card = QWidget()
            card.setObjectName("card")
            text = label("", "strong")
            row = icon_row(name, 90 if portrait else 64, text, QHBoxLayout(card))
            pad = 12 if portrait else 4  # landscape 大字版 has no height to spare
            row.setContentsMargins(24, pad, 24, pad)
            self.hint_labels.append(text)
            hints.addWidget(card, 1)
        self.head.addLayout(hints)
        self.field, self.hint, self.pad = id_entry(self, lambda v: forward_id_key(ctl, v))
        self.left.addWidget(self.field)
        self.left.addWidget(self.hint)
        self.find = button("", ctl.find_appointment, primary=True, icon_name="search")
        self.left.addWidget(self.find)
        self.place_keypad(self.pad)

    def render(self, state: KioskState) -> None:
        """Field and hint as typed."""
        self.title.setText(self.t("checkin_title"))
        self.sub.setText(self.t("checkin_sub2"))
        self.sub.setVisible(self.portrait)
        self.hint_labels[0].setText(self.t("card_hint"))
        self.hint_labels[1].setText(self.t("scan_qr_hint"))
        render_id_entry(self, state, self.field, self.hint, self.pad)
        self.find.setText(self.t("find_appointment"))
        self.find.setEnabled(state.id_check.ok)


MAT_STYLE = {"accepted": ("chipOk", "mat_accepted", "✓"), "rejected": ("chipBad", "mat_rejected",
             "✗"), "pending": ("chipWait", "mat_pending", "…"),
             "missing": ("chipBad", "mat_missing", "—"),
             "from_licence": ("chipOk", "mat_from_licence", "✓")}


class AppointmentScreen(ListScreen):
    """Today's appointment(s) with the pre-review status of each material."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait, QVBoxLayout(), spacing=24)

    def render(self, state: KioskState) -> None:
        """One card per appointment."""
        self.title.setText(self.t("appointment_found"))
        if not self.needs_rebuild((state.lang, state.large, repr(state.appointments))):
            return
        for appt in state.appointments[:3]:
            self.items.addWidget(self._card(appt))

    def _card(self, appt: dict) -> QWidget:
        card = QWidget()
        card.setObjectName("card")
        outer = QVBoxLayout(card) if self.portrait else QHBoxLayout(card)
        outer.setContentsMargins(36, 24, 36, 24)
        outer.setSpacing(12 if self.portrait else 48)
        info, side = QVBoxLayout(), QVBoxLayout()
        info.setSpacing(12)
        side.setSpacing(12)
        outer.addLayout(info, 1)
        outer.addLayout(side, 1)
        info.addWidget(label(appt.get("service_name", ""), "itemTitle"))
        status = self.t(f"status_{appt.get('status', 'booked')}")
        slot = slot_text(appt, self.ctl.hall_tz)
        details = [self.t("slot", s=slot) + self.paren(status),
                   self.t("booking_code", c=appt.get("booking_code", "")),
                   self.t("citizen", n=appt.get("citizen_name_masked", ""))
                   + f"  {appt.get('id_masked', '')}"]
        for line in details:
            info.addWidget(label(line, "hint"))
        arrival = appt.get("arrival_text")
        if arrival:
            good = appt.get("arrival") in ("on_time", "early")
            info.addWidget(label(arrival, "hintGood" if good else "hintBad"))
        materials = appt.get("materials") or []
        large = self.ctl.state.large
        if materials and not large:  # what to bring sits under the facts
            info.addWidget(self._bring_box(appt))
        info.addStretch(1)
        # 大字版: only what to bring (or that nothing is needed), in its box
        listed = [] if large else materials
        if listed:
            side.addWidget(label(self.t("materials"), "strong"))
            for mat in listed:
                side.addLayout(self._material_row(mat))
        if materials and large:
            side.addWidget(self._bring_box(appt))
        side.addStretch(1)
        if appt.get("can_check_in"):
            btn = button(self.t("do_checkin"),
                         lambda code=appt["booking_code"]: self.ctl.do_checkin(code),
                         primary=True, icon_name="ticket")
        else:
            btn = button(self.t("cannot_checkin"), lambda: None)
            btn.setEnabled(False)
        side.addWidget(btn)
        return card

    def _bring_box(self, appt: dict) -> QWidget:
        """请携带以下材料到窗口: each rejected (with the reason) or missing required one."""
        items = to_bring(appt)
        box = QWidget()
        box.setObjectName("okPanel" if not items else "bringPanel")
        box.setAttribute(Qt.WA_StyledBackground, True)
        lines = QVBoxLayout(box)
        lines.setContentsMargins(20, 12, 20, 12)
        lines.setSpacing(4)
        if not items:
            lines.addWidget(label("✓ " + self.t("bring_none"), "bringOk"))
            return box
        lines.addWidget(label(self.t("bring_title") + self.colon(), "bringTitle"))
        for mat in items:
            what = self.t("bring_rejected" if mat.get("status") == "rejected" else "bring_missing")
            if mat.get("reason"):
                what += self.colon() + mat["reason"]
            lines.addWidget(label(f"· {mat.get('name', '')}{self.paren(what)}", "bringItem"))
        return box

    def _material_row(self, mat: dict) -> QHBoxLayout:
        row = QHBoxLayout()
        style, key, mark = MAT_STYLE.get(mat.get("status", "pending"), MAT_STYLE["pending"])
        need = self.t("mat_required" if mat.get("required") else "mat_optional")
        name = label(mat.get("name", "") + self.paren(need), "hint")
        row.addWidget(name, 1)
        extra = self.t(key)
        if mat.get("reused"):
            extra += " · " + self.t("mat_reused")
        if mat.get("reason"):
            extra += self.colon() + mat["reason"]
        if mat.get("status") == "from_licence" and mat.get("licence_text"):
            extra = mat["licence_text"] if self.ctl.state.lang == "zh" else extra
        chip = label(f"{mark} {extra}", style, align=Qt.AlignRight | Qt.AlignVCenter)
        row.addWidget(chip, 1)
        return row
