"""What the kiosk shows: screens, the citizen's current intent and the state widgets render."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kiosk import idnumber
from tongban_common.wire import EventType

# the service prefix (1-2 letters) and the day's sequence (3 digits, more after 999)
NUMBER_RE = re.compile(r"^[A-Z]{1,2}\d{3,5}$")
QUERY_MAX = 7  # AB12345: the longest number NUMBER_RE accepts
BOOKING_RE = re.compile(r"[A-Z0-9]{4,16}")
REFRESH_EVENTS = ("ticket.", EventType.QUEUE_STATS, "window.")


class Screen(StrEnum):
    """Every screen the kiosk can show."""

    HOME = "home"
    CATEGORIES = "categories"
    SERVICES = "services"
    ID_PROMPT = "id_prompt"
    NO_WINDOW = "no_window"
    BUSY = "busy"
    RETRY = "retry"
    TICKET = "ticket"
    CHECKIN = "checkin"
    APPOINTMENT = "appointment"
    QUERY = "query"
    QUERY_RESULT = "query_result"
    CASES = "cases"  # 查询办件: ID card or typed ID number
    CASES_RESULT = "cases_result"  # the person's 办件 with their timelines
    PICKUP = "pickup"  # 取件: ID card or typed ID number
    PICKUP_RESULT = "pickup_result"  # the 出件 queue number and what is ready
    ERROR = "error"
    PIN = "pin"
    MAINTENANCE = "maintenance"


# printer states (printers.PrinterStatus.state) that stop slips: home banner + dashboard alert
PRINTER_BANNERS = {"out_of_paper": "banner_paper", "cover_open": "banner_fault",
                   "offline": "banner_fault"}
# a status query that fails says as much as the printer's own answer
PRINTER_ERROR_STATES = {"printer_paper": "out_of_paper", "printer_cover": "cover_open"}

# screens a citizen is waiting on: the idle timeout must not abandon them
NO_IDLE = {Screen.HOME, Screen.BUSY, Screen.RETRY}
IDLE_WARN_SECONDS = 30  # the last seconds before going home are counted down on screen
# screens with the ID keypad (state.id_text / id_check)
ID_ENTRY = {Screen.ID_PROMPT, Screen.CHECKIN, Screen.CASES, Screen.PICKUP}


@dataclass
class Intent:
    """One thing the citizen asked for; its key stays the same across every retry."""

    kind: str  # ticket | lookup | checkin | track | number | cases | pickup
    body: dict[str, Any]
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    attempts: int = 0


@dataclass
class KioskState:
    """Everything the widgets render."""

    screen: Screen = Screen.HOME
    lang: str = "zh"
    large: bool = False
    hall_name: str = ""
    services: list[dict[str, Any]] = field(default_factory=list)
    services_loaded: bool = False
    category: str | None = None
    service: dict[str, Any] | None = None
    id_text: str = ""
    id_check: idnumber.IdCheck = field(
        default_factory=lambda: idnumber.check_id_number(""))
    id_from_card: bool = False
    busy_key: str = "issuing"
    retry_attempt: int = 0
    ticket: dict[str, Any] | None = None
    ticket_link: str = ""
    appointment_line: str | None = None
    print_state: str | None = None  # printing | printed | failed
    print_error_key: str | None = None
    appointments: list[dict[str, Any]] = field(default_factory=list)
    error_key: str = "error_generic"
    error_message: str = ""
    error_back: Screen = Screen.HOME
    query_text: str = ""
    query_message_key: str | None = None
    query_result: dict[str, Any] | None = None
    cases: list[dict[str, Any]] = field(default_factory=list)  # 办件 of the ID looked up
    cases_message_key: str | None = None
    pickup_message_key: str | None = None
    pin_text: str = ""
    pin_error: bool = False
    connection: str = "connecting"
    last_http: str | None = None  # ok | fail
    printer_status_key: str | None = None
    printer_banner_key: str | None = None  # home-screen banner while the printer cannot print
    help_key: str | None = None  # 呼叫工作人员: help_sending | help_sent | help_failed
    idle_left: int | None = None  # seconds shown before the idle timeout goes home
    maint_message_key: str | None = None

    def categories(self) -> list[tuple[str, int]]:
        """(category, number of services) in catalog order."""
        counts: dict[str, int] = {}
        for svc in self.services:
            cat = svc.get("category") or svc.get("department") or "—"
            counts[cat] = counts.get(cat, 0) + 1
        return list(counts.items())

    def services_in(self, category: str | None) -> list[dict[str, Any]]:
        """Services of one category (all when None)."""
        return [s for s in self.services
                if category is None
                or (s.get("category") or s.get("department") or "—") == category]

    @property
    def pickup_ticket(self) -> bool:
        """The ticket on screen is a 取件 number (it lists the results ready)."""
        return bool(self.ticket and self.ticket.get("applications"))
