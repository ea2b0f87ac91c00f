"""Response models of the booking, remote-ticket and check-in routes."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from server.core.schemas import Shape
from server.tickets.schemas import BookingBase, IssuedTicketOut


class SlotOut(Shape):
    start: str
    end: str
    label: str
    capacity: int
    booked: int
    remaining: int
    bookable: bool
    reason: str | None = Field(description="why it cannot be booked, e.g. 已约满")


class SlotsOut(Shape):
    hall_code: str
    service_code: str
    date: str
    timezone: str
    slot_minutes: int
    capacity_per_slot: int
    horizon_days: int
    lead_minutes: int
    bookable: bool
    closed: bool
    closed_reason: str | None
    slots: list[SlotOut]


class ChecklistItem(Shape):
    """One material of the service with its pre-review status."""

    code: str
    name: str
    required: bool
    status: str = Field(description="missing | pending | accepted | rejected | from_licence")
    source: str | None = Field(description="online | licence, null when missing")
    licence_text: str | None
    presubmit: bool
    reason: str | None = Field(description="the reviewer's reason when rejected")
    reused: bool
    material_id: int | None
    filename: str | None


class ReusableItem(Shape):
    material_code: str
    name: str
    from_material_id: int
    filename: str | None
    accepted_at: str | None
    size: int


class TicketRef(Shape):
    number: str
    status: str
    tracking_token: str


class AppointmentOut(BookingBase):
    """An appointment (kind appointment) or remote ticket (kind remote) as its owner sees it."""

    hall_code: str
    hall_name: str
    hall_address: str
    status: str = Field(description="booked | checked_in | served | cancelled | no_show")
    status_text: str
    citizen_name: str
    citizen_name_masked: str | None
    id_masked: str | None
    phone_masked: str | None
    created_at: str | None
    can_cancel: bool
    cancel_until: str | None
    can_reschedule: bool
    materials: list[ChecklistItem]
    materials_summary: dict[str, int]
    reusable: list[ReusableItem]
    ticket: TicketRef | None
    late: bool
    expires_at: str | None = Field(None, description="remote tickets only")
    people_ahead: int | None = Field(None, description="booked remote tickets only")


class KioskMaterial(Shape):
    code: str
    name: str
    required: bool
    status: str
    reason: str | None
    reused: bool
    source: str | None
    licence_text: str | None


class KioskAppointment(BookingBase):
    """What a kiosk shows before check-in: masked personal data only."""

    citizen_name_masked: str | None
    id_masked: str | None
    arrival: str = Field(description="on_time | early | late | ... (arrival window)")
    arrival_text: str
    can_check_in: bool
    materials: list[KioskMaterial]


class CheckinLookupOut(Shape):
    appointments: list[KioskAppointment]


class CheckinAppointment(Shape):
    """The checked-in appointment (staff also get the fields of a ticket's appointment)."""

    booking_code: str
    kind: str
    slot_start: str | None
    slot_end: str | None
    late: bool
    arrival: str
    reason: str = Field(description="the arrival text")


class CheckinOut(IssuedTicketOut):
    """The new ticket (kiosk: public view, staff: full view) with its appointment."""

    appointment: CheckinAppointment  # type: ignore[assignment]


class GuideHall(Shape):
    code: str
    name: str
    address: str
    opening_hours: dict[str, Any]
    timezone: str


class GuideService(Shape):
    code: str
    name: str
    department: str
    category: str
    expected_minutes: int
    online_capable: bool


class GuideMaterial(Shape):
    code: str
    name: str
    required: bool
    presubmit: bool


class GuideRemote(Shape):
    enabled: bool
    per_day: Any
    expire_minutes: Any


class GuideOut(Shape):
    """办事指南 with the booking and remote-ticket rules."""

    hall: GuideHall
    service: GuideService
    guide: dict[str, Any]
    materials: list[GuideMaterial]
    windows: str = Field(description="the windows that handle it, e.g. 3、5号窗口")
    booking: dict[str, Any] = Field(
        description="enabled, slot_minutes, capacity_per_slot, horizon_days, lead_minutes, "
                    "per_person_per_day, cancel_cutoff_minutes, reschedule_limit, "
                    "checkin_early_minutes, checkin_late_minutes, hours")
    remote: GuideRemote
