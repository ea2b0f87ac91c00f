"""Counter settings: defaults < config file < TONGBAN_COUNTER_* environment < CLI flags.

Read by the hall apps' one loader (`hallclient.settings`). The file (JSON or YAML, default
~/.config/tongban/counter.json) also remembers the last username and window: `save()` writes
just those two back into it, so flags given once are not made permanent.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from counter_client.actions import ACTION_IDS, DEFAULT_SHORTCUTS
from hallclient.settings import SettingsError, load_settings, setting
from printers import PrinterConfig

log = logging.getLogger(__name__)

APP = "counter"
DEFAULT_PATH = Path.home() / ".config" / "tongban" / "counter.json"
# The 好差评 link shown as a QR code after 办结 (the portal tracking page ends in the rating).
DEFAULT_RATING_URL = "{server}/t/{token}"
REMEMBERED = ("username", "window_id")


def default_path() -> Path:
    """TONGBAN_COUNTER_CONFIG, else ~/.config/tongban/counter.json."""
    env = os.environ.get("TONGBAN_COUNTER_CONFIG")
    return Path(env).expanduser() if env else DEFAULT_PATH


def _shortcuts(raw: Any, _environ: Mapping[str, str]) -> dict[str, str]:
    if isinstance(raw, str):
        raw = json.loads(raw)
    if raw is not None and not isinstance(raw, Mapping):
        raise SettingsError(f"shortcuts must map actions to keys, got {raw!r}")
    return merge_shortcuts(raw)


def _printer(raw: Any, _environ: Mapping[str, str]) -> PrinterConfig | None:
    """The counter's own slip printer: a mapping, a printer YAML path, or none."""
    if raw in (None, "", "none", False):
        return None
    if isinstance(raw, PrinterConfig):
        return raw
    if isinstance(raw, Mapping):
        return PrinterConfig.from_mapping(raw)
    return PrinterConfig.from_yaml(str(raw))


@dataclass
class CounterConfig:
    """The counter's settings (flags override server/hall/lang for one run)."""

    server: str = setting("http://127.0.0.1:8000", help="server base URL", metavar="URL")
    hall: str = setting("demo", help="hall code (the clerk's hall wins after login)")
    lang: str = setting("zh", help="UI language", choices=("zh", "en"))
    username: str = setting("", help="username offered at login (remembered)")
    window_id: int | None = setting(None, help="window chosen at login (remembered)")
    shortcuts: dict[str, str] = setting(
        help="action → key map, e.g. {\"call\": \"F1\"} (config file or JSON in the env)",
        default_factory=lambda: dict(DEFAULT_SHORTCUTS), parse=_shortcuts, cli=False)
    rating_url: str = setting(DEFAULT_RATING_URL, help="好差评 link shown as a QR after 办结")
    printer: PrinterConfig | None = setting(
        None, help="slip printer of this counter for 补打小票: a printer YAML file (a config "
        "file may hold a `printer:` mapping); none = show the slip preview", parse=_printer,
        metavar="YAML")
    http_timeout: float = setting(10.0, help="seconds before a server request gives up")
    accept_after_complete: bool = setting(
        True, help="open the 办件受理 dialog after 办结 of a service with materials")
    path: Path | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Validate values."""
        if not self.server.startswith(("http://", "https://")):
            raise SettingsError(f"server must be an http(s) URL, got {self.server!r}")
        if self.http_timeout <= 0:
            raise SettingsError("http_timeout must be > 0")

    @classmethod
    def load(cls, path: Path | None = None, *, environ: Mapping[str, str] | None = None,
             **overrides: Any) -> CounterConfig:
        """File (missing: defaults) < TONGBAN_COUNTER_* < overrides; bad values raise."""
        file = Path(path).expanduser() if path else default_path()
        return load_settings(cls, APP, path=file, environ=environ, overrides=overrides,
                             extra={"path": file}, path_must_exist=False)

    def save(self) -> None:
        """Write the remembered username and window into the file (keeping its other keys)."""
        if self.path is None:
            return
        data: dict[str, Any] = {}
        yaml_file = self.path.suffix.lower() in (".yaml", ".yml")
        try:
            if self.path.exists():
                text = self.path.read_text(encoding="utf-8")
                if yaml_file:
                    import yaml

                    data = yaml.safe_load(text) or {}
                else:
                    data = json.loads(text) if text.strip() else {}
        except (OSError, ValueError) as exc:
            log.warning("not saving to unreadable config %s: %s", self.path, exc)
            return
        if not isinstance(data, dict):
            return
        target = data["counter"] if isinstance(data.get("counter"), dict) else data
        for key in REMEMBERED:
            target[key] = getattr(self, key)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if yaml_file:
                import yaml

                text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
            else:
                text = json.dumps(data, ensure_ascii=False, indent=2)
            self.path.write_text(text, encoding="utf-8")
        except OSError as exc:
            log.warning("could not save config %s: %s", self.path, exc)


def merge_shortcuts(custom: Any) -> dict[str, str]:
    """Defaults overridden by the config's shortcuts; unknown actions are ignored.

    A clash never binds one key twice: a configured key wins over another action's default
    (that action falls back to its own default if free, else gets no key); of two configured
    keys the first action in the table keeps it."""
    result = dict(DEFAULT_SHORTCUTS)
    if not isinstance(custom, dict):
        return result
    chosen: set[str] = set()
    for action, key in custom.items():
        if action not in ACTION_IDS or not isinstance(key, str) or not key.strip():
            log.warning("ignoring shortcut %r=%r", action, key)
            continue
        result[action] = key.strip()
        chosen.add(action)
    seen: dict[str, str] = {}
    order = sorted(ACTION_IDS, key=lambda a: a not in chosen)  # configured ones first
    for action in order:
        key = result[action].upper()
        if key in seen:
            fallback = DEFAULT_SHORTCUTS[action]
            free = fallback.upper() not in seen and fallback.upper() not in {
                result[a].upper() for a in chosen if a != action}
            log.warning("shortcut %s of %s clashes with %s; using %s", key, action, seen[key],
                        fallback if free else "none")
            result[action] = fallback if free else ""
        if result[action]:
            seen[result[action].upper()] = action
    return result
