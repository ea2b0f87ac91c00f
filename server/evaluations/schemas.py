"""Response models of the 好差评 routes."""

from __future__ import annotations

from pydantic import Field

from server.core.schemas import Shape


class EvaluationOut(Shape):
    """A rating as stored (no personal data)."""

    ticket_id: int
    number: str
    rating: int = Field(description="5 非常满意 … 1 非常不满意")
    rating_label: str
    dimensions: dict[str, int]
    channel: str
    window_id: int | None


class RatingRequestOut(Shape):
    ticket_id: int
    number: str
    tracking_token: str
    evaluation_path: str = Field(description="where the citizen's phone posts the rating")
    ratepad: bool = Field(description="the window has a rating pad that will show the request")
