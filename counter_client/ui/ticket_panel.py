"""The current-ticket panel: the ticket card (number, status, citizen, timers, 好差评 QR) and
the material checklist of its service."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PyQt5.QtCore import Qt
from PyQt5.QtGui import QColor
from PyQt5.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_client.controller import CounterSession, format_elapsed, parse_time, timer_level
from counter_client.ui.common import COLORS, label, qr_pixmap
from counter_client.ui.queue_panel import table_style
from tongban_common.wire import TicketStatus

STATUS_COLORS = {TicketStatus.CALLED: "#d69e2e", TicketStatus.SERVING: "#1a7f37",
                 TicketStatus.SUSPENDED: "#805ad5", TicketStatus.DONE: "#4a5568",
                 TicketStatus.NO_SHOW: "#c53030", TicketStatus.WAITING: "#2b6cb0",
                 TicketStatus.CANCELLED: "#718096"}
REVIEW_COLORS = {"accepted": Qt.darkGreen, "rejected": Qt.red, "on_site": Qt.darkGray,
                 "from_licence": Qt.darkGreen}
CARD_FIELDS = ("source", "priority", "call_reason", "waited", "serving_timer", "citizen",
               "id_number", "call_count")


class TicketCard(QFrame):
    """The ticket on the card, or the hint to call the next one."""

    def __init__(self, session: CounterSession) -> None:
        super().__init__()
        self.session = session
        s = session.s
        self.setObjectName("card")
        self.setMinimumHeight(196)
        row = QHBoxLayout(self)
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
            name = label(s(key), "fieldName")
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
        self.rating_text = label(s("rating_title"), wrap=True)
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

    def render_ticket(self) -> None:
        """Redraw the card."""
        t = self.session.ticket
        s = self.session.s
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
        app = self.session.accepted.get(t["id"])
        self.service_name.setText(t.get("service_name", "") + (
            "  · " + s("accepted_badge", receipt=app["receipt_no"]) if app else ""))
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
            f"color: {COLORS['red']};" if count >= limit and t["status"] == TicketStatus.CALLED
            else "")
        self.render_timer()

    def _show_fields(self, visible: bool) -> None:
        for widget in (*self.field_names, *self.fields.values()):
            widget.setVisible(visible)

    def render_timer(self) -> None:
        """Waited minutes and the serving timer (amber / red past the expected time)."""
        t = self.session.ticket
        if not t:
            return
        s = self.session.s
        now = datetime.now(UTC)
        waited = self.session.waited_minutes(now)
        self.fields["waited"].setText(s("minutes", n=waited) if waited is not None else "")
        seconds = self.session.serving_seconds(now)
        expected = self.session.service_expected(t.get("service_code"))
        if seconds is None:
            started, finished = parse_time(t.get("started_at")), parse_time(t.get("finished_at"))
            seconds = (finished - started).total_seconds() if started and finished else None
        timer = self.fields["serving_timer"]
        if seconds is None:
            timer.setText(s("none"))
            timer.setStyleSheet("")
            return
        level = timer_level(seconds, expected)
        timer.setText(s("timer_value", elapsed=format_elapsed(seconds), expected=expected or "?"))
        timer.setProperty("level", level)
        timer.setStyleSheet("" if level == "ok" else f"color: {COLORS[level]};")

    def render_rating(self) -> None:
        """QR code of the 好差评 link after 办结."""
        rating = self.session.rating
        self.rating_box.setVisible(bool(rating))
        if rating:
            s = self.session.s
            self.rating_qr.setPixmap(qr_pixmap(rating["url"], 128))
            self.rating_qr.setToolTip(rating["url"])
            self.rating_text.setText(f"{s('rating_title')}\n{rating['number']}")
            status = s("rating_result", label=rating["result"]) if rating.get("result") \
                else s("rating_pad_waiting") if rating.get("ratepad") else ""
            self.rating_status.setText(status)


class MaterialsPanel(QFrame):
    """Every material of the ticket's service, with 打开 / 核验 for the submitted ones."""

    def __init__(self, session: CounterSession, open_material: Callable[[int], object]) -> None:
        super().__init__()
        self.session = session
        self.open_material = open_material
        s = session.s
        self.setObjectName("panel")
        col = QVBoxLayout(self)
        col.setContentsMargins(10, 8, 10, 8)
        head = QHBoxLayout()
        head.addWidget(label(s("materials"), "sectionTitle"))
        self.materials_summary = label("")
        head.addWidget(self.materials_summary, 1)
        col.addLayout(head)
        self.materials_table = QTableWidget(0, 6)
        self.materials_table.setHorizontalHeaderLabels(
            [s(k) for k in ("col_material", "col_required", "col_review", "col_origin",
                            "col_verified", "col_action")])
        table_style(self.materials_table, stretch=0)
        self.materials_table.cellDoubleClicked.connect(self._double_clicked)
        col.addWidget(self.materials_table, 1)
        self.materials_empty = label(s("materials_none"))
        self.materials_empty.setStyleSheet("color: #718096;")
        col.addWidget(self.materials_empty, 1, Qt.AlignTop)

    def _double_clicked(self, row: int, _col: int) -> None:
        mid = self.session.materials[row]["id"]
        if mid is not None:
            self.open_material(mid)

    def render_materials(self) -> None:
        """未提交 first (red), then the pre-submitted ones with pre-review status, origin and
        verification, then on-site / optional ones."""
        s = self.session.s
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

    def _material_buttons(self, m: dict[str, Any]) -> QWidget:
        s = self.session.s
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(2, 1, 2, 1)
        row.setSpacing(4)
        open_btn = QPushButton(s("open"))
        open_btn.setObjectName(f"open-{m['id']}")
        open_btn.clicked.connect(lambda _=False, mid=m["id"]: self.open_material(mid))
        verify_btn = QPushButton(s("verified_yes") if m.get("verified") else s("verify"))
        verify_btn.setObjectName(f"verify-{m['id']}")
        verify_btn.setEnabled(not m.get("verified") and not self.session.verifying(m["id"]))
        verify_btn.clicked.connect(
            lambda _=False, mid=m["id"], b=verify_btn: self.session.verify_material(mid)
            and b.setEnabled(False))
        row.addWidget(open_btn)
        row.addWidget(verify_btn)
        return box

