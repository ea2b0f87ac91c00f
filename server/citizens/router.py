"""Citizen login (phone + one-time code) and the admin view of the notification outbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from server.auth.deps import PrincipalDep
from server.auth.principal import require
from server.auth.ratelimit import client_key, get_limiter
from server.citizens.models import Notification
from server.citizens.notify import outbox_view
from server.citizens.schemas import CitizenLoginOut, CitizenMeOut, OtpSent, OutboxItem
from server.citizens.service import get_citizen, login_with_otp, mask_phone, request_otp
from server.core.deps import DbDep, SettingsDep
from server.core.errors import RATE_LIMITED
from server.core.schemas import out
from tongban_common.wire import StaffRole

router = APIRouter(tags=["citizens"])


class OtpIn(BaseModel):
    phone: str = Field(min_length=5, max_length=20)


class CitizenLoginIn(BaseModel):
    phone: str = Field(min_length=5, max_length=20)
    code: str = Field(min_length=1, max_length=12)


@router.post("/citizen/otp", status_code=202, responses=RATE_LIMITED, **out(OtpSent))
def post_otp(body: OtpIn, request: Request, db: DbDep, settings: SettingsDep) -> dict:
    """Send a one-time login code to the phone (through the outbox)."""
    client = request.client.host if request.client else "unknown"
    return db.write(lambda s: request_otp(s, phone=body.phone, client=client,
                                          settings=settings))


@router.post("/citizen/login", responses=RATE_LIMITED, **out(CitizenLoginOut))
def post_citizen_login(body: CitizenLoginIn, request: Request, db: DbDep,
                       settings: SettingsDep) -> dict:
    """Exchange phone + code for a citizen token (wrong codes are rate limited per client)."""
    limiter = get_limiter(request)
    limiter.check("otp_verify", client_key(request))
    out, error = db.write(lambda s: login_with_otp(s, phone=body.phone, code=body.code,
                                                   settings=settings))
    if error is not None:
        limiter.hit("otp_verify", client_key(request))
        raise error
    assert out is not None
    return out


@router.get("/citizen/me", **out(CitizenMeOut))
def get_citizen_me(db: DbDep, principal: PrincipalDep) -> dict:
    """The logged-in citizen."""
    p = require(principal, citizen=True)
    with db.read() as s:
        citizen = get_citizen(s, p.id)
        return {"id": citizen.id, "phone_masked": mask_phone(citizen.phone)}


@router.get("/admin/outbox", **out(list[OutboxItem]))
def get_outbox(
    db: DbDep, settings: SettingsDep, principal: PrincipalDep,
    recipient: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict]:
    """Notifications recorded in the outbox, newest first (admin; codes masked unless demo)."""
    require(principal, staff=(StaffRole.ADMIN,))
    with db.read() as s:
        stmt = select(Notification).order_by(Notification.id.desc()).limit(limit)
        if recipient:
            stmt = stmt.where(Notification.recipient == recipient)
        if kind:
            stmt = stmt.where(Notification.kind == kind)
        return [outbox_view(n, reveal_codes=settings.demo) for n in s.scalars(stmt)]
