"""The kiosk window: header, the stack of screens, footer, idle timer and input routing."""

from __future__ import annotations

from typing import Any

from PyQt5.QtCore import QEvent, QObject, Qt, QTimer, pyqtSignal, pyqtSlot
from PyQt5.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from kiosk.controller import KioskController
from kiosk.devices.base import DeviceRead
from kiosk.state import KioskState, Screen
from kiosk.ui.base import ScreenWidget
from kiosk.ui.cases import CasesResultScreen, CasesScreen
from kiosk.ui.checkin import AppointmentScreen, CheckinScreen
from kiosk.ui.icons import icon
from kiosk.ui.misc import (
    BusyScreen,
    ErrorScreen,
    MaintenanceScreen,
    NoWindowScreen,
    OutOfServiceScreen,
    PinScreen,
    QueryResultScreen,
    QueryScreen,
    RetryScreen,
)
from kiosk.ui.pickup import PickupResultScreen, PickupScreen
from kiosk.ui.take import (
    CategoriesScreen,
    HomeScreen,
    IdPromptScreen,
    ServicesScreen,
    TicketScreen,
)
from kiosk.ui.theme import Metrics, stylesheet
from kiosk.ui.widgets import button, label

SCREENS: dict[Screen, type[ScreenWidget]] = {
    Screen.HOME: HomeScreen, Screen.CATEGORIES: CategoriesScreen,
    Screen.SERVICES: ServicesScreen, Screen.ID_PROMPT: IdPromptScreen,
    Screen.NO_WINDOW: NoWindowScreen,
    Screen.BUSY: BusyScreen, Screen.RETRY: RetryScreen, Screen.TICKET: TicketScreen,
    Screen.CHECKIN: CheckinScreen, Screen.APPOINTMENT: AppointmentScreen,
    Screen.QUERY: QueryScreen, Screen.QUERY_RESULT: QueryResultScreen,
    Screen.CASES: CasesScreen, Screen.CASES_RESULT: CasesResultScreen,
    Screen.PICKUP: PickupScreen, Screen.PICKUP_RESULT: PickupResultScreen,
    Screen.ERROR: ErrorScreen, Screen.PIN: PinScreen, Screen.MAINTENANCE: MaintenanceScreen,
}
WITH_FOOTER = {Screen.CATEGORIES, Screen.SERVICES, Screen.ID_PROMPT, Screen.CHECKIN,
               Screen.APPOINTMENT, Screen.QUERY, Screen.QUERY_RESULT, Screen.PIN,
               Screen.CASES, Screen.CASES_RESULT, Screen.PICKUP}
WITH_BACK = {Screen.SERVICES, Screen.ID_PROMPT, Screen.QUERY_RESULT, Screen.CASES,
             Screen.CASES_RESULT}


class CornerLabel(QLabel):
    """The hall name in the top-left corner; taps on it open maintenance (hidden)."""

    tapped = pyqtSignal()

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        """Count a tap."""
        self.tapped.emit()
        super().mousePressEvent(event)


