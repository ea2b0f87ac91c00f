"""POST /api/v1/track/{token}/evaluation: 好差评 from the slip's tracking link."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from server.auth.deps import PrincipalDep
from server.auth.principal import require
from server.core.deps import DbDep
from server.core.schemas import out
from server.evaluations.schemas import EvaluationOut, RatingRequestOut
from server.evaluations.service import evaluate, evaluation_public, request_rating
from server.tickets.models import Ticket
from tongban_common.wire import HALL_STAFF

router = APIRouter(tags=["evaluations"])


class EvaluationIn(BaseModel):
    rating: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    dimensions: dict[str, int] = Field(default_factory=dict)
    comment: str = Field("", max_length=500)
    channel: str = Field("tracking", max_length=16)


@router.post("/track/{tracking_token}/evaluation", status_code=201, **out(EvaluationOut))
def post_evaluation(tracking_token: str, body: EvaluationIn, db: DbDep) -> dict:
    """Rate a finished visit once (public: the tracking token is the credential)."""

    def work(s: Session) -> dict:
        ev = evaluate(s, tracking_token=tracking_token, rating=body.rating,
                      dimensions=body.dimensions, comment=body.comment, channel=body.channel)
        ticket = s.get(Ticket, ev.ticket_id)
        return evaluation_public(ev, ticket.number if ticket else "")

    return db.write(work)


@router.post("/tickets/{ticket_id}/rating-request", **out(RatingRequestOut))
def post_rating_request(ticket_id: int, db: DbDep, principal: PrincipalDep) -> dict:
    """Ask the citizen of a finished ticket to rate (好差评); emits ticket.rating_requested."""
    p = require(principal, staff=HALL_STAFF)
    return db.write(lambda s: request_rating(s, ticket_id=ticket_id, principal=p))
