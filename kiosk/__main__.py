"""python -m kiosk --server URL --token T [--hall CODE] [--printer CONFIG] [--portrait] ..."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from dataclasses import replace

from hallclient.device import DeviceSetupError, device_hall
from kiosk.config import KioskConfig
from kiosk.strings import t
from tongban_common.wire import DeviceKind


def build_parser() -> argparse.ArgumentParser:
    """Command-line flags (they override the config file and TONGBAN_KIOSK_* variables)."""
    p = argparse.ArgumentParser(prog="python -m kiosk", description="Tongban self-service kiosk")
    p.add_argument("--server", help="server base URL, e.g. http://127.0.0.1:8000 "
                   "(TONGBAN_KIOSK_SERVER)")
    p.add_argument("--token", help="kiosk device token (TONGBAN_KIOSK_TOKEN); it decides the hall")
    p.add_argument("--hall", help="hall code; default: the hall of the token (a different one "
                   "refuses to start)")
    p.add_argument("--printer", help="printer YAML config (default: TONGBAN_PRINTER_* env)")
    p.add_argument("--config", help="kiosk YAML config (TONGBAN_KIOSK_CONFIG)")
    p.add_argument("--portrait", action="store_true", default=None,
                   help="1080×1920 portrait layout")
    p.add_argument("--large", action="store_true", default=None, help="start in 大字版")
    p.add_argument("--lang", choices=("zh", "en"), help="start language (default zh)")
    p.add_argument("--windowed", action="store_true", help="not full screen (development)")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return p


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The parsed command line."""
    return build_parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the kiosk until the window closes."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    config = KioskConfig.load(args.config, server=args.server, token=args.token,
                              hall=args.hall, printer=args.printer, portrait=args.portrait,
                              large=args.large, lang=args.lang,
                              fullscreen=False if args.windowed else None)
    try:
        config = replace(config, hall=device_hall(config.server, config.token, DeviceKind.KIOSK,
                                                  config.hall or None,
                                                  timeout=config.http_timeout))
    except DeviceSetupError as exc:
        sys.stderr.write(f"{t('startup_' + exc.reason, 'zh', **exc.values)}\n"
                         f"{t('startup_' + exc.reason, 'en', **exc.values)}\n")
        return exc.exit_code
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
