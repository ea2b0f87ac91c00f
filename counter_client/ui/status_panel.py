"""Status parts of the counter screen: top bar (window, clerk, connection), status line,
today's counts and the hall log."""

from __future__ import annotations

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QListWidget, QVBoxLayout

from counter_client.controller import CounterSession
from counter_client.ui.common import COLORS, STATE_COLORS, label


class TopBar(QFrame):
    """Title, window chooser with its state badge, the clerk and the connection light."""

    def __init__(self, session: CounterSession) -> None:
        super().__init__()
        self.session = session
        s = session.s
        self._building_combo = False
        self.setObjectName("topbar")
        self.setFixedHeight(52)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 6, 14, 6)
        row.addWidget(label(s("app_title"), "appTitle"))
        row.addSpacing(20)
        row.addWidget(QLabel(s("window")))
        self.window_combo = QComboBox()
        self.window_combo.setMinimumWidth(260)
        self.window_combo.currentIndexChanged.connect(self._combo_changed)
        row.addWidget(self.window_combo)
        self.window_state = label("")
        self.window_state.setStyleSheet("padding: 2px 10px; border-radius: 9px;")
        row.addWidget(self.window_state)
        row.addStretch(1)
        self.clerk_label = QLabel("")
        row.addWidget(self.clerk_label)
        row.addSpacing(16)
        self.connection = QLabel("")
        self.connection.setObjectName("connection")
        row.addWidget(self.connection)

    def _combo_changed(self, index: int) -> None:
        if self._building_combo or index < 0:
            return
        wid = self.window_combo.itemData(index)
        if wid is not None and not self.session.select_window(wid):
            self.render_windows()  # refused: holding another window

    def render_user(self) -> None:
        """Clerk name."""
        user = self.session.user or {}
        name = user.get("full_name") or user.get("username") or ""
        self.clerk_label.setText(self.session.s("clerk", name=name) if name else "")

    def render_windows(self) -> None:
        """Window chooser and state badge."""
        s, session = self.session.s, self.session
        self._building_combo = True
        self.window_combo.clear()
        for w in session.windows:
            text = s("window_item", number=w["number"], name=w["name"])
            clerk = w.get("clerk")
            if clerk and not session.holds_window(w):
                text += s("held_by", name=clerk.get("name") or clerk.get("username"))
            self.window_combo.addItem(text, w["id"])
            if w["id"] == session.window_id:
                self.window_combo.setCurrentIndex(self.window_combo.count() - 1)
        self._building_combo = False
        w = session.window
        holding = bool(w and session.holds_window(w) and w["state"] != "closed")
        self.window_combo.setEnabled(not holding)
        if w:
            self.window_state.setText(s(f"window_state_{w['state']}"))
            self.window_state.setStyleSheet(
                f"padding: 2px 10px; border-radius: 9px; background: {STATE_COLORS[w['state']]};")
        else:
            self.window_state.setText(s("no_window"))

    def render_connection(self) -> None:
        """Green 已连接 / amber 重连中 / red 已断开."""
        level = self.session.connection.level
        self.connection.setText(f"● {self.session.s('conn_' + level)}")
        self.connection.setProperty("level", level)
        self.connection.setStyleSheet(
            f"color: white; background: {COLORS[level]}; padding: 3px 10px;"
            "border-radius: 10px; font-weight: bold;")


class StatusLine(QLabel):
    """The last message (result of an action, errors) under the actions."""

    def __init__(self, session: CounterSession) -> None:
        super().__init__("")
        self.session = session
        self.setWordWrap(True)
        self.setMinimumHeight(22)

    def render_message(self) -> None:
        """Show the session's message in its level's colour."""
        msg = self.session.message
        self.setText(msg.text)
        self.setStyleSheet(f"color: {COLORS.get(msg.level, COLORS['info'])};"
                           "font-weight: bold;")


class TodayPanel(QFrame):
    """The clerk's counts today: served, no-shows, transfers, average minutes."""

    def __init__(self, session: CounterSession) -> None:
        super().__init__()
        self.session = session
        self.setObjectName("panel")
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(label(session.s("today"), "sectionTitle"))
        self.stats: dict[str, QLabel] = {}
        for key in ("served", "no_shows", "transfers", "avg"):
            box = QVBoxLayout()
            value = label("0", "statValue")
            value.setAlignment(Qt.AlignCenter)
            name = label(session.s(f"today_{key}"), "statName")
            name.setAlignment(Qt.AlignCenter)
            box.addWidget(value)
            box.addWidget(name)
            row.addLayout(box, 1)
            self.stats[key] = value

    def render_today(self) -> None:
        """Redraw the counts."""
        t = self.session.today
        self.stats["served"].setText(str(t.get("served", 0)))
        self.stats["no_shows"].setText(str(t.get("no_shows", 0)))
        self.stats["transfers"].setText(str(t.get("transfers", 0)))
        avg = t.get("avg_service_minutes")
        self.stats["avg"].setText(self.session.s("avg_value", n=avg) if avg is not None else "—")


class HallLog(QListWidget):
    """Other windows' calls, newest first."""

    def __init__(self, session: CounterSession) -> None:
        super().__init__()
        self.session = session

    def render_log(self) -> None:
        """Redraw the list."""
        self.clear()
        self.addItems(list(self.session.log))
