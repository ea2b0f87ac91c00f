"""Base of the wall screens: size and scale, background, header, notice marquee, flashing."""

from __future__ import annotations

from datetime import datetime

from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtWidgets import QWidget

from display.strings import Strings
from display.ui.common import BG, Marquee
from display.ui.header import Header

FLASH_TICKS = 12  # 12 × 500 ms: a new call flashes for six seconds


class WallScreen(QWidget):
    """A full-screen page, landscape 1920×1080 or portrait 1080×1920, scaled by `k`."""

    def __init__(self, strings: Strings, *, portrait: bool,
                 size: tuple[int, int] | None) -> None:
        super().__init__()
        self.s = strings
        self.portrait = portrait
        width, height = size or ((1080, 1920) if portrait else (1920, 1080))
        self.k = min(width / 1080, height / 1920) if portrait else min(width / 1920, height / 1080)
        self.resize(width, height)
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setStyleSheet(f"{type(self).__name__} {{ background: {BG}; }}")
        self.header = Header(strings, self.k, portrait=portrait)
        self.marquee = Marquee(40 * self.k)
        self.flash_left = 0
        self.flash_timer = QTimer(self)
        self.flash_timer.timeout.connect(self._flash_tick)

    def set_connection(self, state: str, detail: str = "") -> None:
        """Show a discreet banner while the stream is down."""
        self.header.set_connection(state, detail)

    def set_time(self, moment: datetime) -> None:
        """Update date and clock (hall timezone already applied)."""
        self.header.set_time(moment)

    def start_flash(self) -> None:
        """Flash the call panel for a few seconds."""
        self.flash_left = FLASH_TICKS
        self.flash_timer.start(500)

    @property
    def flashing(self) -> bool:
        """Whether the call panel is currently flashing."""
        return self.flash_left > 0

    def _flash_tick(self) -> None:
        raise NotImplementedError
