"""How numbers are read: clip sequences for tickets and windows, both digit styles."""

from __future__ import annotations

import pytest

from display.controller import Call
from display.voice.engine import REPEAT_GAP, VoiceSettings, announcement_clips
from display.voice.pack import CHIME
from display.voice.phrases import (
    CLIP_TEXT,
    GAP,
    PhraseOptions,
    call_clips,
    cardinal_clips,
    spoken_text,
    ticket_clips,
)

LING = PhraseOptions("ling")
YAO = PhraseOptions("yao")


def test_ticket_digits_ling_style_reads_every_digit() -> None:
    assert ticket_clips("A012", LING) == ["letter_a", "ling", "yi", "er"]
    assert ticket_clips("B100", LING) == ["letter_b", "yi", "ling", "ling"]
    assert ticket_clips("H007", LING) == ["letter_h", "ling", "ling", "qi"]


def test_ticket_digits_yao_style_drops_leading_zeros_and_says_yao() -> None:
    assert ticket_clips("A012", YAO) == ["letter_a", "yao", "er"]
    assert ticket_clips("B100", YAO) == ["letter_b", "yao", "ling", "ling"]
    assert ticket_clips("C111", YAO) == ["letter_c", "yao", "yao", "yao"]
    assert ticket_clips("D000", YAO) == ["letter_d", "ling"]


@pytest.mark.parametrize(("n", "clips"), [
    (3, ["san"]), (10, ["shi"]), (11, ["shi", "yi"]), (20, ["er", "shi"]),
    (23, ["er", "shi", "san"]), (100, ["yi", "bai"]), (105, ["yi", "bai", "ling", "wu"]),
    (110, ["yi", "bai", "yi", "shi"]), (999, ["jiu", "bai", "jiu", "shi", "jiu"]),
])
def test_window_numbers_are_read_as_numbers(n: int, clips: list[str]) -> None:
    assert cardinal_clips(n) == clips


def test_full_sentence_for_a012_at_window_3() -> None:
    assert call_clips("A012", 3, LING) == [
        "qing", GAP, "letter_a", "ling", "yi", "er", "hao", GAP, "dao", "san", "hao",
        "chuangkou", "banli"]
    assert call_clips("A012", 11, YAO)[2:] == [
        "letter_a", "yao", "er", "hao", GAP, "dao", "shi", "yi", "hao", "chuangkou", "banli"]
    assert spoken_text("A012", 20, LING) == "请A零一二号，到二十号窗口办理"
    assert spoken_text("A012", 20, YAO) == "请A幺二号，到二十号窗口办理"


def test_announcement_is_chime_then_sentence_repeated() -> None:
    call = Call(seq=1, number="A012", window_number=3)
    sentence = call_clips("A012", 3, LING)
    assert announcement_clips(call, VoiceSettings(repeat=2)) == [
        CHIME, REPEAT_GAP, *sentence, REPEAT_GAP, *sentence]
    assert announcement_clips(call, VoiceSettings(repeat=1, chime=False)) == sentence


def test_every_clip_a_sentence_can_need_has_pinyin() -> None:
    names = set()
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        for style in (LING, YAO):
            names.update(call_clips(f"{letter}901", 987, style))
            names.update(call_clips(f"{letter}110", 10, style))
    names.discard(GAP)
    assert names <= set(CLIP_TEXT)
    with pytest.raises(ValueError):
        PhraseOptions("roman")
