"""Response models of the rating pad's API."""

from __future__ import annotations

from pydantic import Field

from server.core.schemas import Shape
from server.evaluations.schemas import EvaluationOut
from server.tracking.schemas import ClerkCard


class PadHall(Shape):
    code: str
    name: str


class PadWindow(Shape):
    id: int
    number: int
    name: str
    state: str


class PadLevel(Shape):
    rating: int
    label: str


class PadReason(Shape):
    code: str
    label: str
    label_en: str


class RatingPrompt(Shape):
    """A finished ticket the pad asks the citizen to rate."""

    ticket_id: int
    number: str
    window_id: int | None
    window_number: int | None
    clerk: ClerkCard | None


class PadStateOut(Shape):
    hall: PadHall
    window: PadWindow
    clerk: ClerkCard | None
    levels: list[PadLevel]
    bad_max: int = Field(description="ratings up to this ask for reasons")
    reasons: list[PadReason]
    prompt: RatingPrompt | None = Field(description="a rating request it may have missed")


class PadRatingOut(EvaluationOut):
    reasons: list[str]
    case_opened: bool = Field(description="a 差评整改 follow-up case was opened")
