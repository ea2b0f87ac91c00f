"""The actions bar: one button per clerk action with its shortcut; enabled = allowed now."""

from __future__ import annotations

from collections.abc import Callable

from PyQt5.QtCore import Qt
from PyQt5.QtGui import QKeySequence
from PyQt5.QtWidgets import QGridLayout, QPushButton, QShortcut, QWidget

from counter_client.actions import ACTIONS
from counter_client.controller import CounterSession

ROW1 = ("call", "recall", "start", "complete", "accept", "no_show", "transfer")
ROW2 = ("hang", "resume", "reprint", "pause", "open", "close")


def key_label(key: str) -> str:
    """How a shortcut is written on its button (Qt's Return is the Enter key to a clerk)."""
    return key.replace("Return", "Enter")


class ActionsBar(QWidget):
    """Buttons and window-wide shortcuts; both call `trigger(action)`."""

    def __init__(self, session: CounterSession, trigger: Callable[[str], object],
                 shortcut_parent: QWidget) -> None:
        super().__init__()
        self.session = session
        self.buttons: dict[str, QPushButton] = {}
        self.shortcuts: dict[str, QShortcut] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        keys = session.config.shortcuts
        for r, ids in enumerate((ROW1, ROW2)):
            for c, action in enumerate(ids):
                spec = next(a for a in ACTIONS if a.id == action)
                button = QPushButton(f"{session.s(spec.label)}\n{key_label(keys[action])}")
                button.setObjectName("action")
                button.setMinimumHeight(58)
                button.setFocusPolicy(Qt.NoFocus)  # F-keys and Enter never hit a stale button
                button.clicked.connect(lambda _=False, a=action: trigger(a))
                grid.addWidget(button, r, c)
                self.buttons[action] = button
                # on the main window: the keys work wherever the focus is in it
                shortcut = QShortcut(QKeySequence(keys[action]), shortcut_parent)
                shortcut.setAutoRepeat(False)
                shortcut.activated.connect(lambda a=action: trigger(a))
                self.shortcuts[action] = shortcut

    def render_actions(self) -> None:
        """Enable exactly the allowed actions."""
        allowed = self.session.allowed()
        for action, button in self.buttons.items():
            button.setEnabled(action in allowed)
