"""python -m ratepad [--config FILE] --server URL --token T [--lang zh|en] [--windowed] ...

Settings: defaults < config file < TONGBAN_RATEPAD_* < flags (`hallclient.settings`);
`--print-config` shows the effective ones.
"""

from __future__ import annotations

import argparse
import logging
import sys

from hallclient import settings as hall_settings
from ratepad.config import APP, RatepadConfig

log = logging.getLogger("ratepad")
PROG = "python -m ratepad"
DESCRIPTION = "通办 评价器 rating pad"


def build_parser() -> argparse.ArgumentParser:
    """Command-line flags (they override the config file and TONGBAN_RATEPAD_* variables)."""
    return hall_settings.build_parser(RatepadConfig, APP, prog=PROG, description=DESCRIPTION)


def parse_args(argv: list[str] | None = None) -> RatepadConfig:
    """The effective settings; exits 2 on a bad value, 0 after --print-config."""
    config, _args = hall_settings.cli(RatepadConfig, APP, argv, prog=PROG,
                                      description=DESCRIPTION)
    return config


def main(argv: list[str] | None = None) -> int:
    """Run the pad full screen until closed."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from PyQt5.QtCore import QTimer
    from PyQt5.QtWidgets import QApplication

    from hallclient import HallApi
    from ratepad.app import PadController
    from ratepad.strings import Strings
    from ratepad.ui.screen import PadScreen

    app = QApplication(sys.argv[:1])
    strings = Strings(args.lang)
    screen = PadScreen(strings)
    screen.setWindowTitle(strings("app_title"))
    controller = PadController(HallApi(args.server, args.token), args.token, screen,
                               thanks_ms=int(args.thanks_seconds * 1000),
                               prompt_ms=int(args.prompt_seconds * 1000))
    screen.chose.connect(controller.choose)
    screen.toggled.connect(controller.toggle)
    screen.back_clicked.connect(controller.back)
    screen.submit_clicked.connect(controller.submit)
    if args.windowed or args.screenshot:
        screen.show()
    else:
        screen.showFullScreen()
    if args.screenshot:
        path = args.screenshot

        def check() -> None:
            bridge = controller.bridge
            if bridge is not None and bridge.stream.state == "connected":
                timer.stop()
                ok = screen.grab().save(str(path))
                log.info("screenshot %s: %s", "saved to" if ok else "failed for", path)
                app.exit(0 if ok else 1)

        timer = QTimer(screen)
        timer.timeout.connect(check)
        timer.start(100)
    controller.start()
    code = app.exec_()
    controller.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
