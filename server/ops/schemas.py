"""Response models of the liveness and readiness probes."""

from __future__ import annotations

from pydantic import Field

from server.core.schemas import Shape


class HealthOut(Shape):
    status: str = Field(description="ok")


class ReadyOut(Shape):
    status: str = Field(description="ready")
    database: str = Field(description="sqlite | postgresql")
