"""Simple pictograms drawn with QPainter (no icon font needed, so they always render)."""

from __future__ import annotations

from PyQt5.QtCore import QPointF, QRectF, Qt
from PyQt5.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap


def icon(name: str, size: int, color: str = "#1459b8") -> QPixmap:
    """A square pictogram: ticket, calendar, search, idcard, qr, warning, check, clock, people,
    printer, elder, wifi_off, home, back, wrench, box, large_text."""
    pm = QPixmap(size, size)
    pm.fill(Qt.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.Antialiasing)
    p.scale(size / 100.0, size / 100.0)
    c = QColor(color)
    pen = QPen(c, 7, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.NoBrush)
    _DRAW.get(name, _ticket)(p, c)
    p.end()
    return pm


def _ticket(p: QPainter, c: QColor) -> None:
    path = QPainterPath()
    path.moveTo(12, 25)
    path.lineTo(88, 25)
    path.lineTo(88, 42)
    path.arcTo(QRectF(80, 42, 16, 16), 90, 180)
    path.lineTo(88, 75)
    path.lineTo(12, 75)
    path.lineTo(12, 58)
    path.arcTo(QRectF(4, 42, 16, 16), -90, 180)
    path.closeSubpath()
    p.drawPath(path)
    p.setPen(QPen(c, 5, Qt.DashLine))
    p.drawLine(QPointF(66, 30), QPointF(66, 70))
    p.setPen(QPen(c, 7, Qt.SolidLine, Qt.RoundCap))
    p.drawLine(QPointF(26, 42), QPointF(52, 42))
    p.drawLine(QPointF(26, 58), QPointF(46, 58))


def _calendar(p: QPainter, c: QColor) -> None:
    p.drawRoundedRect(QRectF(12, 20, 76, 68), 8, 8)
    p.drawLine(QPointF(12, 38), QPointF(88, 38))
    p.drawLine(QPointF(32, 10), QPointF(32, 26))
    p.drawLine(QPointF(68, 10), QPointF(68, 26))
    p.drawPolyline(QPointF(32, 62), QPointF(45, 74), QPointF(70, 50))


def _search(p: QPainter, c: QColor) -> None:
    p.drawEllipse(QRectF(14, 14, 50, 50))
    p.setPen(QPen(c, 11, Qt.SolidLine, Qt.RoundCap))
    p.drawLine(QPointF(58, 58), QPointF(86, 86))


def _idcard(p: QPainter, c: QColor) -> None:
    p.drawRoundedRect(QRectF(8, 22, 84, 56), 8, 8)
    p.drawEllipse(QRectF(18, 34, 22, 22))
    p.drawLine(QPointF(18, 68), QPointF(40, 68))
    p.drawLine(QPointF(52, 40), QPointF(82, 40))
    p.drawLine(QPointF(52, 52), QPointF(82, 52))
    p.drawLine(QPointF(52, 64), QPointF(74, 64))


def _qr(p: QPainter, c: QColor) -> None:
    for x, y in ((10, 10), (60, 10), (10, 60)):
        p.drawRect(QRectF(x, y, 30, 30))
        p.fillRect(QRectF(x + 10, y + 10, 10, 10), c)
    for x, y in ((62, 62), (78, 62), (62, 78), (78, 80), (50, 50), (50, 80)):
        p.fillRect(QRectF(x, y, 10, 10), c)


def _warning(p: QPainter, c: QColor) -> None:
    path = QPainterPath()
    path.moveTo(50, 10)
    path.lineTo(92, 86)
    path.lineTo(8, 86)
    path.closeSubpath()
    p.drawPath(path)
    p.setPen(QPen(c, 9, Qt.SolidLine, Qt.RoundCap))
    p.drawLine(QPointF(50, 38), QPointF(50, 60))
    p.drawPoint(QPointF(50, 74))


