"""Response models of the application (办件) routes and the licence store."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from server.core.schemas import Number, Shape
from server.tickets.schemas import TicketPublicOut


class DepartmentReview(Shape):
    department: str
    status: str = Field(description="pending | approved | refused ...")


class StaffReview(DepartmentReview):
    comment: str | None
    reviewer_id: int | None
    decided_at: str | None


class TimelineStep(Shape):
    at: str | None
    action: str
    status: str
    status_text: str
    department: str
    text: str


class PickupSlotOut(Shape):
    """One 窗口取件 time window: UTC bounds and the hall-local labels."""

    start: str
    end: str
    date: str = Field(description="the hall-local date")
    label: str = Field(description="HH:MM–HH:MM in the hall's timezone")
    text: str
    capacity: int | None = None
    remaining: int | None = None
    available: bool | None = None


class PickupDayOut(Shape):
    """An open day's pickup slots with the places left."""

    date: str
    weekday: str
    slots: list[PickupSlotOut]


class PickupSlotsOut(Shape):
    """The slots an application may book (counter: `promised_due`; citizen: `can_change`)."""

    earliest: str | None
    days: list[PickupDayOut]
    promised_due: str | None = None
    can_change: bool | None = None
    current: PickupSlotOut | None = None


class ApplicationOut(Shape):
    """What the applicant sees (portal, tracking link, kiosk): no personal data."""

    receipt_no: str
    service_code: str
    service_name: str
    hall: str = Field(description="the hall's code")
    status: str
    status_text: str
    outcome: str | None = Field(description="approved | refused once decided")
    decision_reason: str
    delivery: str = Field(description="pickup | mail")
    delivery_text: str
    mail_tracking_no: str
    correction_note: str
    correction_deadline: str | None
    reviews: list[DepartmentReview]
    accepted_day: str
    promised_days: int
    legal_days: int
    promised_due: str
    legal_due: str
    paused_days: int
    paused: bool
    working_days_left: int
    overdue: bool
    on_time: bool | None
    timeline: list[TimelineStep]
    rating: int | None
    can_rate: bool
    pickup_slot: PickupSlotOut | None = None
    can_change_pickup_slot: bool | None = None
    hall_name: str | None = None
    timezone: str | None = None


class ApplicationStaffOut(ApplicationOut):
    """The back-office view: masked applicant data and the reviews' details."""

    reviews: list[StaffReview]  # type: ignore[assignment]
    id: int
    ticket_id: int | None
    appointment_id: int | None
    id_masked: str | None
    name_masked: str | None
    phone_masked: str | None
    mail_address: str
    materials: list[dict[str, Any]]
    accepted_at: str | None
    decided_at: str | None
    pickup_ticket_id: int | None


class LicenceMaterial(Shape):
    code: str
    name: str
    required: bool
    licence_type: str | None
    from_licence: bool
    licence_text: str | None
    licence_no: str | None


class StateCount(Shape):
    status: str
    status_text: str
    count: int


class ServiceDays(Shape):
    service_name: str
    decided: int
    avg_working_days: Number


class ApplicationStatsOut(Shape):
    by_state: list[StateCount]
    decided: int
    on_time_rate: Number | None
    per_service: list[ServiceDays]


class PickupOut(TicketPublicOut):
    """The 出件 queue number with the results waiting for the person."""

    applications: list[ApplicationOut]


class ApplicationRatingOut(Shape):
    receipt_no: str
    rating: int
    rating_label: str
    dimensions: dict[str, int]
    channel: str


class LicenceOut(Shape):
    """A stored licence (no ID number: only its hash is kept)."""

    id: int
    licence_type: str
    name: str
    licence_no: str
    issuer: str
    valid_until: str | None
    created_at: str | None
