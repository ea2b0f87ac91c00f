"""The pad's state, free of Qt: which screen, the prompt, the chosen level and reasons.

Screens: idle (the window's clerk card) -> prompt (five levels) -> reasons (only for
不满意/非常不满意) -> thanks -> idle. The controller owns the timers and the server calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ratepad.state import IDLE, PROMPT, REASONS, THANKS, Prompt
from tongban_common.wire import EventType

__all__ = ["IDLE", "PROMPT", "REASONS", "THANKS", "PadModel", "Prompt"]


@dataclass
class PadModel:
    """Everything the pad screen shows."""

    window_id: int | None = None
    window_number: int | None = None
    window_name: str = ""
    hall_code: str = ""
    hall_name: str = ""
    clerk: dict[str, str] | None = None  # signed in at the window now (idle card)
    levels: list[dict[str, Any]] = field(default_factory=list)
    bad_max: int = 2
    reasons: list[dict[str, str]] = field(default_factory=list)
    screen: str = IDLE
    prompt: Prompt | None = None
    rating: int | None = None
    picked: list[str] = field(default_factory=list)
    sending: bool = False
    message: str | None = None  # a strings key: why the last submission did not go through
    thanked_level: int | None = None
    done_ticket: int | None = None  # the last prompt, rated or timed out: not re-offered by state

    # ------------------------------------------------------------------ server input

    def apply_state(self, state: dict[str, Any]) -> None:
        """Take the server's view of the pad (start-up, reconnect, window change)."""
        window = state["window"]
        self.window_id, self.window_number = window["id"], window["number"]
        self.window_name = window["name"]
        self.hall_code, self.hall_name = state["hall"]["code"], state["hall"]["name"]
        self.clerk = state.get("clerk")
        self.levels = state["levels"]
        self.bad_max = state["bad_max"]
        self.reasons = state["reasons"]
        prompt = state.get("prompt")
        if prompt and self.screen == IDLE and prompt["ticket_id"] != self.done_ticket:
            self.start_prompt(prompt)

    def apply_event(self, env: dict[str, Any]) -> bool:
        """Follow one hall event; True when the pad should re-read its state (window change)."""
        data = env.get("data") or {}
        kind = env.get("type", "")
        if data.get("window_id") != self.window_id or self.window_id is None:
            return False
        if kind == EventType.TICKET_RATING_REQUESTED:
            if self.prompt is None or self.prompt.ticket_id != data["ticket_id"] \
                    or self.screen == IDLE:
                self.start_prompt(data)
            return False
        if kind == EventType.EVALUATION_RECEIVED and self.prompt is not None \
                and data.get("ticket_id") == self.prompt.ticket_id \
                and self.screen in (PROMPT, REASONS) and not self.sending:
            self.thank(int(data["rating"]))  # rated by the slip's QR code meanwhile
            return False
        return kind.startswith("window.")

    def start_prompt(self, data: dict[str, Any]) -> None:
        """Show the rating prompt for a finished ticket."""
        self.prompt = Prompt(int(data["ticket_id"]), str(data["number"]), data.get("clerk"))
        self.screen, self.rating, self.picked = PROMPT, None, []
        self.sending, self.message = False, None

    # ------------------------------------------------------------------ citizen input

    def is_bad(self, rating: int) -> bool:
        """不满意 or worse: reasons are asked for."""
        return rating <= self.bad_max

    def choose(self, rating: int) -> bool:
        """A level was touched; True when it can be sent at once (no reasons needed)."""
        if self.screen != PROMPT or self.sending:
            return False
        self.rating, self.message = rating, None
        if self.is_bad(rating):
            self.screen, self.picked = REASONS, []
            return False
        return True

    def toggle(self, code: str) -> None:
        """Pick or unpick a reason chip."""
        if self.screen != REASONS or self.sending:
            return
        self.picked = [c for c in self.picked if c != code] if code in self.picked \
            else [*self.picked, code]
        self.message = None

    @property
    def can_submit(self) -> bool:
        """Reasons chosen (bad levels) and nothing in flight."""
        return self.screen == REASONS and bool(self.picked) and not self.sending

    def back(self) -> None:
        """From the reasons back to the five levels."""
        if self.screen == REASONS and not self.sending:
            self.screen, self.rating, self.picked, self.message = PROMPT, None, [], None

    def submission(self) -> dict[str, Any]:
        """The body of POST /api/v1/ratepad/ratings; marks the rating as in flight."""
        assert self.prompt is not None and self.rating is not None
        self.sending = True
        return {"ticket_id": self.prompt.ticket_id, "rating": self.rating,
                "reasons": list(self.picked)}

    # ------------------------------------------------------------------ outcomes

    def thank(self, rating: int) -> None:
        """The rating is stored: say thank you."""
        self.screen, self.thanked_level, self.sending, self.message = THANKS, rating, False, None

    def failed(self, code: str) -> None:
        """The server refused or was unreachable; say why (a rated ticket is thanked anyway)."""
        self.sending = False
        if code == "already_rated":
            self.screen, self.thanked_level, self.message = THANKS, None, "already"
        elif code == "rating_expired":
            self.to_idle()
            self.message = "expired"
        else:
            self.message = "failed"

    def to_idle(self) -> None:
        """Back to the clerk card (after thanks, or when nobody touches the prompt)."""
        self.done_ticket = self.prompt.ticket_id if self.prompt else self.done_ticket
        self.screen, self.prompt, self.rating, self.picked = IDLE, None, None, []
        self.sending, self.message = False, None

    def level_label(self, rating: int) -> str:
        """The server's Chinese label of a level."""
        return next((lv["label"] for lv in self.levels if lv["rating"] == rating), str(rating))
