"""Voices behind one interface: the clip-pack voice (default) and Windows SAPI (optional)."""

from __future__ import annotations

import logging
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from display.controller import Call
from display.voice.pack import (
    CHIME,
    Pcm,
    VoicePack,
    VoiceUnavailable,
    ensure_default_pack,
    read_wav,
    wav_bytes,
)
from display.voice.phrases import GAP, PhraseOptions, call_clips, spoken_text

log = logging.getLogger(__name__)

REPEAT_GAP = "__"


@dataclass(frozen=True)
class VoiceSettings:
    """How a call is read out."""

    style: str = "ling"  # ling: A 零一二 · yao: A 幺二
    repeat: int = 2  # the sentence is said this many times per call
    chime: bool = True
    syllable_gap: float = 0.03
    word_gap: float = 0.15
    repeat_gap: float = 0.8

    @property
    def phrase(self) -> PhraseOptions:
        """Number-reading options."""
        return PhraseOptions(style=self.style)


def announcement_clips(call: Call, settings: VoiceSettings) -> list[str]:
    """The full clip sequence of one announcement: chime, then the sentence `repeat` times."""
    sentence = call_clips(call.number, call.window_number, settings.phrase)
    out: list[str] = [CHIME, REPEAT_GAP] if settings.chime else []
    for i in range(max(1, settings.repeat)):
        if i:
            out.append(REPEAT_GAP)
        out += sentence
    return out


class Voice(Protocol):
    """Turns a call into the WAV bytes of its whole announcement."""

    name: str

    def available(self) -> bool:
        """Whether this voice works on this machine."""

    def render(self, call: Call) -> bytes:
        """WAV bytes (mono 16-bit) of the announcement."""


class ClipVoice:
    """Concatenates clips from a voice pack (the espeak-ng default or a hall's recordings)."""

    name = "clips"

    def __init__(self, pack: VoicePack, settings: VoiceSettings | None = None) -> None:
        self.pack = pack
        self.settings = settings or VoiceSettings()

    @classmethod
    def default(cls, settings: VoiceSettings | None = None, *, cache_dir: Path | None = None,
                custom: Path | None = None) -> ClipVoice:
        """The generated espeak-ng pack, under a hall's own recordings when given."""
        base = VoicePack(ensure_default_pack(cache_dir))
        pack = VoicePack(custom, fallback=base) if custom else base
        return cls(pack, settings)

    def available(self) -> bool:
        """Packs are plain files: available once loaded."""
        return True

    def pcm(self, call: Call) -> Pcm:
        """The announcement as samples."""
        s = self.settings
        out = Pcm.silence(0.0).samples
        previous_word = True
        for name in announcement_clips(call, s):
            if name == REPEAT_GAP:
                out.extend(Pcm.silence(s.repeat_gap).samples)
                previous_word = True
            elif name == GAP:
                out.extend(Pcm.silence(s.word_gap).samples)
                previous_word = True
            else:
                if not previous_word:
                    out.extend(Pcm.silence(s.syllable_gap).samples)
                out.extend(self.pack.clip(name).samples)
                previous_word = False
        return Pcm(out)

    def render(self, call: Call) -> bytes:
        """WAV bytes of the announcement."""
        return wav_bytes(self.pcm(call))


class SapiVoice:
    """Windows SAPI 5 (a Chinese voice such as Huihui) through pywin32; Linux: unavailable."""

    name = "sapi"

    def __init__(self, settings: VoiceSettings | None = None, chime: VoicePack | None = None,
                 voice_hint: str = "Chinese") -> None:
        self.settings = settings or VoiceSettings()
        self.chime_pack = chime
        self.voice_hint = voice_hint

    def available(self) -> bool:
        """True only on Windows with pywin32 and SAPI present."""
        if sys.platform != "win32":
            return False
        try:
            import win32com.client  # type: ignore[import-not-found]

            win32com.client.Dispatch("SAPI.SpVoice")
        except Exception:  # any COM/import failure means "not here"
            return False
        return True

    def render(self, call: Call) -> bytes:
        """Speak into a WAV file with SAPI, then add chime and repeats."""
        if not self.available():
            raise VoiceUnavailable("Windows SAPI is not available on this machine")
        import win32com.client  # type: ignore[import-not-found]

        text = spoken_text(call.number, call.window_number, self.settings.phrase)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "sapi.wav"
            stream = win32com.client.Dispatch("SAPI.SpFileStream")
            fmt = win32com.client.Dispatch("SAPI.SpAudioFormat")
            fmt.Type = 22  # SAFT22kHz16BitMono, the pack's format
            stream.Format = fmt
            stream.Open(str(path), 3)  # SSFMCreateForWrite
            voice = win32com.client.Dispatch("SAPI.SpVoice")
            for token in voice.GetVoices():
                if self.voice_hint.lower() in token.GetDescription().lower():
                    voice.Voice = token
                    break
            voice.AudioOutputStream = stream
            voice.Speak(text)
            stream.Close()
            sentence = read_wav(path).samples
        s = self.settings
        out = Pcm.silence(0.0).samples
        if s.chime and self.chime_pack is not None:
            out.extend(self.chime_pack.clip(CHIME).samples)
            out.extend(Pcm.silence(s.repeat_gap).samples)
        for i in range(max(1, s.repeat)):
            if i:
                out.extend(Pcm.silence(s.repeat_gap).samples)
            out.extend(sentence)
        return wav_bytes(Pcm(out))


def make_voice(kind: str, settings: VoiceSettings, *, cache_dir: Path | None = None,
               custom: Path | None = None) -> Voice | None:
    """The requested voice, or the clip voice when SAPI is unavailable; None if none works."""
    try:
        clips = ClipVoice.default(settings, cache_dir=cache_dir, custom=custom)
    except VoiceUnavailable as exc:
        log.warning("clip voice unavailable: %s", exc)
        clips = None
    if kind == "sapi":
        sapi = SapiVoice(settings, chime=clips.pack if clips else None)
        if sapi.available():
            return sapi
        log.warning("SAPI voice unavailable on this machine; using the clip voice")
    return clips
