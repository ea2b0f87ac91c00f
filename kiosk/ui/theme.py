"""Sizes and the style sheet; 大字版 scales every font and touch target."""

from __future__ import annotations

from dataclasses import dataclass

from hallclient.fonts import mono_family, ui_family

PRIMARY = "#1459b8"
PRIMARY_DARK = "#0d3f86"
ACCENT = "#c8102e"
GREEN = "#1b8a3a"
WARN = "#d9480f"
BG = "#eef3f9"
CARD = "#ffffff"
TEXT = "#1d2733"
MUTED = "#5b6776"

MIN_BUTTON_PX = 81  # 20 mm on a 21.5" 1080p panel (0.248 mm per pixel)
# 大字版: every text at least 1.6 times its standard size, the ticket number too
LARGE_FONT_SCALE = 1.6
LARGE_TARGET_SCALE = 1.25  # touch targets grow less: a 1080 px high screen must still fit
LARGE_KEY_SCALE = 1.0  # keys are large already; their labels still grow 1.6 times


@dataclass(frozen=True)
class Metrics:
    """Pixel sizes for one text mode."""

    large: bool

    @property
    def scale(self) -> float:
        """Factor applied to the standard font sizes."""
        return LARGE_FONT_SCALE if self.large else 1.0

    @property
    def target_scale(self) -> float:
        """Factor applied to the standard heights of touch targets."""
        return LARGE_TARGET_SCALE if self.large else 1.0

    def px(self, base: float) -> int:
        """A scaled font size in pixels."""
        return round(base * self.scale)

    def target(self, base: float) -> int:
        """A scaled touch-target height in pixels."""
        return round(base * self.target_scale)

    @property
    def body(self) -> int:
        """Body text."""
        return self.px(30)

    @property
    def button(self) -> int:
        """Minimum touch target height (≥ 20 mm)."""
        return max(MIN_BUTTON_PX, self.target(96))

    @property
    def key(self) -> int:
        """Keypad key height (grows least: four rows must fit beside the ID field)."""
        return max(MIN_BUTTON_PX, round(92 * (LARGE_KEY_SCALE if self.large else 1.0)))


def stylesheet(m: Metrics) -> str:
    """The Qt style sheet for a text mode (needs a QApplication: it looks the fonts up)."""
    return f"""
    QWidget {{ font-family: "{ui_family()}"; color: {TEXT}; font-size: {m.body}px; }}
    #root {{ background: {BG}; }}
    #header {{ background: {PRIMARY}; }}
    #header QLabel {{ color: white; }}
    #hallName {{ font-size: {m.px(36)}px; font-weight: bold; }}
    #connLabel {{ font-size: {m.px(24)}px; }}
    #title {{ font-size: {m.px(50)}px; font-weight: bold; color: {PRIMARY_DARK}; }}
    #subtitle {{ font-size: {m.px(30)}px; color: {MUTED}; }}
    #hint {{ font-size: {m.px(30)}px; color: {MUTED}; }}
    #hintBad {{ font-size: {m.px(30)}px; color: {ACCENT}; font-weight: bold; }}
    #hintGood {{ font-size: {m.px(30)}px; color: {GREEN}; font-weight: bold; }}
    #card {{ background: {CARD}; border-radius: 18px; }}
    #bigNumber {{ font-size: {m.px(170)}px; font-weight: bold; color: {ACCENT}; }}
    #midNumber {{ font-size: {m.px(110)}px; font-weight: bold; color: {ACCENT}; }}
    #strong {{ font-size: {m.px(38)}px; font-weight: bold; }}
    #badgeGreen {{ background: {GREEN}; color: white; border-radius: 12px; padding: 8px 26px;
                   font-size: {m.px(40)}px; font-weight: bold; }}
    #badgeBlue {{ background: {PRIMARY}; color: white; border-radius: 12px; padding: 8px 26px;
                  font-size: {m.px(40)}px; font-weight: bold; }}
    #photoBox {{ background: #fff4e6; border: 4px solid {WARN}; border-radius: 14px;
                 color: {WARN}; font-size: {m.px(34)}px; font-weight: bold; padding: 18px; }}
    #okBox {{ background: #e6f4ea; border-radius: 14px; color: {GREEN};
              font-size: {m.px(34)}px; font-weight: bold; padding: 18px; }}
    #field {{ background: white; border: 3px solid {PRIMARY}; border-radius: 12px;
              font-size: {m.px(52)}px; font-family: "{mono_family()}"; padding: 4px 18px; }}
    #bringPanel {{ background: #fff4e6; border: 4px solid {WARN}; border-radius: 14px; }}
    #okPanel {{ background: #e6f4ea; border-radius: 14px; }}
    #bringTitle {{ font-size: {m.px(34)}px; color: {WARN}; font-weight: bold; }}
    #bringItem {{ font-size: {m.px(30)}px; color: {ACCENT}; font-weight: bold; }}
    #bringOk {{ font-size: {m.px(30)}px; color: {GREEN}; font-weight: bold; }}
    #errorText {{ font-size: {m.px(34)}px; color: {TEXT}; }}
    QPushButton {{ background: white; border: 2px solid #c5d3e6; border-radius: 16px;
                   min-height: {m.button}px; font-size: {m.px(34)}px; padding: 6px 18px; }}
    QPushButton:pressed {{ background: #dce8f8; }}
    QPushButton:disabled {{ color: #9aa5b1; background: #f1f3f5; border-color: #dde2e8; }}
    QPushButton#primary {{ background: {PRIMARY}; color: white; border: none;
                           font-weight: bold; }}
    QPushButton#primary:disabled {{ background: #9db6da; color: #eef3f9; }}
    QPushButton#headerBtn {{ background: transparent; color: white; border: 2px solid white;
                             font-size: {m.px(28)}px; min-height: {MIN_BUTTON_PX}px; }}
    QPushButton#key {{ min-height: {m.key}px; font-size: {m.px(48)}px; font-weight: bold; }}
    QPushButton#tile QLabel, QPushButton#listItem QLabel {{ background: transparent; }}
    QPushButton#listItem {{ min-height: {m.target(150)}px; }}
    #tileTitle {{ font-size: {m.px(54)}px; font-weight: bold; color: {PRIMARY_DARK}; }}
    #tileSub {{ font-size: {m.px(28)}px; color: {MUTED}; }}
    #itemTitle {{ font-size: {m.px(38)}px; font-weight: bold; color: {TEXT}; }}
    #itemSub {{ font-size: {m.px(27)}px; color: {MUTED}; }}
    #itemWait {{ font-size: {m.px(30)}px; color: {PRIMARY}; font-weight: bold; }}
    #itemWarn {{ font-size: {m.px(30)}px; color: {WARN}; font-weight: bold; }}
    #chipOk {{ color: {GREEN}; font-weight: bold; }}
    #chipBad {{ color: {ACCENT}; font-weight: bold; }}
    #chipWait {{ color: {WARN}; font-weight: bold; }}
    """
