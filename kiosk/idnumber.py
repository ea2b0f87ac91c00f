"""Client-side GB 11643 ID number checks, run on every key press (no server code imported)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
LENGTH = 18

# Outcome kinds: the UI enables the submit button only for VALID.
INCOMPLETE, VALID, INVALID = "incomplete", "valid", "invalid"


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


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalize(raw: str) -> str:
    """Upper-case, strip spaces; a lower-case x from a keyboard wedge becomes X."""
    return "".join((raw or "").split()).upper()


def _birth(value: str) -> date | None:
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def _partial_date_ok(value: str, today: date) -> bool:
    """Reject impossible birth-date prefixes early (year, month, day as far as typed)."""
    year_txt = value[6:10]
    if len(year_txt) == 4 and not 1900 <= int(year_txt) <= today.year:
        return False
    if year_txt and year_txt[0] not in "12":
        return False
    if len(year_txt) >= 2 and year_txt[:2] not in ("19", "20"):
        return False
    month_txt = value[10:12]
    if month_txt and int(month_txt[0]) > 1:
        return False
    if len(month_txt) == 2 and not 1 <= int(month_txt) <= 12:
        return False
    day_txt = value[12:14]
    if day_txt and int(day_txt[0]) > 3:
        return False
    if len(day_txt) == 2:
        birth = _birth(value)
        if birth is None or birth > today:
            return False
    return True


def check_id_number(raw: str, *, today: date | None = None) -> IdCheck:
    """Check what has been typed so far: length, digits/X, birth date and check digit."""
    today = today or date.today()
    value = normalize(raw)
    if not value:
        return IdCheck(INCOMPLETE, "id_hint_empty", value)
    if len(value) > LENGTH:
        return IdCheck(INVALID, "id_err_length", value)
    body, last = value[:17], value[17:]
    if not body.isdigit() or (last and not (last.isdigit() or last == "X")):
        if "X" in body:
            return IdCheck(INVALID, "id_err_x_position", value)
        return IdCheck(INVALID, "id_err_chars", value)
    if not _partial_date_ok(value, today):
        return IdCheck(INVALID, "id_err_birth", value)
    if len(value) < LENGTH:
        return IdCheck(INCOMPLETE, "id_hint_more", value)
    if check_digit(body) != last:
        return IdCheck(INVALID, "id_err_check", value)
    return IdCheck(VALID, "id_ok", value, _birth(value))


def age_on(birth: date, day: date) -> int:
    """Full years of age on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def make_id_number(prefix17: str) -> str:
    """Complete 17 digits with their check character (tests, the simulator)."""
    return prefix17 + check_digit(prefix17)


def mask(value: str) -> str:
    """110105********1234 style mask for anything shown on screen."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "****"
