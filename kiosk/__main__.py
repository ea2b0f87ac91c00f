"""python -m kiosk [--config FILE] --server URL --token T [--hall CODE] [--printer YAML] ...

Settings: defaults < config file < TONGBAN_KIOSK_* < flags (`hallclient.settings`);
`--print-config` shows the effective ones.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from dataclasses import replace

from hallclient import settings as hall_settings
from hallclient.device import DeviceSetupError, device_hall
from kiosk.config import APP, KioskConfig
from kiosk.strings import t
from tongban_common.wire import DeviceKind

PROG = "python -m kiosk"
DESCRIPTION = "通办 自助取号机 Tongban self-service kiosk"


def build_parser() -> argparse.ArgumentParser:
    """Command-line flags (they override the config file and TONGBAN_KIOSK_* variables)."""
    p = hall_settings.build_parser(KioskConfig, APP, prog=PROG, description=DESCRIPTION)
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return p


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The parsed command line (setting values not given are None)."""
    return build_parser().parse_args(argv)


def load_config(argv: list[str] | None = None) -> tuple[KioskConfig, argparse.Namespace]:
    """The effective settings; exits 2 on a bad value, 0 after --print-config."""
    return hall_settings.cli(KioskConfig, APP, argv, prog=PROG, description=DESCRIPTION,
                             parser=build_parser())


def main(argv: list[str] | None = None) -> int:
    """Run the kiosk until the window closes."""
    config, args = load_config(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
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
