"""Transfer dialog: to a service or a window, with a reason; validated before sending."""

from __future__ import annotations

from typing import Any

from PyQt5.QtCore import pyqtSignal
from PyQt5.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from counter_client.controller import REASON_MAX, CounterSession, validate_transfer
from counter_client.ui.common import label


class TransferDialog(QDialog):
    """Emits `submitted(kwargs)` for `session.perform("transfer", **kwargs)`."""

    submitted = pyqtSignal(dict)

    def __init__(self, session: CounterSession, parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        s = session.s
        ticket = session.ticket or {}
        self.setWindowTitle(s("transfer_title", number=ticket.get("number", "")))
        self.setMinimumWidth(520)
        self.to_service = QRadioButton(s("to_service"))
        self.to_window = QRadioButton(s("to_window"))
        self.to_service.setChecked(True)
        self.services = QComboBox()
        self.services.addItem("", None)
        for svc in session.services:
            self.services.addItem(f"{svc['name']}（{svc['department']}）", svc["code"])
        self.windows = QComboBox()
        self.windows.addItem("", None)
        for w in session.windows:
            if w["id"] != session.window_id:
                self.windows.addItem(s("window_item", number=w["number"], name=w["name"]),
                                     w["id"])
        self.reason = QLineEdit()
        self.reason.setMaxLength(REASON_MAX + 20)  # longer text is refused with a message
        self.reason.setPlaceholderText(s("reason_hint"))
        self.error = label("", wrap=True)
        self.error.setStyleSheet("color: #c53030;")
        self.ok = QPushButton(s("ok"))
        self.ok.setObjectName("action")
        self.ok.setMinimumSize(96, 36)
        self.cancel = QPushButton(s("cancel"))
        self.cancel.setMinimumSize(96, 36)
        form = QFormLayout()
        form.addRow(self.to_service, self.services)
        form.addRow(self.to_window, self.windows)
        form.addRow(s("reason"), self.reason)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(label(s("transfer_title", number=ticket.get("number", "")),
                               "sectionTitle"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        for w in (self.to_service, self.to_window):
            w.toggled.connect(self._update)
        self.services.currentIndexChanged.connect(self._update)
        self.windows.currentIndexChanged.connect(self._update)
        self.reason.textChanged.connect(self._update)
        self.ok.clicked.connect(self._submit)
        self.cancel.clicked.connect(self.reject)
        self._update()

    def request(self) -> dict[str, Any]:
        """The transfer as keyword arguments."""
        if self.to_service.isChecked():
            return {"service_code": self.services.currentData(),
                    "reason": self.reason.text().strip()}
        return {"window_id": self.windows.currentData(), "reason": self.reason.text().strip()}

    def problem(self) -> str | None:
        """What is wrong (strings key) or None."""
        kind = "service" if self.to_service.isChecked() else "window"
        target = self.services.currentData() if kind == "service" else self.windows.currentData()
        ticket = self.session.ticket or {}
        return validate_transfer(kind=kind, target=target, reason=self.reason.text(),
                                 current_service=ticket.get("service_code"),
                                 current_window=self.session.window_id)

    def _update(self) -> None:
        self.services.setEnabled(self.to_service.isChecked())
        self.windows.setEnabled(self.to_window.isChecked())
        problem = self.problem()
        self.ok.setEnabled(problem is None)
        self.error.setText(self.session.s(problem) if problem else "")

    def _submit(self) -> None:
        if self.problem() is None:
            self.ok.setEnabled(False)  # one request per transfer
            self.submitted.emit(self.request())
            self.accept()
