"""The one clerk screen: window bar, ticket card, actions, materials, queue, counts, log."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from PyQt5.QtCore import Qt, QTimer
from PyQt5.QtGui import QColor, QKeySequence
from PyQt5.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QShortcut,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from counter_client.actions import ACTIONS
from counter_client.controller import (
    CounterSession,
    format_elapsed,
    parse_time,
    timer_level,
)
from counter_client.ui.common import COLORS, STATE_COLORS, label, qr_pixmap
from counter_client.ui.transfer import TransferDialog
from counter_client.ui.viewer import MaterialViewer

STATUS_COLORS = {"called": "#d69e2e", "serving": "#1a7f37", "suspended": "#805ad5",
                 "done": "#4a5568", "no_show": "#c53030", "waiting": "#2b6cb0",
                 "cancelled": "#718096"}
ROW1 = ("call", "recall", "start", "complete", "no_show", "transfer")
ROW2 = ("hang", "resume", "pause", "open", "close")
REVIEW_COLORS = {"accepted": Qt.darkGreen, "rejected": Qt.red, "on_site": Qt.darkGray}
CARD_FIELDS = ("source", "priority", "call_reason", "waited", "serving_timer", "citizen",
               "id_number", "call_count")


class MainWindow(QMainWindow):
    """Renders the session; buttons and F-keys call `trigger(action)`."""

    def __init__(self, session: CounterSession) -> None:
        super().__init__()
        self.session = session
        self.s = session.s
        self.setWindowTitle(self.s("app_title"))
        self.buttons: dict[str, QPushButton] = {}
        self.shortcuts: dict[str, QShortcut] = {}
        self.viewers: dict[int, MaterialViewer] = {}
        self.transfer_dialog: TransferDialog | None = None
        self._building_combo = False
        body = QWidget()
        body.setObjectName("body")
        root = QVBoxLayout(body)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._topbar())
        main = QHBoxLayout()
        main.setContentsMargins(10, 10, 10, 10)
        main.setSpacing(10)
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self._card())
        left.addWidget(self._actions())
        self.message = label("", wrap=True)
        self.message.setMinimumHeight(22)
        left.addWidget(self.message)
        left.addWidget(self._materials(), 1)
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(self._today())
        right.addWidget(self._tabs(), 1)
        main.addLayout(left, 3)
        main.addLayout(right, 2)
        root.addLayout(main, 1)
        self.setCentralWidget(body)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        session.listen(self.on_change)
        self.render_all()

    # ------------------------------------------------------------------ building

    def _topbar(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("topbar")
        bar.setFixedHeight(52)
        row = QHBoxLayout(bar)
        row.setContentsMargins(14, 6, 14, 6)
        row.addWidget(label(self.s("app_title"), "appTitle"))
        row.addSpacing(20)
        row.addWidget(QLabel(self.s("window")))
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
        return bar

    def _card(self) -> QWidget:
        card = QFrame()
        card.setObjectName("card")
        card.setMinimumHeight(196)
        row = QHBoxLayout(card)
        row.setContentsMargins(16, 10, 16, 10)
        head = QVBoxLayout()
        self.number = label("—", "number")
        self.number.setMinimumWidth(150)
        self.status_badge = label("", "statusBadge")
        self.status_badge.setAlignment(Qt.AlignCenter)
        head.addWidget(self.number)
        head.addWidget(self.status_badge, 0, Qt.AlignLeft)
        head.addStretch(1)
        row.addLayout(head)
        info = QVBoxLayout()
        self.service_name = label("", "serviceName", wrap=True)
        info.addWidget(self.service_name)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        self.fields: dict[str, QLabel] = {}
        self.field_names: list[QLabel] = []
        for i, key in enumerate(CARD_FIELDS):
            r, c = divmod(i, 2)
            name = label(self.s(key), "fieldName")
            self.field_names.append(name)
            grid.addWidget(name, r, c * 2)
            value = label("", "fieldValue", wrap=True)
            grid.addWidget(value, r, c * 2 + 1)
            self.fields[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        info.addLayout(grid)
        info.addStretch(1)
        row.addLayout(info, 1)
        self.rating_box = QFrame()
        rb = QVBoxLayout(self.rating_box)
        rb.setContentsMargins(0, 0, 0, 0)
        self.rating_qr = QLabel()
        self.rating_qr.setFixedSize(128, 128)
        self.rating_text = label(self.s("rating_title"), wrap=True)
        self.rating_text.setMaximumWidth(180)
        self.rating_text.setStyleSheet("font-size: 12px;")
        # The window's rating pad: prompt out, then the citizen's level (any channel).
        self.rating_status = label("", wrap=True)
        self.rating_status.setMaximumWidth(180)
        self.rating_status.setStyleSheet("font-size: 12px; font-weight: bold;")
        rb.addWidget(self.rating_qr, 0, Qt.AlignCenter)
        rb.addWidget(self.rating_text)
        rb.addWidget(self.rating_status)
        row.addWidget(self.rating_box)
        return card

    def _actions(self) -> QWidget:
        panel = QWidget()
        grid = QGridLayout(panel)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        keys = self.session.config.shortcuts
        for r, ids in enumerate((ROW1, ROW2)):
            for c, action in enumerate(ids):
                spec = next(a for a in ACTIONS if a.id == action)
                button = QPushButton(f"{self.s(spec.label)}\n{keys[action]}")
                button.setObjectName("action")
                button.setMinimumHeight(58)
                button.setFocusPolicy(Qt.NoFocus)  # F-keys and Enter never hit a stale button
                button.clicked.connect(lambda _=False, a=action: self.trigger(a))
                grid.addWidget(button, r, c)
                self.buttons[action] = button
                shortcut = QShortcut(QKeySequence(keys[action]), self)
                shortcut.setAutoRepeat(False)
                shortcut.activated.connect(lambda a=action: self.trigger(a))
                self.shortcuts[action] = shortcut
        return panel

    def _materials(self) -> QWidget:
        panel = QFrame()
        panel.setObjectName("panel")
        col = QVBoxLayout(panel)
        col.setContentsMargins(10, 8, 10, 8)
        head = QHBoxLayout()
        head.addWidget(label(self.s("materials"), "sectionTitle"))
        self.materials_summary = label("")
        head.addWidget(self.materials_summary, 1)
        col.addLayout(head)
        self.materials_table = QTableWidget(0, 6)
        self.materials_table.setHorizontalHeaderLabels(
            [self.s(k) for k in ("col_material", "col_required", "col_review", "col_origin",
                                 "col_verified", "col_action")])
        self._table_style(self.materials_table, stretch=0)
        self.materials_table.cellDoubleClicked.connect(
            lambda r, _c: self.session.materials[r]["id"] is not None
            and self.open_material(self.session.materials[r]["id"]))
        col.addWidget(self.materials_table, 1)
        self.materials_empty = label(self.s("materials_none"))
        self.materials_empty.setStyleSheet("color: #718096;")
        col.addWidget(self.materials_empty, 1, Qt.AlignTop)
        return panel

    def _today(self) -> QWidget:
        panel = QFrame()
        panel.setObjectName("panel")
        row = QHBoxLayout(panel)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(label(self.s("today"), "sectionTitle"))
        self.stats: dict[str, QLabel] = {}
        for key in ("served", "no_shows", "transfers", "avg"):
            box = QVBoxLayout()
            value = label("0", "statValue")
            value.setAlignment(Qt.AlignCenter)
            name = label(self.s(f"today_{key}"), "statName")
            name.setAlignment(Qt.AlignCenter)
            box.addWidget(value)
            box.addWidget(name)
            row.addLayout(box, 1)
            self.stats[key] = value
        return panel

    def _tabs(self) -> QWidget:
        self.tabs = QTabWidget()
        self.queue_table = QTableWidget(0, 5)
        self.queue_table.setHorizontalHeaderLabels(
            [self.s(k) for k in ("col_pos", "col_number", "col_service", "col_waited",
                                 "col_reason")])
        self._table_style(self.queue_table, stretch=2)
        self.suspended_table = QTableWidget(0, 4)
        self.suspended_table.setHorizontalHeaderLabels(
            [self.s(k) for k in ("col_number", "col_service", "col_since", "col_action")])
        self._table_style(self.suspended_table, stretch=1)
        self.log_list = QListWidget()
        self.tabs.addTab(self.queue_table, "")
        self.tabs.addTab(self.suspended_table, "")
        self.tabs.addTab(self.log_list, self.s("tab_log"))
        return self.tabs

    @staticmethod
    def _table_style(table: QTableWidget, *, stretch: int) -> None:
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.setSelectionMode(QAbstractItemView.SingleSelection)
        table.setFocusPolicy(Qt.NoFocus)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.Stretch)
        table.verticalHeader().setDefaultSectionSize(34)

    # ------------------------------------------------------------------ input

    def trigger(self, action: str) -> bool:
        """A button click or shortcut; transfer opens its dialog first."""
        if action not in self.session.allowed():
            return False
        if action == "transfer":
            self.open_transfer()
            return True
        if action == "resume":
            return self.session.perform("resume", ticket_id=self._selected_suspended())
        return self.session.perform(action)

    def open_transfer(self) -> TransferDialog:
        """Show the transfer dialog (non-blocking); its OK runs the transfer once."""
        dialog = TransferDialog(self.session, self)
        dialog.submitted.connect(lambda kw: self.session.perform("transfer", **kw))
        self.transfer_dialog = dialog
        dialog.open()
        return dialog

    def _selected_suspended(self) -> int | None:
        rows = self.suspended_table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.session.suspended):
            return self.session.suspended[rows[0].row()]["id"]
        return None

    def _combo_changed(self, index: int) -> None:
        if self._building_combo or index < 0:
            return
        wid = self.window_combo.itemData(index)
        if wid is not None and not self.session.select_window(wid):
            self.render_windows()  # refused: holding another window

    def open_material(self, material_id: int) -> MaterialViewer:
        """Open a material in the viewer (download and rendering happen off the UI thread)."""
        material = next(m for m in self.session.materials if m["id"] == material_id)
        viewer = self.viewers.get(material_id)
        if viewer is None:
            viewer = MaterialViewer(self.session, material, self)
            self.viewers[material_id] = viewer
        viewer.show()
        viewer.raise_()
        self.session.open_material(material_id, lambda pages, _m: viewer.show_pages(pages),
                                   viewer.show_error)
        return viewer

    # ------------------------------------------------------------------ rendering

    def on_change(self, part: str) -> None:
        """Session notification → redraw that part."""
        handler = {
            "user": self.render_user, "windows": self.render_windows,
            "window": self.render_windows, "ticket": self.render_ticket,
            "queue": self.render_queue, "suspended": self.render_suspended,
            "today": self.render_today, "materials": self.render_materials,
            "rating": self.render_rating, "log": self.render_log,
            "message": self.render_message, "connection": self.render_connection,
            "actions": self.render_actions,
        }.get(part)
        if handler:
            handler()

    def render_all(self) -> None:
        """Draw everything."""
        for fn in (self.render_user, self.render_windows, self.render_ticket, self.render_queue,
                   self.render_suspended, self.render_today, self.render_materials,
                   self.render_rating, self.render_log, self.render_message,
                   self.render_connection, self.render_actions):
            fn()

    def render_user(self) -> None:
        """Clerk name in the top bar."""
        user = self.session.user or {}
        name = user.get("full_name") or user.get("username") or ""
        self.clerk_label.setText(self.s("clerk", name=name) if name else "")

    def render_windows(self) -> None:
        """Window chooser and state badge."""
        self._building_combo = True
        self.window_combo.clear()
        for w in self.session.windows:
            text = self.s("window_item", number=w["number"], name=w["name"])
            clerk = w.get("clerk")
            if clerk and not self.session.holds_window(w):
                text += self.s("held_by", name=clerk.get("name") or clerk.get("username"))
            self.window_combo.addItem(text, w["id"])
            if w["id"] == self.session.window_id:
                self.window_combo.setCurrentIndex(self.window_combo.count() - 1)
        self._building_combo = False
        w = self.session.window
        holding = bool(w and self.session.holds_window(w) and w["state"] != "closed")
        self.window_combo.setEnabled(not holding)
        if w:
            self.window_state.setText(self.s(f"window_state_{w['state']}"))
            self.window_state.setStyleSheet(
                f"padding: 2px 10px; border-radius: 9px; background: {STATE_COLORS[w['state']]};")
        else:
            self.window_state.setText(self.s("no_window"))
        self.render_actions()

    def render_ticket(self) -> None:
        """The ticket card."""
        t = self.session.ticket
        s = self.s
        if not t:
            self.number.setText("—")
            self.status_badge.setVisible(False)
            self.service_name.setText(s("no_ticket") + "  " +
                                      s("press_call", key=self.session.config.shortcuts["call"]))
            for value in self.fields.values():
                value.setText("")
            self._show_fields(False)
            return
        self._show_fields(True)
        self.number.setText(t["number"])
        self.status_badge.setVisible(True)
        self.status_badge.setText(s(f"status_{t['status']}"))
        self.status_badge.setStyleSheet(
            f"background: {STATUS_COLORS.get(t['status'], '#4a5568')};")
        self.service_name.setText(t.get("service_name", ""))
        source = s(f"source_{t.get('source', 'walk_in')}")
        appt = t.get("appointment")
        if appt:
            source = s("appointment_detail", source=source, code=appt.get("booking_code", ""),
                       slot=appt.get("slot_label", "")) + (s("late") if appt.get("late") else "")
        self.fields["source"].setText(source)
        self.fields["priority"].setText(t.get("priority_reason") or s("priority_none"))
        self.fields["call_reason"].setText(t.get("call_reason_text") or s("none"))
        # the full name comes with the checklist, for the clerk handling the ticket only
        self.fields["citizen"].setText(self.session.citizen_name
                                       or t.get("citizen_name_masked") or s("none"))
        self.fields["id_number"].setText(t.get("id_masked") or s("none"))
        count, limit = int(t.get("call_count") or 0), int(t.get("recall_limit") or 3)
        self.fields["call_count"].setText(s("call_count_value", n=count, limit=limit))
        self.fields["call_count"].setStyleSheet(
            f"color: {COLORS['red']};" if count >= limit and t["status"] == "called" else "")
        self._render_timer()

    def _show_fields(self, visible: bool) -> None:
        for widget in (*self.field_names, *self.fields.values()):
            widget.setVisible(visible)

    def _render_timer(self) -> None:
        t = self.session.ticket
        if not t:
            return
        now = datetime.now(UTC)
        waited = self.session.waited_minutes(now)
        self.fields["waited"].setText(self.s("minutes", n=waited) if waited is not None else "")
        seconds = self.session.serving_seconds(now)
        expected = self.session.service_expected(t.get("service_code"))
        if seconds is None:
            started, finished = parse_time(t.get("started_at")), parse_time(t.get("finished_at"))
            seconds = (finished - started).total_seconds() if started and finished else None
        if seconds is None:
            self.fields["serving_timer"].setText(self.s("none"))
            self.fields["serving_timer"].setStyleSheet("")
            return
        level = timer_level(seconds, expected)
        self.fields["serving_timer"].setText(
            self.s("timer_value", elapsed=format_elapsed(seconds), expected=expected or "?"))
        self.fields["serving_timer"].setProperty("level", level)
        self.fields["serving_timer"].setStyleSheet(
            "" if level == "ok" else f"color: {COLORS[level]};")

    def render_actions(self) -> None:
        """Enable exactly the allowed actions."""
        allowed = self.session.allowed()
        for action, button in self.buttons.items():
            button.setEnabled(action in allowed)
        self.tabs.setTabText(0, self.s("tab_queue", n=len(self.session.queue)))
        self.tabs.setTabText(1, self.s("tab_suspended", n=len(self.session.suspended)))

    def render_queue(self) -> None:
        """Waiting list with positions and ordering reasons."""
        items = self.session.queue
        table = self.queue_table
        table.setRowCount(len(items))
        for r, it in enumerate(items):
            cells = (str(it["position"]), it["number"], it["service_name"],
                     self.s("minutes", n=it["waited_minutes"]),
                     self.s(f"rule_{it['rule']}"))
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c == 4 and it["rule"] != "longest_wait":
                    cell.setForeground(Qt.darkGreen)
                table.setItem(r, c, cell)
        self.render_actions()

    def render_suspended(self) -> None:
        """Suspended tickets with a call-back button each."""
        items = self.session.suspended
        table = self.suspended_table
        table.setRowCount(len(items))
        allowed = "resume" in self.session.allowed()
        for r, it in enumerate(items):
            since = parse_time(it.get("suspended_at"))
            cells = (it["number"], it["service_name"],
                     since.astimezone().strftime("%H:%M") if since else "")
            for c, text in enumerate(cells):
                table.setItem(r, c, QTableWidgetItem(text))
            button = QPushButton(self.s("act_resume"))
            button.setEnabled(allowed)
            button.clicked.connect(
                lambda _=False, tid=it["id"]: self.session.perform("resume", ticket_id=tid))
            table.setCellWidget(r, 3, button)
        self.render_actions()

    def render_today(self) -> None:
        """The clerk's counts today."""
        t = self.session.today
        self.stats["served"].setText(str(t.get("served", 0)))
        self.stats["no_shows"].setText(str(t.get("no_shows", 0)))
        self.stats["transfers"].setText(str(t.get("transfers", 0)))
        avg = t.get("avg_service_minutes")
        self.stats["avg"].setText(self.s("avg_value", n=avg) if avg is not None else "—")

    def render_materials(self) -> None:
        """Every material of the service: 未提交 first (red), then the pre-submitted ones with
        pre-review status, origin and verification, then on-site / optional ones."""
        s = self.s
        items = self.session.materials
        table = self.materials_table
        table.setRowCount(len(items))
        for r, m in enumerate(items):
            submitted = m.get("id") is not None
            status = m.get("status", "pending")
            cells = (m.get("name", ""), s("yes") if m.get("required") else s("no"),
                     s(f"review_{status}")
                     + (f"：{m['review_reason']}" if m.get("review_reason") else ""),
                     (s("origin_reused") if m.get("reused") else s("origin_uploaded"))
                     if submitted else "—",
                     (s("verified_yes") if m.get("verified") else s("verified_no"))
                     if submitted else "—")
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c == 2:
                    cell.setForeground(REVIEW_COLORS.get(status, Qt.darkYellow))
                if c == 4 and m.get("verified"):
                    cell.setForeground(Qt.darkGreen)
                if status == "missing" and m.get("required"):
                    cell.setForeground(QColor(COLORS["red"]))  # 未提交: the whole row
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                table.setItem(r, c, cell)
            if submitted:
                table.setCellWidget(r, 5, self._material_buttons(m))
            else:
                table.removeCellWidget(r, 5)
        if self.session.materials_error:
            self.materials_summary.setText(self.session.materials_error)
        elif items:
            count = Counter(m.get("status") for m in items)
            self.materials_summary.setText(s("materials_summary", total=len(items), **{
                k: count[k] for k in ("accepted", "pending", "rejected", "missing")}))
        else:
            self.materials_summary.setText("")
        self.materials_table.setVisible(bool(items))
        self.materials_empty.setVisible(not items)
        for viewer in self.viewers.values():
            viewer.refresh_material()

    def _material_buttons(self, m: dict[str, Any]) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(2, 1, 2, 1)
        row.setSpacing(4)
        open_btn = QPushButton(self.s("open"))
        open_btn.setObjectName(f"open-{m['id']}")
        open_btn.clicked.connect(lambda _=False, mid=m["id"]: self.open_material(mid))
        verify_btn = QPushButton(self.s("verified_yes") if m.get("verified") else self.s("verify"))
        verify_btn.setObjectName(f"verify-{m['id']}")
        verify_btn.setEnabled(not m.get("verified") and not self.session.verifying(m["id"]))
        verify_btn.clicked.connect(
            lambda _=False, mid=m["id"], b=verify_btn: self.session.verify_material(mid)
            and b.setEnabled(False))
        row.addWidget(open_btn)
        row.addWidget(verify_btn)
        return box

    def render_rating(self) -> None:
        """QR code of the 好差评 link after 办结."""
        rating = self.session.rating
        self.rating_box.setVisible(bool(rating))
        if rating:
            self.rating_qr.setPixmap(qr_pixmap(rating["url"], 128))
            self.rating_qr.setToolTip(rating["url"])
            self.rating_text.setText(f"{self.s('rating_title')}\n{rating['number']}")
            status = self.s("rating_result", label=rating["result"]) if rating.get("result") \
                else self.s("rating_pad_waiting") if rating.get("ratepad") else ""
            self.rating_status.setText(status)

    def render_log(self) -> None:
        """Other windows' calls, newest first."""
        self.log_list.clear()
        self.log_list.addItems(list(self.session.log))

    def render_message(self) -> None:
        """Status line."""
        msg = self.session.message
        self.message.setText(msg.text)
        self.message.setStyleSheet(f"color: {COLORS.get(msg.level, COLORS['info'])};"
                                   "font-weight: bold;")

    def render_connection(self) -> None:
        """Green 已连接 / amber 重连中 / red 已断开."""
        level = self.session.connection.level
        self.connection.setText(f"● {self.s('conn_' + level)}")
        self.connection.setProperty("level", level)
        self.connection.setStyleSheet(
            f"color: white; background: {COLORS[level]}; padding: 3px 10px;"
            "border-radius: 10px; font-weight: bold;")

    def _tick(self) -> None:
        self.session.tick()
        self._render_timer()
