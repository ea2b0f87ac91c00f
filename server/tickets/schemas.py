"""Response models of the ticket routes (documentation of tickets/views.py's shapes)."""

from __future__ import annotations

from pydantic import Field

from server.core.schemas import Shape


class WindowRef(Shape):
    id: int
    number: int
    name: str


class TicketLookupOut(Shape):
    """A ticket found by its number: queue facts only (no token, id or priority class)."""

    number: str
    hall_code: str
    hall_name: str
    service_code: str
    service_name: str
    status: str = Field(description="waiting | called | serving | suspended | done | "
                                    "no_show | cancelled")
    status_text: str
    position: int | None = Field(description="1 = next; null unless waiting")
    people_ahead: int | None
    estimated_wait_minutes: int | None
    window_hint: str = Field(description="the windows that handle the service, e.g. 3、5号窗口")
    accepting: bool = Field(description="false: no open or paused window handles the service")
    window: WindowRef | None = Field(description="the calling window while called or serving")


class TicketPublicBase(TicketLookupOut):
    """What the holder of the slip may see (no personal data)."""

    source: str = Field(description="walk_in | appointment | remote")
    priority_class: str = Field(description="normal | appointment | green")
    priority_reason: str | None
    tracking_token: str = Field(description="the slip's QR: tracking page and 好差评")
    call_count: int
    issued_at: str | None
    called_at: str | None
    finished_at: str | None


class TicketPublicOut(TicketPublicBase):
    id: int


class BookingBase(Shape):
    """The booking fields every view of an appointment or remote ticket carries."""

    booking_code: str
    kind: str = Field(description="appointment | remote")
    service_code: str
    service_name: str
    slot_start: str | None
    slot_end: str | None
    date: str
    slot_label: str
    status: str


class AppointmentOnTicket(BookingBase):
    late: bool
    checked_in_at: str | None
    citizen_name_masked: str | None
    id_masked: str | None


class TicketStaffOut(TicketPublicOut):
    """The full ticket for clerks: masked personal data, timings, call reason, appointment."""

    id_masked: str | None
    citizen_name_masked: str | None
    appointment_id: int | None
    appointment_slot_start: str | None
    original_service_code: str | None
    staff_id: int | None
    call_reason: str | None
    call_reason_text: str | None
    transfer_count: int
    target_window_id: int | None
    queued_at: str | None
    first_called_at: str | None
    started_at: str | None
    suspended_at: str | None
    estimated_wait_at_issue: int | None
    expected_minutes: int
    recall_limit: int
    appointment: AppointmentOnTicket | None
    materials_summary: dict[str, int] | None = Field(
        description="counts per material status: total, accepted, rejected, pending, "
                    "missing, from_licence")


class IssuedTicketOut(TicketStaffOut):
    """A kiosk gets the public ticket, staff the full one (the staff fields are then absent)."""

    id_masked: str | None = None
    citizen_name_masked: str | None = None
    appointment_id: int | None = None
    appointment_slot_start: str | None = None
    original_service_code: str | None = None
    staff_id: int | None = None
    call_reason: str | None = None
    call_reason_text: str | None = None
    transfer_count: int = 0
    target_window_id: int | None = None
    queued_at: str | None = None
    first_called_at: str | None = None
    started_at: str | None = None
    suspended_at: str | None = None
    estimated_wait_at_issue: int | None = None
    expected_minutes: int = 0
    recall_limit: int = 0
    appointment: AppointmentOnTicket | None = None
    materials_summary: dict[str, int] | None = None
    replayed: bool = Field(description="true when an Idempotency-Key replay answered it")


class QueueItem(Shape):
    position: int
    ticket_id: int
    number: str
    service_code: str
    service_name: str
    priority_class: str
    source: str
    rule: str = Field(description="the calling rule that ranks it")
    waited_minutes: int
    queued_at: str | None


class WindowQueueOut(Shape):
    window_id: int
    waiting: int
    items: list[QueueItem]
