"""PNG preview: dot width, legible CJK text, QR drawn, clear error without a CJK font."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from printer_testkit import ARTIFACTS, sample_slip

from printers import PreviewFontMissing, render_preview_png
from printers.preview import find_cjk_font


def _save(name: str, png: bytes) -> Image.Image:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_bytes(png)
    return Image.open(io.BytesIO(png))


@pytest.mark.parametrize("paper, width", [(58, 384), (80, 576)])
def test_printer_preview_has_printer_dot_width(paper: int, width: int) -> None:
    image = _save(f"ticket_{paper}mm.png", render_preview_png(sample_slip(), paper))
    assert image.format == "PNG"
    assert image.width == width
    assert 500 < image.height < 1400
    gray = image.convert("L")
    # something is drawn in the left, centre and right thirds (text is not clipped away)
    for x0 in (0, width // 3, 2 * width // 3):
        box = gray.crop((x0, 0, x0 + width // 3, image.height))
        assert box.getextrema()[0] < 64


def test_printer_preview_english_and_long_text() -> None:
    slip = sample_slip(
        notice="请留意叫号，过号请重新取号。" * 4, window_hint="综合受理区 12、13、14号窗口"
    )
    _save("ticket_58mm_long.png", render_preview_png(slip, 58))
    image = _save("ticket_80mm_en.png", render_preview_png(sample_slip(), 80, lang="en"))
    assert image.width == 576


def test_printer_preview_qr_is_drawn_at_module_size() -> None:
    image = Image.open(io.BytesIO(render_preview_png(sample_slip(), 58))).convert("L")
    # the QR's top-left finder pattern: a run of >= 7 * 6 dark dots on some row
    longest = 0
    for y in range(image.height):
        run = best = 0
        for x in range(image.width):
            run = run + 1 if image.getpixel((x, y)) < 128 else 0
            best = max(best, run)
        longest = max(longest, best)
    assert longest >= 42


def test_printer_preview_font_missing_is_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TONGBAN_PRINTER_FONT", raising=False)
    with pytest.raises(PreviewFontMissing, match="no CJK font"):
        find_cjk_font(["/nonexistent/font.ttc"])
    monkeypatch.setattr("printers.preview.CJK_FONT_CANDIDATES", ("/nonexistent/a.ttc",))
    with pytest.raises(PreviewFontMissing):
        render_preview_png(sample_slip(), 58)


def test_printer_preview_font_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    font = find_cjk_font()
    monkeypatch.setenv("TONGBAN_PRINTER_FONT", str(font))
    assert find_cjk_font(["/nonexistent/font.ttc"]) == font


def test_printer_preview_of_a_service_nobody_serves() -> None:
    slip = sample_slip(accepting=False, window_hint=None, estimated_wait_minutes=None,
                       people_ahead=0)
    image = _save("ticket_80mm_no_window.png", render_preview_png(slip, 80))
    served = render_preview_png(sample_slip(window_hint=None, estimated_wait_minutes=None,
                                            people_ahead=0), 80)
    # the two warning lines in place of "您前面没有人" (the rest is the same slip)
    assert image.width == 576 and image.height > Image.open(io.BytesIO(served)).height
