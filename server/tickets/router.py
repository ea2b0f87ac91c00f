"""Issuing, calling and moving tickets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from server.auth.deps import PrincipalDep
from server.auth.principal import require
from server.catalog.models import Hall
from server.catalog.service import get_hall
from server.core.clock import business_day, utcnow
from server.core.deps import DbDep, SettingsDep
from server.core.errors import Invalid
from server.core.schemas import out
from server.tickets.queue import suspended_tickets, window_queue
from server.tickets.schemas import (
    IssuedTicketOut,
    TicketLookupOut,
    TicketStaffOut,
    WindowQueueOut,
)
from server.tickets.service import (
    call_next,
    find_by_number,
    get_ticket,
    issue_ticket,
    transition,
)
from server.tickets.views import ticket_lookup, ticket_public, ticket_staff
from server.windows.service import get_window
from tongban_common.wire import HALL_STAFF, DeviceKind, ErrorCode

router = APIRouter(tags=["tickets"])
STAFF = HALL_STAFF


class IssueIn(BaseModel):
    service_code: str = Field(min_length=1, max_length=64)
    id_number: str | None = Field(None, max_length=32)
    citizen_name: str | None = Field(None, max_length=50)
    priority: str | None = Field(None, max_length=16)


class TransferIn(BaseModel):
    service_code: str | None = Field(None, max_length=64)
    window_id: int | None = None
    reason: str = Field("", max_length=200)


@router.post("/halls/{hall_code}/tickets", status_code=201, **out(IssuedTicketOut))
def post_ticket(
    hall_code: str,
    body: IssueIn,
    db: DbDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> dict:
    """Issue a number (kiosk device or staff); a repeated Idempotency-Key returns the same one."""
    if idempotency_key is not None and not idempotency_key.strip():
        raise Invalid("Idempotency-Key 不能为空", code=ErrorCode.INVALID_IDEMPOTENCY_KEY)

    def work(s: Session) -> dict:
        hall = get_hall(s, hall_code)
        p = require(principal, staff=STAFF, devices=(DeviceKind.KIOSK,), hall_id=hall.id)
        result = issue_ticket(
            s, hall=hall, service_code=body.service_code, settings=settings, principal=p,
            id_number=body.id_number, citizen_name=body.citizen_name, priority=body.priority,
            idempotency_key=idempotency_key,
        )
        view = ticket_staff if p.kind == "staff" else ticket_public
        out = view(s, result.ticket, settings, hall=hall, service=result.service)
        out["replayed"] = result.replayed
        return out

    out = db.write(work)
    if out["replayed"]:
        response.headers["Idempotent-Replayed"] = "true"
    return out


@router.get("/tickets/{ticket_id}", **out(TicketStaffOut))
def get_one_ticket(ticket_id: int, db: DbDep, settings: SettingsDep,
                   principal: PrincipalDep) -> dict:
    """The full ticket for staff of its hall."""
    with db.read() as s:
        ticket = get_ticket(s, ticket_id)
        require(principal, staff=STAFF, hall_id=ticket.hall_id)
        return ticket_staff(s, ticket, settings)


@router.get("/halls/{hall_code}/tickets/by-number/{number}", **out(TicketLookupOut))
def get_ticket_by_number(hall_code: str, number: str, db: DbDep, settings: SettingsDep,
                         principal: PrincipalDep) -> dict:
    """查询 at a kiosk of the hall (or its staff): today's ticket by number, queue facts only."""
    with db.read() as s:
        hall = get_hall(s, hall_code)
        # Numbers are guessable: only devices and staff of this hall may look them up.
        p = require(principal, staff=STAFF, devices=(DeviceKind.KIOSK,), hall_id=hall.id)
        ticket = find_by_number(s, hall=hall, number=number)
        view = ticket_lookup(s, ticket, settings)
        # Staff may read the full ticket anyway (GET /tickets/{id}): the id lets a counter
        # reprint the slip of a citizen whose kiosk ran out of paper (补打小票).
        return {**view, "id": ticket.id} if p.kind == "staff" else view


@router.post(
    "/windows/{window_id}/call-next", response_model=None,
    responses={200: {"model": TicketStaffOut, "description": "the called ticket"},
               204: {"description": "nobody waiting"}},
)
def post_call_next(window_id: int, db: DbDep, settings: SettingsDep,
                   principal: PrincipalDep) -> Response | dict:
    """Call the next ticket by the calling rule; 204 when nobody is waiting."""
    p = require(principal, staff=STAFF)

    def work(s: Session) -> dict | None:
        ticket = call_next(s, window_id=window_id, principal=p, settings=settings)
        return ticket_staff(s, ticket, settings) if ticket else None

    out = db.write(work)
    return out if out is not None else Response(status_code=204)


@router.get("/windows/{window_id}/queue", **out(WindowQueueOut))
def get_window_queue(window_id: int, db: DbDep, settings: SettingsDep,
                     principal: PrincipalDep) -> dict:
    """Waiting tickets in the order this window would call them, each with its rule."""
    with db.read() as s:
        window = get_window(s, window_id)
        require(principal, staff=STAFF, devices=(DeviceKind.COUNTER,), hall_id=window.hall_id)
        return window_queue(s, window=window, settings=settings, now=utcnow())


@router.get("/windows/{window_id}/suspended", **out(list[TicketStaffOut]))
def get_suspended(window_id: int, db: DbDep, settings: SettingsDep,
                  principal: PrincipalDep) -> list[dict]:
    """Today's suspended (挂起) tickets of a window, to call back (staff of its hall)."""
    with db.read() as s:
        w = get_window(s, window_id)
        require(principal, staff=STAFF, hall_id=w.hall_id)
        hall = s.get(Hall, w.hall_id)
        assert hall is not None
        day = business_day(utcnow(), hall.timezone)
        return [ticket_staff(s, t, settings) for t in suspended_tickets(s, window=w, day=day)]


def _action_route(action: str):  # noqa: ANN202 - returns an endpoint
    def endpoint(ticket_id: int, db: DbDep, settings: SettingsDep,
                 principal: PrincipalDep) -> dict:
        p = require(principal, staff=STAFF)

        def work(s: Session) -> dict:
            ticket = transition(s, ticket_id=ticket_id, action=action, principal=p,
                                settings=settings)
            return ticket_staff(s, ticket, settings)

        return db.write(work)

    endpoint.__doc__ = f"Ticket life cycle: {action} (409 when not allowed in its status)."
    endpoint.__name__ = f"ticket_{action.replace('-', '_')}"
    return endpoint


for _action in ("recall", "start", "complete", "no-show", "requeue", "cancel", "hang", "resume"):
    router.post(f"/tickets/{{ticket_id}}/{_action}", **out(TicketStaffOut))(_action_route(_action))


@router.post("/tickets/{ticket_id}/transfer", **out(TicketStaffOut))
def post_transfer(ticket_id: int, body: TransferIn, db: DbDep, settings: SettingsDep,
                  principal: PrincipalDep) -> dict:
    """Send a serving ticket to another service or window; it keeps its number."""
    p = require(principal, staff=STAFF)

    def work(s: Session) -> dict:
        ticket = transition(s, ticket_id=ticket_id, action="transfer", principal=p,
                            settings=settings, service_code=body.service_code,
                            window_id=body.window_id, reason=body.reason)
        return ticket_staff(s, ticket, settings)

    return db.write(work)
