"""Colours, fonts and small painted widgets of the pad (a 1280×800 touch screen)."""

from __future__ import annotations

from PyQt5.QtCore import QPointF, QRectF, Qt
from PyQt5.QtGui import QColor, QFont, QFontDatabase, QPainter, QPainterPath, QPaintEvent, QPen
from PyQt5.QtWidgets import QLabel, QWidget

FONT_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Micro Hei")  # real bold weights first
BG = "#eef3fa"
HEADER = "#0a2351"
CARD = "#ffffff"
EDGE = "#c9d6ea"
TEXT = "#14213d"
MUTED = "#4a5a78"
ACCENT = "#0b5cad"
ALERT = "#b3261e"
# 非常满意 … 非常不满意: green to red, each dark enough for white text (WCAG AA).
LEVEL_COLORS = {5: "#1b7f3b", 4: "#3b7d23", 3: "#8a5a00", 2: "#b34700", 1: "#b71c1c"}


def family() -> str:
    """The first installed CJK font of FONT_FAMILIES, else Qt's default sans."""
    installed = set(QFontDatabase().families())
    return next((f for f in FONT_FAMILIES if f in installed), QFont().defaultFamily())


def font(px: float, *, bold: bool = False) -> QFont:
    """A font of `px` pixels."""
    f = QFont(family())
    f.setPixelSize(max(8, int(px)))
    f.setBold(bold)
    return f


def label(text: str = "", px: float = 24, *, color: str = TEXT, bold: bool = False,
          align: Qt.AlignmentFlag = Qt.AlignLeft | Qt.AlignVCenter, wrap: bool = False) -> QLabel:
    """A transparent label with a pixel-sized font."""
    w = QLabel(text)
    w.setFont(font(px, bold=bold))
    w.setStyleSheet(f"color: {color}; background: transparent;")
    w.setAlignment(align)
    w.setWordWrap(wrap)
    return w


class Card(QWidget):
    """A white rounded panel."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Rounded rectangle with a thin edge."""
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.setPen(QColor(EDGE))
        p.setBrush(QColor(CARD))
        p.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 20, 20)
        p.end()


class Photo(QWidget):
    """The clerk's photo frame: a silhouette with the surname until photos are configured."""

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
        p.setPen(QColor(EDGE))
        p.setBrush(QColor("#dfe7f5"))
        p.drawRoundedRect(r, 14, 14)
        path = QPainterPath()
        path.addRoundedRect(r, 14, 14)
        p.setClipPath(path)
        p.setPen(Qt.NoPen)
        p.setBrush(QColor("#9fb3d6"))
        w, h = r.width(), r.height()
        head = QRectF(r.center().x() - w * 0.2, r.top() + h * 0.14, w * 0.4, w * 0.4)
        p.drawEllipse(head)
        p.drawEllipse(QRectF(r.left() + w * 0.12, r.top() + h * 0.58, w * 0.76, h * 0.6))
        if self.initial:
            p.setPen(QColor(HEADER))
            p.setFont(font(w * 0.2, bold=True))
            p.drawText(head, int(Qt.AlignCenter), self.initial)
        p.end()


class Face(QWidget):
    """A face drawn for a level: the mouth curves from a smile (5) to a frown (1)."""

    def __init__(self, rating: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rating = rating
        self.setAttribute(Qt.WA_TransparentForMouseEvents)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Circle, eyes and mouth in white."""
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        side = min(self.width(), self.height()) - 6
        r = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        pen = QPen(QColor("#ffffff"), max(3.0, side / 16))
        pen.setCapStyle(Qt.RoundCap)
        p.setPen(pen)
        p.setBrush(Qt.NoBrush)
        p.drawEllipse(r)
        c = r.center()
        p.setBrush(QColor("#ffffff"))
        for dx in (-0.18, 0.18):
            p.drawEllipse(QPointF(c.x() + dx * side, c.y() - 0.12 * side), side * 0.04, side * 0.04)
        p.setBrush(Qt.NoBrush)
        bend = (self.rating - 3) * 0.09 * side  # positive: corners up (smile)
        mouth = QPainterPath(QPointF(c.x() - 0.22 * side, c.y() + 0.2 * side))
        mouth.quadTo(QPointF(c.x(), c.y() + 0.2 * side + bend),
                     QPointF(c.x() + 0.22 * side, c.y() + 0.2 * side))
        p.drawPath(mouth)
        p.end()
