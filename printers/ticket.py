"""The data printed on a queue ticket, and personal-name masking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TicketSlip:
    """Everything needed to print one queue ticket."""

    hall_name: str
    number: str
    service_name: str
    people_ahead: int
    issued_at: datetime
    tracking_url: str
    window_hint: str | None = None
    estimated_wait_minutes: int | None = None
    appointment_line: str | None = None
    citizen_name: str | None = None
    notice: str | None = None
    priority_label: str | None = None
    #: False when no window serves the service now: the slip says so, with no estimate
    accepting: bool = True


def mask_name(name: str) -> str:
    """Mask a personal name for printing: 张三→张*, 张小三→张*三, 欧阳小明→欧**明."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def maintenance_slip(hall_name: str, tracking_url: str,
                     issued_at: datetime | None = None) -> TicketSlip:
    """A maintenance slip (number TEST) that is visibly not a valid ticket."""
    return TicketSlip(hall_name=hall_name, number="TEST", service_name="打印测试 Test print",
                      people_ahead=0, issued_at=issued_at or datetime.now(),
                      tracking_url=tracking_url, notice="维护测试页，非有效号票")
