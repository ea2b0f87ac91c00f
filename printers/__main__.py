"""python -m printers: print or preview a maintenance slip (number TEST) to check a printer.

  python -m printers preview slip.png [--paper 58]          # PNG as the printer would print it
  python -m printers bytes slip.bin [--encoding gbk]        # the exact ESC/POS stream
  python -m printers print --tcp 192.168.1.50:9100          # a network printer
  python -m printers print --usb 0x0416:0x5011              # a USB printer (needs pyusb)
  python -m printers print --config printer.yaml            # as the kiosk is configured
  python -m printers status --tcp 192.168.1.50:9100         # online / paper / cover
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from . import (
    PrinterConfig,
    PrinterError,
    check_status,
    maintenance_slip,
    print_ticket,
    render_preview_png,
    render_ticket_bytes,
)
from .config import CUT_MODES, ENCODINGS, PAPERS
from .strings import LANGUAGES

log = logging.getLogger("printers")
EXIT_PRINTER = 1  # the printer failed (offline, no paper, cover open, timeout)
EXIT_CONFIG = 2  # the command line or configuration is wrong


def build_parser() -> argparse.ArgumentParser:
    """Command-line interface."""
    p = argparse.ArgumentParser(prog="python -m printers", description=__doc__.splitlines()[0],
                                epilog="\n".join(__doc__.splitlines()[2:9]),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    preview = sub.add_parser("preview", help="write the slip as a PNG preview")
    preview.add_argument("output", type=Path, help="PNG file to write")
    data = sub.add_parser("bytes", help="write the slip's ESC/POS bytes to a file")
    data.add_argument("output", type=Path, help="file to write the byte stream to")
    send = sub.add_parser("print", help="print the slip on a printer")
    status = sub.add_parser("status", help="ask a printer for its status (DLE EOT)")
    for cmd in (preview, data, send, status):
        _add_layout_options(cmd)
    for cmd in (data, send, status):
        _add_printer_options(cmd)
    return p


def _add_layout_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--paper", type=int, choices=PAPERS, help="paper width in mm (default 80)")
    p.add_argument("--lang", choices=LANGUAGES, help="slip language (default zh)")
    p.add_argument("--hall", default="通办测试大厅", help="hall name printed on the slip")
    p.add_argument("--url", default="http://127.0.0.1:8000",
                   help="address printed as the slip's QR code")


def _add_printer_options(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group()
    where.add_argument("--tcp", metavar="HOST:PORT", help="network printer (port 9100 if left out)")
    where.add_argument("--usb", metavar="VENDOR:PRODUCT",
                       help="USB printer by ids, e.g. 0x0416:0x5011 (needs pyusb)")
    where.add_argument("--device", type=Path,
                       help="a printer device file such as /dev/usb/lp0")
    p.add_argument("--config", type=Path, help="printer YAML (same keys as the kiosk's "
                   "printer: section); default: TONGBAN_PRINTER_* variables")
    p.add_argument("--encoding", choices=ENCODINGS, help="Chinese encoding (default gb18030)")
    p.add_argument("--cut", choices=CUT_MODES, help="paper cut after the slip (default full)")
    p.add_argument("--raster-qr", action="store_true",
                   help="print the QR code as an image (printers without native QR)")
    p.add_argument("--no-status", action="store_true",
                   help="do not ask for the status before printing (printers ignoring DLE EOT)")
    p.add_argument("--timeout", type=float, help="seconds for the whole job (default 5)")


def config_from(args: argparse.Namespace) -> PrinterConfig:
    """The printer config: YAML or TONGBAN_PRINTER_* first, then the flags."""
    base = (PrinterConfig.from_yaml(args.config) if getattr(args, "config", None)
            else PrinterConfig.from_env())
    changes: dict[str, object] = {}
    if getattr(args, "tcp", None):
        host, _, port = args.tcp.rpartition(":") if ":" in args.tcp else (args.tcp, "", "9100")
        changes |= {"kind": "network", "host": host, "port": _number(port, "port")}
    if getattr(args, "usb", None):
        vendor, _, product = args.usb.partition(":")
        changes |= {"kind": "usb", "usb_vendor": _number(vendor, "vendor"),
                    "usb_product": _number(product, "product")}
    if getattr(args, "device", None):
        changes |= {"kind": "file", "device": str(args.device)}
    for flag in ("paper", "lang", "encoding", "cut", "timeout"):
        if getattr(args, flag, None) is not None:
            changes[flag] = getattr(args, flag)
    if getattr(args, "raster_qr", False):
        changes["native_qr"] = False
    if getattr(args, "no_status", False):
        changes["status_check"] = False
    return replace(base, **changes)


def _number(text: str, what: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{what} must be a number, got {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    """Entry point; exit 1 when the printer fails, 2 when the setup is wrong."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        config = config_from(args)
    except (ValueError, argparse.ArgumentTypeError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_CONFIG
    slip = maintenance_slip(args.hall, args.url)
    try:
        if args.command == "preview":
            args.output.write_bytes(render_preview_png(slip, config.paper, config.lang))
        elif args.command == "bytes":
            args.output.write_bytes(render_ticket_bytes(slip, config))
        elif args.command == "print":
            print_ticket(slip, config)
        else:
            status = check_status(config)
            sys.stdout.write(f"{status.state}: online={status.online} paper={status.paper} "
                             f"cover_open={status.cover_open}\n")
            return 0 if status.state in ("ok", "near_end", "unknown") else EXIT_PRINTER
    except PrinterError as exc:
        sys.stderr.write(f"{type(exc).__name__}: {exc}\n")
        return EXIT_PRINTER
    if args.command in ("preview", "bytes"):
        log.info("slip written to %s", args.output)
    else:
        log.info("slip sent to the %s printer", config.kind)
    return 0


if __name__ == "__main__":
    sys.exit(main())
