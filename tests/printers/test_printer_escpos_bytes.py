"""Byte-level tests of the ESC/POS stream produced on the dummy backend."""

from __future__ import annotations

import os
import re

import pytest
from printer_testkit import GOLDEN, TRACKING_URL, sample_slip

from printers import PrinterConfig, render_ticket_bytes
from printers.escpos_render import FS_CHINESE_OFF, FS_CHINESE_ON

EXPECTED_LINES = [
    "海淀区政务服务中心",
    "【绿色通道】",
    "您的号码",
    "A023",
    "不动产登记（个人）",
    "请到：3号、5号窗口",
    "您前面还有 5 人",
    "预计等待约 15 分钟（仅供参考）",
    "预约：09:30-10:00，已签到",
    "姓名：张*三",
    "取号时间：2025-03-14 09:30",
    "扫码查看排队进度",
    "请留意叫号，过号请重新取号。",
]


def split_commands(stream: bytes) -> tuple[list[bytes], list[bytes]]:
    """Walk an ESC/POS stream; return (commands, text runs) for the commands we emit."""
    commands: list[bytes] = []
    text: list[bytes] = [b""]
    i = 0
    while i < len(stream):
        b = stream[i]
        if b == 0x0A:
            text.append(b"")
            i += 1
            continue
        if b in (0x1B, 0x1C, 0x1D):
            op = stream[i : i + 2]
            if op in (b"\x1b@", b"\x1c&", b"\x1c."):
                size = 2
            elif op in (b"\x1bE", b"\x1ba", b"\x1bd", b"\x1b!", b"\x1d!"):
                size = 3
            elif op == b"\x1dV":
                size = 4 if stream[i + 2] in (65, 66) else 3
            elif op == b"\x1d(":
                size = 5 + stream[i + 3] + 256 * stream[i + 4]
            elif op == b"\x1dv":
                x_bytes = stream[i + 4] + 256 * stream[i + 5]
                rows = stream[i + 6] + 256 * stream[i + 7]
                size = 8 + x_bytes * rows
            else:
                raise AssertionError(f"unknown command {op!r} at {i}")
            commands.append(stream[i : i + size])
            i += size
            continue
        text[-1] += bytes((b,))
        i += 1
    return commands, text


def _text_lines(stream: bytes, encoding: str) -> list[str]:
    """Decode the printable lines of a stream, commands removed."""
    return [run.decode(encoding) for run in split_commands(stream)[1]]


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
@pytest.mark.parametrize("paper", [58, 80])
def test_printer_stream_decodes_every_chinese_line(encoding: str, paper: int) -> None:
    stream = render_ticket_bytes(sample_slip(), PrinterConfig(encoding=encoding, paper=paper))
    lines = _text_lines(stream, encoding)
    for expected in EXPECTED_LINES:
        assert expected in lines, f"{expected!r} missing from {lines!r}"
    decoded = stream.decode(encoding, errors="replace")
    for mark in "（：、，）":
        assert mark in decoded
    assert "?" not in "".join(lines), "full-width punctuation was replaced by '?'"


def test_printer_stream_framing_commands() -> None:
    stream = render_ticket_bytes(sample_slip(), PrinterConfig(paper=80))
    assert stream.startswith(b"\x1b@" + FS_CHINESE_ON)
    text_at = stream.index("海淀区".encode("gb18030"))
    assert stream.index(FS_CHINESE_ON) < text_at
    # leaves Chinese mode before the cut, and cuts at the end
    assert stream.rindex(FS_CHINESE_OFF) < stream.rindex(b"\x1dV")
    assert stream.endswith(b"\x1dV\x00")
    # the number is printed double width+height (GS ! 0x11) and bold, then size is reset
    number_at = stream.index(b"A023\n")
    assert stream[:number_at].endswith(b"\x1d!\x11\x1bE\x01\x1ba\x01")
    assert stream[number_at + 5 :].startswith(b"\x1d!\x00")


