"""python -m display --server URL --token T --mode hall|window [--window N] ..."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from display.model import DEFAULT_MAX_AGE, DisplayModel
from display.paging import DEFAULT_PAGE_SECONDS, MIN_PAGE_SECONDS
from display.strings import LANGS, Strings
from display.voice.announcer import Announcer
from display.voice.engine import VoiceSettings, make_voice
from display.voice.phrases import STYLES
from display.voice.sinks import PLAYERS, make_sink
from hallclient.device import DeviceSetupError, device_hall
from tongban_common.wire import DeviceKind

if TYPE_CHECKING:
    from PyQt5.QtWidgets import QApplication, QWidget

    from display.app import DisplayController

log = logging.getLogger("display")


def build_parser() -> argparse.ArgumentParser:
    """Command-line options (some also readable from TONGBAN_* variables)."""
    env = os.environ.get
    p = argparse.ArgumentParser(prog="python -m display", description="通办 叫号屏 wall display")
    p.add_argument("--server", default=env("TONGBAN_SERVER", "http://127.0.0.1:8000"),
                   help="server base URL (TONGBAN_SERVER, default http://127.0.0.1:8000)")
    p.add_argument("--token", default=env("TONGBAN_DISPLAY_TOKEN"), required=not
                   env("TONGBAN_DISPLAY_TOKEN"),
                   help="display device token (TONGBAN_DISPLAY_TOKEN); it decides the hall")
    p.add_argument("--hall", default=env("TONGBAN_HALL"),
                   help="hall code (TONGBAN_HALL); default: the hall of the token "
                        "(a different one refuses to start)")
    p.add_argument("--mode", choices=("hall", "window"), default="hall",
                   help="hall: 综合屏 (every window); window: 窗口屏 (one window)")
    p.add_argument("--window", type=int, help="window number (window mode)")
    p.add_argument("--portrait", action="store_true", help="1080×1920 layout")
    p.add_argument("--lang", choices=LANGS, default="zh", help="screen language (default zh)")
    p.add_argument("--windowed", action="store_true", help="not full screen (testing)")
    p.add_argument("--voice", choices=("clips", "sapi", "none"), default="clips",
                   help="announcements: clips (generated or --voice-pack WAVs), sapi "
                        "(Windows speech), none")
    p.add_argument("--voice-pack", type=Path, help="folder with manifest.json and WAV clips")
    p.add_argument("--voice-cache", type=Path, help="where the default pack is generated")
    p.add_argument("--digits", choices=STYLES, default="ling",
                   help="ling: A 零一二 · yao: A 幺二")
    p.add_argument("--repeat", type=int, default=2, help="times each call is read out")
    p.add_argument("--no-chime", action="store_true", help="no chime before an announcement")
    p.add_argument("--audio", choices=("auto", "none", *PLAYERS), default="auto",
                   help="sound player (auto: the first one installed)")
    p.add_argument("--max-age", type=float, default=DEFAULT_MAX_AGE,
                   help="replayed calls older than this many seconds are shown, not announced")
    p.add_argument("--page-seconds", type=float, default=DEFAULT_PAGE_SECONDS,
                   help="a hall with more services than fit shows them in pages, "
                        "turning every this many seconds")
    p.add_argument("--screenshot", type=Path,
                   help="connect, save a PNG of the screen and exit (installation check)")
    return p


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The parsed and checked command line."""
    p = build_parser()
    args = p.parse_args(argv)
    if args.mode == "window" and args.window is None:
        p.error("--mode window needs --window N")
    if args.page_seconds < MIN_PAGE_SECONDS:
        p.error(f"--page-seconds must be at least {MIN_PAGE_SECONDS:g}")
    return args


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
        settings = VoiceSettings(style=args.digits, repeat=args.repeat, chime=not args.no_chime)
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
