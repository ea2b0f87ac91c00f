"""Layout, wrapping by display width, name masking and strings."""

from __future__ import annotations

import pytest
from printer_testkit import sample_slip

from printers import mask_name, strings
from printers.layout import COLUMNS, Cut, QRCode, TextLine, build_layout, display_width, wrap


@pytest.mark.parametrize(
    "name, masked",
    [("张三", "张*"), ("张小三", "张*三"), ("欧阳小明", "欧**明"), ("李", "李"), (" 王五 ", "王*")],
)
def test_printer_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_printer_display_width_counts_cjk_as_two() -> None:
    assert display_width("A023") == 4
    assert display_width("您前面还有 5 人") == 15
    assert display_width("（：、，）") == 10


@pytest.mark.parametrize("paper", [58, 80])
def test_printer_every_line_fits_the_paper(paper: int) -> None:
    long_notice = (
        "请留意叫号，过号请重新取号。" * 5 + "Please keep this ticket until your business is done."
    )
    blocks = build_layout(sample_slip(notice=long_notice, hall_name="北京市" * 12), paper)
    for block in blocks:
        if isinstance(block, TextLine):
            assert display_width(block.text) * block.width <= COLUMNS[paper], block


def test_printer_wrap_keeps_punctuation_off_line_start() -> None:
    lines = wrap("一二三四五六七，八九十", 14)  # 7 CJK fit; the comma would start line 2
    assert lines == ["一二三四五六", "七，八九十"]
    assert all(not line.startswith("，") for line in lines)


def test_printer_wrap_keeps_english_words() -> None:
    assert wrap("Please listen for your number carefully", 16) == [
        "Please listen",
        "for your number",
        "carefully",
    ]


def test_printer_layout_contents_and_order() -> None:
    blocks = build_layout(sample_slip(), 80)
    texts = [b.text for b in blocks if isinstance(b, TextLine)]
    assert texts[0] == "海淀区政务服务中心"
    number = next(b for b in blocks if isinstance(b, TextLine) and b.text == "A023")
    assert (number.width, number.height, number.bold, number.align) == (2, 2, True, "center")
    assert any(isinstance(b, QRCode) and b.data.endswith("8f3a2c9d") for b in blocks)
    assert isinstance(blocks[-1], Cut)
    assert "姓名：张*三" in texts and "张小三" not in "".join(texts)


def test_printer_optional_lines_are_left_out() -> None:
    slip = sample_slip(
        window_hint=None,
        appointment_line=None,
        citizen_name=None,
        priority_label=None,
        estimated_wait_minutes=None,
        people_ahead=0,
    )
    texts = [b.text for b in build_layout(slip, 58) if isinstance(b, TextLine)]
    joined = "\n".join(texts)
    for absent in ("请到", "预约", "姓名", "绿色通道", "预计等待"):
        assert absent not in joined
    assert strings.text("no_one_ahead") in texts


def test_printer_strings_have_english_for_every_key() -> None:
    assert strings.text("people_ahead", "en", n=3) == "People ahead of you: 3"
    assert strings.text("people_ahead", "xx", n=3) == "您前面还有 3 人"  # falls back to zh-CN
    assert strings.text("estimated_wait", m=7) == "预计等待约 7 分钟（仅供参考）"
    assert strings.text("default_notice") == "请留意叫号，过号请重新取号。"
    zh = strings._STRINGS["zh"]
    en = strings._STRINGS["en"]
    assert set(zh) == set(en)


def test_printer_bad_paper_width_rejected() -> None:
    with pytest.raises(ValueError):
        build_layout(sample_slip(), 76)
