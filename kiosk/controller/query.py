"""查询: a ticket's place in the queue (slip QR or typed number), and a person's 办件 with
their timelines (ID card or typed ID number)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hallclient import ApiError
from kiosk.controller.base import ControllerBase
from kiosk.state import NUMBER_RE, QUERY_MAX, Intent, Screen
from kiosk.voice import SWIPE_ID


class QueryFlow(ControllerBase):
    """Ticket progress and 办件 progress."""

    def open_query(self) -> None:
        """Home → 查询 (my ticket; an ID card tap looks up 办件 instead)."""
        self.state.query_text = ""
        self.state.query_message_key = None
        self.state.query_result = None
        self._show(Screen.QUERY)

    def query_key(self, char: str) -> None:
        """Keypad for a ticket number (letters and digits)."""
        if len(self.state.query_text) + len(char) <= QUERY_MAX:
            self.state.query_text += char.upper()
            self.state.query_message_key = None
            self._changed()

    def query_delete(self) -> None:
        """Delete the last character."""
        self.state.query_text = self.state.query_text[:-1]
        self._changed()

    def query_submit(self) -> None:
        """Look up a typed number among all of today's tickets of this hall (any kiosk,
        counter or remote check-in); the server answers with queue facts only."""
        number = self.state.query_text.strip().upper()
        if not NUMBER_RE.match(number):
            self.state.query_message_key = "query_bad_input"
            self._changed()
            return
        self._start(Intent("number", {"number": number}))

    def query_scan(self, qr_text: str) -> None:
        """Look up a scanned slip QR (tracking URL or bare token)."""
        token = qr_text.strip().rstrip("/").rsplit("/", 1)[-1]
        if token:
            self._start(Intent("track", {"token": token}))

    # ------------------------------------------------------------------ 办件

    def open_cases(self) -> None:
        """查询 → 办件进度: ID card or typed ID number."""
        self._reset_id()
        self.state.cases = []
        self.state.cases_message_key = None
        self._show(Screen.CASES)
        self._say(SWIPE_ID)

    def find_cases(self) -> None:
        """Look up the 办件 of the ID number read or typed."""
        if self.state.id_check.ok:
            self._start(Intent("cases", {"id_number": self.state.id_check.value}))

    # ------------------------------------------------------------------ intents

    def _request_for(self, intent: Intent) -> Callable[[], Any]:
        body = intent.body
        if intent.kind == "track":
            return lambda: self.api.track(body["token"])
        if intent.kind == "number":
            return lambda: self.api.ticket_by_number(self.config.hall, body["number"])
        if intent.kind == "cases":
            return lambda: self.api.request(
                "POST", f"/api/v1/halls/{self.config.hall}/applications/lookup", json=body)
        return super()._request_for(intent)

    def _finished(self, intent: Intent, result: Any) -> None:
        if intent.kind in ("track", "number"):
            self.state.query_result = result
            self._show(Screen.QUERY_RESULT)
        elif intent.kind == "cases":
            self.state.cases = list(result)
            if self.state.cases:
                self._show(Screen.CASES_RESULT)
            else:  # nothing in this hall for this person: say so where they typed
                self._reset_id()
                self.state.cases_message_key = "cases_none"
                self._show(Screen.CASES)
        else:
            super()._finished(intent, result)

    def _refused(self, intent: Intent, exc: Exception) -> bool:
        if intent.kind in ("track", "number") and isinstance(exc, ApiError) \
                and exc.status in (404, 422):
            self.state.query_message_key = ("query_not_found" if exc.status == 404
                                            else "query_bad_input")
            self._show(Screen.QUERY)
            return True
        if intent.kind == "cases" and isinstance(exc, ApiError) and exc.status == 422:
            self.state.cases_message_key = "cases_bad_id"
            self._show(Screen.CASES)
            return True
        return super()._refused(intent, exc)

    def _error_back(self, intent: Intent) -> Screen:
        if intent.kind in ("track", "number"):
            return Screen.QUERY
        if intent.kind == "cases":
            return Screen.CASES
        return super()._error_back(intent)
