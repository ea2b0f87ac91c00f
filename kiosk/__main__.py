"""python -m kiosk --server URL --token T [--hall demo] [--printer CONFIG] [--portrait] ..."""

from __future__ import annotations

import argparse
import logging
import signal
import sys

from kiosk.config import KioskConfig


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line flags (they override the config file and TONGBAN_KIOSK_* variables)."""
    p = argparse.ArgumentParser(prog="python -m kiosk", description="Tongban self-service kiosk")
    p.add_argument("--server", help="server base URL, e.g. http://127.0.0.1:8000")
    p.add_argument("--token", help="kiosk device token")
    p.add_argument("--hall", help="hall code (default demo)")
    p.add_argument("--printer", help="printer YAML config (default: TONGBAN_PRINTER_* env)")
    p.add_argument("--config", help="kiosk YAML config")
    p.add_argument("--portrait", action="store_true", default=None,
                   help="1080×1920 portrait layout")
    p.add_argument("--large", action="store_true", default=None, help="start in 大字版")
    p.add_argument("--lang", choices=("zh", "en"))
    p.add_argument("--windowed", action="store_true", help="not full screen (development)")
    p.add_argument("-v", "--verbose", action="store_true")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the kiosk until the window closes."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    config = KioskConfig.load(args.config, server=args.server, token=args.token,
                              hall=args.hall, printer=args.printer, portrait=args.portrait,
                              large=args.large, lang=args.lang,
                              fullscreen=False if args.windowed else None)
    from PyQt5.QtWidgets import QApplication

    from kiosk.app import KioskApp

    app = QApplication(sys.argv[:1])
    kiosk = KioskApp(config)
    kiosk.start()
    kiosk.show()
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    code = app.exec_()
    kiosk.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
