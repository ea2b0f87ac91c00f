"""The wire contract of the hall: the names the server and the hall apps exchange.

Ticket statuses, event types, websocket control messages, error codes, staff roles and device
kinds. They are StrEnums, so every member equals its string and JSON carries exactly the same
text as before; compare against the members, never against retyped literals. Standard library
only: the server, hallclient and the Qt apps all import it (docs/contract.md).
"""

from __future__ import annotations

from enum import StrEnum, unique


@unique
class TicketStatus(StrEnum):
    """Where a ticket (排队号) is in its life cycle (docs/contract.md § Ticket life cycle)."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    SUSPENDED = "suspended"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


# A window is busy with a ticket in one of these (called to it, or being served there).
ACTIVE_STATUSES = (TicketStatus.CALLED, TicketStatus.SERVING)


@unique
class EventType(StrEnum):
    """The `type` of an event-log entry, as the hall websocket delivers it."""

    TICKET_ISSUED = "ticket.issued"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_STARTED = "ticket.started"
    TICKET_COMPLETED = "ticket.completed"
    TICKET_NO_SHOW = "ticket.no_show"
    TICKET_REQUEUED = "ticket.requeued"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_CANCELLED = "ticket.cancelled"
    TICKET_SUSPENDED = "ticket.suspended"
    TICKET_RESUMED = "ticket.resumed"
    TICKET_RATING_REQUESTED = "ticket.rating_requested"
    WINDOW_OPENED = "window.opened"
    WINDOW_PAUSED = "window.paused"
    WINDOW_CLOSED = "window.closed"
    # Part of the contract the clients listen for; the server sends none today.
    QUEUE_STATS = "queue.stats"
    ALERT_RAISED = "alert.raised"
    ALERT_ACKNOWLEDGED = "alert.acknowledged"
    ALERT_CLEARED = "alert.cleared"
    NOTICE_UPDATED = "notice.updated"
    EVALUATION_RECEIVED = "evaluation.received"
    APPLICATION_DISPATCHED = "application.dispatched"
    APPLICATION_APPROVED = "application.approved"
    APPLICATION_DECIDED = "application.decided"
    APPLICATION_CORRECTION = "application.correction"
    APPLICATION_RESUMED = "application.resumed"
    APPLICATION_READY = "application.ready"
    APPLICATION_MAILED = "application.mailed"
    APPLICATION_PICKED_UP = "application.picked_up"
    APPLICATION_DELIVERED = "application.delivered"
    APPLICATION_RATED = "application.rated"


@unique
class WsMessage(StrEnum):
    """Websocket frames that are not events: they carry no `seq` of the event log."""

    SNAPSHOT = "snapshot"
    PING = "ping"
    PONG = "pong"


@unique
class StaffRole(StrEnum):
    """The role of a staff account."""

    CLERK = "clerk"
    MANAGER = "manager"
    ADMIN = "admin"
    REVIEWER = "reviewer"  # 后台审批: one department's review queue


@unique
class DeviceKind(StrEnum):
    """The kind of a hall device (its bearer token says which)."""

    KIOSK = "kiosk"
    DISPLAY = "display"
    COUNTER = "counter"
    RATEPAD = "ratepad"


# Role groups the endpoints check against (tuples: `require(staff=…)` takes them as they are).
STAFF_ROLES = tuple(StaffRole)
HALL_STAFF = (StaffRole.CLERK, StaffRole.MANAGER, StaffRole.ADMIN)  # who works the hall floor
MANAGERS = (StaffRole.MANAGER, StaffRole.ADMIN)
BACK_OFFICE = (StaffRole.REVIEWER, StaffRole.MANAGER, StaffRole.ADMIN)  # review decisions
DEVICE_KINDS = tuple(DeviceKind)
HALL_DEVICES = (DeviceKind.KIOSK, DeviceKind.DISPLAY, DeviceKind.COUNTER)  # read the whole hall
WINDOW_DEVICES = (DeviceKind.RATEPAD,)  # belong to one window of the hall


@unique
class ErrorCode(StrEnum):
    """`error.code` of every error answer the server can give (docs/errors.md lists them)."""

    # The defaults of the error classes (server/core/errors.py), for a raise without `code=`.
    BAD_REQUEST = "bad_request"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    SERVICE_UNAVAILABLE = "service_unavailable"
    TOO_MANY_REQUESTS = "too_many_requests"
    UNAUTHORIZED = "unauthorized"
    # Codes raised somewhere under server/.
    ACCOUNT_LIMIT = "account_limit"
    ACCOUNT_LOCKED = "account_locked"
    ADDRESS_REQUIRED = "address_required"
    ALERT_NOT_FOUND = "alert_not_found"
    ALREADY_ACCEPTED = "already_accepted"
    ALREADY_ACKNOWLEDGED = "already_acknowledged"
    ALREADY_AT_WINDOW = "already_at_window"
    ALREADY_CHECKED_IN = "already_checked_in"
    ALREADY_NEAR = "already_near"
    ALREADY_RATED = "already_rated"
    ALREADY_REVIEWED = "already_reviewed"
    APPLICATION_NOT_FOUND = "application_not_found"
    APPOINTMENT_EXPIRED = "appointment_expired"
    APPOINTMENT_NOT_FOUND = "appointment_not_found"
    BAD_AUTH_HEADER = "bad_auth_header"
    BAD_CREDENTIALS = "bad_credentials"
    BOOKING_BLOCKED = "booking_blocked"
    BOOKING_DISABLED = "booking_disabled"
    CASE_CLOSED = "case_closed"
    CASE_NOT_ASSIGNED = "case_not_assigned"
    CASE_NOT_FOUND = "case_not_found"
    CASE_NOT_REPLIED = "case_not_replied"
    CHECKIN_KEY = "checkin_key"
    CODE_COLLISION = "code_collision"
    CORRUPT_FILE = "corrupt_file"
    CUTOFF_PASSED = "cutoff_passed"
    DATABASE_UNAVAILABLE = "database_unavailable"
    DEPARTMENT_REQUIRED = "department_required"
    DEVICE_NOT_FOUND = "device_not_found"
    DUPLICATE_SERVICE = "duplicate_service"
    EMPTY_FILE = "empty_file"
    FILE_TOO_LARGE = "file_too_large"
    FORBIDDEN_DEPARTMENT = "forbidden_department"
    FORBIDDEN_HALL = "forbidden_hall"
    FORBIDDEN_ROLE = "forbidden_role"
    GREEN_NEEDS_STAFF = "green_needs_staff"
    HALL_CLOSED = "hall_closed"
    HALL_EXISTS = "hall_exists"
    HALL_NOT_FOUND = "hall_not_found"
    HALL_REQUIRED = "hall_required"
    HTTP_ERROR = "http_error"
    ID_REQUIRED = "id_required"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    ILLEGAL_TRANSITION = "illegal_transition"
    INTERNAL_ERROR = "internal_error"
    INVALID_AHEAD = "invalid_ahead"
    INVALID_ASSIGNEE = "invalid_assignee"
    INVALID_BODY = "invalid_body"
    INVALID_BOOKING = "invalid_booking"
    INVALID_CHANNEL = "invalid_channel"
    INVALID_CHARACTERS = "invalid_characters"
    INVALID_DATE = "invalid_date"
    INVALID_DECISION = "invalid_decision"
    INVALID_DIMENSIONS = "invalid_dimensions"
    INVALID_FORMAT = "invalid_format"
    INVALID_GROUP = "invalid_group"
    INVALID_ID_NUMBER = "invalid_id_number"
    INVALID_PICKUP_SLOT = "invalid_pickup_slot"
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    INVALID_KIND = "invalid_kind"
    INVALID_MATERIALS = "invalid_materials"
    INVALID_NAME = "invalid_name"
    INVALID_PHONE = "invalid_phone"
    INVALID_PREFIX = "invalid_prefix"
    INVALID_PRIORITY = "invalid_priority"
    INVALID_RANGE = "invalid_range"
    INVALID_RATING = "invalid_rating"
    INVALID_REASON = "invalid_reason"
    INVALID_ROLE = "invalid_role"
    INVALID_RULE = "invalid_rule"
    INVALID_SETTINGS = "invalid_settings"
    INVALID_SLOT = "invalid_slot"
    INVALID_STATE = "invalid_state"
    INVALID_STATUS = "invalid_status"
    INVALID_THRESHOLDS = "invalid_thresholds"
    INVALID_TICKET_NUMBER = "invalid_ticket_number"
    INVALID_TIMEZONE = "invalid_timezone"
    INVALID_TOKEN = "invalid_token"
    LICENCE_EXISTS = "licence_exists"
    LICENCE_NOT_FOUND = "licence_not_found"
    MATERIAL_FROM_LICENCE = "material_from_licence"
    MATERIAL_MISSING = "material_missing"
    MATERIAL_NOT_FOUND = "material_not_found"
    MATERIAL_PURGED = "material_purged"
    MATERIAL_REPLACED = "material_replaced"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NO_HALL = "no_hall"
    NO_OPEN_WINDOW = "no_open_window"
    NOT_ACCEPTABLE = "not_acceptable"
    NOT_ASSIGNEE = "not_assignee"
    NOT_AT_WINDOW = "not_at_window"
    NOT_BOOKED = "not_booked"
    NOT_FINISHED = "not_finished"
    NOT_FOUND = "not_found"
    NOT_HANDLING_TICKET = "not_handling_ticket"
    NOT_PRESUBMITTABLE = "not_presubmittable"
    NOT_RESCHEDULABLE = "not_reschedulable"
    NOT_SERVING = "not_serving"
    NOT_THIS_WINDOW = "not_this_window"
    NOT_UPLOADABLE = "not_uploadable"
    NOT_WAITING = "not_waiting"
    NOT_YOUR_TICKET = "not_your_ticket"
    NOT_YOUR_WINDOW = "not_your_window"
    NOTE_REQUIRED = "note_required"
    NOTHING_TO_PICK_UP = "nothing_to_pick_up"
    NOTHING_TO_REUSE = "nothing_to_reuse"
    OTP_ATTEMPTS = "otp_attempts"
    OTP_CLIENT_LIMIT = "otp_client_limit"
    OTP_EXPIRED = "otp_expired"
    OTP_NOT_REQUESTED = "otp_not_requested"
    OTP_PHONE_LIMIT = "otp_phone_limit"
    OTP_TOO_SOON = "otp_too_soon"
    OTP_WRONG = "otp_wrong"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    PERSON_LIMIT = "person_limit"
    PICKUP_SLOT_FULL = "pickup_slot_full"
    PICKUP_SLOT_NOT_NEEDED = "pickup_slot_not_needed"
    PICKUP_SLOT_TOO_EARLY = "pickup_slot_too_early"
    RANGE_TOO_LONG = "range_too_long"
    RATE_LIMIT_UNAVAILABLE = "rate_limit_unavailable"
    RATE_LIMITED = "rate_limited"
    RATEPAD_UNBOUND = "ratepad_unbound"
    RATING_EXPIRED = "rating_expired"
    REASON_REQUIRED = "reason_required"
    REASONS_NOT_ALLOWED = "reasons_not_allowed"
    REASONS_REQUIRED = "reasons_required"
    RECALL_LIMIT = "recall_limit"
    REMINDER_LIMIT = "reminder_limit"
    REMOTE_DISABLED = "remote_disabled"
    REMOTE_LIMIT = "remote_limit"
    REMOTE_PENDING = "remote_pending"
    REPLY_REQUIRED = "reply_required"
    RESCHEDULE_LIMIT = "reschedule_limit"
    RESOLUTION_REQUIRED = "resolution_required"
    REVIEW_NOT_FOUND = "review_not_found"
    SAME_SLOT = "same_slot"
    SERVICE_EXISTS = "service_exists"
    SERVICE_NOT_FOUND = "service_not_found"
    SERVICE_NOT_IN_HALL = "service_not_in_hall"
    SLOT_FULL = "slot_full"
    SLOT_NOT_BOOKABLE = "slot_not_bookable"
    STAFF_NOT_FOUND = "staff_not_found"
    STORAGE_FULL = "storage_full"
    SUSPENDED_EXPIRED = "suspended_expired"
    TICKET_NOT_FOUND = "ticket_not_found"
    TOO_EARLY = "too_early"
    TRACKING_NO_REQUIRED = "tracking_no_required"
    TRANSFER_REASON = "transfer_reason"
    TRANSFER_TARGET = "transfer_target"
    UNAUTHENTICATED = "unauthenticated"
    UNKNOWN_RULE = "unknown_rule"
    UNSUPPORTED_TYPE = "unsupported_type"
    USERNAME_TAKEN = "username_taken"
    VALIDATION_ERROR = "validation_error"
    VALUE_OUT_OF_RANGE = "value_out_of_range"
    WEAK_PASSWORD = "weak_password"
    WINDOW_BUSY = "window_busy"
    WINDOW_EXISTS = "window_exists"
    WINDOW_NOT_FOUND = "window_not_found"
    WINDOW_NOT_IN_HALL = "window_not_in_hall"
    WINDOW_NOT_OPEN = "window_not_open"
    WINDOW_OTHER_HALL = "window_other_hall"
    WINDOW_REQUIRED = "window_required"
    WINDOW_TAKEN = "window_taken"
    WRONG_DELIVERY = "wrong_delivery"
