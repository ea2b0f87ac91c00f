"""Screenshots of every screen in both orientations and text sizes; touch targets ≥ 20 mm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from PyQt5.QtCore import QPoint, QRect
from PyQt5.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.state import Screen
from kiosk.ui.theme import MIN_BUTTON_PX
from tests.kiosk.kiosk_kit import KioskHarness, button_text
from tests.support.api import HUKOU
from tests.support.live import LiveServer
from tests.support.online import book_appointment, make_id_number, random_phone, sample_png


def window_rect(widget: QWidget, window: QWidget) -> QRect:
    """A widget's rectangle in window coordinates."""
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def layout_problems(window: QWidget) -> list[str]:
    """Buttons outside the window or overlapping; labels too small for their text."""
    problems = []
    area = window.rect()
    buttons = [b for b in window.findChildren(QPushButton) if b.isVisible()]
    rects = [(button_text(b), window_rect(b, window)) for b in buttons]
    for i, (text, rect) in enumerate(rects):
        if not area.contains(rect):
            problems.append(f"button {text!r} outside the window: {rect}")
        for other, orect in rects[i + 1:]:
            if rect.intersects(orect) and not (rect.contains(orect) or orect.contains(rect)):
                problems.append(f"buttons {text!r} and {other!r} overlap")
    for lab in window.findChildren(QLabel):
        if not lab.isVisible() or not lab.text():
            continue
        need_h = (lab.heightForWidth(lab.width()) if lab.wordWrap()
                  else lab.sizeHint().height())
        if lab.height() + 2 < need_h:
            problems.append(f"label {lab.text()[:20]!r} cut off: {lab.height()} < {need_h}")
        if not lab.wordWrap() and lab.width() + 2 < lab.sizeHint().width():
            problems.append(f"label {lab.text()[:20]!r} too narrow")
        if not area.contains(window_rect(lab, window)):
            problems.append(f"label {lab.text()[:20]!r} outside the window")
    return problems


def shoot(h: KioskHarness, out: Path, name: str) -> None:
    """Save a PNG of the whole window; check button heights and that nothing is cut off."""
    h.qtbot.wait(30)
    h.window.grab().save(str(out / f"{name}.png"))
    small = [(button_text(b), b.height()) for b in h.window.findChildren(QPushButton)
             if b.isVisible() and b.height() < MIN_BUTTON_PX]
    assert not small, f"{name}: buttons below {MIN_BUTTON_PX} px: {small}"
    problems = layout_problems(h.window)
    assert not problems, f"{name}: {problems}"


COMBOS = [(p, lg, "zh") for p in (True, False) for lg in (False, True)]
COMBOS += [(True, True, "en"), (False, False, "en")]  # English is longer: check it fits too


@pytest.mark.parametrize(("portrait", "large", "lang"), COMBOS,
                         ids=[f"{'portrait' if p else 'landscape'}-{'large' if lg else 'normal'}"
                              f"-{lang}" for p, lg, lang in COMBOS])
def test_every_screen(kiosk: Any, live: LiveServer, artifacts_dir: Path, portrait: bool,
                      large: bool, lang: str) -> None:
    """Walk through every screen with real server data, saving a screenshot of each."""
    out = artifacts_dir / "kiosk"
    out.mkdir(parents=True, exist_ok=True)
    tag = f"{'portrait' if portrait else 'landscape'}-{'large' if large else 'normal'}"
    tag += "" if lang == "zh" else f"-{lang}"
    h = kiosk(portrait=portrait, large=large, lang=lang)
    ctl = h.ctl
    shoot(h, out, f"{tag}-01-home")
    h.click(ctl.text("take_number"))
    h.wait_screen("categories")
    shoot(h, out, f"{tag}-02-categories")
    h.click("户籍")
    h.wait_screen("services")
    shoot(h, out, f"{tag}-03-services")
    h.click("户口迁移登记")
    h.wait_screen("no_window")  # no 户籍 window (1, 2, 4) is opened by the kiosk tests
    shoot(h, out, f"{tag}-03b-no-window")
    h.click(ctl.text("no_window_take"))
    h.wait_screen("id_prompt")
    h.type_keys("11010519491231002")
    shoot(h, out, f"{tag}-04-id-prompt")
    h.type_keys("X")
    h.click(ctl.text("confirm_take"))
    h.wait_screen("ticket")
    h.qtbot.waitUntil(lambda: ctl.state.print_state == "printed")
    shoot(h, out, f"{tag}-05-ticket")
    number = ctl.state.ticket["number"]
    ctl.state.print_state, ctl.state.print_error_key = "failed", "printer_paper"
    ctl._changed()
    shoot(h, out, f"{tag}-06-ticket-print-failed")
    ctl.go_home()
    ctl.open_checkin()
    h.type_keys("11010519900307")
    shoot(h, out, f"{tag}-07-checkin-keypad")
    with httpx.Client(base_url=live.url, timeout=10) as http:
        booking = book_appointment(
            http, service_code=HUKOU, phone=random_phone(), name="张小三",
            materials={"id_card": ("id.png", sample_png(), "image/png"),
                       "hukou_book": ("hukou.png", sample_png("#888888"), "image/png")},
            accept=["id_card"], reject={"hukou_book": "照片页不清晰"})
    h.reader.scan(booking["booking_code"])
    h.wait_screen("appointment")
    shoot(h, out, f"{tag}-08-appointment")
    ctl.open_query()
    h.type_keys("A0")
    shoot(h, out, f"{tag}-09-query")
    ctl.state.query_text = number
    ctl.query_submit()
    h.wait_screen("query_result")
    shoot(h, out, f"{tag}-10-query-result")
    # what an outage looks like (the real outage is driven in test_kiosk_resilience.py)
    ctl.state.retry_attempt, ctl.state.connection = 2, "disconnected"
    ctl._show(Screen.RETRY)
    shoot(h, out, f"{tag}-11-server-down")
    ctl.state.connection = "connected"
    ctl.go_home()
    ctl.open_checkin()
    h.type_keys(make_id_number("19700101", seq=778))
    ctl.find_appointment()
    h.wait_screen("error")
    shoot(h, out, f"{tag}-12-error")
    ctl.go_home()
    for _ in range(ctl.config.maintenance_taps):
        ctl.corner_tap()
    h.wait_screen("pin")
    h.type_keys("12")
    shoot(h, out, f"{tag}-13-pin")
    ctl.state.pin_text = ctl.config.maintenance_pin
    ctl.pin_submit()
    h.wait_screen("maintenance")
    h.qtbot.waitUntil(lambda: ctl.state.printer_status_key != "checking")
    shoot(h, out, f"{tag}-14-maintenance")
