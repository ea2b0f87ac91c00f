"""Rating pad settings: defaults < config file < TONGBAN_RATEPAD_* environment < CLI flags.

Read by the hall apps' one loader (`hallclient.settings`). The older TONGBAN_SERVER still
works, below TONGBAN_RATEPAD_SERVER.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hallclient.settings import SettingsError, setting
from ratepad.strings import LANGS

APP = "ratepad"


@dataclass(frozen=True)
class RatepadConfig:
    """Everything a rating pad needs to run."""

    server: str = setting("http://127.0.0.1:8000", help="server base URL", metavar="URL",
                          env=("TONGBAN_SERVER",))
    token: str = setting("", help="rating pad device token (bound to one window)", secret=True,
                         required=True)
    lang: str = setting("zh", choices=LANGS, help="screen language")
    thanks_seconds: float = setting(6.0, help="how long the thank-you screen stays before the "
                                    "clerk card")
    prompt_seconds: float = setting(90.0, help="an untouched prompt goes back to the clerk card "
                                    "after this long")
    windowed: bool = setting(False, help="not full screen (testing)")
    screenshot: Path | None = setting(None, metavar="PNG", help="connect, save a PNG of the "
                                      "screen and exit (installation check)")

    def __post_init__(self) -> None:
        """Validate values."""
        if not self.server.startswith(("http://", "https://")):
            raise SettingsError(f"server must be an http(s) URL, got {self.server!r}")
        if self.thanks_seconds <= 0 or self.prompt_seconds <= 0:
            raise SettingsError("--thanks-seconds and --prompt-seconds must be > 0")
