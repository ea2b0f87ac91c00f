"""Base of the response models: they document a route's JSON without changing it."""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

# A JSON number that may be an integer or not: `float` alone would turn 3 into 3.0.
Number = int | float


class Shape(BaseModel):
    """A documented response object; fields a route adds beyond the declared ones pass through."""

    model_config = ConfigDict(extra="allow")


class ErrorDetail(BaseModel):
    """One bad field of a request (validation errors only)."""

    loc: list[str] = Field(description="where: body/query/path/header, then the field")
    msg: str


class ErrorBody(BaseModel):
    """The error itself: a stable code and a message fit to show to the person."""

    code: str = Field(description="stable machine-readable code (docs/errors.md)",
                      examples=["not_found"])
    message: str = Field(description="for people, Simplified Chinese", examples=["大厅不存在"])
    details: list[ErrorDetail] = Field(
        default_factory=list, description="validation errors only: one entry per bad field")


class ErrorResponse(BaseModel):
    """Every error has this body; `code` is listed in docs/errors.md."""

    error: ErrorBody


def out(model: Any) -> dict[str, Any]:
    """Decorator arguments declaring `model` as the 2xx body, keys missing stay missing."""
    # exclude_unset: a key the route leaves out is not added as null by the model's default.
    return {"response_model": model, "response_model_exclude_unset": True}


def download(*media_types: str, description: str = "the file") -> dict[str, Any]:
    """Decorator arguments of a route answering a file in one of `media_types`, not JSON."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"response_class": Response, "responses": {200: {
        "description": description, "content": {t: binary for t in media_types}}}}
