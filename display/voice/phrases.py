"""The words of a call announcement as a sequence of voice-pack clip names.

"请 A012 号 到 3 号窗口办理" becomes
``qing  A  ling yi er  hao  dao  san  hao  chuangkou  banli``.
Ticket numbers are read digit by digit, the way Chinese halls read them, in one of two styles:

- ``ling`` (default): every digit, 0 = 零, 1 = 一 → A012 = "A 零一二";
- ``yao``: leading zeros dropped and 1 read 幺 (as on the phone) → A012 = "A 幺二".

Window numbers are read as ordinary numbers: 3 = 三, 11 = 十一, 20 = 二十, 105 = 一百零五.
"""

from __future__ import annotations

from dataclasses import dataclass

from hallclient.speech import LETTERS

DIGITS = ("ling", "yi", "er", "san", "si", "wu", "liu", "qi", "ba", "jiu")
STYLES = ("ling", "yao")
GAP = "_"  # a short pause between words

# Clip name → pinyin with tone numbers for espeak-ng's cmn-latn-pinyin voice; letters are read
# the way Chinese speakers say the English letter names (hallclient.speech.LETTERS, as the kiosk).
WORDS: dict[str, str] = {
    "qing": "qing3", "hao": "hao4", "dao": "dao4", "chuangkou": "chuang1 kou3",
    "banli": "ban4 li3", "yao": "yao1", "shi": "shi2", "bai": "bai3",
    "ling": "ling2", "yi": "yi1", "er": "er4", "san": "san1", "si": "si4", "wu": "wu3",
    "liu": "liu4", "qi": "qi1", "ba": "ba1", "jiu": "jiu3",
}
CLIP_TEXT: dict[str, str] = {**WORDS, **{f"letter_{k.lower()}": v for k, v in LETTERS.items()}}


@dataclass(frozen=True)
class PhraseOptions:
    """How numbers are read."""

    style: str = "ling"

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"unknown digit style {self.style!r}; use one of {STYLES}")


def ticket_clips(number: str, options: PhraseOptions | None = None) -> list[str]:
    """Clip names for a ticket number such as "A012" (letters, then digits)."""
    options = options or PhraseOptions()
    letters = [ch for ch in number if ch.isalpha()]
    digits = [ch for ch in number if ch.isdigit()]
    out = [f"letter_{ch.lower()}" for ch in letters if ch.upper() in LETTERS]
    if options.style == "yao":
        stripped = "".join(digits).lstrip("0") or "0"
        out += ["yao" if d == "1" else DIGITS[int(d)] for d in stripped]
    else:
        out += [DIGITS[int(d)] for d in digits]
    return out


def cardinal_clips(n: int) -> list[str]:
    """Clip names for a whole number 0..999 read as a number (十一, 二十, 一百零五)."""
    if not 0 <= n <= 999:
        raise ValueError("window numbers are read up to 999")
    if n < 10:
        return [DIGITS[n]]
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out: list[str] = []
    if hundreds:
        out += [DIGITS[hundreds], "bai"]
        if rest == 0:
            return out
        if tens == 0:
            return [*out, "ling", DIGITS[ones]]
        out += [DIGITS[tens], "shi"]  # 一百一十 keeps the 一 before 十
    else:
        if tens > 1:
            out.append(DIGITS[tens])
        out.append("shi")  # 十一, not 一十一
    if ones:
        out.append(DIGITS[ones])
    return out


def call_clips(number: str, window: int, options: PhraseOptions | None = None) -> list[str]:
    """The whole sentence "请 {number} 号 到 {window} 号窗口办理" as clip names and pauses."""
    return ["qing", GAP, *ticket_clips(number, options), "hao", GAP, "dao",
            *cardinal_clips(window), "hao", "chuangkou", "banli"]


HANZI: dict[str, str] = {
    "ling": "零", "yi": "一", "er": "二", "san": "三", "si": "四", "wu": "五", "liu": "六",
    "qi": "七", "ba": "八", "jiu": "九", "yao": "幺", "shi": "十", "bai": "百",
}


def call_text(number: str, window: int) -> str:
    """The sentence as written Chinese (captions)."""
    return f"请 {number} 号 到 {window} 号窗口办理"


def spoken_text(number: str, window: int, options: PhraseOptions | None = None) -> str:
    """The sentence with numbers spelled the way they are read (for SAPI / Web Speech)."""
    letters = "".join(ch for ch in number if ch.isalpha())
    digits = "".join(HANZI[c] for c in ticket_clips(number, options) if c in HANZI)
    window_text = "".join(HANZI[c] for c in cardinal_clips(window))
    return f"请{letters}{digits}号，到{window_text}号窗口办理"
