"""Display settings: defaults < config file < TONGBAN_DISPLAY_* environment < CLI flags.

Read by the hall apps' one loader (`hallclient.settings`). The older TONGBAN_SERVER and
TONGBAN_HALL still work, below their TONGBAN_DISPLAY_ names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from display.paging import DEFAULT_PAGE_SECONDS, MIN_PAGE_SECONDS
from display.state import DEFAULT_MAX_AGE
from display.strings import LANGS
from display.voice.phrases import STYLES
from display.voice.sinks import PLAYERS
from hallclient.settings import SettingsError, setting

APP = "display"


@dataclass(frozen=True)
class DisplayConfig:
    """Everything a wall display needs to run."""

    server: str = setting("http://127.0.0.1:8000", help="server base URL", metavar="URL",
                          env=("TONGBAN_SERVER",))
    token: str = setting("", help="display device token; it decides the hall", secret=True,
                         required=True)
    hall: str | None = setting(None, help="hall code; default: the hall of the token "
                               "(a different one refuses to start)", env=("TONGBAN_HALL",))
    mode: str = setting("hall", choices=("hall", "window"),
                        help="hall: 综合屏 (every window); window: 窗口屏 (one window)")
    window: int | None = setting(None, help="window number (window mode)", metavar="N")
    portrait: bool = setting(False, help="1080×1920 layout")
    lang: str = setting("zh", choices=LANGS, help="screen language")
    windowed: bool = setting(False, help="not full screen (testing)")
    voice: str = setting("clips", choices=("clips", "sapi", "none"),
                         help="announcements: clips (generated or --voice-pack WAVs), sapi "
                              "(Windows speech), none")
    voice_pack: Path | None = setting(None, help="folder with manifest.json and WAV clips",
                                      metavar="DIR")
    voice_cache: Path | None = setting(None, help="where the default pack is generated",
                                       metavar="DIR")
    digits: str = setting("ling", choices=STYLES, help="ling: A 零一二 · yao: A 幺二")
    repeat: int = setting(2, help="times each call is read out")
    chime: bool = setting(True, help="a chime before each announcement (--no-chime: none)")
    audio: str = setting("auto", choices=("auto", "none", *PLAYERS),
                         help="sound player (auto: the first one installed)")
    max_age: float = setting(DEFAULT_MAX_AGE, help="replayed calls older than this many "
                             "seconds are shown, not announced")
    page_seconds: float = setting(DEFAULT_PAGE_SECONDS,
                                  help="a hall with more services than fit shows them in pages, "
                                       "turning every this many seconds")
    screenshot: Path | None = setting(None, metavar="PNG", help="connect, save a PNG of the "
                                      "screen and exit (installation check)")

    def __post_init__(self) -> None:
        """Validate values and the rules across them."""
        if not self.server.startswith(("http://", "https://")):
            raise SettingsError(f"server must be an http(s) URL, got {self.server!r}")
        if self.mode == "window" and self.window is None:
            raise SettingsError("--mode window needs --window N")
        if self.page_seconds < MIN_PAGE_SECONDS:
            raise SettingsError(f"--page-seconds must be at least {MIN_PAGE_SECONDS:g}")
        if not 1 <= self.repeat <= 5:
            raise SettingsError(f"--repeat must be 1 to 5, got {self.repeat}")
        if self.max_age < 0:
            raise SettingsError("--max-age must be >= 0")
