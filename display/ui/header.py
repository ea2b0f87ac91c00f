"""Top bar of both screens: hall name, connection state, date, weekday and clock."""

from __future__ import annotations

from datetime import datetime

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from display.strings import Strings
from display.ui.common import DIGITS, MUTED, STOP, TEXT, label


class Header(QWidget):
    """Hall name left, clock right; a red note in the middle while offline."""

    def __init__(self, strings: Strings, k: float, *, portrait: bool = False) -> None:
        super().__init__()
        self.s = strings
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setStyleSheet("background: #061738;")
        self.setFixedHeight(int((150 if portrait else 116) * k))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(int(28 * k), 0, int(28 * k), 0)
        self.hall = label("", (50 if portrait else 52) * k, bold=True, elide=True)
        self.status = label("", 30 * k, color=STOP, align=Qt.AlignCenter)
        right = QVBoxLayout()
        right.setSpacing(0)
        self.date = label("", 30 * k, color=MUTED, align=Qt.AlignRight | Qt.AlignVCenter)
        self.clock = label("", 56 * k, color=DIGITS, bold=True,
                           align=Qt.AlignRight | Qt.AlignVCenter)
        right.addStretch(1)
        right.addWidget(self.date)
        right.addWidget(self.clock)
        right.addStretch(1)
        lay.addWidget(self.hall, 5)
        lay.addWidget(self.status, 3)
        lay.addLayout(right, 3)
        self.connection = "connecting"
        self.set_connection("connecting")

    def set_hall(self, name: str) -> None:
        """Hall name."""
        self.hall.setText(name or self.s("app_title"))

    def set_connection(self, state: str, detail: str = "") -> None:
        """Connection note (empty when connected); `detail` explains a refusal."""
        self.connection = state
        if state == "stopped" and detail:
            text = self.s("fatal", reason=detail)
        else:
            text = {"connected": "", "connecting": self.s("connecting")}.get(
                state, self.s("offline"))
        self.status.setText(text)

    def set_time(self, moment: datetime) -> None:
        """Date with weekday, and HH:MM:SS."""
        self.date.setText(f"{self.s.date(moment.year, moment.month, moment.day)}  "
                          f"{self.s.weekday(moment.weekday())}")
        self.clock.setText(moment.strftime("%H:%M:%S"))
        self.clock.setStyleSheet(f"color: {DIGITS}; background: transparent;")
        self.hall.setStyleSheet(f"color: {TEXT}; background: transparent;")
