"""Staff login/logout and account administration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.deps import PrincipalDep
from server.auth.models import ROLES as STAFF_ROLES
from server.auth.models import Staff
from server.auth.principal import require
from server.auth.ratelimit import client_key, get_limiter
from server.auth.service import create_staff, login, revoke_token
from server.catalog.models import Hall
from server.catalog.service import get_hall
from server.core.deps import DbDep, SettingsDep, bearer_token
from server.core.errors import RATE_LIMITED, Forbidden
from tongban_common.wire import HALL_DEVICES, MANAGERS, ErrorCode, StaffRole

router = APIRouter(tags=["auth"])


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class StaffIn(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    password: str = Field(min_length=8, max_length=200)
    role: str = Field(pattern="^(clerk|reviewer|manager|admin)$")
    hall_code: str | None = None
    full_name: str = Field("", max_length=100)
    department: str = Field("", max_length=100, description="reviewer: 所属审批部门")


class LoginOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    role: str = Field(description="clerk | manager | admin | reviewer")
    hall_code: str | None
    username: str
    full_name: str
    expires_in: int = Field(description="seconds until the token expires")


class MeOut(BaseModel):
    kind: str = Field(description="staff | device | citizen")
    id: int
    role: str = Field(description="clerk/manager/admin/reviewer, kiosk/display/counter or citizen")
    name: str
    hall_code: str | None = Field(description="the hall of a device or staff member")
    window_id: int | None
    department: str = Field("", description="a reviewer's department (后台审批)")


class StaffOut(BaseModel):
    id: int
    username: str
    full_name: str
    role: str
    hall_code: str | None
    active: bool
    department: str = ""


@router.post("/auth/login", responses=RATE_LIMITED, response_model=LoginOut)
def post_login(body: LoginIn, request: Request, db: DbDep, settings: SettingsDep) -> dict:
    """Exchange username/password for a bearer token (failures are rate limited per client)."""
    limiter = get_limiter(request)
    limiter.check("login", client_key(request))
    token, staff, error = db.write(
        lambda s: login(s, username=body.username, password=body.password,
                        ttl_hours=settings.token_ttl_hours)
    )
    if error is not None:
        limiter.hit("login", client_key(request))
        raise error
    assert staff is not None
    with db.read() as s:
        hall = s.get(Hall, staff.hall_id) if staff.hall_id else None
    return {
        "access_token": token,
        "token_type": "bearer",
        "role": staff.role,
        "hall_code": hall.code if hall else None,
        "username": staff.username,
        "full_name": staff.full_name,
        "expires_in": int(settings.token_ttl_hours * 3600),
    }


@router.post("/auth/logout", status_code=204)
def post_logout(
    db: DbDep, principal: PrincipalDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    """Revoke the caller's token."""
    require(principal, staff=STAFF_ROLES, citizen=True)
    token = bearer_token(authorization)
    assert token is not None
    db.write(lambda s: revoke_token(s, token=token))


@router.get("/auth/me", response_model=MeOut)
def get_me(db: DbDep, principal: PrincipalDep) -> dict:
    """Who the token belongs to."""
    p = require(principal, staff=STAFF_ROLES, devices=HALL_DEVICES,
                citizen=True)
    with db.read() as s:
        hall = s.get(Hall, p.hall_id) if p.hall_id else None
    return {"kind": p.kind, "id": p.id, "role": p.role, "name": p.name,
            "hall_code": hall.code if hall else None, "window_id": p.window_id,
            "department": p.department}


@router.post("/staff", status_code=201, response_model=StaffOut)
def post_staff(body: StaffIn, db: DbDep, principal: PrincipalDep) -> dict:
    """Create a staff account (admin; managers may create clerks and reviewers of their hall)."""
    p = require(principal, staff=MANAGERS)

    def work(s: Session) -> dict:
        hall = get_hall(s, body.hall_code) if body.hall_code else None
        if not p.is_admin and (body.role not in (StaffRole.CLERK, StaffRole.REVIEWER)
                               or hall is None or hall.id != p.hall_id):
            raise Forbidden("大厅管理员只能为本大厅创建窗口或审批人员",
                            code=ErrorCode.FORBIDDEN_ROLE)
        staff = create_staff(s, username=body.username, password=body.password, role=body.role,
                             hall_id=hall.id if hall else None, full_name=body.full_name,
                             department=body.department)
        return _staff_out(staff, hall)

    return db.write(work)


@router.get("/staff", response_model=list[StaffOut])
def list_staff(db: DbDep, principal: PrincipalDep, hall: Annotated[str, Query()]) -> list[dict]:
    """Staff accounts of a hall (manager/admin)."""
    with db.read() as s:
        h = get_hall(s, hall)
        require(principal, staff=MANAGERS, hall_id=h.id)
        rows = s.scalars(select(Staff).where(Staff.hall_id == h.id).order_by(Staff.username))
        return [_staff_out(st, h) for st in rows]


def _staff_out(staff: Staff, hall: Hall | None) -> dict:
    return {"id": staff.id, "username": staff.username, "full_name": staff.full_name,
            "role": staff.role, "department": staff.department,
            "hall_code": hall.code if hall else None, "active": staff.active}
