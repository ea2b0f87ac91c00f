"""ID number checks on the kiosk, run on every key press (no server code imported).

The rule itself (normalising digits of any script to ASCII, region, birth date, check digit) is
`tongban_common.idnumber`, the same the server applies; this module turns its verdicts into the
kiosk's messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tongban_common.idnumber import (
    INCOMPLETE,
    INVALID,
    LENGTH,
    VALID,
    check,
    check_digit,
    mask,
    normalize,
)

__all__ = ["INCOMPLETE", "INVALID", "LENGTH", "VALID", "IdCheck", "check_digit",
           "check_id_number", "make_id_number", "mask", "normalize"]

# The shared rule's reasons → strings.py keys.
_MESSAGE_KEYS = {
    "empty": "id_hint_empty", "more": "id_hint_more", "ok": "id_ok", "length": "id_err_length",
    "chars": "id_err_chars", "x_position": "id_err_x_position", "region": "id_err_region",
    "birth": "id_err_birth", "check": "id_err_check",
}


@dataclass(frozen=True)
class IdCheck:
    """Result of checking (a prefix of) an ID number; `message_key` is a strings.py key."""

    state: str
    message_key: str
    value: str
    birth_date: date | None = None

    @property
    def ok(self) -> bool:
        """True when the number is complete and valid."""
        return self.state == VALID


def check_id_number(raw: str, *, today: date | None = None) -> IdCheck:
    """Check what has been typed so far; `value` is the normalised (ASCII) text."""
    verdict = check(raw, today=today or date.today())
    return IdCheck(verdict.state, _MESSAGE_KEYS[verdict.reason], verdict.value,
                   verdict.birth_date)


def make_id_number(prefix17: str) -> str:
    """Complete 17 digits with their check character (tests, the simulator)."""
    return prefix17 + check_digit(prefix17)
