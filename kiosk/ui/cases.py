"""Screens of 办件 progress: ID card or number, then each 办件 with its state timeline."""

from __future__ import annotations

import html
from typing import Any

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.controller import KioskController
from kiosk.printing import parse_time
from kiosk.state import KioskState
from kiosk.ui.base import ListScreen
from kiosk.ui.take import IdLookupScreen
from kiosk.ui.widgets import label

MAX_CASES = 3  # the newest ones; the portal lists them all
MAX_STEPS = 4  # the latest steps of a timeline; earlier ones are counted, not listed
MAX_STEPS_LARGE = 2
STATUS_STYLE = {"correction": "chipBad", "ready_for_pickup": "chipOk", "decided": "chipOk",
                "picked_up": "chipOk", "delivered": "chipOk", "mailed": "chipOk"}


class CasesScreen(IdLookupScreen):
    """Tap the ID card (or type the number) to see one's 办件."""

    KEYS = ("cases_title", "cases_sub", "cases_go")
    MESSAGE = "cases_message_key"

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait, ctl.find_cases, icon_name="search")


class CasesResultScreen(ListScreen):
    """Each 办件: service, receipt number, state, promised date and the timeline."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait, QVBoxLayout() if portrait else QHBoxLayout(),
                         spacing=24)

    def render(self, state: KioskState) -> None:
        """One card per 办件, newest first."""
        self.title.setText(self.t("cases_found", n=len(state.cases)))
        if not self.needs_rebuild((state.lang, state.large, repr(state.cases))):
            return
        for case in state.cases[:MAX_CASES]:
            self.items.addWidget(self._card(case), 1)

    def status_text(self, status: str, fallback: str) -> str:
        """A state's name in the screen language (the server's Chinese when unknown)."""
        key = f"app_status_{status}"
        text = self.t(key)
        return fallback if text == key else text

    def _card(self, case: dict[str, Any]) -> QWidget:
        card = QWidget()
        card.setObjectName("card")
        box = QVBoxLayout(card)
        box.setContentsMargins(32, 20, 32, 20)
        box.setSpacing(8)
        head = QHBoxLayout()
        head.addWidget(label(case.get("service_name", ""), "itemTitle"), 1)
        status = case.get("status", "")
        head.addWidget(label(self.status_text(status, case.get("status_text", "")),
                             STATUS_STYLE.get(status, "chipWait"), wrap=False,
                             align=Qt.AlignRight | Qt.AlignVCenter))
        box.addLayout(head)
        box.addWidget(label(self.t("receipt_no", r=case.get("receipt_no", "")), "hint"))
        for line, name in self._facts(case):
            box.addWidget(label(line, name))
        box.addLayout(self._timeline(case.get("timeline") or []))
        box.addStretch(1)
        return card

    def _facts(self, case: dict[str, Any]) -> list[tuple[str, str]]:
        """Promised date and days left, a pause or 补正, a result waiting to be collected."""
        out: list[tuple[str, str]] = []
        status = case.get("status")
        # 大字版 during 补正: the correction line (with its deadline) is what to read
        paused_large = status == "correction" and self.ctl.state.large
        if status in ("accepted", "in_review", "correction") and not paused_large:
            due = self.t("case_due", d=case.get("promised_due", ""))
            if case.get("overdue"):
                out.append((f"{due} · {self.t('case_overdue')}", "hintBad"))
            elif case.get("paused"):
                out.append((f"{due} · {self.t('case_paused')}", "hint"))
            else:
                left = self.t("case_days_left", n=case.get("working_days_left", 0))
                out.append((f"{due} · {left}", "hint"))
        if status == "correction" and case.get("correction_note"):
            out.append((self.t("case_correction", n=case["correction_note"],
                               d=case.get("correction_deadline") or ""), "hintBad"))
        if status == "ready_for_pickup":
            out.append((self.t("case_ready"), "hintGood"))
        return out

    def _timeline(self, steps: list[dict[str, Any]]) -> QVBoxLayout:
        """The latest steps, oldest first: time, state (bold) and what happened, one wrapped
        line each (大字版 lists fewer)."""
        box = QVBoxLayout()
        box.setSpacing(6)
        limit = MAX_STEPS_LARGE if self.ctl.state.large else MAX_STEPS
        if len(steps) > limit and not self.ctl.state.large:
            box.addWidget(label(self.t("case_earlier", n=len(steps) - limit), "hint"))
        shown = steps[-limit:]
        for i, step in enumerate(shown):
            moment = parse_time(step.get("at"), self.ctl.hall_tz)
            when = moment.strftime("%m-%d %H:%M") if moment else ""
            state = html.escape(self.status_text(step.get("status", ""),
                                                 step.get("status_text", "")))
            # 大字版: time and state only (what matters now is said above the timeline), but
            # in portrait the latest step keeps its words
            terse = self.ctl.state.large and not (self.portrait and i == len(shown) - 1)
            what = "" if terse else html.escape(step.get("text") or step.get("department") or "")
            line = label(f"● {when}&nbsp;&nbsp;<b>{state}</b>&nbsp;&nbsp;{what}", "hint")
            line.setTextFormat(Qt.RichText)
            box.addWidget(line)
        return box
