"""Turn a TicketSlip into an abstract list of blocks shared by ESC/POS and PNG rendering."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

from . import strings
from .ticket import TicketSlip, mask_name

Align = Literal["left", "center", "right"]

#: Columns of the printer's font A (12x24 dots) per paper width; a CJK glyph takes 2 columns.
COLUMNS: Final[dict[int, int]] = {58: 32, 80: 48}
#: Printable width in dots (203 dpi) per paper width.
DOT_WIDTH: Final[dict[int, int]] = {58: 384, 80: 576}
#: QR module size in dots per paper width.
QR_MODULE: Final[dict[int, int]] = {58: 6, 80: 8}

# Characters that must not start a line (Chinese line-breaking rule, simplified).
_NO_LINE_START: Final = set("，。、：；！？）》」』】〕,.:;!?)]}%…—")


@dataclass(frozen=True, slots=True)
class TextLine:
    """One printed line of text that already fits the paper width."""

    text: str
    align: Align = "left"
    width: int = 1
    height: int = 1
    bold: bool = False


@dataclass(frozen=True, slots=True)
class QRCode:
    """A QR code with the given content and module size in dots."""

    data: str
    module: int = 6


@dataclass(frozen=True, slots=True)
class Feed:
    """Blank lines."""

    lines: int = 1


@dataclass(frozen=True, slots=True)
class Cut:
    """Feed past the cutter and cut."""


Block = TextLine | QRCode | Feed | Cut


def char_width(ch: str) -> int:
    """Display columns of one character on the printer (CJK/full-width = 2)."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Display columns of a string on the printer."""
    return sum(char_width(ch) for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """Wrap text to `columns` display columns, keeping words and Chinese punctuation rules."""
    if columns < 2:
        raise ValueError("columns must be at least 2")
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(_wrap_paragraph(paragraph.strip(), columns))
    return lines


def _wrap_paragraph(text: str, columns: int) -> list[str]:
    """Wrap one paragraph greedily by display width."""
    lines: list[str] = []
    current = ""
    width = 0
    for ch in text:
        w = char_width(ch)
        if width + w <= columns:
            current += ch
            width += w
            continue
        # Line is full: decide where to break.
        head, tail = current, ""
        prev = current[-1] if current else ""
        if ch == " ":
            ch = ""
        elif ch.isascii() and prev.isascii() and prev != " " and " " in current:
            # Inside an English word/number: move the whole word to the next line.
            cut = current.rfind(" ")
            candidate = current[cut + 1 :]
            if candidate.isascii():
                head, tail = current[:cut], candidate
        elif ch in _NO_LINE_START and len(current) > 1:
            # Chinese rule: closing punctuation never starts a line; take one char with it.
            head, tail = current[:-1], current[-1]
        lines.append(head.rstrip())
        current = (tail + ch).lstrip()
        width = display_width(current)
    if current or not lines:
        lines.append(current.rstrip())
    return lines


def _rule(columns: int) -> TextLine:
    """A horizontal separator line."""
    return TextLine("-" * columns)


def build_layout(slip: TicketSlip, paper: int, lang: str = strings.DEFAULT_LANG) -> list[Block]:
    """Lay out a ticket for 58 or 80 mm paper as a list of blocks."""
    if paper not in COLUMNS:
        raise ValueError(f"paper must be 58 or 80, got {paper!r}")
    cols = COLUMNS[paper]
    s = strings.text
    blocks: list[Block] = []

    def add(text: str, align: Align = "left", size: int = 1, bold: bool = False) -> None:
        for line in wrap(text, cols // size):
            blocks.append(TextLine(line, align=align, width=size, height=size, bold=bold))

    add(slip.hall_name, "center", bold=True)
    blocks.append(_rule(cols))
    if slip.priority_label:
        add(s("priority", lang, label=slip.priority_label), "center", bold=True)
    add(s("your_number", lang), "center")
    add(slip.number, "center", size=2, bold=True)
    add(slip.service_name, "center", bold=True)
    blocks.append(_rule(cols))
    if not slip.accepting:
        # No estimate and no window: nobody serves this service until a window opens.
        add(s("no_window", lang), "center", bold=True)
        add(s("no_window_note", lang))
    elif slip.window_hint:
        add(s("window", lang, hint=slip.window_hint))
    if slip.people_ahead > 0:
        add(s("people_ahead", lang, n=slip.people_ahead))
    elif slip.accepting:
        add(s("no_one_ahead", lang))
    if slip.accepting and slip.estimated_wait_minutes is not None and slip.people_ahead > 0:
        add(s("estimated_wait", lang, m=slip.estimated_wait_minutes))
    if slip.appointment_line:
        add(s("appointment", lang, line=slip.appointment_line))
    if slip.citizen_name:
        add(s("name", lang, name=mask_name(slip.citizen_name)))
    add(s("issued_at", lang, time=slip.issued_at.strftime("%Y-%m-%d %H:%M")))
    if slip.tracking_url:
        blocks.append(Feed(1))
        blocks.append(QRCode(slip.tracking_url, QR_MODULE[paper]))
        add(s("scan_hint", lang), "center")
    blocks.append(_rule(cols))
    add(slip.notice or s("default_notice", lang))
    blocks.append(Cut())
    return blocks
