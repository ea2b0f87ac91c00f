"""Voice packs: a folder of short WAV clips plus manifest.json, and the default espeak-ng pack.

manifest.json::

    {"name": "大厅录音", "sample_rate": 22050,
     "clips": {"qing": "qing.wav", "letter_a": "A.wav", "ling": "0.wav", ...}}

Clips may be any PCM WAV; ones in another format are converted with sox when the pack loads.
Clips missing from a hall's own pack fall back to the default pack.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import subprocess
import tempfile
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

from display.voice.phrases import CLIP_TEXT

log = logging.getLogger(__name__)

RATE = 22050
PACK_VERSION = 1
ESPEAK_VOICE = "cmn-latn-pinyin"
CHIME = "chime"


class VoiceUnavailable(RuntimeError):
    """The voice cannot be produced here (missing tool, clip or platform)."""


@dataclass
class Pcm:
    """Mono 16-bit samples at RATE."""

    samples: array

    @property
    def seconds(self) -> float:
        """Duration."""
        return len(self.samples) / RATE

    @classmethod
    def silence(cls, seconds: float) -> Pcm:
        """Zeros."""
        return cls(array("h", bytes(2 * int(RATE * seconds))))

    def trimmed(self, threshold: int = 300, keep: float = 0.01) -> Pcm:
        """Without leading and trailing near-silence (espeak pads its clips)."""
        s = self.samples
        start = next((i for i, v in enumerate(s) if abs(v) > threshold), None)
        if start is None:
            return Pcm(array("h"))
        end = next(i for i in range(len(s) - 1, -1, -1) if abs(s[i]) > threshold)
        pad = int(RATE * keep)
        return Pcm(s[max(0, start - pad): min(len(s), end + pad + 1)])


def read_wav(path: Path) -> Pcm:
    """Load a clip as mono 16-bit at RATE (converting with sox if it is in another format)."""
    with wave.open(str(path), "rb") as w:
        fmt = (w.getnchannels(), w.getsampwidth(), w.getframerate())
        frames = w.readframes(w.getnframes())
    if fmt != (1, 2, RATE):
        frames = _convert_with_sox(path)
    samples = array("h")
    samples.frombytes(frames)
    return Pcm(samples)


def _convert_with_sox(path: Path) -> bytes:
    sox = shutil.which("sox")
    if sox is None:
        raise VoiceUnavailable(f"{path.name}: not mono 16-bit {RATE} Hz and sox is not installed")
    out = subprocess.run([sox, "-D", str(path), "-t", "raw", "-e", "signed", "-b", "16", "-c", "1",
                          "-r", str(RATE), "-L", "-"], capture_output=True, check=True)
    return out.stdout


def wav_bytes(pcm: Pcm) -> bytes:
    """A complete WAV file for the samples."""
    import io

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.samples.tobytes())
    return buf.getvalue()


def write_wav(path: Path, pcm: Pcm) -> None:
    """Write samples as a WAV file."""
    path.write_bytes(wav_bytes(pcm))


def synth_chime(seconds: float = 1.1, volume: float = 0.45) -> Pcm:
    """A two-tone "ding-dong" (E6 then C6) with bell-like decay; pure math, no numpy."""
    out = array("h")
    notes = ((1318.5, 0.0), (1046.5, seconds * 0.42))
    total = int(RATE * seconds)
    for i in range(total):
        t = i / RATE
        v = 0.0
        for freq, start in notes:
            if t >= start:
                dt = t - start
                env = math.exp(-dt * 4.0) * min(1.0, dt * 200)  # 5 ms attack avoids a click
                v += env * (math.sin(2 * math.pi * freq * dt)
                            + 0.3 * math.sin(2 * math.pi * freq * 2 * dt))
        out.append(int(max(-1.0, min(1.0, v * volume)) * 32767))
    return Pcm(out)


class VoicePack:
    """Clips by name, loaded lazily from a folder with a manifest."""

    def __init__(self, folder: Path, fallback: VoicePack | None = None) -> None:
        self.folder = Path(folder)
        manifest = json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))
        self.name: str = manifest.get("name", self.folder.name)
        self.files: dict[str, str] = dict(manifest.get("clips", {}))
        self.fallback = fallback
        self._cache: dict[str, Pcm] = {}

    def has(self, name: str) -> bool:
        """Whether this pack (or its fallback) provides the clip."""
        return name in self.files or (self.fallback is not None and self.fallback.has(name))

    def missing(self, names: list[str]) -> list[str]:
        """Clip names this pack cannot provide (pause markers like "_" need no clip)."""
        return [n for n in names if not n.startswith("_") and not self.has(n)]

    def clip(self, name: str) -> Pcm:
        """One clip, trimmed of padding silence (the chime is kept as it is)."""
        if name in self._cache:
            return self._cache[name]
        if name not in self.files:
            if self.fallback is not None:
                return self.fallback.clip(name)
            raise VoiceUnavailable(f"voice pack {self.name!r} has no clip {name!r}")
        pcm = read_wav(self.folder / self.files[name])
        if name != CHIME:
            pcm = pcm.trimmed()
        self._cache[name] = pcm
        return pcm


def default_cache_dir() -> Path:
    """Where the generated pack lives: $TONGBAN_VOICE_CACHE or ~/.cache/tongban/voice."""
    env = os.environ.get("TONGBAN_VOICE_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tongban" / "voice"


def espeak_available() -> bool:
    """Whether espeak-ng with the pinyin Mandarin voice is installed."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        return False
    out = subprocess.run([exe, "--voices=cmn"], capture_output=True, text=True, check=False)
    return ESPEAK_VOICE in out.stdout


