"""Bold big text is really heavier (issue 16 item 2): measured from rendered pixels.

WenQuanYi Micro Hei has no bold face and Qt draws glyphs above ~64 px as plain outlines, so its
"bold" ticket numbers came out exactly as thin as regular ones. The measure is the share of the
glyphs' bounding box covered by ink, bold against regular of the same text, size and colour.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from PyQt5.QtGui import QFont, QImage
from PyQt5.QtWidgets import QLabel, QWidget

from display.ui.common import label
from hallclient import fonts
from kiosk.ui.theme import Metrics, stylesheet
from printers.layout import TextLine
from printers.preview import bold_face, find_cjk_font, render_blocks_png

NUMBER = "A012"
HEAVIER = 1.25  # bold must cover at least this much more of the glyph box than regular


def ink_cover(widget: QWidget) -> float:
    """Share of the text's bounding box covered by ink (text darker than the white page)."""
    widget.adjustSize()
    img = widget.grab().toImage().convertToFormat(QImage.Format_Grayscale8)
    bits = img.constBits()
    bits.setsize(img.bytesPerLine() * img.height())
    gray = Image.frombuffer("L", (img.width(), img.height()), bytes(bits), "raw", "L",
                            img.bytesPerLine(), 1)
    ink = gray.point(lambda v: 255 if v < 192 else 0)
    box = ink.getbbox()
    assert box is not None, "nothing was drawn"
    glyphs = ink.crop(box)
    return glyphs.histogram()[255] / (glyphs.width * glyphs.height)


def _white(widget: QWidget, extra: str = "") -> QWidget:
    widget.setStyleSheet(widget.styleSheet() + " background: white;" + extra)
    return widget


def display_ratio(qtbot: Any) -> float:
    """The wall screen's newest number (210 px) bold vs regular."""
    bold, regular = (_white(label(NUMBER, 210, color="#000000", bold=b)) for b in (True, False))
    for w in (bold, regular):
        qtbot.addWidget(w)
    return ink_cover(bold) / ink_cover(regular)


def kiosk_ratio(qtbot: Any) -> float:
    """The kiosk ticket screen's #bigNumber (style sheet: 170 px bold) vs the same regular."""
    page = QWidget()
    qtbot.addWidget(page)
    page.setStyleSheet(stylesheet(Metrics(large=False)) + " QLabel { background: white; }")
    bold = QLabel(NUMBER, page)
    bold.setObjectName("bigNumber")
    regular = QLabel(NUMBER, page)
    bold.ensurePolished()
    f = QFont(bold.font())
    f.setBold(False)
    regular.setFont(f)
    regular.setStyleSheet(f"color: {bold.palette().windowText().color().name()};")
    assert bold.font().pixelSize() == 170 and bold.font().bold()
    return ink_cover(bold) / ink_cover(regular)


@pytest.mark.parametrize("surface", [display_ratio, kiosk_ratio], ids=["display", "kiosk"])
def test_bold_numbers_are_heavier_than_regular(qtbot: Any, surface: Any) -> None:
    assert fonts.ui_family() == "Noto Sans CJK SC"
    assert surface(qtbot) >= HEAVIER


def test_the_old_font_fails_the_measure(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # The measure can fail: WenQuanYi (no bold face) renders bold as thin as regular.
    monkeypatch.setattr(fonts, "UI_FAMILIES", ("WenQuanYi Micro Hei",))
    assert fonts.ui_family() == "WenQuanYi Micro Hei"
    assert display_ratio(qtbot) < 1.1


def _png_cover(png: bytes) -> float:
    ink = Image.open(io.BytesIO(png)).convert("L").point(lambda v: 255 if v < 128 else 0)
    glyphs = ink.crop(ink.getbbox())
    return glyphs.histogram()[255] / (glyphs.width * glyphs.height)


def test_slip_preview_draws_the_number_with_the_bold_face() -> None:
    regular = str(find_cjk_font())
    assert "NotoSansCJK" in regular and bold_face(regular) is not None

    def cover(bold: bool) -> float:
        line = TextLine(NUMBER, align="center", width=2, height=2, bold=bold)
        return _png_cover(render_blocks_png([line], 80))

    assert cover(True) / cover(False) >= HEAVIER
