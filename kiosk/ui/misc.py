"""Busy, retry, error, query, PIN and maintenance screens."""

from __future__ import annotations

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.config import mask_token
from kiosk.controller import KioskController
from kiosk.state import KioskState
from kiosk.ui.base import KeypadScreen, ScreenWidget
from kiosk.ui.icons import icon
from kiosk.ui.take import show_ticket_wait
from kiosk.ui.theme import ACCENT, WARN, Metrics, stylesheet
from kiosk.ui.widgets import PIN_ROWS, Keypad, NumberLabel, button, icon_row, label
from tongban_common.wire import TicketStatus


class MessageScreen(ScreenWidget):
    """A pictogram, a title, a message and optional buttons."""

    def __init__(self, ctl: KioskController, portrait: bool, icon_name: str,
                 color: str) -> None:
        super().__init__(ctl, portrait)
        self.box.addStretch(1)
        self.pic = QLabel()
        self.pic.setPixmap(icon(icon_name, 220, color))
        self.pic.setAlignment(Qt.AlignCenter)
        self.box.addWidget(self.pic)
        self.title = label("", "title", align=Qt.AlignCenter)
        self.message = label("", "errorText", align=Qt.AlignCenter)
        self.box.addWidget(self.title)
        self.box.addWidget(self.message)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(30)
        self.box.addLayout(self.buttons)
        self.box.addStretch(2)


class NoWindowScreen(MessageScreen):
    """暂停受理: no window serves the chosen service; take a number anyway, or go back."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait, "warning", WARN)
        self.back = button("", ctl.back, icon_name="back")
        self.take = button("", ctl.take_anyway, primary=True, icon_name="ticket")
        self.buttons.addWidget(self.back)
        self.buttons.addWidget(self.take)

    def render(self, state: KioskState) -> None:
        """The service's name and the question."""
        self.title.setText(f"{(state.service or {}).get('name', '')} · "
                           f"{self.t('no_window_title')}")
        self.message.setText(self.t("no_window_ask"))
        self.back.setText(self.t("back"))
        self.take.setText(self.t("no_window_take"))


class BusyScreen(MessageScreen):
    """Waiting for the server."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait, "clock", "#1459b8")

    def render(self, state: KioskState) -> None:
        """The busy text."""
        self.title.setText(self.t(state.busy_key))
        self.message.setText("")


class OutOfServiceScreen(MessageScreen):
    """本机暂停服务 over the whole screen while the server is gone, with the hall's name."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait, "wifi_off", WARN)
        self.hall = label("", "strong", align=Qt.AlignCenter)
        self.box.insertWidget(self.box.indexOf(self.title), self.hall)

    def render(self, state: KioskState) -> None:
        """The cached hall name (empty rather than a code), the title, what to do."""
        self.hall.setText(state.hall_name)
        self.hall.setVisible(bool(state.hall_name))
        self.title.setText(self.t("out_of_service"))
        self.message.setText(self.t("out_of_service_sub"))


class RetryScreen(MessageScreen):
    """Server unreachable: automatic retry with the same idempotency key."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait, "wifi_off", WARN)
        self.cancel = button("", ctl.give_up)
        self.buttons.addWidget(self.cancel)

    def render(self, state: KioskState) -> None:
        """Attempt counter."""
        self.title.setText(self.t("server_down"))
        self.message.setText(self.t("server_down_sub", n=state.retry_attempt))
        self.cancel.setText(self.t("give_up"))


class ErrorScreen(MessageScreen):
    """A refusal from the server, in its own (Chinese) words."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait, "warning", ACCENT)
        self.back = button("", ctl.back, icon_name="back")
        self.home = button("", ctl.go_home, primary=True, icon_name="home")
        self.home_button = self.home
        # no appointment found: the citizen is here anyway, so offer a number straight away
        self.take = button("", ctl.take_number, primary=True, icon_name="ticket")
        self.buttons.addWidget(self.back)
        self.buttons.addWidget(self.take)
        self.buttons.addWidget(self.home)

    def render(self, state: KioskState) -> None:
        """Title and the server's message."""
        self.title.setText(self.t(state.error_key))
        self.message.setText(state.error_message or self.t("error_generic"))
        self.back.setText(self.t("back"))
        self.home.setText(self.t("home"))
        self.take.setText(self.t("take_instead"))
        self.take.setVisible(state.error_key == "appointment_none")


