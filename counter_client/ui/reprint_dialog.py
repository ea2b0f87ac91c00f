"""补打小票: find a citizen's ticket by number and print its slip again at this counter, or
(without a counter printer) show the slip so the citizen can photograph or scan it."""

from __future__ import annotations

from typing import Any

from PyQt5.QtCore import Qt
from PyQt5.QtGui import QPixmap
from PyQt5.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from counter_client.controller import CounterSession
from counter_client.ui.common import COLORS, label


class ReprintDialog(QDialog):
    """Number field (default: the card's ticket), slip preview, 打印 when a printer is set."""

    def __init__(self, session: CounterSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        s = session.s
        self.slip: Any = None
        self.setWindowTitle(s("reprint_title"))
        self.setMinimumWidth(640)  # an 80 mm slip preview is 576 px wide
        col = QVBoxLayout(self)
        col.addWidget(label(s("reprint_hint"), wrap=True))
        row = QHBoxLayout()
        row.addWidget(QLabel(s("reprint_number")))
        self.number = QLineEdit((session.ticket or {}).get("number", ""))
        self.number.setMaxLength(16)
        self.number.returnPressed.connect(self.find)
        row.addWidget(self.number, 1)
        self.find_button = QPushButton(s("reprint_find"))
        self.find_button.clicked.connect(self.find)
        row.addWidget(self.find_button)
        col.addLayout(row)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        self.preview.setStyleSheet("background: #f7fafc;")
        scroll = QScrollArea()
        scroll.setWidget(self.preview)
        scroll.setWidgetResizable(True)
        scroll.setMinimumHeight(420)
        col.addWidget(scroll, 1)
        printer = session.config.printer
        self.note = label(s("reprint_printer") if printer else s("reprint_no_printer"),
                          wrap=True)
        col.addWidget(self.note)
        self.status = label("", wrap=True)
        col.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.close_button = QPushButton(s("close"))
        self.close_button.clicked.connect(self.reject)
        self.print_button = QPushButton(s("reprint_print"))
        self.print_button.setEnabled(False)
        self.print_button.setVisible(printer is not None)
        self.print_button.clicked.connect(self.print_slip)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.print_button)
        col.addLayout(buttons)
        if self.number.text():
            self.find()

    def _status(self, text: str, level: str = "info") -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {COLORS.get(level, COLORS['info'])};"
                                  "font-weight: bold;")

    def find(self) -> None:
        """Look the number up and show its slip."""
        number = self.number.text().strip()
        if not number:
            return
        self.slip = None
        self.print_button.setEnabled(False)
        self.find_button.setEnabled(False)
        self._status(self.session.s("loading"))
        self.session.find_slip(number, self._found, self._failed)

    def _found(self, slip: Any) -> None:
        self.slip = slip
        self.session.slip_preview(slip, self._show_png, self._failed)

    def _show_png(self, png: bytes) -> None:
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.preview.setPixmap(pixmap)
        self.find_button.setEnabled(True)
        self.print_button.setEnabled(self.session.config.printer is not None)
        self._status("")

    def _failed(self, text: str) -> None:
        self.find_button.setEnabled(True)
        self.preview.clear()
        self._status(text, "error")

    def print_slip(self) -> None:
        """Send the slip to this counter's printer once."""
        if self.slip is None:
            return
        self.print_button.setEnabled(False)
        started = self.session.reprint(
            self.slip,
            lambda _r: self._status(self.session.s("reprint_printed", number=self.slip.number),
                                    "ok"),
            lambda text: (self._status(text, "error"), self.print_button.setEnabled(True)))
        if not started:
            self._status(self.session.s("reprint_no_printer"), "warn")
