"""Audio outputs behind one interface: command-line players, a capture sink for tests."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

# Player commands in order of preference; "{file}" is replaced by the WAV path.
PLAYERS: dict[str, list[str]] = {
    "paplay": ["paplay", "{file}"],
    "aplay": ["aplay", "-q", "{file}"],
    "sox": ["play", "-q", "{file}"],
}


class AudioSink(Protocol):
    """Plays one WAV to the end (blocking); called from the announcer's thread only."""

    name: str

    def play(self, wav: bytes) -> None:
        """Play and return when done."""


class CaptureSink:
    """Keeps every WAV it is given (tests, diagnostics) and optionally saves them."""

    name = "capture"

    def __init__(self, save_dir: Path | None = None) -> None:
        self.played: list[bytes] = []
        self.save_dir = save_dir
        self._lock = threading.Lock()

    def play(self, wav: bytes) -> None:
        """Record instead of playing."""
        with self._lock:
            self.played.append(wav)
            index = len(self.played)
        if self.save_dir is not None:
            self.save_dir.mkdir(parents=True, exist_ok=True)
            (self.save_dir / f"announcement-{index:03d}.wav").write_bytes(wav)


class NullSink:
    """Discards audio (a screen without speakers)."""

    name = "none"

    def play(self, wav: bytes) -> None:
        """Nothing to do."""


class CommandSink:
    """Plays through an external player (paplay, aplay, sox's play)."""

    def __init__(self, player: str) -> None:
        if player not in PLAYERS:
            raise ValueError(f"unknown player {player!r}")
        self.name = player
        self.command = PLAYERS[player]

    @staticmethod
    def available(player: str) -> bool:
        """Whether the player's executable is installed."""
        return shutil.which(PLAYERS[player][0]) is not None

    def play(self, wav: bytes) -> None:
        """Write a temporary file and run the player on it."""
        with tempfile.NamedTemporaryFile(suffix=".wav") as f:
            f.write(wav)
            f.flush()
            cmd = [part.replace("{file}", f.name) for part in self.command]
            result = subprocess.run(cmd, capture_output=True, check=False, timeout=120)
            if result.returncode != 0:
                err = result.stderr.decode(errors="replace")[-300:]
                log.warning("%s failed: %s", self.name, err)


def make_sink(kind: str = "auto") -> AudioSink:
    """The requested sink; "auto" takes the first installed player, else a NullSink."""
    if kind == "none":
        return NullSink()
    if kind == "capture":
        return CaptureSink()
    if kind != "auto":
        return CommandSink(kind)
    for player in PLAYERS:
        if CommandSink.available(player):
            return CommandSink(player)
    log.warning("no audio player found (paplay/aplay/play); announcements are silent")
    return NullSink()