class KioskWindow(QWidget):
    """Renders the controller's state; everything the citizen does goes to the controller."""

    device_read = pyqtSignal(object)

    def __init__(self, ctl: KioskController, *, portrait: bool = False) -> None:
        super().__init__()
        self.ctl = ctl
        self.portrait = portrait
        self.setObjectName("root")
        self.setAttribute(Qt.WA_StyledBackground, True)
        # no text widgets take keyboard focus: readers' keystrokes never reach an IME
        self.setAttribute(Qt.WA_InputMethodEnabled, False)
        self.setWindowTitle("通办 自助服务终端")
        self.resize(*((1080, 1920) if portrait else (1920, 1080)))
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._header())
        self.stack = QStackedWidget()
        self.screens: dict[Screen, ScreenWidget] = {}
        for screen, cls in SCREENS.items():
            widget = cls(ctl, portrait)
            self.screens[screen] = widget
            self.stack.addWidget(widget)
        self.out_of_service = OutOfServiceScreen(ctl, portrait)
        self.stack.addWidget(self.out_of_service)
        root.addWidget(self.stack, 1)
        root.addWidget(self._footer())
        self._large: bool | None = None
        self.device_read.connect(self._on_device_read)
        ctl.listeners.append(self.render)
        self.idle_timer = QTimer(self)
        self.idle_timer.timeout.connect(ctl.tick)
        self.idle_timer.start(1000)
        self.render(ctl.state)

    # ------------------------------------------------------------------ chrome

    def _header(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("header")
        bar.setAttribute(Qt.WA_StyledBackground, True)
        row = QHBoxLayout(bar)
        row.setContentsMargins(32, 14, 32, 14)
        row.setSpacing(24)
        self.corner = CornerLabel()
        self.corner.setPixmap(icon("home", 64, "#ffffff"))
        self.corner.tapped.connect(self.ctl.corner_tap)
        row.addWidget(self.corner)
        self.hall_label = label("", "hallName")  # may wrap in portrait with English buttons
        row.addWidget(self.hall_label, 1)
        self.conn_label = label("", "connLabel", wrap=False)
        row.addWidget(self.conn_label)
        self.large_btn = button("", self.ctl.toggle_large, name="headerBtn")
        self.lang_btn = button("", self.ctl.toggle_lang, name="headerBtn")
        row.addWidget(self.large_btn)
        row.addWidget(self.lang_btn)
        return bar

    def _footer(self) -> QWidget:
        self.footer = QWidget()
        row = QHBoxLayout(self.footer)
        margin = 48 if self.portrait else 64
        row.setContentsMargins(margin, 8, margin, 28)
        row.setSpacing(30)
        self.back_btn = button("", self.ctl.back, icon_name="back")
        self.home_btn = button("", self.ctl.go_home, icon_name="home")
        row.addWidget(self.back_btn, 1)
        row.addWidget(self.home_btn, 1)
        return self.footer

    # ------------------------------------------------------------------ rendering

    def render(self, state: KioskState) -> None:
        """Show the state's screen with current texts."""
        if state.large != self._large:
            self._large = state.large
            self.setStyleSheet(stylesheet(Metrics(state.large)))
        self.hall_label.setText(state.hall_name)  # never the raw hall code
        self.conn_label.setText(self.ctl.text(f"conn_{state.connection}"))
        self.large_btn.setText(self.ctl.text("large_off" if state.large else "large_on"))
        # home has its own big 大字版 tile; the header switch serves the other screens
        self.large_btn.setVisible(state.screen != Screen.HOME)
        self.lang_btn.setText(self.ctl.text("lang_switch"))
        self.footer.setVisible(state.screen in WITH_FOOTER)
        self.back_btn.setVisible(state.screen in WITH_BACK)
        self.back_btn.setText(self.ctl.text("back"))
        self.home_btn.setText(self.ctl.text("home"))
        widget = self.out_of_service if self.ctl.out_of_service else self.screens[state.screen]
        widget.render(state)
        self._show_countdown(state, widget)
        self.stack.setCurrentWidget(widget)

    def _show_countdown(self, state: KioskState, widget: ScreenWidget) -> None:
        """「N 秒后返回首页」 on the button that goes home: a touch restores its text and
        nothing moves under the finger (a press would miss its button)."""
        target = self.home_btn if state.screen in WITH_FOOTER else widget.home_button
        if target is not None and state.idle_left is not None:
            target.setText(self.ctl.text("idle_countdown", n=state.idle_left))

    @property
    def current(self) -> ScreenWidget:
        """The screen being shown."""
        return self.screens[self.ctl.state.screen]

    # ------------------------------------------------------------------ input from threads

    @pyqtSlot(object)
    def _on_device_read(self, read: DeviceRead) -> None:
        self.ctl.on_read(read)

    @pyqtSlot(dict)
    def on_event(self, message: dict) -> None:
        """Realtime event (from hallclient.qt.EventBridge)."""
        self.ctl.on_event(message)

    @pyqtSlot(dict)
    def on_snapshot(self, data: dict) -> None:
        """Realtime snapshot."""
        self.ctl.on_snapshot(data)

    @pyqtSlot(str)
    def on_stream_state(self, state: str) -> None:
        """Websocket connection state."""
        self.ctl.on_connection(state)


class ActivityFilter(QObject):
    """Application-wide: any touch, click or key restarts the idle timer."""

    KINDS = (QEvent.MouseButtonPress, QEvent.TouchBegin, QEvent.KeyPress)

    def __init__(self, ctl: KioskController) -> None:
        super().__init__()
        self.ctl = ctl

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """Never consumes the event."""
        if event.type() in self.KINDS:
            self.ctl.touch()
        return False
