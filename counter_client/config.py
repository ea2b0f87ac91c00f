"""Small local configuration: server, hall, language, last window, shortcuts, rating link."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from counter_client.actions import ACTION_IDS, DEFAULT_SHORTCUTS

log = logging.getLogger(__name__)

DEFAULT_PATH = Path.home() / ".config" / "tongban" / "counter.json"
# The 好差评 link shown as a QR code after 办结 (the portal tracking page ends in the rating).
DEFAULT_RATING_URL = "{server}/t/{token}"


def default_path() -> Path:
    """TONGBAN_COUNTER_CONFIG, else ~/.config/tongban/counter.json."""
    env = os.environ.get("TONGBAN_COUNTER_CONFIG")
    return Path(env) if env else DEFAULT_PATH


@dataclass
class CounterConfig:
    """Settings remembered between runs; command-line flags override server/hall/lang."""

    server: str = "http://127.0.0.1:8000"
    hall: str = "demo"
    lang: str = "zh"
    username: str = ""
    window_id: int | None = None
    shortcuts: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SHORTCUTS))
    rating_url: str = DEFAULT_RATING_URL
    path: Path | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path | None = None) -> CounterConfig:
        """Read the JSON file (missing or broken file → defaults, with a log line)."""
        path = path or default_path()
        cfg = cls(path=path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cfg
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable config %s: %s", path, exc)
            return cfg
        if not isinstance(raw, dict):
            return cfg
        for key in ("server", "hall", "lang", "username", "rating_url"):
            if isinstance(raw.get(key), str):
                setattr(cfg, key, raw[key])
        if isinstance(raw.get("window_id"), int):
            cfg.window_id = raw["window_id"]
        cfg.shortcuts = merge_shortcuts(raw.get("shortcuts"))
        return cfg

    def save(self) -> None:
        """Write the JSON file (creating its folder)."""
        if self.path is None:
            return
        data: dict[str, Any] = asdict(self)
        data.pop("path", None)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError as exc:
            log.warning("could not save config %s: %s", self.path, exc)


def merge_shortcuts(custom: Any) -> dict[str, str]:
    """Defaults overridden by the config's shortcuts; unknown actions and clashes are ignored."""
    result = dict(DEFAULT_SHORTCUTS)
    if not isinstance(custom, dict):
        return result
    for action, key in custom.items():
        if action not in ACTION_IDS or not isinstance(key, str) or not key.strip():
            log.warning("ignoring shortcut %r=%r", action, key)
            continue
        result[action] = key.strip()
    seen: dict[str, str] = {}
    for action in ACTION_IDS:
        key = result[action].upper()
        if key in seen:
            log.warning("shortcut %s of %s clashes with %s; using default", key, action,
                        seen[key])
            result[action] = DEFAULT_SHORTCUTS[action]
        seen[result[action].upper()] = action
    return result
