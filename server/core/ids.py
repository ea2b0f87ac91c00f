"""Chinese resident ID numbers (GB 11643): validation, age, keyed hash and mask."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from server.core.errors import Invalid
from tongban_common import idnumber
from tongban_common.idnumber import check_digit
from tongban_common.wire import ErrorCode

__all__ = ["IdNumber", "check_digit", "hash_id", "mask_id", "mask_name", "parse_id_number"]

# Why a number is refused, by the shared rule's reason (one code: invalid_id_number).
_MESSAGES = {
    "chars": "身份证号码只能包含数字，最后一位可为X",
    "x_position": "身份证号码只能包含数字，最后一位可为X",
    "region": "身份证号码前两位不是有效的省级行政区划代码，请核对",
    "birth": "身份证号码中的出生日期无效",
    "check": "身份证号码校验位错误，请核对后重新输入",
}


@dataclass(frozen=True)
class IdNumber:
    """A validated 18-character ID number in ASCII (digits, X last)."""

    value: str
    birth_date: date

    def age_on(self, day: date) -> int:
        """Full years of age on `day`."""
        return idnumber.age_on(self.birth_date, day)

    @property
    def masked(self) -> str:
        """Public form: first 6 and last 4 characters kept."""
        return mask_id(self.value)


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumber:
    """Normalise (any script's digits to ASCII) and validate; raise Invalid with a clear message.

    The rule is `tongban_common.idnumber`, the same the kiosk checks as it is typed, so tickets,
    appointments and check-ins store and hash one form per person.
    """
    verdict = idnumber.check(raw or "", today=today or date.today())
    if not verdict.ok or verdict.birth_date is None:
        message = _MESSAGES.get(verdict.reason, "身份证号码应为18位（最后一位可为X）")
        raise Invalid(message, code=ErrorCode.INVALID_ID_NUMBER)
    return IdNumber(value=verdict.value, birth_date=verdict.birth_date)


def mask_id(value: str) -> str:
    """110105********1234 style mask."""
    return idnumber.mask(value)


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
