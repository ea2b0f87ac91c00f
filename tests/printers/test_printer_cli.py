"""`python -m printers`: a maintenance slip to a PNG, to a byte file, to a TCP printer."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PIL import Image
from printer_testkit import LoopbackPrinter, refused_port

from printers.__main__ import build_parser, config_from, main


@pytest.fixture(autouse=True)
def _no_printer_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TONGBAN_PRINTER_CONFIG", "TONGBAN_PRINTER_KIND"):
        monkeypatch.delenv(name, raising=False)


def test_preview_png_at_the_papers_width(tmp_path: Path) -> None:
    for paper, width in ((80, 576), (58, 384)):
        out = tmp_path / f"slip{paper}.png"
        assert main(["preview", str(out), "--paper", str(paper)]) == 0
        with Image.open(out) as img:
            assert img.width == width and img.height > 300


def test_bytes_are_what_the_printer_would_get(tmp_path: Path) -> None:
    out = tmp_path / "slip.bin"
    assert main(["bytes", str(out), "--paper", "58", "--encoding", "gbk", "--hall", "东区"]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\x1b@") and "打印测试".encode("gbk") in data
    assert "东区".encode("gbk") in data and "非有效号票".encode("gbk") in data


def test_print_to_a_tcp_printer_and_a_dead_one(capsys: pytest.CaptureFixture[str]) -> None:
    with LoopbackPrinter() as printer:
        assert main(["print", "--tcp", f"127.0.0.1:{printer.port}", "--paper", "58"]) == 0
        assert printer.done.wait(5)
        assert printer.queries == [1, 2, 4]  # status asked first
        assert printer.ticket_bytes.startswith(b"\x1b@")
        assert "打印测试".encode("gb18030") in printer.ticket_bytes
    assert main(["print", "--tcp", f"127.0.0.1:{refused_port()}", "--timeout", "1"]) == 1
    assert "PrinterOffline" in capsys.readouterr().err
    with LoopbackPrinter() as printer:
        assert main(["status", "--tcp", f"127.0.0.1:{printer.port}"]) == 0
    assert capsys.readouterr().out.startswith("ok: online=True")


def test_usb_device_and_yaml_targets(tmp_path: Path) -> None:
    parse = build_parser().parse_args
    usb = config_from(parse(["print", "--usb", "0x0416:0x5011"]))
    assert (usb.kind, usb.usb_vendor, usb.usb_product) == ("usb", 0x0416, 0x5011)
    lp = config_from(parse(["print", "--device", "/dev/usb/lp0", "--raster-qr", "--no-status"]))
    assert (lp.kind, lp.device, lp.native_qr, lp.status_check) == (
        "file", "/dev/usb/lp0", False, False)
    yaml = tmp_path / "printer.yaml"
    yaml.write_text("printer:\n  kind: network\n  host: 10.9.8.7\n  paper: 58\n")
    from_yaml = config_from(parse(["print", "--config", str(yaml)]))
    assert (from_yaml.host, from_yaml.port, from_yaml.paper) == ("10.9.8.7", 9100, 58)
    out = tmp_path / "lp0"
    assert main(["print", "--device", str(out)]) == 0  # a device file gets the ESC/POS stream
    data = out.read_bytes()
    assert data.startswith(b"\x1b@") and "通办测试大厅".encode("gb18030") in data
    assert main(["print", "--usb", "vendor:1"]) == 2


def test_every_option_has_help() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for sub in commands.choices.values():
        for action in sub._actions:
            assert action.help, f"{sub.prog} {action.option_strings or action.dest}"
