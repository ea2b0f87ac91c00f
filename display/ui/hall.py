"""综合屏: newest call (flashing), recent calls, every window, queues, notice, date and clock.

A hall with more services than the queue panel holds rotates through balanced pages of them
every `page_seconds` (with a 第 1/2 页 indicator); the call panels never move or page.
"""

from __future__ import annotations

import math

from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from display.controller import Call, DisplayModel, ServiceView, WindowView
from display.paging import DEFAULT_PAGE_SECONDS, Pager
from display.strings import Strings
from display.ui.common import (
    DIGITS,
    HIGHLIGHT,
    HIGHLIGHT_ALT,
    MUTED,
    OK,
    PANEL,
    STOP,
    TEXT,
    WARN,
    Panel,
    font,
    label,
    set_color,
)
from display.ui.screen import WallScreen
from tongban_common.wire import TicketStatus

RECENT_ROWS = 4
# Queue rows (columns, rows per column): 2 × 5 landscape, 1 × 10 portrait. More rows would push
# the text under QUEUE_MIN_PX, the smallest we accept on a wall screen (26 px ≈ 16 mm on a
# 55-inch 1080p panel); a hall with more services pages through them instead.
QUEUE_ROWS = {False: (2, 5), True: (1, 10)}
QUEUE_MIN_PX = 26


class WindowCard(Panel):
    """One window: number, name, current ticket, state."""

    def __init__(self, s: Strings, k: float, number_px: float = 88) -> None:
        super().__init__(PANEL, radius=14 * k)
        self.s = s
        lay = QVBoxLayout(self)
        lay.setContentsMargins(int(10 * k), int(8 * k), int(10 * k), int(8 * k))
        lay.setSpacing(0)
        self.title = label("", 38 * k, bold=True, align=Qt.AlignCenter)
        self.name = label("", 24 * k, color=MUTED, align=Qt.AlignCenter, elide=True)
        self.number = label("", number_px * k, color=DIGITS, bold=True, align=Qt.AlignCenter)
        self.state = label("", 28 * k, align=Qt.AlignCenter)
        for w in (self.title, self.name, self.number, self.state):
            lay.addWidget(w)

    def show_window(self, w: WindowView) -> None:
        """Render one window."""
        s = self.s
        self.title.setText(s("window_no", window=w.number))
        self.name.setText(w.name)
        if w.state == "closed":
            self.number.setText("—")
            self.state.setText(s("closed"))
            set_color(self.state, STOP)
            set_color(self.number, MUTED)
        elif w.state == "paused":
            self.number.setText(w.ticket_number or "—")
            self.state.setText(s("paused"))
            set_color(self.state, WARN)
            set_color(self.number, DIGITS if w.ticket_number else MUTED)
        else:
            self.number.setText(w.ticket_number or "—")
            key = {TicketStatus.CALLED: "called", TicketStatus.SERVING: "serving"}.get(
                w.ticket_status or "", "idle")
            self.state.setText(s(key))
            set_color(self.state, OK if key != "called" else DIGITS)
            set_color(self.number, DIGITS if w.ticket_number else MUTED)
        self.set_color(HIGHLIGHT_ALT if w.ticket_status == TicketStatus.CALLED and w.state == "open"
                       else PANEL)


class ServiceRow(QWidget):
    """Name, waiting count and estimated wait of one service."""

    def __init__(self, s: Strings, k: float) -> None:
        super().__init__()
        self.s = s
        self.code = ""  # the service shown (empty row: "")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(int(12 * k), 0, int(12 * k), 0)
        lay.setSpacing(int(8 * k))  # 9-character names fit whole at QUEUE_MIN_PX
        self.name = label("", 28 * k, elide=True)
        self.name.min_px = int(QUEUE_MIN_PX * k)  # long names shrink a little before eliding
        self.waiting = label("", 32 * k, color=DIGITS, bold=True,
                             align=Qt.AlignRight | Qt.AlignVCenter)
        self.eta = label("", 26 * k, color=MUTED, align=Qt.AlignRight | Qt.AlignVCenter)
        self.waiting.setFixedWidth(int(100 * k))  # "Waiting" in Noto Sans at 26 px
        self.eta.setFixedWidth(int(136 * k))
        lay.addWidget(self.name, 1)
        lay.addWidget(self.waiting)
        lay.addWidget(self.eta)

    def show_service(self, svc: ServiceView | None) -> None:
        """Render (or blank) a row."""
        self.code = svc.code if svc is not None else ""
        if svc is None:
            for w in (self.name, self.waiting, self.eta):
                w.setText("")
            return
        self.name.setText(f"{svc.prefix}  {svc.name}" if svc.prefix else svc.name)
        self.waiting.setText(self.s("people", n=svc.waiting))
        self.eta.setText(self.eta_text(svc))
        set_color(self.eta, MUTED if svc.accepting else WARN)

    def eta_text(self, svc: ServiceView) -> str:
        """暂停受理 (no window serves it: no estimate), nobody waiting, no estimate yet (—),
        about to be called, or ~N min."""
        if not svc.accepting:
            return self.s("eta_no_window")
        if svc.waiting == 0:
            return self.s("eta_none")
        if svc.eta_minutes is None:
            return self.s("eta_unknown")
        return self.s("eta", m=svc.eta_minutes) if svc.eta_minutes >= 1 else self.s("eta_soon")


