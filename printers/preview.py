"""PNG preview of the same ticket layout, at the printer's dot width, with a CJK font."""

from __future__ import annotations

import functools
import io
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import qrcode
from PIL import Image, ImageDraw, ImageFont

from .errors import PreviewFontMissing
from .layout import DOT_WIDTH, Block, Cut, Feed, QRCode, TextLine, char_width, display_width

log = logging.getLogger(__name__)

FONT_ENV: Final = "TONGBAN_PRINTER_FONT"

#: Searched in order; the first existing file wins.
#: Noto Sans CJK first: it has a real bold face (WenQuanYi has none, so bold is only stroked).
CJK_FONT_CANDIDATES: Final[tuple[str, ...]] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)

CELL_W: Final = 12  # dots per column of font A
CELL_H: Final = 24  # dots per text row of font A
LINE_GAP: Final = 6  # extra dots between rows (default ESC 2 line spacing is ~30 dots)
MARGIN_Y: Final = 16


def find_cjk_font(candidates: Sequence[str] | None = None) -> Path:
    """Return the first CJK font found ($TONGBAN_PRINTER_FONT first), else raise."""
    paths: list[str] = []
    override = os.environ.get(FONT_ENV)
    if override:
        paths.append(override)
    paths.extend(CJK_FONT_CANDIDATES if candidates is None else candidates)
    for candidate in paths:
        path = Path(candidate)
        if path.is_file():
            return path
    raise PreviewFontMissing(
        "no CJK font found for the ticket preview; install fonts-wqy-microhei "
        f"(or Noto Sans CJK) or set {FONT_ENV}. Searched: {', '.join(paths)}"
    )


def bold_face(path: str) -> str | None:
    """The bold sibling of a Noto CJK regular file (…-Regular.ttc → …-Bold.ttc), if installed."""
    if "-Regular." not in path:
        return None
    bold = path.replace("-Regular.", "-Bold.")
    return bold if Path(bold).is_file() else None


@functools.lru_cache(maxsize=32)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    """Load (and cache) a font at a pixel size (the Simplified Chinese face of a Noto CJK .ttc)."""
    index = 2 if Path(path).name.startswith("NotoSansCJK-") and path.endswith(".ttc") else 0
    return ImageFont.truetype(path, size, index=index)


def _draw_line(img: Image.Image, font_path: str, line: TextLine, top: int, width: int) -> int:
    """Draw one text line in printer cells; return its height in dots."""
    cell_w, cell_h = CELL_W * line.width, CELL_H * line.height
    line_w = display_width(line.text) * cell_w
    if line.align == "center":
        x = max(0, (width - line_w) // 2)
    elif line.align == "right":
        x = max(0, width - line_w)
    else:
        x = 0
    bold_path = bold_face(font_path) if line.bold else None
    # the bold face draws bold itself; a font without one is thickened by a stroke
    stroke = line.height if line.bold and bold_path is None else 0
    font = _font(bold_path or font_path, cell_h)
    for ch in line.text:
        w = char_width(ch) * cell_w
        if ch.strip():
            _draw_glyph(img, font, ch, (x, top, w, cell_h), stroke)
        x += w
    return cell_h + LINE_GAP


def _draw_glyph(
    img: Image.Image,
    font: ImageFont.FreeTypeFont,
    ch: str,
    cell: tuple[int, int, int, int],
    stroke: int,
) -> None:
    """Draw one glyph centred in its printer cell, squeezing it horizontally if too wide."""
    x, y, w, h = cell
    advance = font.getlength(ch)
    # a bold stroke may spill `stroke` dots into the neighbouring cells, as on paper
    mask_w = (w if advance <= w else int(advance) + 2) + 2 * stroke
    mask = Image.new("L", (mask_w, h), 0)
    ImageDraw.Draw(mask).text(
        (mask_w / 2, h / 2),
        ch,
        font=font,
        fill=255,
        anchor="mm",
        stroke_width=stroke,
        stroke_fill=255,
    )
    if advance > w:
        mask = mask.resize((w + 2 * stroke, h), Image.Resampling.LANCZOS)
    left = max(0, x - stroke)
    crop = left - (x - stroke)
    mask = mask.crop((crop, 0, min(mask.width, img.width - left + crop), h))
    img.paste(0, (left, y, left + mask.width, y + h), mask)


def _draw_qr(img: Image.Image, block: QRCode, top: int) -> int:
    """Draw a QR code centred; return its height in dots including a small gap."""
    code = qrcode.QRCode(box_size=1, border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(block.data)
    code.make(fit=True)
    matrix = code.get_matrix()
    side = len(matrix) * block.module
    left = (img.width - side) // 2
    draw = ImageDraw.Draw(img)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                x0, y0 = left + x * block.module, top + y * block.module
                draw.rectangle((x0, y0, x0 + block.module - 1, y0 + block.module - 1), fill=0)
    return side + LINE_GAP * 2


def _height(block: Block) -> int:
    """Upper bound of a block's height, used to size the canvas."""
    if isinstance(block, TextLine):
        return CELL_H * block.height + LINE_GAP
    if isinstance(block, QRCode):
        return 177 * block.module + LINE_GAP * 2  # version 40 bound; cropped later
    if isinstance(block, Feed):
        return (CELL_H + LINE_GAP) * block.lines
    return CELL_H + LINE_GAP * 2


def render_blocks_png(blocks: Sequence[Block], paper: int) -> bytes:
    """Render layout blocks to PNG bytes at the printer's dot width."""
    font_path = str(find_cjk_font())
    width = DOT_WIDTH[paper]
    canvas = Image.new("L", (width, sum(_height(b) for b in blocks) + 2 * MARGIN_Y), 255)
    draw = ImageDraw.Draw(canvas)
    y = MARGIN_Y
    for block in blocks:
        if isinstance(block, TextLine):
            y += _draw_line(canvas, font_path, block, y, width)
        elif isinstance(block, QRCode):
            y += _draw_qr(canvas, block, y)
        elif isinstance(block, Feed):
            y += (CELL_H + LINE_GAP) * block.lines
        elif isinstance(block, Cut):
            y += LINE_GAP * 2
            for x in range(0, width, 12):
                draw.line((x, y, x + 6, y), fill=128, width=1)
            y += LINE_GAP * 2
    image = canvas.crop((0, 0, width, y + MARGIN_Y))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
