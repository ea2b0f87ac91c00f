"""The Qt half of the keyboard wedge: an application-wide key event filter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt5.QtCore import QEvent, QObject, Qt
from PyQt5.QtWidgets import QApplication

if TYPE_CHECKING:
    from kiosk.devices.wedge import KeyboardWedge


class _WedgeFilter(QObject):
    def __init__(self, wedge: KeyboardWedge) -> None:
        super().__init__()
        self.wedge = wedge

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() != QEvent.KeyPress:
            return False
        key = event.key()
        if key in (Qt.Key_Return, Qt.Key_Enter):
            return self.wedge.on_enter()
        text = event.text()
        if text and text.isprintable():
            # swallow burst characters so they never reach an input field or the IME
            return self.wedge.on_text(text)
        return False


def install(wedge: KeyboardWedge) -> _WedgeFilter:
    """Install the filter on the QApplication (must exist)."""
    app = QApplication.instance()
    assert app is not None, "the keyboard wedge needs a running QApplication"
    filt = _WedgeFilter(wedge)
    app.installEventFilter(filt)
    return filt


def uninstall(filt: _WedgeFilter) -> None:
    """Remove the filter."""
    app = QApplication.instance()
    if app is not None:
        app.removeEventFilter(filt)
