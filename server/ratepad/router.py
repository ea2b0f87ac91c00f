"""评价器 endpoints (device token of a rating pad) and its browser page at /ratepad/."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from server.auth.deps import PrincipalDep
from server.auth.principal import require
from server.auth.service import resolve_token
from server.core.clock import utcnow
from server.core.deps import DbDep
from server.core.schemas import out
from server.core.static import static_file
from server.ratepad.schemas import PadRatingOut, PadStateOut
from server.ratepad.service import pad_rate, pad_state
from tongban_common.wire import DeviceKind

STATIC = Path(__file__).parent / "static"
PAD = (DeviceKind.RATEPAD,)

router = APIRouter(prefix="/ratepad", tags=["ratepad"])
page_router = APIRouter(tags=["ratepad"], include_in_schema=False)


class PadRatingIn(BaseModel):
    ticket_id: int
    rating: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    reasons: list[Annotated[str, Field(max_length=32)]] = Field(default_factory=list,
                                                                max_length=10)


@router.get("/state", **out(PadStateOut))
def get_pad_state(db: DbDep, principal: PrincipalDep) -> dict:
    """The pad's window, its signed-in clerk, levels, reasons and a prompt it may have missed."""
    p = require(principal, devices=PAD)
    with db.read() as s:
        return pad_state(s, p, utcnow())


@router.post("/ratings", status_code=201, **out(PadRatingOut))
def post_pad_rating(body: PadRatingIn, db: DbDep, principal: PrincipalDep) -> dict:
    """Rate a ticket finished at the pad's own window in the last minutes (once per ticket)."""
    p = require(principal, devices=PAD)

    def work(s: Session) -> dict:
        return pad_rate(s, p, ticket_id=body.ticket_id, rating=body.rating,
                        reasons=body.reasons, now=utcnow())

    return db.write(work)


@page_router.get("/ratepad/_assets/{name}")
def ratepad_asset(name: str) -> FileResponse:
    """Scripts and styles of the page; nothing outside the static folder."""
    return static_file(STATIC, name)


@page_router.get("/ratepad/")
def ratepad_page(db: DbDep, principal: PrincipalDep,
                 token: Annotated[str | None, Query(max_length=200)] = None) -> FileResponse:
    """The pad in a tablet browser; the token is in the URL (a kiosk-mode browser sends no
    headers) and the page then uses it for the API and the stream."""
    with db.read() as s:
        require(principal or (resolve_token(s, token) if token else None), devices=PAD)
    return static_file(STATIC, "index.html", headers={"Referrer-Policy": "no-referrer"})
