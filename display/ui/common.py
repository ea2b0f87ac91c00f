"""Shared look of the wall screens: colours, fonts scaled to the screen, small widgets."""

from __future__ import annotations

import math

from PyQt5.QtCore import QRectF, QSize, Qt, QTimer
from PyQt5.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPaintEvent,
)
from PyQt5.QtWidgets import QLabel, QSizePolicy, QWidget

from hallclient.fonts import ui_family

BG = "#0a2351"
PANEL = "#12336e"
PANEL_EDGE = "#2a5298"
TEXT = "#ffffff"
MUTED = "#b8c7e6"
DIGITS = "#ffd54a"
HIGHLIGHT = "#c62828"
HIGHLIGHT_ALT = "#8e1b1b"
OK = "#66e08a"
WARN = "#ffb74d"
STOP = "#ff6b6b"


def font(px: float, *, bold: bool = False) -> QFont:
    """A font of `px` pixels (pixel sizes keep layouts identical on any DPI)."""
    f = QFont(ui_family())
    f.setPixelSize(max(8, int(px)))
    f.setBold(bold)
    return f


# Noto Sans CJK's line box is 1.45 em (room for stacked marks these screens never draw); the
# screens were laid out for 1.18 em lines, and Chinese and digits fit inside that, centred.
LINE_EM = 1.18  # WenQuanYi Micro Hei's line box, which the layouts were made for


def line_height(f: QFont) -> int:
    """Height one line of these screens takes: at most LINE_EM of the pixel size."""
    return min(QFontMetrics(f).height(), math.ceil(f.pixelSize() * LINE_EM))


class TightLabel(QLabel):
    """A one-line label laid out at `line_height` (its text stays vertically centred)."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """The text's width; a tight line's height."""
        hint = super().sizeHint()
        hint.setHeight(min(hint.height(), line_height(self.font())))
        return hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Never taller than the size hint."""
        hint = super().minimumSizeHint()
        hint.setHeight(min(hint.height(), line_height(self.font())))
        return hint


def label(text: str = "", px: float = 24, *, color: str = TEXT, bold: bool = False,
          align: Qt.AlignmentFlag = Qt.AlignLeft | Qt.AlignVCenter,
          elide: bool = False) -> QLabel:
    """A transparent one-line label with a pixel-sized font."""
    w: QLabel = ElidedLabel(text) if elide else TightLabel(text)
    w.setFont(font(px, bold=bold))
    w.setStyleSheet(f"color: {color}; background: transparent;")
    w.setAlignment(align)
    if elide:
        w.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
    return w


def set_color(w: QLabel, color: str) -> None:
    """Change a label's text colour."""
    w.setStyleSheet(f"color: {color}; background: transparent;")


class ElidedLabel(TightLabel):
    """A label that ends with … instead of overflowing its cell.

    With `min_px` set, a text that is too wide is first drawn smaller (down to `min_px`), so a
    slightly long service name is shown whole instead of losing its last characters.
    """

    min_px: int | None = None

    def fitted(self) -> tuple[QFont, str]:
        """The font and the (possibly elided) text that paintEvent draws."""
        f = QFont(self.font())
        text, width = self.text(), self.width()
        px = f.pixelSize()
        while self.min_px and px > self.min_px and \
                QFontMetrics(f).horizontalAdvance(text) > width:
            px -= 1
            f.setPixelSize(px)
        return f, QFontMetrics(f).elidedText(text, Qt.ElideRight, width)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Draw the elided text."""
        f, text = self.fitted()
        p = QPainter(self)
        p.setFont(f)
        p.setPen(self.palette().color(self.foregroundRole()))
        p.drawText(self.rect(), int(self.alignment()), text)
        p.end()


class Panel(QWidget):
    """A rounded panel with a background colour that can flash."""

    def __init__(self, color: str = PANEL, radius: float = 18, parent: QWidget | None = None,
                 ) -> None:
        super().__init__(parent)
        self.color = QColor(color)
        self.edge = QColor(PANEL_EDGE)
        self.radius = radius

    def set_color(self, color: str) -> None:
        """New background colour."""
        self.color = QColor(color)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Rounded background."""
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), self.radius, self.radius)
        p.fillPath(path, self.color)
        p.setPen(self.edge)
        p.drawPath(path)
        p.end()


class Marquee(QWidget):
    """A notice that scrolls right to left when it is wider than the screen."""

    def __init__(self, px: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(font(px))
        self.text = ""
        self.offset = 0.0
        self.speed = max(1.0, px / 14)  # pixels per tick
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(33)
        self.setMinimumHeight(int(px * 1.6))

    def set_text(self, text: str) -> None:
        """Replace the notice (restarts scrolling)."""
        if text != self.text:
            self.text = text
            self.offset = 0.0
            self.update()

    def text_width(self) -> int:
        """Pixel width of the notice."""
        return self.fontMetrics().horizontalAdvance(self.text)

    def _tick(self) -> None:
        if self.text_width() > self.width():
            self.offset = (self.offset + self.speed) % (self.text_width() + self.width() // 2)
            self.update()
        elif self.offset:
            self.offset = 0
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Draw the (scrolled) text, repeated so the loop is seamless."""
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#061738"))
        p.setPen(QColor(DIGITS))
        p.setFont(self.font())
        width = self.text_width()
        if width <= self.width():
            p.drawText(self.rect(), int(Qt.AlignCenter), self.text)
        else:
            gap = self.width() // 2
            x = -self.offset
            while x < self.width():
                p.drawText(QRectF(x, 0, width, self.height()), int(Qt.AlignVCenter), self.text)
                x += width + gap
        p.end()


class PhotoPlaceholder(QWidget):
    """A clerk photo frame: silhouette and the clerk's surname until a photo is configured."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.initial = ""

    def set_name(self, name: str | None) -> None:
        """Show the first character of the name (or nothing)."""
        self.initial = (name or "")[:1]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Frame, head and shoulders, initial."""
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        r = QRectF(self.rect()).adjusted(2, 2, -2, -2)
        p.setBrush(QColor("#dfe7f5"))
        p.setPen(QColor(PANEL_EDGE))
        p.drawRoundedRect(r, 12, 12)
        p.setPen(Qt.NoPen)
        p.setBrush(QColor("#9fb3d6"))
        w, h = r.width(), r.height()
        head = QRectF(r.center().x() - w * 0.2, r.top() + h * 0.14, w * 0.4, w * 0.4)
        p.drawEllipse(head)
        body = QRectF(r.left() + w * 0.14, r.top() + h * 0.56, w * 0.72, h * 0.6)
        p.drawEllipse(body)
        if self.initial:
            p.setPen(QColor(BG))
            p.setFont(font(w * 0.2, bold=True))
            p.drawText(head, int(Qt.AlignCenter), self.initial)
        p.end()
