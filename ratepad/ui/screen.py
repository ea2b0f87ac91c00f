"""The pad screen: header, then idle / prompt / reasons / thanks pages in a stack."""

from __future__ import annotations

from functools import partial

from PyQt5.QtCore import Qt, pyqtSignal
from PyQt5.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from ratepad.controller import IDLE, PROMPT, REASONS, THANKS, PadModel
from ratepad.strings import Strings
from ratepad.ui.theme import (
    ACCENT,
    ALERT,
    BG,
    EDGE,
    HEADER,
    LEVEL_COLORS,
    MUTED,
    Card,
    Face,
    Photo,
    font,
    label,
)

SIZE = (1280, 800)


class ClerkCard(Card):
    """Photo, name, 工号 of the clerk who served (or is signed in)."""

    def __init__(self, strings: Strings, *, photo: tuple[int, int], name_px: int) -> None:
        super().__init__()
        self.s = strings
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 24, 24, 24)
        lay.setSpacing(10)
        self.photo = Photo()
        self.photo.setFixedSize(*photo)
        lay.addWidget(self.photo, 0, Qt.AlignHCenter)
        self.name = label("", name_px, bold=True, align=Qt.AlignCenter)
        self.staff_no = label("", name_px * 0.5, color=MUTED, align=Qt.AlignCenter)
        lay.addSpacing(10)
        lay.addWidget(self.name)
        lay.addWidget(self.staff_no)
        lay.addStretch(1)

    def show_clerk(self, clerk: dict[str, str] | None) -> None:
        """Fill in a clerk (or leave the frame empty)."""
        self.photo.set_name(clerk["name"] if clerk else None)
        self.name.setText(clerk["name"] if clerk else "")
        self.staff_no.setText(self.s("staff_no", staff_no=clerk["staff_no"]) if clerk else "")


