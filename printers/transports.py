"""Config → python-escpos printer object, and running printer jobs under a hard deadline."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError

from .config import PrinterConfig
from .errors import PrinterConfigError, PrinterError, PrinterOffline, PrinterTimeout

log = logging.getLogger(__name__)

T = TypeVar("T")


def open_printer(config: PrinterConfig) -> Escpos:
    """Create the python-escpos printer for a config (the connection opens on first use)."""
    kind = config.kind
    if kind == "network":
        from escpos.printer import Network

        return Network(host=config.host or "", port=config.port, timeout=config.timeout)
    if kind == "usb":
        from escpos.printer import Usb

        if not Usb.is_usable():
            raise PrinterConfigError("USB printing needs pyusb, which is not installed")
        return Usb(
            idVendor=config.usb_vendor,
            idProduct=config.usb_product,
            timeout=int(config.timeout * 1000),  # pyusb counts milliseconds
            in_ep=config.usb_in_ep,
            out_ep=config.usb_out_ep,
        )
    if kind == "serial":
        from escpos.printer import Serial

        return Serial(devfile=config.device or "", baudrate=config.baudrate, timeout=config.timeout)
    if kind == "file":
        from escpos.printer import File

        return File(devfile=config.device or "")
    if kind == "cups":
        from escpos.printer import CupsPrinter

        if not CupsPrinter.is_usable():
            raise PrinterConfigError("CUPS printing needs pycups, which is not installed")
        return CupsPrinter(printer_name=config.cups_printer or "")
    if kind == "dummy":
        from .escpos_render import make_profile_dummy

        return make_profile_dummy(config.paper)
    raise PrinterConfigError(f"printer kind {kind!r} has no python-escpos transport")


def translate_error(exc: BaseException, config: PrinterConfig) -> PrinterError:
    """Map a transport exception to the package's typed errors."""
    if isinstance(exc, PrinterError):
        return exc
    where = _describe(config)
    cause = exc.__cause__ or exc.__context__
    if _is_timeout(exc) or (cause is not None and _is_timeout(cause)):
        return PrinterTimeout(f"printer {where} did not answer within {config.timeout:g} s")
    if isinstance(exc, DeviceNotFoundError | OSError) or type(exc).__name__.endswith(
        "NotFoundError"
    ):
        return PrinterOffline(f"printer {where} is not reachable: {exc}")
    return PrinterError(f"printer {where} failed: {type(exc).__name__}: {exc}")


def _is_timeout(exc: BaseException) -> bool:
    """True for socket, serial and USB timeouts."""
    return isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__


def _describe(config: PrinterConfig) -> str:
    """Short human description of where the printer is."""
    if config.kind == "network":
        return f"{config.host}:{config.port}"
    if config.kind == "usb":
        return f"usb {config.usb_vendor:#06x}:{config.usb_product:#06x}"
    if config.kind == "cups":
        return f"cups {config.cups_printer or '(default)'}"
    return f"{config.kind} {config.device or ''}".strip()


def _safe_close(printer: Escpos) -> None:
    """Close a printer connection, ignoring errors (used when aborting)."""
    try:
        printer.close()
    except Exception:  # noqa: BLE001 - closing must never raise while aborting
        log.debug("error while closing printer", exc_info=True)


def run_with_deadline(config: PrinterConfig, job: Callable[[Escpos], T]) -> T:
    """Open the printer, run `job` on it and close it, all within config.timeout seconds."""
    printer = open_printer(config)
    outcome: dict[str, object] = {}

    def worker() -> None:
        try:
            outcome["value"] = job(printer)
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            outcome["error"] = exc
        finally:
            _safe_close(printer)

    thread = threading.Thread(target=worker, name="tongban-printer", daemon=True)
    thread.start()
    thread.join(config.timeout)
    if thread.is_alive():
        log.warning("printer %s timed out after %.1f s", _describe(config), config.timeout)
        _safe_close(printer)  # unblocks a socket stuck in send/recv
        raise PrinterTimeout(
            f"printer {_describe(config)} did not finish within {config.timeout:g} s"
        )
    if "error" in outcome:
        exc = outcome["error"]
        assert isinstance(exc, BaseException)
        typed = translate_error(exc, config)
        if typed is exc:
            raise typed
        raise typed from exc
    return outcome["value"]  # type: ignore[return-value]
