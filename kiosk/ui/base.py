"""Base class of the screens."""

from __future__ import annotations

from PyQt5.QtWidgets import QVBoxLayout, QWidget

from kiosk.flow import KioskController, KioskState


class ScreenWidget(QWidget):
    """One page of the stack: built once, `render(state)` updates it."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__()
        self.ctl = ctl
        self.portrait = portrait
        self.box = QVBoxLayout(self)
        margin = 48 if portrait else 64
        self.box.setContentsMargins(margin, 36, margin, 24)
        self.box.setSpacing(24)

    def t(self, key: str, **values: object) -> str:
        """Text in the current language."""
        return self.ctl.text(key, **values)

    def paren(self, text: str) -> str:
        """Text in brackets: full-width in Chinese, ASCII with a space in English."""
        return f"（{text}）" if self.ctl.state.lang == "zh" else f" ({text})"

    def colon(self) -> str:
        """A colon that suits the language."""
        return "：" if self.ctl.state.lang == "zh" else ": "

    def render(self, state: KioskState) -> None:
        """Show `state`."""
        raise NotImplementedError