class CallRow(QWidget):
    """A previous call: number → window."""

    def __init__(self, s: Strings, k: float) -> None:
        super().__init__()
        self.s = s
        lay = QHBoxLayout(self)
        lay.setContentsMargins(int(24 * k), 0, int(24 * k), 0)
        self.number = label("", 76 * k, color=DIGITS, bold=True)
        self.window = label("", 56 * k, align=Qt.AlignRight | Qt.AlignVCenter)
        lay.addWidget(self.number, 1)
        lay.addWidget(self.window, 1)

    def show_call(self, call: Call | None) -> None:
        """Render (or blank) a row."""
        self.number.setText(call.number if call else "")
        self.window.setText(self.s("window_no", window=call.window_number) if call else "")


class HallScreen(WallScreen):
    """The hall's main wall screen, landscape 1920×1080 or portrait 1080×1920."""

    def __init__(self, strings: Strings, *, portrait: bool = False,
                 size: tuple[int, int] | None = None, window_count: int = 10,
                 page_seconds: float = DEFAULT_PAGE_SECONDS) -> None:
        super().__init__(strings, portrait=portrait, size=size)
        self.setAutoFillBackground(True)
        k = self.k
        self._build_newest(k)
        self._build_windows(k, window_count)
        self._build_queues(k)
        self._layout(k)
        self.shown_newest: int | None = None
        self._services: list[ServiceView] = []
        self.page_timer = QTimer(self)
        self.page_timer.setInterval(int(page_seconds * 1000))
        self.page_timer.timeout.connect(self.next_page)
        self.page_timer.start()

    # ------------------------------------------------------------------ building

    def _build_newest(self, k: float) -> None:
        big = 220 if self.portrait else 210
        self.newest = Panel(HIGHLIGHT, radius=22 * k)
        lay = QVBoxLayout(self.newest)
        lay.setContentsMargins(int(20 * k), int(10 * k), int(20 * k), int(16 * k))
        lay.setSpacing(0)
        self.newest_title = label(self.s("latest_calls"), 40 * k, bold=True, align=Qt.AlignCenter)
        self.newest_number = label("", big * k, color=DIGITS, bold=True, align=Qt.AlignCenter)
        self.newest_window = label("", 76 * k, bold=True, align=Qt.AlignCenter)
        for w in (self.newest_title, self.newest_number, self.newest_window):
            lay.addWidget(w)
        self.recent = Panel(PANEL, radius=18 * k)
        rl = QVBoxLayout(self.recent)
        rl.setContentsMargins(0, int(8 * k), 0, int(8 * k))
        rows = RECENT_ROWS - 1 if self.portrait else RECENT_ROWS
        self.recent_rows = [CallRow(self.s, k) for _ in range(rows)]
        for row in self.recent_rows:
            rl.addWidget(row)

    def _build_windows(self, k: float, count: int) -> None:
        self.windows_panel = QWidget()
        self.windows_grid = QGridLayout(self.windows_panel)
        self.windows_grid.setContentsMargins(0, 0, 0, 0)
        self.windows_grid.setSpacing(int(12 * k))
        self.cols = 5
        self.window_cards: dict[int, WindowCard] = {}
        self._card_pool: list[WindowCard] = []
        self._make_cards(count)

    def _make_cards(self, count: int) -> None:
        """(Re)build the window cards; more than ten windows get smaller cards."""
        for card in self._card_pool:
            self.windows_grid.removeWidget(card)
            card.deleteLater()
        rows = max(1, math.ceil(count / self.cols))
        ck = self.k * min(1.0, 2.4 / rows)
        self.card_k = ck
        number_px = 74 if self.portrait else 88
        self._card_pool = [WindowCard(self.s, ck, number_px) for _ in range(max(count, 1))]
        for i, card in enumerate(self._card_pool):
            self.windows_grid.addWidget(card, i // self.cols, i % self.cols)
            card.name.setVisible(rows <= 2)  # small cards: number and state matter most
            card.hide()

    def _build_queues(self, k: float) -> None:
        self.queues = Panel(PANEL, radius=18 * k)
        ql = QVBoxLayout(self.queues)
        ql.setContentsMargins(int(8 * k), int(8 * k), int(8 * k), int(4 * k))
        ql.setSpacing(0)
        grid = QGridLayout()
        grid.setHorizontalSpacing(int(18 * k))
        grid.setVerticalSpacing(0)
        ql.addLayout(grid, 1)
        self.queue_headers = []
        self.queue_cols, self.queue_rows = QUEUE_ROWS[self.portrait]
        for col in range(self.queue_cols):
            head = ServiceRow(self.s, k)
            head.name.setText(self.s("queue"))
            head.waiting.setText(self.s("waiting_head"))
            head.eta.setText(self.s("eta_head"))
            for w in (head.name, head.waiting, head.eta):
                set_color(w, MUTED)
                w.setFont(font(26 * k, bold=True))
            grid.addWidget(head, 0, col)
            self.queue_headers.append(head)
        self.pager = Pager(self.queue_cols * self.queue_rows)
        self.service_rows = [ServiceRow(self.s, k) for _ in range(self.pager.capacity)]
        for i, row in enumerate(self.service_rows):
            grid.addWidget(row, 1 + i % self.queue_rows, i // self.queue_rows)
        self.page_label = label("", QUEUE_MIN_PX * k, color=MUTED,
                                align=Qt.AlignRight | Qt.AlignVCenter)
        self.page_label.hide()  # shown only when there is more than one page
        if self.portrait:
            # Ten rows fill the portrait panel: the indicator goes into the wide header row.
            self.queue_headers[0].layout().insertWidget(1, self.page_label)
        else:
            self.page_label.setContentsMargins(0, 0, int(12 * k), 0)
            ql.addWidget(self.page_label)

    def _layout(self, k: float) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self.header)
        body = QWidget()
        m = int(20 * k)
        if self.portrait:
            lay = QVBoxLayout(body)
            lay.setContentsMargins(m, m, m, m)
            lay.setSpacing(m)
            lay.addWidget(self.newest, 10)
            lay.addWidget(self.recent, 7)
            lay.addWidget(self.windows_panel, 10)
            lay.addWidget(self.queues, 11)
        else:
            lay = QHBoxLayout(body)
            lay.setContentsMargins(m, m, m, m)
            lay.setSpacing(m)
            left = QVBoxLayout()
            left.setSpacing(m)
            left.addWidget(self.newest, 11)
            left.addWidget(self.recent, 9)
            right = QVBoxLayout()
            right.setSpacing(m)
            right.addWidget(self.windows_panel, 11)
            right.addWidget(self.queues, 8)
            lay.addLayout(left, 8)
            lay.addLayout(right, 12)
        root.addWidget(body, 1)
        root.addWidget(self.marquee)

    # ------------------------------------------------------------------ rendering

    def render_model(self, model: DisplayModel) -> None:
        """Draw everything from the model (cheap; called after each change)."""
        self.header.set_hall(model.hall_name)
        self.marquee.set_text(model.notice)
        calls = model.recent_calls
        newest = calls[0] if calls else None
        if newest is None:
            self.newest_number.setText("—")
            self.newest_window.setText(self.s("no_calls"))
        else:
            self.newest_number.setText(newest.number)
            self.newest_window.setText(self.s("to_window", window=newest.window_number))
        title = self.s("latest_calls")
        if newest is not None and newest.recall:
            title += f" · {self.s('recall')}"
        self.newest_title.setText(title)
        if newest is not None:
            if self.shown_newest is not None and newest.seq != self.shown_newest:
                self.start_flash()
            self.shown_newest = newest.seq
        if self.shown_newest is None:
            self.shown_newest = newest.seq if newest else 0
        for row, call in zip(self.recent_rows, calls[1:], strict=False):
            row.show_call(call)
        for row in self.recent_rows[max(0, len(calls) - 1):]:
            row.show_call(None)
        self.window_cards = {}
        windows = model.sorted_windows()
        if len(windows) > len(self._card_pool):
            self._make_cards(len(windows))
        for card, w in zip(self._card_pool, windows, strict=False):
            card.show_window(w)
            card.show()
            self.window_cards[w.number] = card
        for card in self._card_pool[len(windows):]:
            card.hide()
        self._services = model.sorted_services()
        self._show_services()

    def next_page(self) -> None:
        """Show the next page of services (the rotation timer calls this)."""
        self.pager.advance()
        self._show_services()

    def shown_services(self) -> list[str]:
        """Codes of the services on screen now, in reading order (column by column)."""
        return [row.code for row in self.service_rows if row.code]

    def _show_services(self) -> None:
        items = self.pager.show(self._services)
        # Fill the columns evenly (7 on a page → 4 + 3, not 5 + 2).
        per_col = max(1, math.ceil(len(items) / self.queue_cols))
        slots: list[ServiceView | None] = [None] * len(self.service_rows)
        for j, svc in enumerate(items):
            slots[(j // per_col) * self.queue_rows + j % per_col] = svc
        for row, svc in zip(self.service_rows, slots, strict=True):
            row.show_service(svc)
        paged = self.pager.total > 1
        self.page_label.setVisible(paged)
        if paged:
            self.page_label.setText(self.s("page", page=self.pager.page + 1,
                                           total=self.pager.total))

    def _flash_tick(self) -> None:
        self.flash_left -= 1
        on = self.flash_left % 2 == 1
        self.newest.set_color(HIGHLIGHT_ALT if on else HIGHLIGHT)
        set_color(self.newest_number, TEXT if on else DIGITS)
        if self.flash_left <= 0:
            self.flash_timer.stop()
            self.newest.set_color(HIGHLIGHT)
            set_color(self.newest_number, DIGITS)