class QueryScreen(KeypadScreen):
    """Scan the slip's QR or type its number (an ID card tap: 办件 progress)."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait)
        self.scan_hint = label("", "strong")
        self.scan_row = QWidget()  # 大字版 hides it: the subtitle says the same
        row = icon_row("qr", 110, self.scan_hint, QHBoxLayout(self.scan_row))
        row.setContentsMargins(0, 0, 0, 0)
        self.left.addWidget(self.scan_row)
        self.field = label("", "field", wrap=False, align=Qt.AlignCenter)
        self.message = label("", "hintBad", align=Qt.AlignCenter)
        self.go = button("", ctl.query_submit, primary=True, icon_name="search")
        self.left.addWidget(self.field)
        self.left.addWidget(self.message)
        # 办件 progress: an ID card tap here looks them up; this button types the number
        self.cases = button("", ctl.open_cases, icon_name="idcard")
        actions = QHBoxLayout()
        actions.setSpacing(20)
        actions.addWidget(self.cases, 1)
        actions.addWidget(self.go, 1)
        self.left.addLayout(actions)
        self.pad: Keypad | None = None
        self.pad_box = QVBoxLayout()
        self.place_keypad(self.pad_box)
        self._letters: tuple[str, ...] = ()

    def _build_pad(self, letters: tuple[str, ...]) -> None:
        if self.pad is not None:
            self.pad.hide()
            self.pad.deleteLater()
        rows = [letters[i:i + 4] for i in range(0, len(letters), 4)]
        rows += [("1", "2", "3", "4"), ("5", "6", "7", "8"), ("9", "0", Keypad.DELETE)]
        self.pad = Keypad(rows)
        self.pad.pressed.connect(self._key)
        self.pad_box.addWidget(self.pad)
        self._letters = letters

    def _key(self, value: str) -> None:
        if value == Keypad.DELETE:
            self.ctl.query_delete()
        else:
            self.ctl.query_key(value)

    def render(self, state: KioskState) -> None:
        """Field and message."""
        letters = tuple(sorted({s["prefix"] for s in state.services if s.get("prefix")}))
        if letters != self._letters or self.pad is None:
            self._build_pad(letters or ("A", "B", "C", "D"))
        self.title.setText(self.t("query_title"))
        self.sub.setText(self.t("query_sub2"))
        self.scan_hint.setText(self.t("scan_to_track"))
        self.scan_row.setVisible(not state.large)
        self.field.setText(state.query_text or "____")
        self.message.setText(self.t(state.query_message_key) if state.query_message_key else "")
        self.go.setText(self.t("query_go"))
        self.go.setEnabled(bool(state.query_text))
        self.cases.setText(self.t("cases_entry"))
        assert self.pad is not None
        self.pad.set_labels({Keypad.DELETE: self.t("kp_back")})


class QueryResultScreen(ScreenWidget):
    """Status, people ahead and wait of a ticket (public view, no personal data)."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait)
        self.box.addStretch(1)
        self.caption = label("", "subtitle", align=Qt.AlignCenter)
        self.number = NumberLabel("bigNumber")
        self.service = label("", "strong", align=Qt.AlignCenter)
        self.status = label("", "title", align=Qt.AlignCenter)
        self.ahead = label("", "strong", align=Qt.AlignCenter)
        self.wait = label("", "itemWait", align=Qt.AlignCenter)
        self.again = button("", ctl.open_query, icon_name="search")
        body = QVBoxLayout() if portrait else QHBoxLayout()
        body.setSpacing(24 if portrait else 60)
        left, right = QVBoxLayout(), QVBoxLayout()
        left.setSpacing(16)
        right.setSpacing(24)
        for w in (self.caption, self.number, self.service):
            left.addWidget(w)
        for w in (self.status, self.ahead, self.wait, self.again):
            right.addWidget(w)
        body.addLayout(left, 1)
        body.addLayout(right, 1)
        self.box.addLayout(body)
        self.box.addStretch(2)

    def render(self, state: KioskState) -> None:
        """From GET /track/{token} (scanned slip) or GET /halls/{hall}/tickets/by-number/{n}."""
        r = state.query_result or {}
        self.caption.setText(self.t("your_number"))
        self.number.setText(r.get("number", ""))
        self.service.setText(r.get("service_name", ""))
        window = r.get("window")
        if r.get("status") in (TicketStatus.CALLED, TicketStatus.SERVING) and window:
            self.status.setText(self.t("query_called", w=f"{window['number']}号窗口 "
                                       f"{window.get('name', '')}".strip()))
        else:
            self.status.setText(self.t("query_status", s=r.get("status_text", "")))
        waiting = r.get("status") == TicketStatus.WAITING
        self.ahead.setVisible(waiting)
        self.wait.setVisible(waiting)
        self.ahead.setText(self.t("people_ahead", n=r.get("people_ahead") or 0))
        show_ticket_wait(self, self.wait, r)
        self.again.setText(self.t("query_title"))


