"""Reusable touch widgets: tiles, list buttons, keypads, labels."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PyQt5.QtCore import QPointF, QRect, QSize, Qt, pyqtSignal
from PyQt5.QtGui import QFontMetrics, QIcon, QPainter, QPaintEvent
from PyQt5.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.icons import icon


def label(text: str = "", name: str | None = None, *, wrap: bool = True,
          align: Qt.Alignment = Qt.AlignLeft | Qt.AlignVCenter) -> QLabel:
    """A styled label (object name selects the style)."""
    lab = QLabel(text)
    if name:
        lab.setObjectName(name)
    lab.setWordWrap(wrap)
    lab.setAlignment(align)
    return lab


class NumberLabel(QLabel):
    """A ticket number, as tall as its letters' ink rather than the font's line box: Noto Sans
    CJK adds about half an em of ascent and descent, which 大字版's 272 px number cannot spare
    on a landscape screen."""

    def __init__(self, name: str) -> None:
        super().__init__("")
        self.setObjectName(name)

    def _ink(self) -> QRect:
        return QFontMetrics(self.font()).tightBoundingRect(self.text() or "A000")

    def sizeHint(self) -> QSize:
        """The ink with an eighth of its height around it."""
        ink = self._ink()
        pad = ink.height() // 8
        return QSize(ink.width() + 2 * pad, ink.height() + 2 * pad)

    def minimumSizeHint(self) -> QSize:
        """Never smaller than the ink."""
        return self.sizeHint()

    def paintEvent(self, _event: QPaintEvent) -> None:
        """The text with its ink centred in the label."""
        painter = QPainter(self)
        painter.setFont(self.font())
        painter.setPen(self.palette().color(self.foregroundRole()))
        ink = self._ink()
        painter.drawText(QPointF((self.width() - ink.width()) / 2 - ink.left(),
                                 (self.height() - ink.height()) / 2 - ink.top()), self.text())
        painter.end()


def restyle(widget: QWidget, name: str) -> None:
    """Give a widget another style-sheet object name and apply it now."""
    if widget.objectName() != name:
        widget.setObjectName(name)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget and sub-layout."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


def icon_row(icon_name: str, px: int, text: QLabel,
             row: QHBoxLayout | None = None) -> QHBoxLayout:
    """A pictogram followed by `text`, which takes the rest of the row."""
    if row is None:
        row = QHBoxLayout()
    pic = QLabel()
    pic.setPixmap(icon(icon_name, px))
    row.addWidget(pic)
    row.addWidget(text, 1)
    return row


def button(text: str, on_click: Callable[[], None], *, primary: bool = False,
           name: str | None = None, icon_name: str | None = None, icon_px: int = 48,
           icon_color: str | None = None) -> QPushButton:
    """A touch button (≥ 20 mm tall through the style sheet)."""
    btn = QPushButton(text)
    btn.setObjectName(name or ("primary" if primary else "plain"))
    btn.setFocusPolicy(Qt.NoFocus)
    if icon_name:
        color = icon_color or ("#ffffff" if primary else "#1459b8")
        btn.setIcon(_qicon(icon_name, icon_px, color))
        btn.setIconSize(icon(icon_name, icon_px).size())
    btn.clicked.connect(lambda _=False: on_click())
    return btn


def _qicon(name: str, px: int, color: str) -> QIcon:
    return QIcon(icon(name, px, color))


class RichButton(QPushButton):
    """A big button with a pictogram, a title and a subtitle (home tiles, list items)."""

    def __init__(self, title: str, sub: str = "", *, icon_name: str | None = None,
                 icon_px: int = 120, vertical: bool = True, extra: str = "",
                 title_name: str = "tileTitle", sub_name: str = "tileSub") -> None:
        super().__init__()
        self.setObjectName("tile")
        self.setFocusPolicy(Qt.NoFocus)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        box = QVBoxLayout() if vertical else QHBoxLayout()
        box.setContentsMargins(24, 16, 24, 16)
        box.setSpacing(10 if vertical else 24)
        if vertical:
            box.addStretch(1)  # keep pictogram, title and subtitle together, centred
        if icon_name:
            pic = QLabel()
            pic.setPixmap(icon(icon_name, icon_px))
            pic.setAlignment(Qt.AlignCenter)
            pic.setAttribute(Qt.WA_TransparentForMouseEvents)
            box.addWidget(pic, 0, Qt.AlignCenter if vertical else Qt.AlignVCenter)
        texts = QVBoxLayout()
        texts.setSpacing(4)
        align = Qt.AlignCenter if vertical else Qt.AlignLeft | Qt.AlignVCenter
        self.title_label = label(title, title_name, align=align)
        self.sub_label = label(sub, sub_name, align=align)
        labels = [self.title_label, self.sub_label]
        if extra:
            # Under the title, not beside it: long service names keep the full width (大字版).
            self.extra_label = label(extra, "itemWait", align=align)
            labels.append(self.extra_label)
        for lab in labels:
            lab.setAttribute(Qt.WA_TransparentForMouseEvents)
            texts.addWidget(lab)
        if not sub:
            self.sub_label.hide()
        box.addLayout(texts, 0 if vertical else 1)
        if vertical:
            box.addStretch(1)
        self.setLayout(box)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """Tall enough for the texts inside."""
        hint = super().sizeHint()
        inner = self.layout().sizeHint() if self.layout() else hint
        hint.setHeight(max(hint.height(), inner.height()))
        return hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """Never squeeze the texts."""
        return self.sizeHint()


class Keypad(QWidget):
    """A grid of keys; `pressed(str)` carries the key's value (⌫ = delete, C = clear)."""

    pressed = pyqtSignal(str)
    DELETE, CLEAR = "\b", "\x1b"

    def __init__(self, rows: Sequence[Sequence[str]], labels: dict[str, str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setSpacing(12)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.keys: dict[str, QPushButton] = {}
        labels = labels or {}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if not value:
                    continue
                btn = QPushButton(labels.get(value, value))
                btn.setObjectName("key")
                btn.setFocusPolicy(Qt.NoFocus)
                btn.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
                btn.clicked.connect(lambda _=False, v=value: self.pressed.emit(v))
                self.grid.addWidget(btn, r, c)
                self.keys[value] = btn

    def set_labels(self, labels: dict[str, str]) -> None:
        """Relabel keys (language switch)."""
        for value, text in labels.items():
            if value in self.keys:
                self.keys[value].setText(text)


# four rows leave room for the field and buttons; 0 sits under 8 as on a phone
ID_ROWS = (("1", "2", "3", Keypad.DELETE), ("4", "5", "6", Keypad.CLEAR),
           ("7", "8", "9", "X"), ("", "0", "", ""))
PIN_ROWS = (("1", "2", "3"), ("4", "5", "6"), ("7", "8", "9"), (Keypad.CLEAR, "0", Keypad.DELETE))


def id_field_text(value: str, length: int = 18) -> str:
    """The ID number grouped 6-8-4 with placeholders, so progress is easy to see."""
    padded = value + "_" * (length - len(value))
    return f"{padded[:6]} {padded[6:14]} {padded[14:]}"
