"""Notification outbox with pluggable delivery backends (SMS / e-mail).

Every message is written to the `notifications` table in the caller's transaction first;
a backend then delivers it. The default backend only records (the outbox is the delivery),
which is what the demo and the tests use; `log` also writes it to the log, and `smtp` sends
e-mail recipients through an SMTP server.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Any, Protocol
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from server.citizens.models import Notification
from server.core.clock import utcnow
from server.core.config import Settings

log = logging.getLogger(__name__)


class Backend(Protocol):
    """Delivers one recorded notification; raises on failure."""

    name: str

    def deliver(self, note: Notification) -> None:
        """Send the message to its recipient."""


class OutboxOnly:
    """Records only: the outbox table is the delivery (demo, tests, SMS gateway polling it)."""

    name = "outbox"

    def deliver(self, note: Notification) -> None:
        """Nothing to do; the row is the message."""


class LogBackend:
    """Writes each message to the server log (development)."""

    name = "log"

    def deliver(self, note: Notification) -> None:
        """Log the message (the code of an OTP is part of the body)."""
        log.info("notification %s to %s: %s", note.kind, note.recipient, note.body)


class SmtpBackend:
    """Sends e-mail recipients through SMTP; SMS recipients stay recorded for a gateway."""

    name = "smtp"

    def __init__(self, url: str) -> None:
        self.url = urlsplit(url)

    def deliver(self, note: Notification) -> None:
        """Send one e-mail (10 s timeout)."""
        if note.channel != "email":
            return
        msg = EmailMessage()
        msg["From"] = self.url.username or "tongban@localhost"
        msg["To"] = note.recipient
        msg["Subject"] = "通办政务服务通知"
        msg.set_content(note.body)
        with smtplib.SMTP(self.url.hostname or "localhost", self.url.port or 25,
                          timeout=10) as smtp:
            if self.url.username and self.url.password:
                smtp.login(self.url.username, self.url.password)
            smtp.send_message(msg)


def backend_for(settings: Settings) -> Backend:
    """The configured backend (TONGBAN_NOTIFY_BACKEND)."""
    if settings.notify_backend == "log":
        return LogBackend()
    if settings.notify_backend == "smtp" and settings.smtp_url:
        return SmtpBackend(settings.smtp_url)
    return OutboxOnly()


def notify(
    s: Session,
    *,
    settings: Settings,
    recipient: str,
    kind: str,
    body: str,
    channel: str = "sms",
    hall_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> Notification:
    """Record a message in the outbox and hand it to the backend; failures are kept."""
    backend = backend_for(settings)
    note = Notification(channel=channel, recipient=recipient, kind=kind, body=body,
                        data=data or {}, hall_id=hall_id, backend=backend.name,
                        created_at=utcnow())
    s.add(note)
    try:
        backend.deliver(note)
    except Exception as exc:  # noqa: BLE001 - a delivery failure must not undo the booking
        log.warning("delivery of %s to %s failed: %s", kind, recipient, exc)
        note.status, note.error = "failed", str(exc)[:200]
    else:
        if backend.name != "outbox":
            note.status, note.sent_at = "sent", utcnow()
    s.flush()
    return note


def outbox_view(note: Notification, *, reveal_codes: bool) -> dict[str, Any]:
    """Wire form of an outbox row; one-time codes only shown when `reveal_codes` (demo)."""
    body, data = note.body, note.data
    code = (data or {}).get("code") if note.kind == "otp" else None
    if code and not reveal_codes:
        # An admin reading live codes could log in as any citizen.
        body, data = body.replace(str(code), "******"), {**data, "code": "******"}
    return {"id": note.id, "channel": note.channel, "recipient": note.recipient,
            "kind": note.kind, "body": body, "data": data, "status": note.status,
            "backend": note.backend, "error": note.error,
            "created_at": note.created_at.isoformat() if note.created_at else None}
