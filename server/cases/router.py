"""好差评 follow-up case endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from server.auth.deps import PrincipalDep
from server.auth.principal import require
from server.cases import service as cases
from server.cases.schemas import CaseOut
from server.catalog.models import Hall
from server.catalog.service import get_hall
from server.core.clock import business_day, utcnow
from server.core.deps import DbDep
from server.core.schemas import out
from tongban_common.wire import HALL_STAFF, MANAGERS

router = APIRouter(tags=["cases"])


class AssignIn(BaseModel):
    staff_id: int


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class CloseIn(BaseModel):
    resolution: str = Field(min_length=1, max_length=2000)


@router.get("/halls/{hall}/cases", **out(list[CaseOut]))
def get_cases(
    hall: str, db: DbDep, principal: PrincipalDep,
    status: Annotated[str | None, Query(description="open|assigned|replied|closed")] = None,
    overdue: Annotated[bool | None, Query()] = None,
) -> list[dict]:
    """Follow-up cases of the hall; overdue ones are flagged."""
    with db.read() as s:
        h = get_hall(s, hall)
        require(principal, staff=MANAGERS, hall_id=h.id)
        return cases.list_cases(s, hall=h, today=business_day(utcnow(), h.timezone),
                                status=status, overdue=overdue)


def _act(db: DbDep, principal: PrincipalDep, case_id: int, action: str,
         roles: tuple[str, ...], **kw: object) -> dict:
    def work(s: Session) -> dict:
        case = cases.get_case(s, case_id)
        p = require(principal, staff=roles, hall_id=case.hall_id)
        getattr(cases, action)(s, case=case, principal=p, **kw)
        hall = s.get(Hall, case.hall_id)
        assert hall is not None
        return cases.case_view(s, case, today=business_day(utcnow(), hall.timezone))

    return db.write(work)


@router.get("/cases/{case_id}", **out(CaseOut))
def get_case(case_id: int, db: DbDep, principal: PrincipalDep) -> dict:
    """One case with its history."""
    with db.read() as s:
        case = cases.get_case(s, case_id)
        require(principal, staff=HALL_STAFF, hall_id=case.hall_id)
        hall = s.get(Hall, case.hall_id)
        assert hall is not None
        return cases.case_view(s, case, today=business_day(utcnow(), hall.timezone))


@router.post("/cases/{case_id}/assign", **out(CaseOut))
def post_assign(case_id: int, body: AssignIn, db: DbDep, principal: PrincipalDep) -> dict:
    """Assign the case to a staff member of the hall (manager)."""
    return _act(db, principal, case_id, "assign", MANAGERS, staff_id=body.staff_id)


@router.post("/cases/{case_id}/reply", **out(CaseOut))
def post_reply(case_id: int, body: ReplyIn, db: DbDep, principal: PrincipalDep) -> dict:
    """Record the reply to the citizen (assignee or manager)."""
    return _act(db, principal, case_id, "reply", HALL_STAFF, text=body.text)


@router.post("/cases/{case_id}/close", **out(CaseOut))
def post_close(case_id: int, body: CloseIn, db: DbDep, principal: PrincipalDep) -> dict:
    """Close a replied case with a resolution (manager)."""
    return _act(db, principal, case_id, "close", MANAGERS, resolution=body.resolution)
