"""Chinese resident ID numbers (GB 11643): validation, age, keyed hash and mask."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from server.core.errors import Invalid

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


@dataclass(frozen=True)
class IdNumber:
    """A validated 18-digit ID number."""

    value: str
    birth_date: date

    def age_on(self, day: date) -> int:
        """Full years of age on `day`."""
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def masked(self) -> str:
        """Public form: first 6 and last 4 characters kept."""
        return mask_id(self.value)


def check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumber:
    """Validate format, birth date and check digit; raise Invalid with a clear message."""
    value = (raw or "").strip().upper()
    last_ok = value[17:].isdigit() or value[17:] == "X"
    if len(value) != 18 or not value[:17].isdigit() or not last_ok:
        raise Invalid("身份证号码应为18位（最后一位可为X）", code="invalid_id_number")
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise Invalid("身份证号码中的出生日期无效", code="invalid_id_number") from None
    if birth > (today or date.today()) or birth.year < 1900:
        raise Invalid("身份证号码中的出生日期无效", code="invalid_id_number")
    if check_digit(value[:17]) != value[17]:
        raise Invalid("身份证号码校验位错误，请核对后重新输入", code="invalid_id_number")
    return IdNumber(value=value, birth_date=birth)


def mask_id(value: str) -> str:
    """110105********1234 style mask."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "****"


def mask_name(name: str) -> str:
    """张*三 style mask: keep the first and (for 3+ characters) the last character."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def hash_id(value: str, secret: str) -> str:
    """Keyed hash (HMAC-SHA256) used to look an ID number up without storing it."""
    return hmac.new(secret.encode(), value.upper().encode(), hashlib.sha256).hexdigest()
