"""The clerk's actions, their default shortcuts, and which are allowed in which state.

The table is Qt-free so the rules are tested without a screen and the buttons only
mirror it (`allowed_actions`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban_common.wire import TicketStatus

ACTIVE = (TicketStatus.CALLED, TicketStatus.SERVING)


@dataclass(frozen=True)
class ActionSpec:
    """One action: its id, the strings key of its label and its default shortcut."""

    id: str
    label: str
    shortcut: str


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("call", "act_call", "F1"),
    ActionSpec("recall", "act_recall", "F2"),
    ActionSpec("start", "act_start", "F3"),
    ActionSpec("complete", "act_complete", "F4"),
    ActionSpec("no_show", "act_no_show", "F5"),
    ActionSpec("transfer", "act_transfer", "F6"),
    ActionSpec("hang", "act_hang", "F7"),
    ActionSpec("resume", "act_resume", "F8"),
    ActionSpec("pause", "act_pause", "F9"),
    ActionSpec("open", "act_open", "F10"),
    ActionSpec("close", "act_close", "F11"),
    ActionSpec("accept", "act_accept", "Ctrl+Return"),
    ActionSpec("reprint", "act_reprint", "Ctrl+R"),
)
ACTION_IDS = tuple(a.id for a in ACTIONS)
DEFAULT_SHORTCUTS = {a.id: a.shortcut for a in ACTIONS}

# Ticket actions and the server path segment each one posts to.
TICKET_ENDPOINTS = {"recall": "recall", "start": "start", "complete": "complete",
                    "no_show": "no-show", "hang": "hang", "resume": "resume"}
WINDOW_ENDPOINTS = {"open": "open", "pause": "pause", "close": "close"}


@dataclass(frozen=True)
class Context:
    """What the allowed actions depend on."""

    window_state: str | None = None      # open / paused / closed, None = no window chosen
    holds_window: bool = False           # this clerk is the window's current clerk
    held_by_other: bool = False          # another clerk holds it
    ticket_status: str | None = None     # status of the ticket on the card
    call_count: int = 0
    recall_limit: int = 3
    has_suspended: bool = False          # the window has suspended tickets to call back
    busy: bool = False                   # a request is in flight
    acceptable: bool = False             # the card's service takes a 办件 not yet accepted


def allowed_actions(ctx: Context) -> frozenset[str]:
    """The actions the clerk may take now; everything else is disabled."""
    if ctx.busy or ctx.window_state is None:
        return frozenset()
    # 补打小票 from any counter: the citizen's kiosk may have run out of paper
    allowed: set[str] = {"reprint"}
    active = ctx.ticket_status in ACTIVE
    if not ctx.held_by_other and (ctx.window_state != "open" or not ctx.holds_window):
        allowed.add("open")
    if not ctx.holds_window:
        return frozenset(allowed)
    if ctx.window_state == "open":
        allowed.add("pause")
        if not active:
            allowed.add("call")
    if ctx.window_state != "closed" and not active:
        allowed.add("close")
    if ctx.ticket_status == TicketStatus.CALLED:
        allowed |= {"start", "no_show"}
        if ctx.call_count < ctx.recall_limit:
            allowed.add("recall")
    elif ctx.ticket_status == TicketStatus.SERVING:
        allowed |= {"complete", "transfer", "hang"}
    if ctx.ticket_status in (TicketStatus.SERVING, TicketStatus.DONE) and ctx.acceptable:
        allowed.add("accept")  # 受理 while serving or just after 办结
    if not active and ctx.has_suspended:
        allowed.add("resume")
    return frozenset(allowed)


def recall_exhausted(ctx: Context) -> bool:
    """The ticket on the card has used all its calls (the clerk should start or no-show)."""
    return ctx.ticket_status == TicketStatus.CALLED and ctx.call_count >= ctx.recall_limit