@pytest.mark.parametrize("native_qr", [True, False])
def test_printer_stream_contains_only_known_commands(native_qr: bool) -> None:
    stream = render_ticket_bytes(sample_slip(), PrinterConfig(native_qr=native_qr))
    commands, _ = split_commands(stream)  # raises on anything unexpected
    assert commands[0] == b"\x1b@" and commands[1] == FS_CHINESE_ON


def test_printer_gbk_and_gb18030_differ_only_where_needed() -> None:
    slip = sample_slip(citizen_name=None)
    a = render_ticket_bytes(slip, PrinterConfig(encoding="gb18030"))
    b = render_ticket_bytes(slip, PrinterConfig(encoding="gbk"))
    assert a == b  # common Chinese text encodes identically


def test_printer_native_qr_carries_tracking_url() -> None:
    stream = render_ticket_bytes(sample_slip(), PrinterConfig(native_qr=True))
    store = re.search(rb"\x1d\(k(..)1P0", stream, flags=re.S)
    assert store is not None, "no GS ( k store-data command"
    length = store.group(1)[0] + 256 * store.group(1)[1]
    payload = stream[store.end() : store.end() + length - 3]
    assert payload.decode("ascii") == TRACKING_URL
    assert b"\x1d(k\x03\x001Q0" in stream  # print the symbol
    assert b"\x1dv0" not in stream


@pytest.mark.parametrize("paper, width_bytes", [(58, 48), (80, 72)])
def test_printer_image_qr_fallback(paper: int, width_bytes: int) -> None:
    stream = render_ticket_bytes(sample_slip(), PrinterConfig(native_qr=False, paper=paper))
    assert b"\x1d(k" not in stream
    at = stream.index(b"\x1dv0")
    header = stream[at + 3 : at + 8]
    assert header[1] + 256 * header[2] == width_bytes  # full printable width, QR centred
    assert "扫码查看排队进度".encode("gb18030") in stream


def test_printer_unencodable_character_is_replaced_not_crashing() -> None:
    stream = render_ticket_bytes(sample_slip(hall_name="政务中心 🏛"), PrinterConfig(encoding="gbk"))
    assert "政务中心 ?".encode("gbk") in stream


@pytest.mark.parametrize("paper", [58, 80])
def test_printer_golden_stream(paper: int) -> None:
    stream = render_ticket_bytes(sample_slip(), PrinterConfig(paper=paper, encoding="gb18030"))
    golden = GOLDEN / f"ticket_{paper}mm.bin"
    if os.environ.get("UPDATE_GOLDEN") == "1" or not golden.exists():
        if os.environ.get("UPDATE_GOLDEN") != "1":
            pytest.fail(f"golden file {golden} missing; run with UPDATE_GOLDEN=1")
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(stream)
    assert stream == golden.read_bytes(), f"stream differs from {golden.name}"


def test_printer_english_ticket_is_ascii_text() -> None:
    stream = render_ticket_bytes(sample_slip(), PrinterConfig(lang="en", paper=58))
    decoded = stream.decode("gb18030")
    assert "People ahead of you: 5" in decoded
    assert "Estimated wait: about 15 min" in decoded


@pytest.mark.parametrize("paper", [58, 80])
def test_printer_slip_of_a_service_nobody_serves(paper: int) -> None:
    # The server gives no estimate and names no window; the slip says 暂停受理 in bold instead.
    slip = sample_slip(accepting=False, window_hint=None, estimated_wait_minutes=None)
    stream = render_ticket_bytes(slip, PrinterConfig(paper=paper))
    lines = _text_lines(stream, "gb18030")
    assert "【暂停受理】暂无窗口办理" in lines
    assert "窗口开放后按顺序叫号，请留意大屏" in lines
    assert "您前面还有 5 人" in lines
    warning = stream.index("【暂停受理】".encode("gb18030"))
    assert stream[:warning].endswith(b"\x1bE\x01\x1ba\x01")  # bold, centred
    decoded = stream.decode("gb18030")
    assert "预计等待" not in decoded and "请到：" not in decoded and "号窗口" not in decoded
    # even if a stale estimate reached the slip, it is not printed
    stale = render_ticket_bytes(sample_slip(accepting=False, window_hint=None),
                                PrinterConfig(paper=paper))
    assert "预计等待".encode("gb18030") not in stale
