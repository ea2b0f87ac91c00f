"""The one font choice of the Qt apps (kiosk, counter, display).

Noto Sans CJK SC has a real bold face; WenQuanYi Micro Hei (the fallback) has only a regular
one, which Qt thickens by a pixel or so: big bold numbers and headings then draw thin.
"""

from __future__ import annotations

from functools import cache

from PyQt5.QtGui import QFont, QFontDatabase

UI_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Micro Hei")
MONO_FAMILIES = ("Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono")


@cache
def first_installed(names: tuple[str, ...]) -> str:
    """The first of `names` installed here, else Qt's default family (needs a QGuiApplication)."""
    installed = set(QFontDatabase().families())
    return next((name for name in names if name in installed), QFont().defaultFamily())


def ui_family() -> str:
    """The CJK text family every Qt app uses."""
    return first_installed(UI_FAMILIES)


def mono_family() -> str:
    """The fixed-width CJK family (ID number fields)."""
    return first_installed(MONO_FAMILIES)
