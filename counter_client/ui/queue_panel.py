"""The queue panel: waiting list, suspended tickets (with 回呼) and the hall log, as tabs."""

from __future__ import annotations

from collections.abc import Callable

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
)

from counter_client.controller import CounterSession, parse_time
from counter_client.ui.status_panel import HallLog


def table_style(table: QTableWidget, *, stretch: int) -> None:
    """Read-only, whole-row selection, no focus (F-keys stay with the window)."""
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.setFocusPolicy(Qt.NoFocus)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.Stretch)
    table.verticalHeader().setDefaultSectionSize(34)


class QueuePanel(QTabWidget):
    """Tabs 排队 (n) · 挂起 (n) · 叫号记录."""

    def __init__(self, session: CounterSession, on_resume: Callable[[int], object]) -> None:
        super().__init__()
        self.session = session
        s = session.s
        self.on_resume = on_resume
        self.queue_table = QTableWidget(0, 5)
        self.queue_table.setHorizontalHeaderLabels(
            [s(k) for k in ("col_pos", "col_number", "col_service", "col_waited", "col_reason")])
        table_style(self.queue_table, stretch=2)
        self.suspended_table = QTableWidget(0, 4)
        self.suspended_table.setHorizontalHeaderLabels(
            [s(k) for k in ("col_number", "col_service", "col_since", "col_action")])
        table_style(self.suspended_table, stretch=1)
        self.log_list = HallLog(session)
        self.addTab(self.queue_table, "")
        self.addTab(self.suspended_table, "")
        self.addTab(self.log_list, s("tab_log"))

    def render_counts(self) -> None:
        """Tab titles with the number of waiting and suspended tickets."""
        self.setTabText(0, self.session.s("tab_queue", n=len(self.session.queue)))
        self.setTabText(1, self.session.s("tab_suspended", n=len(self.session.suspended)))

    def selected_suspended(self) -> int | None:
        """The id of the suspended ticket selected in its tab, if any."""
        rows = self.suspended_table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.session.suspended):
            return self.session.suspended[rows[0].row()]["id"]
        return None

    def render_queue(self) -> None:
        """Waiting list with positions and ordering reasons."""
        items = self.session.queue
        table = self.queue_table
        table.setRowCount(len(items))
        for r, it in enumerate(items):
            cells = (str(it["position"]), it["number"], it["service_name"],
                     self.session.s("minutes", n=it["waited_minutes"]),
                     self.session.s(f"rule_{it['rule']}"))
            for c, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if c == 4 and it["rule"] != "longest_wait":
                    cell.setForeground(Qt.darkGreen)
                table.setItem(r, c, cell)
        self.render_counts()

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
            button = QPushButton(self.session.s("act_resume"))
            button.setEnabled(allowed)
            button.clicked.connect(lambda _=False, tid=it["id"]: self.on_resume(tid))
            table.setCellWidget(r, 3, button)
        self.render_counts()
