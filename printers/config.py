"""Per-kiosk printer configuration from a YAML file or TONGBAN_PRINTER_* env vars."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Final

from .errors import PrinterConfigError
from .strings import LANGUAGES

KINDS: Final = ("network", "usb", "serial", "file", "cups", "dummy", "preview")
ENCODINGS: Final = ("gb18030", "gbk")
PAPERS: Final = (58, 80)
CUT_MODES: Final = ("full", "partial", "none")
ENV_PREFIX: Final = "TONGBAN_PRINTER_"


@dataclass(frozen=True, slots=True)
class PrinterConfig:
    """How to reach one kiosk printer and how to talk to it."""

    kind: str = "dummy"
    host: str | None = None
    port: int = 9100
    device: str | None = None
    usb_vendor: int | None = None
    usb_product: int | None = None
    usb_in_ep: int = 0x82
    usb_out_ep: int = 0x01
    baudrate: int = 9600
    cups_printer: str | None = None
    encoding: str = "gb18030"
    paper: int = 80
    native_qr: bool = True
    timeout: float = 5.0
    status_check: bool = True
    cut: str = "full"
    lang: str = "zh"

    def __post_init__(self) -> None:
        """Validate field values."""
        if self.kind not in KINDS:
            raise PrinterConfigError(f"printer kind must be one of {KINDS}, got {self.kind!r}")
        if self.encoding not in ENCODINGS:
            raise PrinterConfigError(
                f"printer encoding must be one of {ENCODINGS}, got {self.encoding!r}"
            )
        if self.paper not in PAPERS:
            raise PrinterConfigError(f"paper must be 58 or 80 (mm), got {self.paper!r}")
        if self.cut not in CUT_MODES:
            raise PrinterConfigError(f"cut must be one of {CUT_MODES}, got {self.cut!r}")
        if self.lang not in LANGUAGES:
            raise PrinterConfigError(f"lang must be one of {LANGUAGES}, got {self.lang!r}")
        if not self.timeout > 0:
            raise PrinterConfigError(f"timeout must be > 0 seconds, got {self.timeout!r}")
        if not 0 < self.port < 65536:
            raise PrinterConfigError(f"port out of range: {self.port!r}")
        if self.kind == "network" and not self.host:
            raise PrinterConfigError("a network printer needs 'host'")
        if self.kind in ("serial", "file") and not self.device:
            raise PrinterConfigError(f"a {self.kind} printer needs 'device'")
        if self.kind == "usb" and (self.usb_vendor is None or self.usb_product is None):
            raise PrinterConfigError("a usb printer needs 'usb_vendor' and 'usb_product'")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> PrinterConfig:
        """Build a config from a plain mapping (e.g. parsed YAML), converting value types."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise PrinterConfigError(f"unknown printer config keys: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for key, raw in data.items():
            if raw is None:
                continue
            values[key] = _convert(key, raw)
        return cls(**values)

    @classmethod
    def from_yaml(cls, path: str | Path) -> PrinterConfig:
        """Load a config from a YAML file (flat, or nested under a top-level `printer:` key)."""
        import yaml

        try:
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh) or {}
        except OSError as exc:
            raise PrinterConfigError(f"cannot read printer config {path}: {exc}") from exc
        except yaml.YAMLError as exc:
            raise PrinterConfigError(f"invalid YAML in printer config {path}: {exc}") from exc
        if isinstance(data, dict) and isinstance(data.get("printer"), dict):
            data = data["printer"]
        if not isinstance(data, dict):
            raise PrinterConfigError(f"printer config {path} must be a mapping")
        return cls.from_mapping(data)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> PrinterConfig:
        """Build a config from TONGBAN_PRINTER_* variables (TONGBAN_PRINTER_CONFIG = YAML path)."""
        env = os.environ if environ is None else environ
        base: PrinterConfig | None = None
        yaml_path = env.get(ENV_PREFIX + "CONFIG")
        if yaml_path:
            base = cls.from_yaml(yaml_path)
        overrides: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                overrides[f.name] = _convert(f.name, raw)
        if base is None:
            return cls(**overrides)
        return replace(base, **overrides)


_INT_KEYS: Final = {
    "port",
    "usb_vendor",
    "usb_product",
    "usb_in_ep",
    "usb_out_ep",
    "baudrate",
    "paper",
}
_BOOL_KEYS: Final = {"native_qr", "status_check"}
_TRUE: Final = {"1", "true", "yes", "on"}
_FALSE: Final = {"0", "false", "no", "off"}


def _convert(key: str, raw: Any) -> Any:
    """Convert one raw config value (from YAML or env) to the field's type."""
    try:
        if key in _INT_KEYS:
            if isinstance(raw, bool):
                raise ValueError("boolean is not an integer")
            if isinstance(raw, int):
                return raw
            text = str(raw).strip().lower().removesuffix("mm")
            return int(text, 0)  # accepts 0x0416 for USB ids
        if key in _BOOL_KEYS:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError(f"not a boolean: {raw!r}")
        if key == "timeout":
            return float(raw)
        return str(raw).strip().lower() if key in ("kind", "encoding", "cut", "lang") else str(raw)
    except (TypeError, ValueError) as exc:
        raise PrinterConfigError(f"invalid value for printer config {key!r}: {raw!r}") from exc
