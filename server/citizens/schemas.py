"""Response models of citizen login and the outbox."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from server.core.schemas import Shape


class OtpSent(Shape):
    sent: bool
    phone_masked: str
    expires_in: int = Field(description="seconds the code stays valid")
    resend_after: int = Field(description="seconds before another code may be asked for")


class CitizenLoginOut(Shape):
    access_token: str
    token_type: str
    role: str = Field(description="citizen")
    citizen_id: int
    phone_masked: str
    expires_in: int = Field(description="seconds until the token expires")


class CitizenMeOut(Shape):
    id: int
    phone_masked: str


class OutboxItem(Shape):
    """A recorded notification (SMS); codes masked unless the server runs as a demo."""

    id: int
    channel: str
    recipient: str
    kind: str
    body: str
    data: dict[str, Any]
    status: str
    backend: str | None
    error: str | None
    created_at: str | None
