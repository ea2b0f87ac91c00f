"""Base class of the screens."""

from __future__ import annotations

from PyQt5.QtWidgets import QHBoxLayout, QLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.controller import KioskController
from kiosk.state import KioskState
from kiosk.ui.widgets import clear_layout, label


class ScreenWidget(QWidget):
    """One page of the stack: built once, `render(state)` updates it."""

    # the screen's own button back to home (the idle countdown shows on it); None: the footer's
    home_button: QPushButton | None = None

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


class KeypadScreen(ScreenWidget):
    """A screen with title, subtitle, a column of controls and a keypad beside or below it."""

    def __init__(self, ctl: KioskController, portrait: bool, *,
                 titles_above: bool = False) -> None:
        super().__init__(ctl, portrait)
        self.title = label("", "title")
        self.sub = label("", "subtitle")
        self._body = QVBoxLayout() if portrait else QHBoxLayout()
        self._body.setSpacing(40)
        self.left = QVBoxLayout()
        self.left.setSpacing(20 if portrait else 12)
        # landscape: titles sit above the field so the keypad gets the full height, unless
        # the column below is so full (ID entry with a card hint) that they need the width
        self.head = self.box if portrait or titles_above else self.left
        self.head.addWidget(self.title)
        self.head.addWidget(self.sub)

    def place_keypad(self, pad: QWidget | QLayout) -> None:
        """Close the control column and put the keypad (or the layout holding it) next to it."""
        self.left.addStretch(1)
        # landscape: titles and the 18-digit field need the width more than the keys do
        wide = 1 if self.portrait else 3
        self._body.addLayout(self.left, wide)
        if isinstance(pad, QLayout):
            self._body.addLayout(pad, wide - 1 or 1)
        else:
            self._body.addWidget(pad, wide - 1 or 1)
        self.box.addLayout(self._body, 1)


class ListScreen(ScreenWidget):
    """A title over a list of items, rebuilt only when what it lists changes."""

    def __init__(self, ctl: KioskController, portrait: bool, items: QLayout,
                 spacing: int) -> None:
        super().__init__(ctl, portrait)
        self.title = label("", "title")
        self.box.addWidget(self.title)
        self.items = items
        self.items.setSpacing(spacing)
        self.box.addLayout(self.items)
        self.box.addStretch(1)
        self._shown: object = None

    def needs_rebuild(self, key: object) -> bool:
        """True (with the items cleared) when `key` differs from what was last listed."""
        if key == self._shown:
            return False
        self._shown = key
        clear_layout(self.items)
        return True
