"""The pad's screens and the prompt, as plain data."""

from __future__ import annotations

from dataclasses import dataclass

IDLE, PROMPT, REASONS, THANKS = "idle", "prompt", "reasons", "thanks"


@dataclass
class Prompt:
    """A finished ticket to be rated, with the clerk who served it."""

    ticket_id: int
    number: str
    clerk: dict[str, str] | None
