"""Issue 16 at the kiosk: spoken prompts (real espeak-ng audio), 大字版 as a home tile with
fonts measured at 1.6x, what to bring when pre-review rejected or missed a material, and
直接取号 when no appointment is found."""

from __future__ import annotations

import io
import math
import shutil
import threading
import time
import wave
from array import array
from typing import Any

import httpx
import pytest
from PyQt5.QtWidgets import QLabel, QPushButton, QWidget

from hallclient.speech import EspeakSpeaker, make_speaker, number_pinyin
from kiosk.controller import to_bring
from kiosk.state import Screen
from kiosk.voice import SWIPE_ID, your_number
from tests.support.api import HUKOU
from tests.support.live import LiveServer
from tests.support.online import book_appointment, make_id_number, random_phone, sample_png

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng is not installed")


def speech_level(wav: bytes) -> tuple[float, float]:
    """(seconds, RMS level) of a mono 16-bit WAV."""
    with wave.open(io.BytesIO(wav), "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        samples = array("h", w.readframes(w.getnframes()))
        seconds = w.getnframes() / w.getframerate()
    rms = math.sqrt(sum(v * v for v in samples) / max(1, len(samples)))
    return seconds, rms


@needs_espeak
def test_id_prompt_and_number_are_spoken(kiosk: Any) -> None:
    """请刷身份证 when the ID prompt opens, 您的号码是 <number> 号 after issuing, as real
    audio; nothing else is said."""
    played: list[bytes] = []
    speaker = EspeakSpeaker(played.append)
    h = kiosk(speaker=speaker)
    h.open_id_prompt("户籍", "户口迁移登记")
    h.click(h.ctl.text("skip"))
    h.wait_screen("ticket")
    number = h.ctl.state.ticket["number"]
    assert speaker.wait_idle(30)
    assert [p.zh for p in speaker.spoken] == ["请刷身份证", f"您的号码是 {number} 号，请取走号票"]
    assert speaker.spoken[0].pinyin == "qing3 shua1 shen1 fen4 zheng4"
    # the number is read letter by letter, digit by digit, as the wall display reads calls
    assert f"shi4 {number_pinyin(number)} hao4" in speaker.spoken[1].pinyin
    assert number_pinyin("A012") == "ei1 ling2 yi1 er4"
    assert len(played) == 2
    for wav in played:
        seconds, rms = speech_level(wav)
        assert 0.8 < seconds < 15 and rms > 300  # a sentence, not silence
    speaker.stop()


def test_voice_off_says_nothing(kiosk: Any) -> None:
    """voice: off (the config switch) → no speaker at all."""
    assert make_speaker("off") is None
    h = kiosk(voice="off")
    assert h.app.speaker is None and h.ctl.speaker is None


def test_large_tile_scales_every_font_by_at_least_1_6(kiosk: Any) -> None:
    """The 大字版 tile on home switches every text to ≥1.6x its standard pixel size (tiles,
    titles, keypad keys, hints, the ticket number); the tile then offers 标准版."""
    h = kiosk()

    staff = h.window.screens[Screen.MAINTENANCE]  # staff screens keep the standard sizes

    def sizes() -> dict[QWidget, int]:
        return {w: w.font().pixelSize() for w in h.window.findChildren((QLabel, QPushButton))
                if w.objectName() and w.font().pixelSize() > 0 and not staff.isAncestorOf(w)}

    normal = sizes()
    tile = h.window.screens[h.ctl.state.screen].tiles["large"]
    assert "大字版" in tile.title_label.text()
    h.click("大字版")
    h.qtbot.waitUntil(lambda: h.ctl.state.large)
    large = sizes()
    names = {w.objectName() for w in normal}
    assert {"tileTitle", "tileSub", "title", "subtitle", "hint", "strong", "field", "key",
            "hallName", "primary", "plain", "bigNumber"} <= names
    small = {(w.objectName(), normal[w], large[w]) for w in normal
             if large[w] < 1.6 * normal[w] - 0.5}
    assert not small, small
    assert "标准版" in tile.title_label.text()
    h.click("标准版")
    h.qtbot.waitUntil(lambda: not h.ctl.state.large)
    assert sizes()[tile.title_label] == normal[tile.title_label]


def test_checkin_says_what_to_bring(kiosk: Any, live: LiveServer) -> None:
    """A rejected and a never-submitted required material are listed under 请携带以下材料到窗口,
    with the rejection reason; an accepted one is not."""
    with httpx.Client(base_url=live.url, timeout=10) as http:
        booking = book_appointment(
            http, service_code=HUKOU, phone=random_phone(), name="王小二",
            id_number=make_id_number("19860304"),
            materials={"id_card": ("id.png", sample_png(), "image/png"),
                       "hukou_book": ("hukou.png", sample_png("#888888"), "image/png")},
            accept=["id_card"], reject={"hukou_book": "印章模糊"})
    for large in (False, True):
        h = kiosk(large=large)
        h.reader.scan(booking["booking_code"])
        h.wait_screen("appointment")
        bring = [lab.text() for lab in h.window.findChildren(QLabel)
                 if lab.isVisible() and lab.objectName() in ("bringTitle", "bringItem")]
        assert bring[0].startswith("请携带以下材料到窗口")
        assert "· 居民户口簿（已驳回：印章模糊）" in bring
        assert "· 准予迁入证明（需携带）" in bring
        assert not any("居民身份证" in line for line in bring)
        h.stop()


def test_no_appointment_offers_take_a_number(kiosk: Any) -> None:
    """No appointment today for the card: 直接取号 leads straight to the services."""
    h = kiosk()
    h.reader.present_card(make_id_number("19700101", seq=779))
    h.wait_screen("error")
    assert "未找到您今天的预约" in h.texts()
    h.click("直接取号")
    h.qtbot.waitUntil(lambda: h.screen in ("categories", "services"))


def test_a_newer_prompt_replaces_one_not_yet_spoken() -> None:
    """While one prompt plays, only the newest of the ones queued behind it is said."""
    gate = threading.Event()
    started: list[str] = []

    def render(_voice: str, text: str) -> bytes:
        started.append(text)
        gate.wait(5)
        return b""

    speaker = EspeakSpeaker(lambda _wav: None, render=render)
    speaker.say(SWIPE_ID)
    deadline = time.monotonic() + 5
    while not started and time.monotonic() < deadline:
        time.sleep(0.01)
    speaker.say(your_number("A001"))
    speaker.say(your_number("A002"))
    gate.set()
    assert speaker.wait_idle(10)
    assert [p.zh for p in speaker.spoken] == ["请刷身份证", "您的号码是 A002 号，请取走号票"]
    speaker.stop()


def test_to_bring_lists_rejected_and_missing_required_only() -> None:
    """需携带: rejected, or required and never submitted; never an optional or a licence."""
    appt = {"materials": [
        {"code": "a", "status": "accepted", "required": True},
        {"code": "b", "status": "rejected", "required": False, "reason": "模糊"},
        {"code": "c", "status": "missing", "required": True},
        {"code": "d", "status": "missing", "required": False},
        {"code": "e", "status": "from_licence", "required": True},
        {"code": "f", "status": "pending", "required": True}]}
    assert [m["code"] for m in to_bring(appt)] == ["b", "c"]