class PinScreen(ScreenWidget):
    """PIN for the hidden maintenance screen."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait)
        body = QVBoxLayout() if portrait else QHBoxLayout()
        body.setSpacing(40)
        left = QVBoxLayout()
        left.setSpacing(24)
        self.title = label("", "title", align=Qt.AlignCenter)
        self.field = label("", "field", wrap=False, align=Qt.AlignCenter)
        self.message = label("", "hintBad", align=Qt.AlignCenter)
        self.ok = button("", ctl.pin_submit, primary=True)
        for w in (self.title, self.field, self.message):
            left.addWidget(w)
        if not portrait:
            left.addWidget(self.ok)
        left.addStretch(1)
        body.addLayout(left, 1)
        self.pad = Keypad(PIN_ROWS)
        self.pad.pressed.connect(self._key)
        body.addWidget(self.pad, 1)
        self.box.addLayout(body)
        if portrait:  # under the keypad, where the thumb ends
            self.box.addWidget(self.ok)
        self.box.addStretch(1)

    def _key(self, value: str) -> None:
        if value == Keypad.DELETE:
            self.ctl.pin_delete()
        elif value == Keypad.CLEAR:
            while self.ctl.state.pin_text:
                self.ctl.pin_delete()
        else:
            self.ctl.pin_key(value)

    def render(self, state: KioskState) -> None:
        """Dots for the digits typed."""
        self.title.setText(self.t("pin_prompt"))
        self.field.setText("●" * len(state.pin_text) or " ")
        self.message.setText(self.t("pin_wrong") if state.pin_error else "")
        self.pad.set_labels({Keypad.DELETE: self.t("kp_back"), Keypad.CLEAR: self.t("kp_clear")})
        self.ok.setText(self.t("pin_ok"))


class MaintenanceScreen(ScreenWidget):
    """Printer status and test print, masked device token, server URL, connection state."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait)
        # staff read this screen: always the standard sizes, whatever a citizen chose
        self.setStyleSheet(stylesheet(Metrics(large=False)))
        self.title = label("", "title")
        self.box.addLayout(icon_row("wrench", 90, self.title))
        self.lines = [label("", "strong") for _ in range(7)]
        grid = QGridLayout()
        grid.setHorizontalSpacing(40)
        grid.setVerticalSpacing(16)
        cols = 1 if portrait else 2
        for i, lab in enumerate(self.lines):
            grid.addWidget(lab, i // cols, i % cols)
        self.box.addLayout(grid)
        self.message = label("", "hintGood")
        self.box.addWidget(self.message)
        buttons = QVBoxLayout() if portrait else QHBoxLayout()
        buttons.setSpacing(24)
        self.check = button("", ctl.check_printer, icon_name="printer")
        self.test = button("", ctl.test_print, icon_name="printer")
        self.exit = button("", ctl.go_home, primary=True, icon_name="home")
        self.home_button = self.exit
        for b in (self.check, self.test, self.exit):
            buttons.addWidget(b)
        self.box.addLayout(buttons)
        self.box.addStretch(1)

    def render(self, state: KioskState) -> None:
        """Current values."""
        cfg = self.ctl.config
        http = {"ok": "http_ok", "fail": "http_fail"}.get(state.last_http or "", "http_never")
        values = [
            self.t("maint_server", v=cfg.server),
            self.t("maint_hall", v=f"{cfg.hall} {state.hall_name}"),
            self.t("maint_token", v=mask_token(cfg.token)),
            self.t("maint_conn", v=self.t(f"conn_{state.connection}")),
            self.t("maint_http", v=self.t(http)),
            self.t("maint_printer", v=self.ctl.printer.describe()),
            self.t("maint_printer_status",
                   v=self.t(state.printer_status_key or "checking")),
        ]
        for lab, text in zip(self.lines, values, strict=True):
            lab.setText(text)
        self.title.setText(self.t("maint_title"))
        self.message.setText(self.t(state.maint_message_key) if state.maint_message_key else "")
        self.check.setText(self.t("maint_check"))
        self.test.setText(self.t("maint_test"))
        self.exit.setText(self.t("maint_exit"))
