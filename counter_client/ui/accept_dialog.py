"""办件受理: the clerk accepts the citizen's application after (or while) serving the ticket.

Choose the service (default: the ticket's), tick the materials received (those the 电子证照库
holds are ticked and fixed), choose 窗口取件 or 邮寄送达 (with address), optional phone.
"""

from __future__ import annotations

from typing import Any

from PyQt5.QtCore import Qt, pyqtSignal
from PyQt5.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from counter_client.controller import CounterSession
from counter_client.ui.common import COLORS, label

ADDRESS_MAX = 300


def check_acceptance(s: Any, *, delivery: str, address: str, items: list[dict[str, Any]],
                     received: set[str]) -> str | None:
    """The message of what is wrong with the form, or None when it can be sent."""
    if delivery == "mail" and not address.strip():
        return s("err_address")
    for item in items:
        if item["required"] and not item["from_licence"] and item["code"] not in received:
            return s("err_missing_material", name=item["name"])
    return None


class AcceptDialog(QDialog):
    """Sends the application once; `accepted_app(dict)` with the server's answer."""

    accepted_app = pyqtSignal(dict)

    def __init__(self, session: CounterSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        s = session.s
        ticket = session.ticket or {}
        self.items: list[dict[str, Any]] = []
        self.boxes: dict[str, QCheckBox] = {}
        self.setWindowTitle(s("accept_title", number=ticket.get("number", "")))
        self.setMinimumWidth(560)
        col = QVBoxLayout(self)
        form = QFormLayout()
        self.service = QComboBox()
        for svc in session.services:
            self.service.addItem(svc["name"], svc["code"])
            if svc["code"] == ticket.get("service_code"):
                self.service.setCurrentIndex(self.service.count() - 1)
        self.service.currentIndexChanged.connect(lambda _i: self.load())
        form.addRow(s("accept_service"), self.service)
        self.materials_box = QWidget()
        self.materials_col = QVBoxLayout(self.materials_box)
        self.materials_col.setContentsMargins(0, 0, 0, 0)
        self.materials_col.setSpacing(2)
        form.addRow(s("accept_materials"), self.materials_box)
        self.pickup = QRadioButton(s("accept_pickup"))
        self.mail = QRadioButton(s("accept_mail"))
        self.pickup.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.pickup)
        group.addButton(self.mail)
        row = QHBoxLayout()
        row.addWidget(self.pickup)
        row.addWidget(self.mail)
        row.addStretch(1)
        form.addRow(s("accept_delivery"), row)
        self.pickup_hint = label(s("accept_pickup_hint"), wrap=True)
        self.pickup_hint.setStyleSheet("color: #4a5568;")
        form.addRow("", self.pickup_hint)
        self.slot = QComboBox()
        self.slot.setObjectName("pickup-slot")
        self.slot.addItem(s("accept_slot_none"), None)
        form.addRow(s("accept_slot"), self.slot)
        self.address = QTextEdit()
        self.address.setFixedHeight(60)
        self.address.setPlaceholderText(s("accept_address"))
        form.addRow(s("accept_address"), self.address)
        self.phone = QLineEdit()
        self.phone.setMaxLength(20)
        self.phone.setPlaceholderText(s("accept_phone_hint"))
        form.addRow(s("accept_phone"), self.phone)
        col.addLayout(form)
        self.error = label("", wrap=True)
        self.error.setStyleSheet(f"color: {COLORS['red']}; font-weight: bold;")
        col.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(s("cancel"))
        self.cancel_button.clicked.connect(self.reject)
        self.ok = QPushButton(s("accept_ok"))
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.submit)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok)
        col.addLayout(buttons)
        self.pickup.toggled.connect(self._delivery_changed)
        self._delivery_changed()
        self.load()

    def _delivery_changed(self) -> None:
        mail = self.mail.isChecked()
        self.address.setEnabled(mail)
        self.pickup_hint.setVisible(not mail)
        self.slot.setEnabled(not mail)

    def load(self) -> None:
        """(Re)load the material list of the chosen service."""
        self.ok.setEnabled(False)
        self.error.setText(self.session.s("accept_loading"))
        self.session.load_acceptance(self.service.currentData(), self.show_items,
                                     self.show_error)
        self.session.load_pickup_slots(self.service.currentData(), self.show_slots,
                                       lambda _text: self.show_slots([]))

    def show_slots(self, slots: list[dict[str, Any]]) -> None:
        """The free pickup slots; without any (or on an error) only 暂不预约 is offered."""
        s = self.session.s
        self.slot.clear()
        self.slot.addItem(s("accept_slot_none"), None)
        for slot in slots:
            self.slot.addItem(s("accept_slot_item", text=slot["text"], left=slot["remaining"]),
                              slot["start"])

    def show_items(self, items: list[dict[str, Any]]) -> None:
        """One check box per material; 电子证照 ones ticked and fixed, checked-in ones ticked."""
        s = self.session.s
        while self.materials_col.count():
            widget = self.materials_col.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.items, self.boxes = items, {}
        seen = {m.get("code") for m in self.session.materials
                if m.get("id") is not None and m.get("status") in ("accepted", "pending")}
        for item in items:
            text = s("accept_from_licence", name=item["name"]) if item["from_licence"] else \
                s("accept_required", name=item["name"]) if item["required"] else item["name"]
            box = QCheckBox(text)
            box.setObjectName(f"material-{item['code']}")
            box.setChecked(bool(item["from_licence"]) or item["code"] in seen)
            box.setEnabled(not item["from_licence"])
            box.toggled.connect(lambda _on: self.error.setText(""))
            self.materials_col.addWidget(box)
            self.boxes[item["code"]] = box
        self.error.setText("")
        self.ok.setEnabled(True)

    def show_error(self, text: str) -> None:
        """Red line in the dialog; OK again so the clerk can correct and retry."""
        self.error.setText(text)
        self.ok.setEnabled(True)

    def body(self) -> dict[str, Any]:
        """The request body of POST /tickets/{id}/application."""
        received = [code for code, box in self.boxes.items()
                    if box.isChecked() and box.isEnabled()]
        body: dict[str, Any] = {"service_code": self.service.currentData(),
                                "delivery": "mail" if self.mail.isChecked() else "pickup",
                                "mail_address": self.address.toPlainText().strip()
                                if self.mail.isChecked() else "",
                                "materials": received}
        if self.phone.text().strip():
            body["phone"] = self.phone.text().strip()
        if not self.mail.isChecked() and self.slot.currentData():
            body["pickup_slot_start"] = self.slot.currentData()
        return body

    def submit(self) -> None:
        """Check the form, then send it once (OK stays disabled until the answer)."""
        body = self.body()
        problem = check_acceptance(self.session.s, delivery=body["delivery"],
                                   address=body["mail_address"], items=self.items,
                                   received=set(body["materials"]))
        if problem:
            self.error.setText(problem)
            return
        self.ok.setEnabled(False)
        if not self.session.accept(body, self._done, self.show_error):
            self.show_error(self.session.s("msg_not_allowed"))

    def _done(self, app: dict[str, Any]) -> None:
        self.accepted_app.emit(app)
        self.accept()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        """Ctrl+Enter sends from anywhere in the form (Enter alone types in the address)."""
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and \
                event.modifiers() & Qt.ControlModifier:
            self.submit()
            return
        super().keyPressEvent(event)
