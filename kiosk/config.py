"""Kiosk settings from a YAML file, TONGBAN_KIOSK_* environment variables and CLI flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from printers import PrinterConfig

ENV_PREFIX = "TONGBAN_KIOSK_"


class KioskConfigError(ValueError):
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
        if isinstance(raw, str):
            return cls(driver=raw)
        if isinstance(raw, Mapping) and raw.get("driver"):
            opts = {k: v for k, v in raw.items() if k != "driver"}
            return cls(driver=str(raw["driver"]), options=opts)
        raise KioskConfigError(f"device must be a driver name or a mapping with 'driver': {raw!r}")


@dataclass(frozen=True)
class KioskConfig:
    """Everything the kiosk needs to run."""

    server: str = "http://127.0.0.1:8000"
    token: str = ""
    hall: str = ""  # empty: the hall of the device token (asked from the server at start)
    lang: str = "zh"
    portrait: bool = False
    large: bool = False
    fullscreen: bool = True
    idle_timeout: float = 60.0  # seconds without a touch before going back home
    retry_seconds: float = 3.0  # pause between automatic retries when the server is down
    http_timeout: float = 5.0
    # the hall's name kept for 本机暂停服务 when the kiosk starts without a server; "" = none
    cache_file: str = "~/.cache/tongban/kiosk.json"
    printer_poll_seconds: float = 30.0  # printer status asked this often while home shows
    maintenance_pin: str = "246810"
    maintenance_taps: int = 5  # taps on the top-left corner within 3 s open the PIN screen
    tracking_url: str = "{server}/t/{token}"  # the portal's public tracking page
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    id_reader: DeviceSpec | None = field(default_factory=lambda: DeviceSpec("wedge"))
    qr_scanner: DeviceSpec | None = None  # a wedge scanner shares the wedge of id_reader
    voice: str = "espeak"  # spoken prompts (请刷身份证, 您的号码是…): espeak | off
    audio: str = "auto"  # the player for them: auto | paplay | aplay | sox

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
        """YAML file (optional) < TONGBAN_KIOSK_* env < keyword overrides (CLI flags)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        path = path or env.get(ENV_PREFIX + "CONFIG")
        if path:
            values.update(_read_yaml(Path(path)))
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw not in (None, "") and f.name not in ("printer", "id_reader", "qr_scanner"):
                values[f.name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.from_mapping(values, environ=env)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *,
                     environ: Mapping[str, str] | None = None) -> KioskConfig:
        """Convert raw values (strings from env, YAML scalars) into a config."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise KioskConfigError(f"unknown kiosk config keys: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for key, raw in data.items():
            if key == "printer":
                values[key] = _printer(raw, environ)
            elif key in ("id_reader", "qr_scanner"):
                values[key] = DeviceSpec.parse(raw)
            elif key in ("portrait", "large", "fullscreen"):
                values[key] = _bool(key, raw)
            elif key in ("idle_timeout", "retry_seconds", "http_timeout",
                         "printer_poll_seconds"):
                values[key] = float(raw)
            elif key == "maintenance_taps":
                values[key] = int(raw)
            else:
                values[key] = str(raw)
        if "printer" not in values:
            values["printer"] = PrinterConfig.from_env(environ)
        return cls(**values)

    def with_changes(self, **changes: Any) -> KioskConfig:
        """A copy with some fields replaced."""
        return replace(self, **changes)


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise KioskConfigError(f"cannot read kiosk config {path}: {exc}") from exc
    if isinstance(data.get("kiosk"), dict):
        data = {**data["kiosk"], **({"printer": data["printer"]} if "printer" in data else {})}
    if not isinstance(data, dict):
        raise KioskConfigError(f"kiosk config {path} must be a mapping")
    return data


def _printer(raw: Any, environ: Mapping[str, str] | None) -> PrinterConfig:
    """A PrinterConfig from a mapping, a YAML path, or an existing config."""
    if isinstance(raw, PrinterConfig):
        return raw
    if isinstance(raw, Mapping):
        return PrinterConfig.from_mapping(raw)
    if isinstance(raw, str | Path) and str(raw):
        return PrinterConfig.from_yaml(raw)
    return PrinterConfig.from_env(environ)


def _bool(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise KioskConfigError(f"{key} must be true or false, got {raw!r}")


def mask_token(token: str) -> str:
    """Show only the first 4 characters of a device token."""
    if not token:
        return "—"
    return token[:4] + "********"  # fixed length: the mask does not reveal the token's size
