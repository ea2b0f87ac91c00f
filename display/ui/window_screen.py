"""窗口屏: one window's number and name, current ticket, clerk with photo, paused/closed."""

from __future__ import annotations

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from display.controller import DisplayModel
from display.strings import Strings
from display.ui.common import (
    DIGITS,
    HIGHLIGHT,
    HIGHLIGHT_ALT,
    MUTED,
    OK,
    PANEL,
    STOP,
    WARN,
    Panel,
    PhotoPlaceholder,
    label,
    set_color,
)
from display.ui.screen import WallScreen
from tongban_common.wire import TicketStatus


class WindowScreen(WallScreen):
    """The screen above one counter."""

    def __init__(self, strings: Strings, window_number: int, *, portrait: bool = False,
                 size: tuple[int, int] | None = None) -> None:
        super().__init__(strings, portrait=portrait, size=size)
        self.window_number = window_number
        k = self.k

        self.title_panel = Panel(PANEL, radius=20 * k)
        tl = QVBoxLayout(self.title_panel) if portrait else QHBoxLayout(self.title_panel)
        tl.setContentsMargins(int(30 * k), int(10 * k), int(30 * k), int(10 * k))
        self.title = label(strings("window_no", window=window_number), 130 * k, bold=True,
                           color=DIGITS, align=Qt.AlignCenter)
        self.name = label("", 72 * k, bold=True, align=Qt.AlignCenter, elide=True)
        tl.addWidget(self.title, 1)
        tl.addWidget(self.name, 1)

        self.ticket_panel = Panel(PANEL, radius=22 * k)
        kl = QVBoxLayout(self.ticket_panel)
        kl.setContentsMargins(int(20 * k), int(16 * k), int(20 * k), int(20 * k))
        kl.setSpacing(0)
        self.caption = label(strings("current"), 54 * k, color=MUTED, align=Qt.AlignCenter)
        self.number = label("", (300 if portrait else 290) * k, color=DIGITS, bold=True,
                            align=Qt.AlignCenter)
        self.state = label("", 72 * k, bold=True, align=Qt.AlignCenter)
        kl.addWidget(self.caption)
        kl.addWidget(self.number, 1)
        kl.addWidget(self.state)

        self.clerk_panel = Panel(PANEL, radius=22 * k)
        cl = QHBoxLayout(self.clerk_panel) if portrait else QVBoxLayout(self.clerk_panel)
        cl.setContentsMargins(int(24 * k), int(24 * k), int(24 * k), int(24 * k))
        cl.setSpacing(int(16 * k))
        self.photo = PhotoPlaceholder()
        self.photo.setFixedSize(int(270 * k), int(340 * k))
        info = QVBoxLayout()
        self.clerk_caption = label(strings("clerk"), 40 * k, color=MUTED, align=Qt.AlignCenter)
        self.clerk = label("", 64 * k, bold=True, align=Qt.AlignCenter, elide=True)
        info.addStretch(1)
        info.addWidget(self.clerk_caption)
        info.addWidget(self.clerk)
        info.addStretch(1)
        cl.addWidget(self.photo, 0, Qt.AlignCenter)
        cl.addLayout(info, 1)

        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self.header)
        body = QWidget()
        m = int(24 * k)
        bl = QVBoxLayout(body)
        bl.setContentsMargins(m, m, m, m)
        bl.setSpacing(m)
        bl.addWidget(self.title_panel, 3 if portrait else 2)
        if portrait:
            bl.addWidget(self.ticket_panel, 7)
            bl.addWidget(self.clerk_panel, 4)
        else:
            row = QHBoxLayout()
            row.setSpacing(m)
            row.addWidget(self.ticket_panel, 3)
            row.addWidget(self.clerk_panel, 1)
            bl.addLayout(row, 7)
        root.addWidget(body, 1)
        root.addWidget(self.marquee)

        self.shown_seq: int | None = None

    def render_model(self, model: DisplayModel) -> None:
        """Draw this window's state from the model."""
        s = self.s
        self.header.set_hall(model.hall_name)
        self.marquee.set_text(model.notice)
        w = model.window_by_number(self.window_number)
        if w is None:
            self.name.setText("")
            self.number.setText("—")
            self.state.setText(s("unknown_window", window=self.window_number))
            set_color(self.state, STOP)
            return
        self.name.setText(w.name)
        self.clerk.setText(w.clerk_name or s("no_clerk"))
        self.photo.set_name(w.clerk_name)
        if w.state == "closed":
            self.number.setText(s("closed"))
            set_color(self.number, STOP)
            self.number.setFont(self.number.font())
            self.state.setText("")
        elif w.state == "paused":
            self.number.setText(s("paused"))
            set_color(self.number, WARN)
            self.state.setText(w.ticket_number or "")
        else:
            self.number.setText(w.ticket_number or "—")
            set_color(self.number, DIGITS if w.ticket_number else MUTED)
            key = {TicketStatus.CALLED: "called", TicketStatus.SERVING: "serving"}.get(
                w.ticket_status or "", "idle")
            self.state.setText(s(key))
            set_color(self.state, DIGITS if key == "called" else OK)
        # "当前号码" over 暂停服务 / 已关闭 would read oddly: only while serving.
        self.caption.setText(s("current") if w.state == "open" else "")
        self._fit_number(w.state)
        latest = next((c for c in model.recent_calls if c.window_number == self.window_number),
                      None)
        if latest is not None:
            if self.shown_seq is not None and latest.seq != self.shown_seq:
                self.start_flash()
            self.shown_seq = latest.seq
        elif self.shown_seq is None:
            self.shown_seq = 0

    def _fit_number(self, state: str) -> None:
        # 暂停服务 / 已关闭 are four/three characters: smaller than a ticket number.
        base = (300 if self.portrait else 290) * self.k
        px = base * (0.5 if state == "paused" else 0.62 if state == "closed" else 1.0)
        f = self.number.font()
        if f.pixelSize() != int(px):
            f.setPixelSize(int(px))
            self.number.setFont(f)

    def _flash_tick(self) -> None:
        self.flash_left -= 1
        self.ticket_panel.set_color(HIGHLIGHT if self.flash_left % 2 else HIGHLIGHT_ALT)
        if self.flash_left <= 0:
            self.flash_timer.stop()
            self.ticket_panel.set_color(PANEL)
            set_color(self.caption, MUTED)


__all__ = ["WindowScreen"]