class LevelButton(QPushButton):
    """One of the five levels: face and label on the level's colour."""

    def __init__(self, rating: int) -> None:
        super().__init__()
        self.rating = rating
        self.setFixedSize(164, 340)
        self.setCursor(Qt.PointingHandCursor)
        color = LEVEL_COLORS[rating]
        self.setStyleSheet(f"QPushButton {{ background: {color}; border: none; "
                           f"border-radius: 22px; }} "
                           f"QPushButton:disabled {{ background: #9aa5b8; }} "
                           f"QPushButton:pressed {{ background: {HEADER}; }}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 34, 4, 30)
        self.face = Face(rating)
        self.face.setFixedSize(110, 110)
        lay.addWidget(self.face, 0, Qt.AlignHCenter)
        lay.addStretch(1)
        self.text = label("", 28, color="#ffffff", bold=True, align=Qt.AlignCenter, wrap=True)
        self.text.setAttribute(Qt.WA_TransparentForMouseEvents)
        lay.addWidget(self.text)


class PadScreen(QWidget):
    """The whole pad; touches are signals, the controller decides."""

    chose = pyqtSignal(int)
    toggled = pyqtSignal(str)
    back_clicked = pyqtSignal()
    submit_clicked = pyqtSignal()

    def __init__(self, strings: Strings, size: tuple[int, int] = SIZE) -> None:
        super().__init__()
        self.s = strings
        self.resize(*size)
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setStyleSheet(f"PadScreen {{ background: {BG}; }}")
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.chips: dict[str, QPushButton] = {}  # built from the server's reasons
        root.addWidget(self._header())
        self.conn = label("", 24, color="#ffffff", align=Qt.AlignCenter)
        self.conn.setStyleSheet(f"color: #ffffff; background: {ALERT}; padding: 6px;")
        self.conn.hide()
        root.addWidget(self.conn)
        body = QWidget()
        self.stack = QStackedLayout(body)
        self.pages = {IDLE: self._idle_page(), PROMPT: self._prompt_page(),
                      REASONS: self._reasons_page(), THANKS: self._thanks_page()}
        for page in self.pages.values():
            self.stack.addWidget(page)
        root.addWidget(body, 1)
        self.message = label("", 28, color=ALERT, bold=True, align=Qt.AlignCenter)
        self.message.setFixedHeight(56)
        root.addWidget(self.message)

    # ------------------------------------------------------------------ building

    def _header(self) -> QWidget:
        bar = QWidget()
        bar.setFixedHeight(76)
        bar.setAttribute(Qt.WA_StyledBackground, True)
        bar.setStyleSheet(f"background: {HEADER};")
        lay = QHBoxLayout(bar)
        lay.setContentsMargins(32, 0, 32, 0)
        self.hall = label("", 28, color="#ffffff", bold=True)
        self.window = label("", 30, color="#ffd54a", bold=True,
                            align=Qt.AlignRight | Qt.AlignVCenter)
        lay.addWidget(self.hall, 1)
        lay.addWidget(self.window)
        return bar

    def _idle_page(self) -> QWidget:
        page = QWidget()
        lay = QHBoxLayout(page)
        lay.setContentsMargins(80, 40, 80, 10)
        lay.setSpacing(60)
        self.idle_photo = Photo()
        self.idle_photo.setFixedSize(300, 380)
        lay.addWidget(self.idle_photo, 0, Qt.AlignVCenter)
        col = QVBoxLayout()
        col.addStretch(1)
        self.idle_name = label("", 84, bold=True)
        self.idle_staff_no = label("", 38, color=MUTED)
        self.idle_welcome = label("", 44, color=ACCENT, bold=True, wrap=True)
        self.idle_hint = label("", 30, color=MUTED, wrap=True)
        for w in (self.idle_name, self.idle_staff_no):
            col.addWidget(w)
        col.addSpacing(40)
        col.addWidget(self.idle_welcome)
        col.addWidget(self.idle_hint)
        col.addStretch(1)
        lay.addLayout(col, 1)
        return page

    def _prompt_page(self) -> QWidget:
        page = QWidget()
        lay = QHBoxLayout(page)
        lay.setContentsMargins(32, 28, 32, 0)
        lay.setSpacing(28)
        self.prompt_clerk = ClerkCard(self.s, photo=(190, 240), name_px=44)
        self.prompt_clerk.setFixedWidth(300)
        lay.addWidget(self.prompt_clerk)
        col = QVBoxLayout()
        col.setSpacing(12)
        self.prompt_title = label(self.s("prompt_title"), 46, bold=True)
        self.prompt_ticket = label("", 34, color=ACCENT, bold=True)
        col.addWidget(self.prompt_title)
        col.addWidget(self.prompt_ticket)
        col.addSpacing(16)
        row = QHBoxLayout()
        row.setSpacing(12)
        self.level_buttons: dict[int, LevelButton] = {}
        for rating in (5, 4, 3, 2, 1):
            b = LevelButton(rating)
            if self.s.lang == "en":  # "Dissatisfied" needs the whole button width at 28 px
                b.text.setFont(font(24, bold=True))
            b.clicked.connect(partial(self.chose.emit, rating))
            self.level_buttons[rating] = b
            row.addWidget(b)
        row.addStretch(1)
        col.addLayout(row)
        col.addSpacing(14)
        col.addWidget(label(self.s("prompt_hint"), 26, color=MUTED))
        col.addStretch(1)
        lay.addLayout(col, 1)
        return page

    def _reasons_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(60, 28, 60, 0)
        lay.setSpacing(14)
        self.reasons_title = label(self.s("reasons_title"), 44, bold=True)
        self.reasons_hint = label("", 30, color=MUTED)
        lay.addWidget(self.reasons_title)
        lay.addWidget(self.reasons_hint)
        lay.addSpacing(10)
        self.chip_grid = QGridLayout()
        self.chip_grid.setHorizontalSpacing(20)
        self.chip_grid.setVerticalSpacing(20)
        lay.addLayout(self.chip_grid)
        lay.addStretch(1)
        row = QHBoxLayout()
        self.back_button = self._button(self.s("back"), "#ffffff", ACCENT, border=ACCENT)
        self.back_button.clicked.connect(self.back_clicked.emit)
        self.submit_button = self._button(self.s("submit"), ACCENT, "#ffffff")
        self.submit_button.clicked.connect(self.submit_clicked.emit)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.submit_button)
        lay.addLayout(row)
        return page

    def _thanks_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.setContentsMargins(60, 40, 60, 0)
        lay.addStretch(1)
        self.thanks_title = label(self.s("thanks"), 80, bold=True, color=ACCENT,
                                  align=Qt.AlignCenter)
        self.thanks_level = label("", 40, align=Qt.AlignCenter)
        self.thanks_note = label("", 32, color=MUTED, align=Qt.AlignCenter)
        for w in (self.thanks_title, self.thanks_level, self.thanks_note):
            lay.addWidget(w)
            lay.addSpacing(12)
        lay.addStretch(1)
        return page

    @staticmethod
    def _button(text: str, bg: str, fg: str, *, border: str | None = None) -> QPushButton:
        b = QPushButton(text)
        b.setFont(font(34, bold=True))
        b.setFixedSize(300, 96)
        b.setCursor(Qt.PointingHandCursor)
        edge = f"3px solid {border}" if border else "none"
        b.setStyleSheet(f"QPushButton {{ background: {bg}; color: {fg}; border: {edge}; "
                        f"border-radius: 18px; }} QPushButton:disabled {{ background: #b8c2d3; "
                        f"color: #ffffff; }}")
        return b

    def _chip(self, code: str, text: str) -> QPushButton:
        b = QPushButton(text)
        b.setCheckable(True)
        b.setFont(font(32, bold=True))
        b.setFixedHeight(104)
        b.setCursor(Qt.PointingHandCursor)
        b.setStyleSheet(f"QPushButton {{ background: #ffffff; color: #14213d; border: 3px solid "
                        f"{EDGE}; border-radius: 18px; padding: 0 16px; }} QPushButton:checked "
                        f"{{ background: {ALERT}; color: #ffffff; border-color: {ALERT}; }}")
        b.clicked.connect(partial(self.toggled.emit, code))
        return b

    # ------------------------------------------------------------------ rendering

    def set_connection(self, state: str, detail: str = "") -> None:
        """A banner while the server is out of reach (nothing when connected)."""
        text = {"connecting": self.s("connecting"), "disconnected": self.s("offline"),
                "stopped": self.s("fatal", reason=detail) if detail else self.s("offline")}
        self.conn.setText(text.get(state, ""))
        self.conn.setVisible(state in text)

    def render_model(self, m: PadModel) -> None:
        """Draw the model."""
        self.hall.setText(m.hall_name)
        if m.window_number is not None:
            self.window.setText(f"{self.s('window_no', window=m.window_number)}  {m.window_name}")
        self.stack.setCurrentWidget(self.pages[m.screen])
        {IDLE: self._render_idle, PROMPT: self._render_prompt, REASONS: self._render_reasons,
         THANKS: self._render_thanks}[m.screen](m)
        self.message.setText(self.s(m.message) if m.message and m.screen != THANKS else "")

    def _render_idle(self, m: PadModel) -> None:
        clerk = m.clerk
        self.idle_photo.set_name(clerk["name"] if clerk else None)
        self.idle_name.setText(clerk["name"] if clerk else self.s("no_clerk"))
        self.idle_name.setFont(font(84 if clerk else 52, bold=True))
        self.idle_staff_no.setText(self.s("staff_no", staff_no=clerk["staff_no"]) if clerk else "")
        self.idle_welcome.setText(self.s("welcome") if clerk else "")
        self.idle_hint.setText(self.s("idle_hint") if clerk else self.s("no_clerk_hint"))

    def _render_prompt(self, m: PadModel) -> None:
        assert m.prompt is not None
        self.prompt_clerk.show_clerk(m.prompt.clerk)
        self.prompt_ticket.setText(self.s("ticket", number=m.prompt.number))
        for rating, b in self.level_buttons.items():
            b.text.setText(self.s.level(rating, m.level_label(rating)))
            b.setEnabled(not m.sending)

    def _render_reasons(self, m: PadModel) -> None:
        if set(self.chips) != {r["code"] for r in m.reasons}:
            for chip in self.chips.values():
                chip.deleteLater()
            self.chips = {r["code"]: self._chip(r["code"], self.s.reason(r)) for r in m.reasons}
            for i, chip in enumerate(self.chips.values()):
                self.chip_grid.addWidget(chip, i // 3, i % 3)
                chip.show()  # added to a page that may already be visible
        for code, chip in self.chips.items():
            chip.setChecked(code in m.picked)
            chip.setEnabled(not m.sending)
        level = self.s.level(m.rating or 0, m.level_label(m.rating or 0))
        self.reasons_hint.setText(self.s("reasons_hint", level=level))
        self.submit_button.setText(self.s("sending") if m.sending else self.s("submit"))
        self.submit_button.setEnabled(m.can_submit)
        self.back_button.setEnabled(not m.sending)

    def _render_thanks(self, m: PadModel) -> None:
        if m.thanked_level is None:  # rated before (QR code): no level to repeat
            self.thanks_level.setText(self.s("already"))
            self.thanks_note.setText("")
            return
        level = self.s.level(m.thanked_level, m.level_label(m.thanked_level))
        self.thanks_level.setText(self.s("thanks_level", level=level))
        self.thanks_note.setText(self.s("thanks_bad") if m.is_bad(m.thanked_level)
                                 else self.s("thanks_good"))
