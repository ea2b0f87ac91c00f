"""python -m ratepad --server URL --token T [--lang zh|en] [--windowed] [--screenshot out.png]
[--thanks-seconds 6] [--prompt-seconds 90]"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from ratepad.strings import LANGS

log = logging.getLogger("ratepad")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (server and token also from TONGBAN_SERVER / TONGBAN_RATEPAD_TOKEN)."""
    env = os.environ.get
    p = argparse.ArgumentParser(prog="python -m ratepad", description="通办 评价器 rating pad")
    p.add_argument("--server", default=env("TONGBAN_SERVER", "http://127.0.0.1:8000"))
    p.add_argument("--token", default=env("TONGBAN_RATEPAD_TOKEN"),
                   required=not env("TONGBAN_RATEPAD_TOKEN"),
                   help="rating pad device token (bound to one window)")
    p.add_argument("--lang", choices=LANGS, default="zh")
    p.add_argument("--thanks-seconds", type=float, default=6.0,
                   help="how long the thank-you screen stays before the clerk card")
    p.add_argument("--prompt-seconds", type=float, default=90.0,
                   help="an untouched prompt goes back to the clerk card after this long")
    p.add_argument("--windowed", action="store_true", help="not full screen (testing)")
    p.add_argument("--screenshot", type=Path,
                   help="connect, save a PNG of the screen and exit (installation check)")
    return p.parse_args(argv)


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
