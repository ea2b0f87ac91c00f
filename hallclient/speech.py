"""Spoken prompts for the hall apps, Qt-free: espeak-ng sentences played by a command player.

The wall display reads calls from a clip pack generated with the same espeak-ng voice
(display/voice); short prompts such as the kiosk's 请刷身份证 are rendered as one sentence.
Text goes to espeak-ng as tone-numbered pinyin (cmn-latn-pinyin), so every syllable and the
reading of ticket numbers are fixed, not guessed from characters.
"""

from __future__ import annotations

import logging
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

VOICES = {"zh": "cmn-latn-pinyin", "en": "en"}
PLAYERS: dict[str, list[str]] = {  # in order of preference; {file} is the WAV path
    "paplay": ["paplay", "{file}"],
    "aplay": ["aplay", "-q", "{file}"],
    "sox": ["play", "-q", "{file}"],
}
RENDER_TIMEOUT = 20.0  # seconds for espeak-ng or a player: a hung one must not block later ones
DIGITS = ("ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3")
# Letters as Chinese speakers say the English letter names (the display's reading too).
LETTERS: dict[str, str] = {
    "A": "ei1", "B": "bi4", "C": "xi1", "D": "di4", "E": "yi4", "F": "ai2 fu1", "G": "ji4",
    "H": "ai1 qi1", "I": "ai4", "J": "jie4", "K": "kai4", "L": "ai2 le1", "M": "ai2 mu1",
    "N": "en1", "O": "ou1", "P": "pi4", "Q": "kiu1", "R": "a1 er4", "S": "ai1 si1", "T": "ti4",
    "U": "you1", "V": "wei1", "W": "da1 bu1 liu1", "X": "ai1 ke4 si1", "Y": "wai4", "Z": "zei4",
}


def number_pinyin(number: str) -> str:
    """A ticket number as it is read in a hall: A012 → 'ei1 ling2 yi1 er4' (digit by digit)."""
    parts = [LETTERS[ch] if ch.isalpha() else DIGITS[int(ch)]
             for ch in number.upper() if ch in LETTERS or ch.isdigit()]
    return " ".join(parts)


@dataclass(frozen=True)
class Phrase:
    """One prompt: `key` names it (logs, tests), `zh` is what it says, `pinyin` how."""

    key: str
    zh: str
    pinyin: str
    en: str

    def spoken(self, lang: str) -> tuple[str, str]:
        """(espeak-ng voice, text) for the screen language."""
        return (VOICES["en"], self.en) if lang == "en" else (VOICES["zh"], self.pinyin)


class Speaker(Protocol):
    """Says prompts without blocking the caller."""

    def say(self, phrase: Phrase, lang: str = "zh") -> None:
        """Queue `phrase`; a newer prompt replaces one not yet started."""


def espeak_wav(voice: str, text: str, *, speed: int = 150) -> bytes:
    """WAV bytes of `text` spoken by espeak-ng (raises RuntimeError when it cannot)."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RuntimeError("espeak-ng is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prompt.wav"
        subprocess.run([exe, "-v", voice, "-s", str(speed), "-w", str(path), text],
                       check=True, capture_output=True, timeout=RENDER_TIMEOUT)
        return path.read_bytes()


def player_sink(player: str = "auto") -> Callable[[bytes], None] | None:
    """A function playing WAV bytes with the named (or first installed) player; None: none."""
    names = list(PLAYERS) if player == "auto" else [player]
    for name in names:
        command = PLAYERS.get(name)
        if command and shutil.which(command[0]):
            return lambda wav, cmd=command: _play(cmd, wav)
    log.warning("no audio player (%s) found: spoken prompts are off", ", ".join(names))
    return None


def _play(command: list[str], wav: bytes) -> None:
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        f.write(wav)
        f.flush()
        cmd = [part.replace("{file}", f.name) for part in command]
        result = subprocess.run(cmd, capture_output=True, check=False, timeout=RENDER_TIMEOUT)
        if result.returncode != 0:
            log.warning("%s failed: %s", cmd[0], result.stderr.decode(errors="replace")[-300:])


class EspeakSpeaker:
    """Renders prompts with espeak-ng and plays them one at a time in a background thread."""

    def __init__(self, sink: Callable[[bytes], None], *,
                 render: Callable[[str, str], bytes] = espeak_wav) -> None:
        self.sink = sink
        self.render = render
        self.spoken: list[Phrase] = []  # in the order they were played (diagnostics, tests)
        self._queue: queue.Queue[tuple[Phrase, str] | None] = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)
        self._thread.start()

    def say(self, phrase: Phrase, lang: str = "zh") -> None:
        """Queue a prompt; prompts still waiting are dropped (only the newest is worth saying)."""
        with self._idle:
            while True:
                try:
                    dropped = self._queue.get_nowait()
                except queue.Empty:
                    break
                if dropped is not None:
                    self._pending -= 1
            self._pending += 1
        self._queue.put((phrase, lang))

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until everything queued has been played (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def stop(self) -> None:
        """Finish the current prompt and end the thread."""
        self._queue.put(None)
        self._thread.join(RENDER_TIMEOUT)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            phrase, lang = item
            try:
                self.sink(self.render(*phrase.spoken(lang)))
                self.spoken.append(phrase)
            except Exception:  # a broken voice or player must not stop later prompts
                log.exception("prompt %s not spoken", phrase.key)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()


def make_speaker(kind: str, player: str = "auto") -> EspeakSpeaker | None:
    """The configured speaker: "espeak" (default) or "off"; None when it cannot work here."""
    if kind in ("off", "none", ""):
        return None
    if kind != "espeak":
        log.warning("unknown voice %r: spoken prompts are off", kind)
        return None
    if shutil.which("espeak-ng") is None:
        log.warning("espeak-ng is not installed: spoken prompts are off")
        return None
    sink = player_sink(player)
    return EspeakSpeaker(sink) if sink is not None else None
