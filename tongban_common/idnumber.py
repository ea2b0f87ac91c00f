"""GB 11643 resident ID numbers: the one rule the server and the kiosk both apply.

Normalisation: whitespace is dropped, a decimal digit of any script (full-width ０-９,
Arabic-Indic, Devanagari, …: Unicode category Nd) becomes its ASCII digit, and X, x, Ｘ, ｘ
become X. Anything else stays as typed and makes the number invalid — superscript digits and
fractions too (they are "digits" to str.isdigit() but not decimal digits). So one person is
one normalised number however it was typed, and no input makes the check raise.

Region: the first two digits must be a province-level code of GB/T 2260 (the 31 mainland
provinces, regions and municipalities, 71 台湾, 81 香港, 82 澳门) or 83, the prefix of the
residence permits of Taiwan residents (港澳台居民居住证: 810000, 820000, 830000). Finer levels
(prefecture, county) change over the years and old numbers keep old codes, so they are not
checked.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

LENGTH = 18
INCOMPLETE, VALID, INVALID = "incomplete", "valid", "invalid"
PROVINCES = frozenset({
    "11", "12", "13", "14", "15",  # 北京 天津 河北 山西 内蒙古
    "21", "22", "23",  # 辽宁 吉林 黑龙江
    "31", "32", "33", "34", "35", "36", "37",  # 上海 江苏 浙江 安徽 福建 江西 山东
    "41", "42", "43", "44", "45", "46",  # 河南 湖北 湖南 广东 广西 海南
    "50", "51", "52", "53", "54",  # 重庆 四川 贵州 云南 西藏
    "61", "62", "63", "64", "65",  # 陕西 甘肃 青海 宁夏 新疆
    "71", "81", "82",  # 台湾 香港 澳门 (GB/T 2260)
    "83",  # residence permits of Taiwan residents (830000)
})

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_DIGITS = frozenset("0123456789")
_X = frozenset("XxＸｘ")


@dataclass(frozen=True)
class Verdict:
    """The check of (a prefix of) an ID number.

    `reason` is one of empty, more (a valid prefix), ok, length, chars, x_position, region,
    birth, check; `value` is the normalised text.
    """

    state: str
    reason: str
    value: str
    birth_date: date | None = None

    @property
    def ok(self) -> bool:
        """True when the number is complete and valid."""
        return self.state == VALID


def normalize(raw: str) -> str:
    """Whitespace dropped, decimal digits of any script as ASCII, X/x/Ｘ/ｘ as X; rest kept."""
    out = []
    for c in raw or "":
        if c.isspace():
            continue
        digit = unicodedata.decimal(c, None)
        out.append(str(digit) if digit is not None else "X" if c in _X else c)
    return "".join(out)


def check_digit(first17: str) -> str:
    """The GB 11643 check character for 17 ASCII digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def check(raw: str, *, today: date) -> Verdict:
    """Check what has been typed so far: characters, region, birth date, length, check digit."""
    value = normalize(raw)
    if not value:
        return Verdict(INCOMPLETE, "empty", value)
    if len(value) > LENGTH:
        return Verdict(INVALID, "length", value)
    body, last = value[:17], value[17:]
    if not set(body) <= _DIGITS or last not in ("", "X", *_DIGITS):
        return Verdict(INVALID, "x_position" if "X" in body else "chars", value)
    if not any(p.startswith(value[:2]) for p in PROVINCES):
        return Verdict(INVALID, "region", value)
    if not _birth_prefix_ok(value, today):
        return Verdict(INVALID, "birth", value)
    if len(value) < LENGTH:
        return Verdict(INCOMPLETE, "more", value)
    if check_digit(body) != last:
        return Verdict(INVALID, "check", value)
    return Verdict(VALID, "ok", value, _birth(value))


def _birth(value: str) -> date | None:
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def _birth_prefix_ok(value: str, today: date) -> bool:
    """Birth date (digits 7-14) as far as typed: 1900 to today, a real month and day."""
    year_txt = value[6:10]
    if year_txt and year_txt[0] not in "12":
        return False
    if len(year_txt) >= 2 and year_txt[:2] not in ("19", "20"):
        return False
    if len(year_txt) == 4 and not 1900 <= int(year_txt) <= today.year:
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


def age_on(birth: date, day: date) -> int:
    """Full years of age on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def mask(value: str) -> str:
    """110105********1234 style mask: first 6 and last 4 characters kept."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "****"
