"""Kiosk settings: defaults < YAML/JSON file < TONGBAN_KIOSK_* environment < CLI flags.

The layers are read by the hall apps' one loader, `hallclient.settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hallclient.settings import SettingsError, load_settings, mask_secret, setting
from printers import PrinterConfig

APP = "kiosk"
ENV_PREFIX = "TONGBAN_KIOSK_"


class KioskConfigError(SettingsError):
    """The kiosk configuration is invalid."""


@dataclass(frozen=True)
class DeviceSpec:
    """One input device: `driver` is wedge | serial | simulator | "package.module:Class"."""

    driver: str
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: Any) -> DeviceSpec | None:
        """From a YAML value: a driver name string or {driver: ..., <options>}."""
        if raw in (None, "", "none", False):
            return None
        if isinstance(raw, DeviceSpec):
            return raw
        if isinstance(raw, str):
            return cls(driver=raw)
        if isinstance(raw, Mapping) and raw.get("driver"):
            opts = {k: v for k, v in raw.items() if k != "driver"}
            return cls(driver=str(raw["driver"]), options=opts)
        raise KioskConfigError(f"device must be a driver name or a mapping with 'driver': {raw!r}")


def _printer(raw: Any, environ: Mapping[str, str] | None) -> PrinterConfig:
    """A PrinterConfig from a mapping, a YAML path, or (nothing given) TONGBAN_PRINTER_*."""
    if isinstance(raw, PrinterConfig):
        return raw
    if isinstance(raw, Mapping):
        return PrinterConfig.from_mapping(raw)
    if isinstance(raw, str | Path) and str(raw):
        return PrinterConfig.from_yaml(raw)
    return PrinterConfig.from_env(environ)


def _device(raw: Any, _environ: Mapping[str, str]) -> DeviceSpec | None:
    return DeviceSpec.parse(raw)


@dataclass(frozen=True)
class KioskConfig:
    """Everything the kiosk needs to run."""

    server: str = setting("http://127.0.0.1:8000", help="server base URL",
                          metavar="URL")
    token: str = setting("", help="kiosk device token; it decides the hall", secret=True)
    hall: str = setting("", help="hall code; default: the hall of the token (a different one "
                        "refuses to start)")
    lang: str = setting("zh", help="start language", choices=("zh", "en"))
    portrait: bool = setting(False, help="1080×1920 portrait layout")
    large: bool = setting(False, help="start in 大字版 (large print)")
    fullscreen: bool = setting(True, help="full screen",
                               negative_flag=("--windowed", "not full screen (development)"))
    idle_timeout: float = setting(60.0, help="seconds without a touch before going back home")
    retry_seconds: float = setting(3.0, help="pause between automatic retries when the server "
                                   "is down")
    http_timeout: float = setting(5.0, help="seconds before a server request gives up")
    # the hall's name kept for 本机暂停服务 when the kiosk starts without a server; "" = none
    cache_file: str = setting("~/.cache/tongban/kiosk.json",
                              help="where the hall's name is kept for starting offline")
    printer_poll_seconds: float = setting(30.0, help="printer status asked this often while "
                                          "the home screen shows")
    maintenance_pin: str = setting("246810", help="PIN of the maintenance screen", secret=True,
                                   cli=False)
    maintenance_taps: int = setting(5, help="taps on the top-left corner within 3 s that open "
                                    "the PIN screen")
    tracking_url: str = setting("{server}/t/{token}", help="the portal's public tracking page "
                                "printed as the slip's QR code")
    printer: PrinterConfig = setting(
        help="printer YAML config (a file's `printer:` mapping; default TONGBAN_PRINTER_*)",
        default_factory=PrinterConfig, parse=_printer, parse_missing=True, metavar="YAML")
    id_reader: DeviceSpec | None = setting(
        help="ID card reader driver: wedge | serial | simulator | package.module:Class "
             "(options in the config file)",
        default_factory=lambda: DeviceSpec("wedge"), parse=_device)
    qr_scanner: DeviceSpec | None = setting(
        None, help="QR scanner driver (a wedge scanner shares the wedge of id_reader)",
        parse=_device)
    voice: str = setting("espeak", help="spoken prompts (请刷身份证, 您的号码是…)",
                         choices=("espeak", "off"))
    audio: str = setting("auto", help="the player for spoken prompts",
                         choices=("auto", "paplay", "aplay", "sox"))

    def __post_init__(self) -> None:
        """Validate values."""
        if self.lang not in ("zh", "en"):
            raise KioskConfigError(f"lang must be zh or en, got {self.lang!r}")
        if not self.server.startswith(("http://", "https://")):
            raise KioskConfigError(f"server must be an http(s) URL, got {self.server!r}")
        if self.idle_timeout <= 0 or self.retry_seconds <= 0 or self.printer_poll_seconds <= 0:
            raise KioskConfigError("idle_timeout, retry_seconds and printer_poll_seconds "
                                   "must be > 0")
        if not self.maintenance_pin.isdigit():
            raise KioskConfigError("maintenance_pin must be digits")

    def tracking_link(self, tracking_token: str) -> str:
        """The URL printed as the slip's QR code."""
        return self.tracking_url.format(server=self.server.rstrip("/"), token=tracking_token)

    def is_tracking_link(self, text: str) -> bool:
        """True when a scanned QR is one of our slips (not a booking code)."""
        prefix = self.tracking_url.split("{token}")[0].format(server=self.server.rstrip("/"))
        return text.startswith(prefix) or "/t/" in text or "/track/" in text

    @classmethod
    def load(cls, path: str | Path | None = None, *, environ: Mapping[str, str] | None = None,
             **overrides: Any) -> KioskConfig:
        """File (optional) < TONGBAN_KIOSK_* env < keyword overrides (CLI flags)."""
        try:
            return load_settings(cls, APP, path=path, environ=environ, overrides=overrides)
        except KioskConfigError:
            raise
        except SettingsError as exc:
            raise KioskConfigError(str(exc)) from exc

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *,
                     environ: Mapping[str, str] | None = None) -> KioskConfig:
        """Convert raw values (strings, YAML scalars) into a config; the environment only
        supplies the printer (TONGBAN_PRINTER_*) when `data` has none."""
        env = os.environ if environ is None else environ
        printer_env = {k: v for k, v in env.items() if k.startswith("TONGBAN_PRINTER_")}
        return cls.load(None, environ=printer_env,
                        **{k: v for k, v in data.items() if v is not None})

    def with_changes(self, **changes: Any) -> KioskConfig:
        """A copy with some fields replaced."""
        return replace(self, **changes)


def mask_token(token: str) -> str:
    """Show only the first 4 characters of a device token."""
    return mask_secret(token)  # fixed length: the mask does not reveal the token's size