def ensure_default_pack(cache_dir: Path | None = None, *, speed: int = 150) -> Path:
    """Generate the espeak-ng pack on first use (fast, ~50 tiny clips) and return its folder."""
    folder = (cache_dir or default_cache_dir()) / f"espeak-{ESPEAK_VOICE}-v{PACK_VERSION}"
    manifest = folder / "manifest.json"
    if manifest.exists():
        return folder
    exe = shutil.which("espeak-ng")
    if exe is None or not espeak_available():
        raise VoiceUnavailable("espeak-ng with the cmn-latn-pinyin voice is not installed")
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="pack-", dir=folder.parent))
    clips: dict[str, str] = {}
    for name, pinyin in CLIP_TEXT.items():
        raw = work / f"{name}.raw.wav"
        subprocess.run([exe, "-v", ESPEAK_VOICE, "-s", str(speed), "-w", str(raw), pinyin],
                       check=True, capture_output=True)
        write_wav(work / f"{name}.wav", read_wav(raw))  # normalise to mono 16-bit RATE
        raw.unlink()
        clips[name] = f"{name}.wav"
    write_wav(work / f"{CHIME}.wav", synth_chime())
    clips[CHIME] = f"{CHIME}.wav"
    (work / "manifest.json").write_text(json.dumps(
        {"name": f"espeak-ng {ESPEAK_VOICE}", "version": PACK_VERSION, "sample_rate": RATE,
         "clips": clips}, ensure_ascii=False, indent=1), encoding="utf-8")
    try:
        work.rename(folder)  # atomic: a half-written pack is never picked up
    except OSError:
        shutil.rmtree(work, ignore_errors=True)  # another process won the race
    log.info("generated default voice pack in %s", folder)
    return folder


def peak(pcm: Pcm) -> int:
    """Largest absolute sample (tests and diagnostics)."""
    return max((abs(v) for v in pcm.samples), default=0)


def rms(pcm: Pcm) -> float:
    """Root mean square level."""
    if not pcm.samples:
        return 0.0
    return math.sqrt(sum(v * v for v in pcm.samples) / len(pcm.samples))


def pcm_from_wav_bytes(data: bytes) -> Pcm:
    """Parse a mono 16-bit RATE WAV produced by `wav_bytes`."""
    import io

    with wave.open(io.BytesIO(data), "rb") as w:
        if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, RATE):
            raise ValueError("unexpected WAV format")
        samples = array("h")
        samples.frombytes(w.readframes(w.getnframes()))
    return Pcm(samples)


__all__ = ["CHIME", "RATE", "Pcm", "VoicePack", "VoiceUnavailable", "ensure_default_pack",
           "espeak_available", "peak", "pcm_from_wav_bytes", "read_wav", "rms", "synth_chime",
           "wav_bytes", "write_wav"]
