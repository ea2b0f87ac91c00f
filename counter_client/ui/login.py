"""Login dialog: username and password; the session does the request."""

from __future__ import annotations

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from counter_client.controller import CounterSession
from counter_client.ui.common import label


class LoginDialog(QDialog):
    """Accepted once the session has logged in and loaded the hall's windows."""

    def __init__(self, session: CounterSession) -> None:
        super().__init__()
        self.session = session
        s = session.s
        self.setWindowTitle(s("app_title"))
        self.setMinimumWidth(420)
        title = label(s("login_title"), "sectionTitle")
        title.setAlignment(Qt.AlignCenter)
        self.server = QLabel(session.api.base_url)
        self.username = QLineEdit(session.config.username)
        self.username.setPlaceholderText(s("username"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText(s("password"))
        self.error = label("", wrap=True)
        self.error.setStyleSheet("color: #c53030;")
        self.button = QPushButton(s("login"))
        self.button.setObjectName("action")
        self.button.setMinimumHeight(40)
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        form = QFormLayout()
        form.addRow(s("server"), self.server)
        form.addRow(s("username"), self.username)
        form.addRow(s("password"), self.password)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.button)
        (self.password if self.username.text() else self.username).setFocus()

    def submit(self) -> None:
        """Validate and log in (button disabled while in flight)."""
        s = self.session.s
        user, pw = self.username.text().strip(), self.password.text()
        if not user or not pw:
            self.error.setText(s("login_missing"))
            return
        if not self.button.isEnabled():
            return
        self.button.setEnabled(False)
        self.button.setText(s("logging_in"))
        self.error.setText("")
        self.session.login(user, pw, on_done=self.accept, on_error=self._failed)

    def _failed(self, message: str) -> None:
        self.button.setEnabled(True)
        self.button.setText(self.session.s("login"))
        self.error.setText(message)
