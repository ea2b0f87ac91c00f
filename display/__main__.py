"""python -m display [--config FILE] --server URL --token T --mode hall|window [--window N] ...

Settings: defaults < config file < TONGBAN_DISPLAY_* < flags (`hallclient.settings`);
`--print-config` shows the effective ones.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from display.config import APP, DisplayConfig
from display.controller import DisplayModel
from display.strings import LANGS, Strings
from display.voice.announcer import Announcer
from display.voice.engine import VoiceSettings, make_voice
from display.voice.sinks import make_sink
from hallclient import settings as hall_settings
from hallclient.device import DeviceSetupError, device_hall
from tongban_common.wire import DeviceKind

if TYPE_CHECKING:
    from PyQt5.QtWidgets import QApplication, QWidget

    from display.app import DisplayController

log = logging.getLogger("display")
PROG = "python -m display"
DESCRIPTION = "通办 叫号屏 wall display"


def build_parser() -> argparse.ArgumentParser:
    """Command-line flags (they override the config file and TONGBAN_DISPLAY_* variables)."""
    return hall_settings.build_parser(DisplayConfig, APP, prog=PROG, description=DESCRIPTION)


def parse_args(argv: list[str] | None = None) -> DisplayConfig:
    """The effective settings; exits 2 on a bad value, 0 after --print-config."""
    config, _args = hall_settings.cli(DisplayConfig, APP, argv, prog=PROG,
                                      description=DESCRIPTION)
    return config


def main(argv: list[str] | None = None) -> int:
    """Run the display full screen until closed."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        hall = device_hall(args.server, args.token, DeviceKind.DISPLAY, args.hall)
    except DeviceSetupError as exc:
        sys.stderr.write("\n".join(Strings(lang)("startup_" + exc.reason, **exc.values)
                                   for lang in LANGS) + "\n")
        return exc.exit_code
    from PyQt5.QtWidgets import QApplication

    from display.app import DisplayController
    from display.ui.hall import HallScreen
    from display.ui.window_screen import WindowScreen
    from hallclient import HallApi

    app = QApplication(sys.argv[:1])
    strings = Strings(args.lang)
    screen = (WindowScreen(strings, args.window, portrait=args.portrait) if args.mode == "window"
              else HallScreen(strings, portrait=args.portrait, page_seconds=args.page_seconds))
    screen.setWindowTitle(strings("app_title"))
    announcer = None
    if args.voice != "none":
        settings = VoiceSettings(style=args.digits, repeat=args.repeat, chime=args.chime)
        voice = make_voice(args.voice, settings, cache_dir=args.voice_cache,
                           custom=args.voice_pack)
        announcer = Announcer(voice, make_sink(args.audio))
    api = HallApi(args.server, args.token)
    controller = DisplayController(
        api, hall, args.token, screen, announcer,
        DisplayModel(max_age_seconds=args.max_age or None),
        only_window=args.window if args.mode == "window" else None)
    if args.windowed or args.screenshot:
        screen.show()
    else:
        screen.showFullScreen()
    if args.screenshot:
        _exit_after_first_render(app, controller, screen, args.screenshot)
    controller.start()
    code = app.exec_()
    controller.stop()
    if announcer is not None:
        announcer.stop()
    return code


def _exit_after_first_render(app: QApplication, controller: DisplayController,
                             screen: QWidget, path: Path) -> None:
    """Save the screen once the board is drawn and the stream is up, then quit."""
    from PyQt5.QtCore import QTimer

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


if __name__ == "__main__":
    sys.exit(main())
