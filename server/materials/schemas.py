"""Response models of the material routes."""

from __future__ import annotations

from pydantic import Field

from server.appointments.schemas import ReusableItem
from server.core.schemas import Shape

__all__ = ["ChecklistOut", "HallMaterialOut", "MaterialAuditEntry", "MaterialOut",
           "ReusableItem"]


class MaterialOut(Shape):
    """An uploaded material with its pre-review state."""

    id: int
    material_code: str
    name: str
    required: bool
    review_status: str = Field(description="pending | accepted | rejected")
    review_reason: str | None
    content_type: str
    size: int
    sha256: str
    filename: str
    reused: bool
    verified: bool
    verified_by: str | None
    uploaded_at: str | None
    reviewed_at: str | None


class HallMaterialOut(MaterialOut):
    """A material in the hall's review queue, with its appointment."""

    booking_code: str
    service_code: str | None
    service_name: str | None
    citizen_name_masked: str | None
    slot_start: str


class CounterItem(Shape):
    """A material at the counter: uploaded ones carry the MaterialOut fields, id null if not."""

    id: int | None
    material_code: str
    name: str
    required: bool
    status: str = Field(description="missing | on_site | pending | accepted | rejected | "
                                    "from_licence")
    presubmit: bool
    licence_no: str | None = Field(None, description="from_licence only")


class ChecklistOut(Shape):
    ticket_id: int
    number: str
    service_name: str
    citizen_name: str | None = Field(description="only for the clerk handling the ticket")
    citizen_name_masked: str | None
    items: list[CounterItem]


class MaterialAuditEntry(Shape):
    staff: str
    staff_id: int | None
    actor_kind: str | None
    ticket_id: int | None
    action: str
    at: str | None
