"""A loopback TCP 9100 printer: complete tickets, typed errors and hard timeouts."""

from __future__ import annotations

import threading
import time

import pytest
from printer_testkit import LoopbackPrinter, refused_port, sample_slip

from printers import (
    PrinterConfig,
    PrinterCoverOpen,
    PrinterOffline,
    PrinterOutOfPaper,
    PrinterTimeout,
    check_status,
    print_ticket,
    render_ticket_bytes,
)
from printers.transports import run_with_deadline

TIMEOUT = 0.6
SLACK = 0.5


def _worker_threads_finish(wait: float = 3.0) -> bool:
    """True once no printer worker thread is left running (they are unblocked on timeout)."""
    end = time.monotonic() + wait
    while time.monotonic() < end:
        if not any(t.name == "tongban-printer" for t in threading.enumerate()):
            return True
        time.sleep(0.02)
    return False


def _config(port: int, **changes: object) -> PrinterConfig:
    values: dict[str, object] = {
        "kind": "network",
        "host": "127.0.0.1",
        "port": port,
        "timeout": TIMEOUT,
        "paper": 58,
    }
    values.update(changes)
    return PrinterConfig(**values)  # type: ignore[arg-type]


def test_printer_loopback_receives_complete_ticket() -> None:
    slip = sample_slip()
    with LoopbackPrinter() as printer:
        config = _config(printer.port)
        print_ticket(slip, config)
        assert printer.done.wait(2), "printer connection was not closed"
        assert printer.queries == [1, 2, 4]
        assert printer.ticket_bytes == render_ticket_bytes(slip, config)


def test_printer_loopback_without_status_check_sends_only_ticket() -> None:
    slip = sample_slip()
    with LoopbackPrinter(mode="silent") as printer:
        config = _config(printer.port, status_check=False, native_qr=False)
        print_ticket(slip, config)
        assert printer.done.wait(2)
        assert bytes(printer.received) == render_ticket_bytes(slip, config)


def test_printer_loopback_status_ok() -> None:
    with LoopbackPrinter() as printer:
        status = check_status(_config(printer.port))
    assert status.online is True
    assert status.paper == "ok"
    assert status.cover_open is False
    assert status.state == "ok"


@pytest.mark.parametrize(
    "replies, error",
    [
        ({1: b"\x1e", 2: b"\x12", 4: b"\x12"}, PrinterOffline),
        ({1: b"\x1e", 2: b"\x16", 4: b"\x12"}, PrinterCoverOpen),
        ({1: b"\x1e", 2: b"\x32", 4: b"\x72"}, PrinterOutOfPaper),
    ],
)
def test_printer_loopback_bad_status_raises_typed_error(
    replies: dict[int, bytes], error: type[Exception]
) -> None:
    with LoopbackPrinter(replies=replies) as printer:
        with pytest.raises(error):
            print_ticket(sample_slip(), _config(printer.port))
        printer.done.wait(2)
        assert printer.ticket_bytes == b"", "nothing may be printed after a bad status"


def test_printer_loopback_paper_near_end_still_prints() -> None:
    with LoopbackPrinter(replies={1: b"\x16", 2: b"\x12", 4: b"\x1e"}) as printer:
        config = _config(printer.port)
        assert check_status(config).state == "near_end"
    with LoopbackPrinter(replies={1: b"\x16", 2: b"\x12", 4: b"\x1e"}) as printer:
        print_ticket(sample_slip(), _config(printer.port))
        assert printer.done.wait(2)
        assert printer.ticket_bytes


def test_printer_loopback_empty_reply_is_unknown_not_paper_ok() -> None:
    with LoopbackPrinter(mode="eof") as printer:
        status = check_status(_config(printer.port))
    assert status.state == "unknown"
    assert status.paper == "unknown"
    assert status.online is None


@pytest.mark.parametrize("mode", ["silent", "stall"])
def test_printer_never_answering_status_times_out(mode: str) -> None:
    with LoopbackPrinter(mode=mode) as printer:
        started = time.monotonic()
        with pytest.raises(PrinterTimeout):
            print_ticket(sample_slip(), _config(printer.port))
        elapsed = time.monotonic() - started
        assert _worker_threads_finish()
    assert elapsed < TIMEOUT + SLACK


def test_printer_check_status_times_out() -> None:
    with LoopbackPrinter(mode="silent") as printer:
        started = time.monotonic()
        with pytest.raises(PrinterTimeout):
            check_status(_config(printer.port))
    assert time.monotonic() - started < TIMEOUT + SLACK


def test_printer_stalled_send_never_hangs_the_caller() -> None:
    """A printer that accepts but never reads blocks sendall; the deadline still fires."""
    with LoopbackPrinter(mode="stall") as printer:
        config = _config(printer.port, status_check=False)
        started = time.monotonic()
        with pytest.raises(PrinterTimeout):
            run_with_deadline(config, lambda p: p._raw(b"\x00" * (64 * 1024 * 1024)))
        assert time.monotonic() - started < TIMEOUT + SLACK
        assert _worker_threads_finish(), "the blocked worker thread was not released"


def test_printer_refused_connection_is_offline() -> None:
    started = time.monotonic()
    with pytest.raises(PrinterOffline):
        print_ticket(sample_slip(), _config(refused_port()))
    with pytest.raises(PrinterOffline):
        check_status(_config(refused_port()))
    assert time.monotonic() - started < TIMEOUT + SLACK
