"""Render layout blocks to ESC/POS on a python-escpos printer, with Chinese sent as raw bytes.

python-escpos's automatic text encoding has no Chinese code page and turns full-width
punctuation into '?', so text goes out as GB18030/GBK bytes inside Chinese mode (FS &),
while python-escpos builds the commands for alignment, size, bold, QR, images and cut.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from typing import Final

import qrcode
from escpos.escpos import Escpos
from escpos.printer import Dummy
from PIL import Image

from .layout import DOT_WIDTH, Block, Cut, Feed, QRCode, TextLine

log = logging.getLogger(__name__)

ESC_INIT: Final = b"\x1b@"  # ESC @  initialise printer
FS_CHINESE_ON: Final = b"\x1c&"  # FS &  select Chinese (Kanji) character mode
FS_CHINESE_OFF: Final = b"\x1c."  # FS .  cancel Chinese character mode
LF: Final = b"\n"


def encode_text(text: str, encoding: str) -> bytes:
    """Encode one line for the printer, replacing (and logging) characters it cannot show."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        log.warning("text not fully encodable in %s, replacing: %r", encoding, text)
        return text.encode(encoding, errors="replace")


def make_profile_dummy(paper: int) -> Dummy:
    """A python-escpos Dummy printer whose profile knows the paper's dot width."""
    printer = Dummy()
    data = copy.deepcopy(printer.profile.profile_data)
    data.setdefault("media", {}).setdefault("width", {})["pixels"] = DOT_WIDTH[paper]
    data["media"]["width"]["mm"] = paper
    printer.profile.profile_data = data  # instance attribute: the shared class is untouched
    return printer


def qr_image(data: str, module: int, width: int) -> Image.Image:
    """Rasterise a QR code centred on a white strip `width` dots wide (for the image fallback)."""
    code = qrcode.QRCode(
        box_size=module, border=0, error_correction=qrcode.constants.ERROR_CORRECT_M
    )
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    side = len(matrix) * module
    if side > width:
        raise ValueError(f"QR code of {side} dots does not fit {width} dots")
    img = Image.new("1", (width, side), 1)
    left = (width - side) // 2
    pixels = img.load()
    assert pixels is not None
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if not dark:
                continue
            for dy in range(module):
                for dx in range(module):
                    pixels[left + x * module + dx, y * module + dy] = 0
    return img


def render_blocks(
    printer: Escpos,
    blocks: Sequence[Block],
    *,
    encoding: str,
    paper: int,
    native_qr: bool = True,
    cut: str = "full",
) -> None:
    """Send layout blocks to a python-escpos printer object."""
    printer._raw(ESC_INIT)
    printer._raw(FS_CHINESE_ON)
    chinese = True
    size = (1, 1)
    bold = False
    for block in blocks:
        if isinstance(block, TextLine):
            if not chinese:
                printer._raw(FS_CHINESE_ON)
                chinese = True
            if (block.width, block.height) != size:
                # GS ! n: applies to ASCII and Chinese characters alike.
                printer.set(custom_size=True, width=block.width, height=block.height)
                size = (block.width, block.height)
            if block.bold != bold:
                printer.set(bold=block.bold)
                bold = block.bold
            printer.set(align=block.align)
            printer._raw(encode_text(block.text, encoding) + LF)
        elif isinstance(block, QRCode):
            printer.set(align="center")
            if native_qr:
                printer.qr(block.data, size=block.module, native=True)
                printer._raw(LF)
            else:
                printer.image(qr_image(block.data, block.module, DOT_WIDTH[paper]))
            printer.set(align="left")
        elif isinstance(block, Feed):
            printer._raw(LF * block.lines)
        elif isinstance(block, Cut):
            if chinese:
                _finish(printer, size, bold)
                size, bold, chinese = (1, 1), False, False
            if cut != "none":
                printer.cut(mode="PART" if cut == "partial" else "FULL")
    if chinese:
        _finish(printer, size, bold)


def _finish(printer: Escpos, size: tuple[int, int], bold: bool) -> None:
    """Reset text styles and leave Chinese mode."""
    if size != (1, 1):
        printer.set(custom_size=True, width=1, height=1)
    if bold:
        printer.set(bold=False)
    printer.set(align="left")
    printer._raw(FS_CHINESE_OFF)


def render_to_bytes(
    blocks: Sequence[Block],
    *,
    encoding: str,
    paper: int,
    native_qr: bool = True,
    cut: str = "full",
) -> bytes:
    """Render layout blocks to the exact ESC/POS byte stream sent to the printer."""
    printer = make_profile_dummy(paper)
    render_blocks(printer, blocks, encoding=encoding, paper=paper, native_qr=native_qr, cut=cut)
    return printer.output
