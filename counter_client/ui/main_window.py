"""The one clerk screen, composed of panels: top bar, current ticket (card and materials),
actions bar, status line, today's counts and the queue tabs."""

from __future__ import annotations

from PyQt5.QtCore import QTimer
from PyQt5.QtWidgets import QHBoxLayout, QMainWindow, QVBoxLayout, QWidget

from counter_client.controller import CounterSession
from counter_client.ui.accept_dialog import AcceptDialog
from counter_client.ui.actions_bar import ActionsBar
from counter_client.ui.queue_panel import QueuePanel
from counter_client.ui.reprint_dialog import ReprintDialog
from counter_client.ui.status_panel import StatusLine, TodayPanel, TopBar
from counter_client.ui.ticket_panel import MaterialsPanel, TicketCard
from counter_client.ui.transfer import TransferDialog
from counter_client.ui.viewer import MaterialViewer


class MainWindow(QMainWindow):
    """Lays the panels out and routes session notifications to them; buttons and keys call
    `trigger(action)`."""

    def __init__(self, session: CounterSession) -> None:
        super().__init__()
        self.session = session
        self.s = session.s
        self.setWindowTitle(self.s("app_title"))
        self.viewers: dict[int, MaterialViewer] = {}
        self.transfer_dialog: TransferDialog | None = None
        self.accept_dialog: AcceptDialog | None = None
        self.reprint_dialog: ReprintDialog | None = None
        self.topbar = TopBar(session)
        self.card = TicketCard(session)
        self.actions_bar = ActionsBar(session, self.trigger, self)
        self.status_line = StatusLine(session)
        self.materials_panel = MaterialsPanel(session, self.open_material)
        self.today = TodayPanel(session)
        self.queue_panel = QueuePanel(
            session, lambda tid: self.session.perform("resume", ticket_id=tid))
        body = QWidget()
        body.setObjectName("body")
        root = QVBoxLayout(body)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self.topbar)
        main = QHBoxLayout()
        main.setContentsMargins(10, 10, 10, 10)
        main.setSpacing(10)
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.card)
        left.addWidget(self.actions_bar)
        left.addWidget(self.status_line)
        left.addWidget(self.materials_panel, 1)
        right = QVBoxLayout()
        right.setSpacing(8)
        right.addWidget(self.today)
        right.addWidget(self.queue_panel, 1)
        main.addLayout(left, 3)
        main.addLayout(right, 2)
        root.addLayout(main, 1)
        self.setCentralWidget(body)
        # the widgets tests and tools reach by name
        self.window_combo, self.window_state = self.topbar.window_combo, self.topbar.window_state
        self.clerk_label, self.connection = self.topbar.clerk_label, self.topbar.connection
        self.number, self.status_badge = self.card.number, self.card.status_badge
        self.service_name, self.fields = self.card.service_name, self.card.fields
        self.rating_box, self.rating_status = self.card.rating_box, self.card.rating_status
        self.buttons, self.shortcuts = self.actions_bar.buttons, self.actions_bar.shortcuts
        self.message = self.status_line
        self.materials_table = self.materials_panel.materials_table
        self.materials_summary = self.materials_panel.materials_summary
        self.stats = self.today.stats
        self.tabs = self.queue_panel
        self.queue_table = self.queue_panel.queue_table
        self.suspended_table = self.queue_panel.suspended_table
        self.log_list = self.queue_panel.log_list
        self.timer = QTimer(self)  # the serving timer and the connection timeout: UI clock
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        session.listen(self.on_change)
        self.render_all()

    # ------------------------------------------------------------------ input

    def trigger(self, action: str) -> bool:
        """A button click or shortcut; transfer, accept and reprint open their dialog first."""
        if action not in self.session.allowed():
            return False
        if action == "transfer":
            self.open_transfer()
            return True
        if action == "accept":
            self.open_accept()
            return True
        if action == "reprint":
            self.open_reprint()
            return True
        if action == "resume":
            return self.session.perform("resume",
                                        ticket_id=self.queue_panel.selected_suspended())
        return self.session.perform(action)

    def open_transfer(self) -> TransferDialog:
        """Show the transfer dialog (non-blocking); its OK runs the transfer once."""
        dialog = TransferDialog(self.session, self)
        dialog.submitted.connect(lambda kw: self.session.perform("transfer", **kw))
        self.transfer_dialog = dialog
        dialog.open()
        return dialog

    def open_accept(self) -> AcceptDialog:
        """Show the 办件受理 dialog for the card's ticket (one at a time)."""
        if self.accept_dialog is not None and self.accept_dialog.isVisible():
            self.accept_dialog.raise_()
            return self.accept_dialog
        dialog = AcceptDialog(self.session, self)
        self.accept_dialog = dialog
        dialog.open()
        return dialog

    def open_reprint(self) -> ReprintDialog:
        """Show the 补打小票 dialog (the card's number filled in)."""
        dialog = ReprintDialog(self.session, self)
        self.reprint_dialog = dialog
        dialog.open()
        return dialog

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
            "user": self.topbar.render_user, "windows": self.render_windows,
            "window": self.render_windows, "ticket": self.render_ticket,
            "queue": self.render_queue, "suspended": self.render_suspended,
            "today": self.today.render_today, "materials": self.render_materials,
            "rating": self.card.render_rating, "log": self.log_list.render_log,
            "message": self.status_line.render_message,
            "connection": self.topbar.render_connection, "actions": self.render_actions,
            "accept_prompt": self.open_accept,
        }.get(part)
        if handler:
            handler()

    def render_all(self) -> None:
        """Draw everything."""
        for fn in (self.topbar.render_user, self.render_windows, self.render_ticket,
                   self.render_queue, self.render_suspended, self.today.render_today,
                   self.render_materials, self.card.render_rating, self.log_list.render_log,
                   self.status_line.render_message, self.topbar.render_connection,
                   self.render_actions):
            fn()

    def render_windows(self) -> None:
        """Window chooser, state badge and the actions that depend on them."""
        self.topbar.render_windows()
        self.render_actions()

    def render_ticket(self) -> None:
        """The ticket card."""
        self.card.render_ticket()

    def render_queue(self) -> None:
        """Waiting list."""
        self.queue_panel.render_queue()
        self.render_actions()

    def render_suspended(self) -> None:
        """Suspended tickets."""
        self.queue_panel.render_suspended()
        self.render_actions()

    def render_materials(self) -> None:
        """The checklist, and any open material viewer."""
        self.materials_panel.render_materials()
        for viewer in self.viewers.values():
            viewer.refresh_material()

    def render_actions(self) -> None:
        """Enable exactly the allowed actions; tab counts."""
        self.actions_bar.render_actions()
        self.queue_panel.render_counts()

    def _tick(self) -> None:
        self.session.tick()
        self.card.render_timer()
