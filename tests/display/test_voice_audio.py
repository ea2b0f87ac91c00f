"""Announcement audio: a real WAV from the espeak-ng pack, chime, repeats, hall recordings."""

from __future__ import annotations

import json
import math
import re
import subprocess
import threading
import time
import wave
from array import array
from pathlib import Path

from display.controller import Call
from display.voice.announcer import Announcer
from display.voice.engine import ClipVoice, SapiVoice, VoiceSettings, make_voice
from display.voice.pack import (
    CHIME,
    RATE,
    Pcm,
    VoicePack,
    ensure_default_pack,
    pcm_from_wav_bytes,
    rms,
)
from display.voice.phrases import call_clips
from display.voice.sinks import CaptureSink

A012 = Call(seq=7, number="A012", window_number=3)


def _segment_rms(pcm: Pcm, start: float, end: float) -> float:
    return rms(Pcm(pcm.samples[int(start * RATE): int(end * RATE)]))


def test_one_call_is_a_real_wav_with_chime_and_two_sentences(
        voice_cache: Path, display_artifacts: Path, tmp_path: Path) -> None:
    settings = VoiceSettings(repeat=2)
    voice = ClipVoice.default(settings, cache_dir=voice_cache)
    sink = CaptureSink(save_dir=tmp_path)
    announcer = Announcer(voice, sink)
    assert announcer.submit(A012)
    assert announcer.wait_idle(30)
    announcer.stop()
    assert len(sink.played) == 1
    wav_path = display_artifacts / "announcement-A012-window3.wav"
    wav_path.write_bytes(sink.played[0])

    with wave.open(str(wav_path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE)
        seconds = w.getnframes() / w.getframerate()
    pack = voice.pack
    sentence = sum(pack.clip(n).seconds for n in call_clips("A012", 3) if n != "_")
    # chime, pause, sentence, pause, sentence; 2 word gaps and 8 syllable gaps per sentence
    expected = (pack.clip(CHIME).seconds + 2 * settings.repeat_gap + 2 * sentence
                + 4 * settings.word_gap + 2 * 8 * settings.syllable_gap)
    assert abs(seconds - expected) < 0.05, (seconds, expected)
    assert 4.0 < seconds < 20.0

    pcm = pcm_from_wav_bytes(sink.played[0])
    chime_end = pack.clip(CHIME).seconds
    assert _segment_rms(pcm, 0.0, 0.3) > 1500  # the chime opens the announcement
    gap = _segment_rms(pcm, chime_end + 0.05, chime_end + settings.repeat_gap - 0.05)
    assert gap < 50  # then a pause
    speech = _segment_rms(pcm, chime_end + settings.repeat_gap, seconds)
    assert speech > 1000  # then speech, not silence

    # sox agrees: loud enough and as long as the wave module says.
    stat = subprocess.run(["sox", str(wav_path), "-n", "stat"], capture_output=True, text=True)
    figures = dict(re.findall(r"^(.+?):\s+(-?[\d.]+)$", stat.stderr, re.M))
    assert abs(float(figures["Length (seconds)"]) - seconds) < 0.001
    assert float(figures["RMS     amplitude"]) > 0.03


def test_repeat_and_chime_settings_change_the_audio(voice_cache: Path) -> None:
    once = ClipVoice.default(VoiceSettings(repeat=1, chime=False), cache_dir=voice_cache)
    twice = ClipVoice.default(VoiceSettings(repeat=2, chime=False), cache_dir=voice_cache)
    a, b = once.pcm(A012), twice.pcm(A012)
    assert abs(b.seconds - (2 * a.seconds + 0.8)) < 0.01
    yao = ClipVoice.default(VoiceSettings(repeat=1, chime=False, style="yao"),
                            cache_dir=voice_cache)
    assert yao.pcm(A012).seconds < a.seconds  # A 幺二 is shorter than A 零一二


def test_hall_recordings_override_clips_and_fall_back_to_default(
        voice_cache: Path, tmp_path: Path) -> None:
    # A hall drops in its own 44.1 kHz stereo recording of 请 (here: a 440 Hz tone).
    folder = tmp_path / "hall-pack"
    folder.mkdir()
    frames = array("h")
    for i in range(44100 // 2):
        v = int(12000 * math.sin(2 * math.pi * 440 * i / 44100))
        frames.extend((v, v))
    with wave.open(str(folder / "qing-recorded.wav"), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(frames.tobytes())
    (folder / "manifest.json").write_text(json.dumps(
        {"name": "示范大厅录音", "clips": {"qing": "qing-recorded.wav"}}), encoding="utf-8")
    base = VoicePack(ensure_default_pack(voice_cache))
    pack = VoicePack(folder, fallback=base)
    qing = pack.clip("qing")
    assert abs(qing.seconds - 0.5) < 0.02  # converted by sox to mono 22.05 kHz, kept whole
    assert len(qing.samples) != len(base.clip("qing").samples)
    assert pack.clip("san").samples.tobytes() == base.clip("san").samples.tobytes()
    assert pack.missing(call_clips("Z999", 999)) == []
    voice = ClipVoice.default(VoiceSettings(repeat=1, chime=False), cache_dir=voice_cache,
                              custom=folder)
    head = voice.pcm(A012).samples[: int(0.4 * RATE)]
    crossings = sum(1 for a, b in zip(head, head[1:], strict=False) if (a < 0) != (b < 0))
    assert abs(crossings - 2 * 440 * 0.4) < 8, "the sentence starts with the hall's own 请"


def test_sapi_reports_unavailable_on_linux_and_clip_voice_is_used(voice_cache: Path) -> None:
    assert SapiVoice().available() is False
    voice = make_voice("sapi", VoiceSettings(), cache_dir=voice_cache)
    assert isinstance(voice, ClipVoice)


class SlowSink:
    """Plays by sleeping a little; records how many plays ever overlapped."""

    name = "slow"

    def __init__(self) -> None:
        self.active = 0
        self.max_active = 0
        self.order: list[int] = []
        self.lock = threading.Lock()

    def play(self, wav: bytes) -> None:
        with self.lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        time.sleep(0.05)
        self.order.append(len(wav))
        with self.lock:
            self.active -= 1


def test_announcements_are_queued_never_overlap_and_never_repeat(voice_cache: Path) -> None:
    voice = ClipVoice.default(VoiceSettings(repeat=1), cache_dir=voice_cache)
    sink = SlowSink()
    announcer = Announcer(voice, sink)
    calls = [Call(seq=10 + i, number=f"A{i:03d}", window_number=1 + i % 3) for i in range(6)]
    results = []
    threads = [threading.Thread(target=lambda c=c: results.append(announcer.submit(c)))
               for c in calls[:3]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in calls[3:]:
        results.append(announcer.submit(c))
    results.append(announcer.submit(calls[1]))  # replayed: refused
    assert announcer.wait_idle(30)
    announcer.stop()
    assert results.count(True) == 6 and results[-1] is False
    assert sink.max_active == 1
    assert len(sink.order) == 6
    assert [c.seq for c in announcer.announced][3:] == [13, 14, 15]