def _check(p: QPainter, c: QColor) -> None:
    p.drawEllipse(QRectF(8, 8, 84, 84))
    p.setPen(QPen(c, 9, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    p.drawPolyline(QPointF(28, 52), QPointF(44, 68), QPointF(73, 36))


def _clock(p: QPainter, c: QColor) -> None:
    p.drawEllipse(QRectF(10, 10, 80, 80))
    p.drawPolyline(QPointF(50, 26), QPointF(50, 50), QPointF(68, 60))


def _people(p: QPainter, c: QColor) -> None:
    p.drawEllipse(QRectF(20, 14, 24, 24))
    p.drawArc(QRectF(8, 44, 48, 60), 0, 180 * 16)
    p.drawEllipse(QRectF(60, 22, 20, 20))
    p.drawArc(QRectF(52, 48, 38, 48), 0, 180 * 16)


def _printer(p: QPainter, c: QColor) -> None:
    p.drawRect(QRectF(28, 10, 44, 24))
    p.drawRoundedRect(QRectF(10, 34, 80, 36), 6, 6)
    p.drawRect(QRectF(28, 58, 44, 32))
    p.drawLine(QPointF(36, 70), QPointF(64, 70))
    p.drawLine(QPointF(36, 80), QPointF(58, 80))


def _elder(p: QPainter, c: QColor) -> None:
    p.drawEllipse(QRectF(34, 8, 20, 20))
    p.drawPolyline(QPointF(44, 32), QPointF(40, 60), QPointF(30, 90))
    p.drawPolyline(QPointF(40, 60), QPointF(54, 90))
    p.drawPolyline(QPointF(30, 46), QPointF(44, 38), QPointF(60, 50))
    p.drawLine(QPointF(66, 50), QPointF(72, 92))
    p.drawArc(QRectF(60, 42, 12, 12), 0, 180 * 16)


def _box(p: QPainter, c: QColor) -> None:
    """A parcel: 取件."""
    p.drawPolygon(QPointF(50, 10), QPointF(88, 28), QPointF(88, 72), QPointF(50, 90),
                  QPointF(12, 72), QPointF(12, 28))
    p.drawPolyline(QPointF(12, 28), QPointF(50, 46), QPointF(88, 28))
    p.drawLine(QPointF(50, 46), QPointF(50, 90))
    p.drawLine(QPointF(31, 19), QPointF(69, 37))


def _large_text(p: QPainter, c: QColor) -> None:
    """A big and a small 字-like A: 大字版."""
    p.setPen(QPen(c, 9, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    p.drawPolyline(QPointF(8, 86), QPointF(34, 14), QPointF(60, 86))
    p.drawLine(QPointF(18, 60), QPointF(50, 60))
    p.setPen(QPen(c, 6, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    p.drawPolyline(QPointF(66, 86), QPointF(79, 50), QPointF(92, 86))
    p.drawLine(QPointF(71, 74), QPointF(87, 74))


def _wifi_off(p: QPainter, c: QColor) -> None:
    p.drawArc(QRectF(10, 22, 80, 80), 45 * 16, 90 * 16)
    p.drawArc(QRectF(26, 38, 48, 48), 45 * 16, 90 * 16)
    p.drawPoint(QPointF(50, 72))
    p.setPen(QPen(QColor("#c8102e"), 8, Qt.SolidLine, Qt.RoundCap))
    p.drawLine(QPointF(18, 14), QPointF(84, 86))


def _home(p: QPainter, c: QColor) -> None:
    p.drawPolyline(QPointF(10, 50), QPointF(50, 14), QPointF(90, 50))
    p.drawPolyline(QPointF(22, 42), QPointF(22, 86), QPointF(78, 86), QPointF(78, 42))
    p.drawRect(QRectF(42, 60, 16, 26))


def _back(p: QPainter, c: QColor) -> None:
    p.drawPolyline(QPointF(46, 20), QPointF(16, 50), QPointF(46, 80))
    p.drawLine(QPointF(18, 50), QPointF(86, 50))


def _wrench(p: QPainter, c: QColor) -> None:
    # an open-ended spanner: a C-shaped jaw on a handle
    p.setPen(QPen(c, 10, Qt.SolidLine, Qt.RoundCap))
    p.drawArc(QRectF(8, 8, 40, 40), 80 * 16, 290 * 16)
    p.setPen(QPen(c, 13, Qt.SolidLine, Qt.RoundCap))
    p.drawLine(QPointF(42, 42), QPointF(86, 86))


_DRAW = {
    "ticket": _ticket, "calendar": _calendar, "search": _search, "idcard": _idcard,
    "qr": _qr, "warning": _warning, "check": _check, "clock": _clock, "people": _people,
    "printer": _printer, "elder": _elder, "wifi_off": _wifi_off, "home": _home,
    "back": _back, "wrench": _wrench, "box": _box, "large_text": _large_text,
}
NAMES = tuple(_DRAW)
