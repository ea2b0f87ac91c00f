"""The kiosk's spoken prompts (config `voice`: espeak | off): what is said, and when."""

from __future__ import annotations

from hallclient.speech import Phrase, number_pinyin

SWIPE_ID = Phrase("swipe_id", "请刷身份证", "qing3 shua1 shen1 fen4 zheng4",
                  "Please tap your ID card")


def your_number(number: str) -> Phrase:
    """您的号码是 A012 号，请取走号票."""
    spaced = " ".join(number)
    return Phrase("your_number", f"您的号码是 {number} 号，请取走号票",
                  f"nin2 de5 hao4 ma3 shi4 {number_pinyin(number)} hao4, "
                  "qing3 qu3 zou3 hao4 piao4",
                  f"Your number is {spaced}. Please take your ticket.")
