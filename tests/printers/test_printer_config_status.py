"""Printer config from YAML/env, status decoding and the dummy/preview kinds."""

from __future__ import annotations

from pathlib import Path

import pytest
from escpos.escpos import Escpos
from printer_testkit import sample_slip

from printers import (
    PrinterConfig,
    PrinterConfigError,
    PrinterCoverOpen,
    PrinterOffline,
    PrinterOutOfPaper,
    check_status,
    print_ticket,
)
from printers.status import PrinterStatus, query_status
from printers.transports import open_printer


def test_printer_config_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "printer.yaml"
    path.write_text(
        "printer:\n"
        "  kind: network\n"
        "  host: 192.168.1.50\n"
        "  port: 9100\n"
        "  encoding: GBK\n"
        "  paper: 58\n"
        "  native_qr: false\n"
        "  timeout: 2.5\n",
        encoding="utf-8",
    )
    config = PrinterConfig.from_yaml(path)
    assert config == PrinterConfig(
        kind="network",
        host="192.168.1.50",
        port=9100,
        encoding="gbk",
        paper=58,
        native_qr=False,
        timeout=2.5,
    )


def test_printer_config_from_env_with_usb_hex_ids() -> None:
    env = {
        "TONGBAN_PRINTER_KIND": "usb",
        "TONGBAN_PRINTER_USB_VENDOR": "0x0416",
        "TONGBAN_PRINTER_USB_PRODUCT": "0x5011",
        "TONGBAN_PRINTER_PAPER": "80mm",
        "TONGBAN_PRINTER_NATIVE_QR": "no",
        "TONGBAN_PRINTER_LANG": "en",
        "UNRELATED": "x",
    }
    config = PrinterConfig.from_env(env)
    assert (config.kind, config.usb_vendor, config.usb_product) == ("usb", 0x0416, 0x5011)
    assert config.paper == 80 and config.native_qr is False and config.lang == "en"


def test_printer_config_env_overrides_yaml(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.yaml"
    path.write_text("kind: serial\ndevice: /dev/ttyUSB0\nbaudrate: 19200\n", encoding="utf-8")
    env = {"TONGBAN_PRINTER_CONFIG": str(path), "TONGBAN_PRINTER_TIMEOUT": "1.5"}
    config = PrinterConfig.from_env(env)
    assert (config.kind, config.device, config.baudrate, config.timeout) == (
        "serial",
        "/dev/ttyUSB0",
        19200,
        1.5,
    )


def test_printer_config_defaults_to_dummy() -> None:
    config = PrinterConfig.from_env({})
    assert config.kind == "dummy" and config.encoding == "gb18030" and config.paper == 80


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "bluetooth"},
        {"encoding": "utf-8"},
        {"paper": 76},
        {"kind": "network"},
        {"kind": "usb", "usb_vendor": 1},
        {"timeout": 0},
        {"native_qr": "maybe"},
        {"port": "ninety"},
        {"colour": "red"},
    ],
)
def test_printer_config_rejects_bad_values(data: dict[str, object]) -> None:
    with pytest.raises(PrinterConfigError):
        PrinterConfig.from_mapping(data)


def test_printer_config_bad_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("kind: [network\n", encoding="utf-8")
    with pytest.raises(PrinterConfigError):
        PrinterConfig.from_yaml(path)
    with pytest.raises(PrinterConfigError):
        PrinterConfig.from_yaml(tmp_path / "missing.yaml")


class ScriptedPrinter(Escpos):
    """A python-escpos printer whose status replies are scripted."""

    def __init__(self, replies: list[bytes]) -> None:
        super().__init__()
        self.replies = list(replies)
        self.sent: list[bytes] = []

    def _raw(self, msg: bytes) -> None:
        self.sent.append(msg)

    def _read(self) -> bytes:
        return self.replies.pop(0) if self.replies else b""


def test_printer_status_decoding() -> None:
    printer = ScriptedPrinter([b"\x16", b"\x12", b"\x12"])
    assert query_status(printer) == PrinterStatus(online=True, paper="ok", cover_open=False)
    assert printer.sent == [b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04"]


def test_printer_status_empty_reply_is_unknown() -> None:
    status = query_status(ScriptedPrinter([b""]))
    assert status.state == "unknown" and status.paper == "unknown"
    status.raise_for_status()  # unknown is not an error


def test_printer_status_missing_paper_reply_is_not_paper_ok() -> None:
    status = query_status(ScriptedPrinter([b"\x16", b"\x12", b""]))
    assert status.online is True and status.paper == "unknown"


def test_printer_status_garbage_reply_is_unknown() -> None:
    assert query_status(ScriptedPrinter([b"\xff"])).state == "unknown"


@pytest.mark.parametrize(
    "status, error",
    [
        (PrinterStatus(online=False, paper="ok", cover_open=False), PrinterOffline),
        (PrinterStatus(online=False, paper="ok", cover_open=True), PrinterCoverOpen),
        (PrinterStatus(online=False, paper="out", cover_open=False), PrinterOutOfPaper),
    ],
)
def test_printer_status_raise_for_status(status: PrinterStatus, error: type[Exception]) -> None:
    with pytest.raises(error):
        status.raise_for_status()


def test_printer_dummy_kind_prints_and_status_is_unknown() -> None:
    config = PrinterConfig(kind="dummy")
    print_ticket(sample_slip(), config)
    assert check_status(config).state == "unknown"


def test_printer_file_kind_writes_the_stream(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    config = PrinterConfig(kind="file", device=str(target))
    print_ticket(sample_slip(), config)
    from printers import render_ticket_bytes

    assert target.read_bytes() == render_ticket_bytes(sample_slip(), config)


def test_printer_file_kind_missing_device_is_offline(tmp_path: Path) -> None:
    config = PrinterConfig(kind="file", device=str(tmp_path / "no" / "such" / "lp0"))
    with pytest.raises(PrinterOffline):
        print_ticket(sample_slip(), config)


def test_printer_preview_kind_writes_png(tmp_path: Path) -> None:
    target = tmp_path / "ticket.png"
    print_ticket(sample_slip(), PrinterConfig(kind="preview", device=str(target), paper=58))
    assert target.read_bytes().startswith(b"\x89PNG")


def test_printer_transport_objects() -> None:
    from escpos.printer import Network, Serial

    net = open_printer(PrinterConfig(kind="network", host="10.0.0.9", timeout=3))
    assert isinstance(net, Network) and net.timeout == 3 and net.port == 9100
    ser = open_printer(PrinterConfig(kind="serial", device="/dev/ttyS0", baudrate=19200))
    assert isinstance(ser, Serial) and ser.baudrate == 19200
