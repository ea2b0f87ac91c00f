"""The counter client's state and everything it does, without Qt.

Blocking HTTP calls go through a `hallclient.jobs.Runner` (the Qt `Worker` in the app,
`SyncRunner` in plain tests); their results come back on the UI thread, so state is only
touched there.
Widgets subscribe with `listen()` and redraw the part named in the notification.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from counter_client.actions import (
    ACTIVE,
    TICKET_ENDPOINTS,
    WINDOW_ENDPOINTS,
    Context,
    allowed_actions,
    recall_exhausted,
)
from counter_client.config import CounterConfig
from counter_client.documents import render_pages
from counter_client.slip import preview_png, print_slip, slip_for
from counter_client.state import (
    Connection,
    Message,
    format_elapsed,
    parse_time,
    timer_level,
)
from counter_client.strings import Strings
from hallclient import ApiError, HallApi, ServerUnreachable
from hallclient.jobs import Runner, SyncRunner
from tongban_common.wire import EventType, TicketStatus

log = logging.getLogger(__name__)

__all__ = ["Connection", "CounterSession", "Message", "format_elapsed", "parse_time",
           "timer_level", "validate_transfer"]

LOG_SIZE = 50
REASON_MAX = 200


def validate_transfer(*, kind: str, target: Any, reason: str, current_service: str | None,
                      current_window: int | None) -> str | None:
    """The strings key of what is wrong with a transfer request, or None when it is fine."""
    if kind not in ("service", "window") or target in (None, ""):
        return "err_target"
    if kind == "service" and target == current_service:
        return "err_same_service"
    if kind == "window" and target == current_window:
        return "err_same_window"
    text = reason.strip()
    if not text:
        return "err_reason"
    if len(text) > REASON_MAX:
        return "err_reason_long"
    return None


class _Stopped:
    """The runner of a stopped session: answers still arriving start no new requests."""

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> None:
        """Drop the job."""
        log.debug("session stopped: request dropped")


class CounterSession:
    """Login, the chosen window, the ticket on the card, queue, suspended, counts, materials."""

    def __init__(self, api: HallApi, config: CounterConfig, runner: Runner | None = None,
                 strings: Strings | None = None) -> None:
        self.api = api
        self.config = config
        self.runner: Runner = runner or SyncRunner()
        self.s = strings or Strings(config.lang)
        self.user: dict[str, Any] | None = None
        self.windows: list[dict[str, Any]] = []
        self.services: list[dict[str, Any]] = []
        self.window_id: int | None = None
        self.ticket: dict[str, Any] | None = None
        self.queue: list[dict[str, Any]] = []
        self.suspended: list[dict[str, Any]] = []
        self.today: dict[str, Any] = {}
        self.materials: list[dict[str, Any]] = []  # the checklist: id None = not submitted
        self.materials_error: str | None = None
        self.citizen_name: str | None = None  # full name: only while handling the ticket
        self.rating: dict[str, Any] | None = None
        self.log: deque[str] = deque(maxlen=LOG_SIZE)
        self.message = Message()
        self.connection = Connection()
        self.busy: str | None = None  # the action in flight
        self.accepted: dict[int, dict[str, Any]] = {}  # ticket id → its 办件 (this session)
        self._listeners: list[Callable[[str], None]] = []
        self._inflight: set[str] = set()
        self._dirty: set[str] = set()

    # ------------------------------------------------------------------ plumbing

    def listen(self, fn: Callable[[str], None]) -> None:
        """Be told which part changed: user, windows, window, ticket, queue, suspended, today,
        materials, rating, log, message, connection, actions, accept_prompt (open 受理)."""
        self._listeners.append(fn)

    def _notify(self, *parts: str) -> None:
        for part in parts:
            for fn in list(self._listeners):
                fn(part)

    def _say(self, key: str, level: str = "info", **kw: Any) -> None:
        self.message = Message(self.s(key, **kw), level)
        self._notify("message")

    def _error(self, exc: Exception) -> None:
        if isinstance(exc, ServerUnreachable):
            self.message = Message(self.s("msg_unreachable"), "error")
        elif isinstance(exc, ApiError):
            self.message = Message(exc.message or str(exc), "error")
        else:
            log.exception("unexpected client error", exc_info=exc)
            self.message = Message(str(exc), "error")
        self._notify("message")

    # ------------------------------------------------------------------ derived state

    def stop(self) -> None:
        """Start no request any more (the app is closing; its HTTP client goes next)."""
        self.runner = _Stopped()

    @property
    def window(self) -> dict[str, Any] | None:
        """The chosen window's view (from the windows list)."""
        return next((w for w in self.windows if w["id"] == self.window_id), None)

    @property
    def username(self) -> str | None:
        """The logged-in clerk's username."""
        return self.user.get("username") if self.user else None

    def holds_window(self, window: dict[str, Any] | None = None) -> bool:
        """Whether this clerk is the window's current clerk."""
        w = window if window is not None else self.window
        clerk = (w or {}).get("clerk")
        return bool(clerk and clerk.get("username") == self.username)

    def context(self) -> Context:
        """Inputs of the allowed-actions table."""
        w = self.window
        t = self.ticket
        return Context(
            window_state=w["state"] if w else None,
            holds_window=self.holds_window(w),
            held_by_other=bool(w and w.get("clerk") and not self.holds_window(w)),
            ticket_status=t["status"] if t else None,
            call_count=int(t.get("call_count") or 0) if t else 0,
            recall_limit=int(t.get("recall_limit") or 3) if t else 3,
            has_suspended=bool(self.suspended),
            busy=self.busy is not None,
            acceptable=self.acceptable(),
        )

    def acceptable(self) -> bool:
        """The card's ticket has a service with materials (a 办件) not accepted yet."""
        t = self.ticket
        return bool(t and self.materials and t["id"] not in self.accepted
                    and t["status"] in (TicketStatus.SERVING, TicketStatus.DONE))

    def allowed(self) -> frozenset[str]:
        """Actions enabled right now."""
        return allowed_actions(self.context())

    def service_expected(self, code: str | None) -> int | None:
        """Expected minutes of a service (ticket JSON first, catalog second)."""
        if self.ticket and self.ticket.get("expected_minutes") and \
                self.ticket.get("service_code") == code:
            return int(self.ticket["expected_minutes"])
        svc = next((x for x in self.services if x["code"] == code), None)
        return int(svc["expected_minutes"]) if svc and svc.get("expected_minutes") else None

    def serving_seconds(self, now: datetime | None = None) -> float | None:
        """Seconds since 开始办理 for a serving ticket."""
        t = self.ticket
        if not t or t["status"] != TicketStatus.SERVING:
            return None
        started = parse_time(t.get("started_at"))
        if started is None:
            return None
        return ((now or datetime.now(UTC)) - started).total_seconds()

    def waited_minutes(self, now: datetime | None = None) -> int | None:
        """How long the citizen waited before the first call (or so far)."""
        t = self.ticket
        if not t:
            return None
        issued = parse_time(t.get("issued_at"))
        end = parse_time(t.get("first_called_at")) or (now or datetime.now(UTC))
        return int((end - issued).total_seconds() // 60) if issued else None

    def rating_url(self, token: str) -> str:
        """The 好差评 link for a tracking token."""
        return self.config.rating_url.format(server=self.api.base_url, token=token)

    # ------------------------------------------------------------------ login and setup

    def login(self, username: str, password: str, *, on_done: Callable[[], None] | None = None,
              on_error: Callable[[str], None] | None = None) -> None:
        """Log in, then load windows and services and pick the window."""
        def work() -> tuple[dict, list, list]:
            user = self.api.login(username, password)
            hall = user.get("hall_code") or self.config.hall
            return user, self.api.windows(hall), self.api.services(hall)

        def done(result: tuple[dict, list, list]) -> None:
            user, windows, services = result
            self.user, self.windows, self.services = user, windows, services
            if user.get("hall_code"):
                self.config.hall = user["hall_code"]
            self.config.username = username
            self.window_id = self._pick_window()
            self.config.window_id = self.window_id
            self.config.save()
            self._notify("user", "windows", "window")
            self.refresh_all()
            if on_done:
                on_done()

        def failed(exc: Exception) -> None:
            msg = exc.message if isinstance(exc, ApiError | ServerUnreachable) else str(exc)
            if isinstance(exc, ServerUnreachable):
                msg = self.s("msg_unreachable")
            if on_error:
                on_error(msg)

        self.runner.run(work, done, failed)

    def _pick_window(self) -> int | None:
        mine = next((w for w in self.windows if self.holds_window(w)), None)
        if mine:
            return mine["id"]
        ids = [w["id"] for w in self.windows]
        if self.config.window_id in ids:
            return self.config.window_id
        return ids[0] if ids else None

    def select_window(self, window_id: int) -> bool:
        """Choose another window (only while not holding one); remembered in the config."""
        if window_id == self.window_id:
            return True
        if self.window and self.holds_window() and self.window["state"] != "closed":
            return False
        self.window_id = window_id
        self.config.window_id = window_id
        self.config.save()
        self.ticket, self.queue, self.suspended, self.materials = None, [], [], []
        self.rating = None
        self._notify("window", "ticket", "queue", "suspended", "materials", "rating",
                     "actions")
        self.refresh_all()
        return True

    # ------------------------------------------------------------------ refreshing

    def refresh_all(self) -> None:
        """Reload everything the screen shows."""
        for part in ("windows", "current", "queue", "suspended", "today"):
            self.refresh(part)

    def refresh(self, part: str) -> None:
        """Reload one part; coalesces bursts (one request in flight, one more if asked again)."""
        if self.user is None:
            return
        if part in self._inflight:
            self._dirty.add(part)
            return
        fetch = self._fetchers().get(part)
        if fetch is None:
            return
        self._inflight.add(part)

        def done(result: Any) -> None:
            self._inflight.discard(part)
            self._apply(part, result)
            self._again(part)

        def failed(exc: Exception) -> None:
            self._inflight.discard(part)
            log.info("refresh %s failed: %s", part, exc)
            self._again(part)

        self.runner.run(fetch, done, failed)

    def _again(self, part: str) -> None:
        if part in self._dirty:
            self._dirty.discard(part)
            self.refresh(part)

    def _fetchers(self) -> dict[str, Callable[[], Any]]:
        wid = self.window_id
        hall = self.config.hall
        fetchers: dict[str, Callable[[], Any]] = {
            "windows": lambda: self.api.windows(hall),
            "today": self.api.my_today,
        }
        if wid is not None:
            fetchers["queue"] = lambda: (wid, self.api.window_queue(wid))
            fetchers["suspended"] = lambda: (wid, self.api.suspended(wid))
            fetchers["current"] = lambda: (wid, self._load_current(wid))
        if self.ticket:
            tid = self.ticket["id"]
            fetchers["ticket"] = lambda: self.api.ticket(tid)
        return fetchers

    def _load_current(self, wid: int) -> dict[str, Any] | None:
        window = self.api.window(wid)
        current = window.get("current_ticket")
        if current and current["status"] in ACTIVE:
            return self.api.ticket(current["id"])
        return None

    def _apply(self, part: str, result: Any) -> None:
        if part == "windows":
            self.windows = result
            self._notify("windows", "window", "actions")
        elif part == "today":
            self.today = result
            self._notify("today")
        elif part == "ticket":
            if self.ticket and result["id"] == self.ticket["id"]:
                self.ticket = result
                self._notify("ticket", "actions")
        elif result[0] == self.window_id:  # ignore answers for a window we left
            value = result[1]
            if part == "queue":
                self.queue = value["items"]
                self._notify("queue")
            elif part == "suspended":
                self.suspended = value
                self._notify("suspended", "actions")
            elif part == "current":
                keep_done = self.ticket and self.ticket["status"] not in ACTIVE
                if value is not None or not keep_done:
                    self._set_ticket(value)

    def _set_ticket(self, ticket: dict[str, Any] | None) -> None:
        previous = self.ticket["id"] if self.ticket else None
        self.ticket = ticket
        if ticket is None or ticket["id"] != previous:
            self.materials, self.materials_error, self.citizen_name = [], None, None
            self._notify("materials")
            if ticket is not None and ticket["status"] in ACTIVE:
                self.rating = None
                self._notify("rating")
                self.load_materials()
        self._notify("ticket", "actions")

    # ------------------------------------------------------------------ actions

    def perform(self, action: str, **kw: Any) -> bool:
        """Run one action (one request); False when it is not allowed or one is in flight."""
        if self.busy is not None or action not in self.allowed():
            return False
        job = self._job(action, **kw)
        if job is None:
            return False
        self.busy = action
        self._notify("actions")

        def done(result: Any) -> None:
            self.busy = None
            self._after(action, result)
            self._notify("actions")

        def failed(exc: Exception) -> None:
            self.busy = None
            self._error(exc)
            # Our picture may be stale (409/403), or the request may have reached the server
            # before the line dropped: resync instead of guessing (and never resend by itself).
            self.refresh_all()
            self._notify("actions")

        self.runner.run(job, done, failed)
        return True

    def _job(self, action: str, **kw: Any) -> Callable[[], Any] | None:
        wid = self.window_id
        tid = self.ticket["id"] if self.ticket else None
        if action == "call" and wid is not None:
            return lambda: self.api.call_next(wid)
        if action in WINDOW_ENDPOINTS and wid is not None:
            return lambda: self.api.set_window_state(wid, WINDOW_ENDPOINTS[action])
        if action == "resume":
            target = kw.get("ticket_id") or (self.suspended[0]["id"] if self.suspended else None)
            if target is None:
                return None
            return lambda: self.api.ticket_action(target, "resume")
        if tid is None:
            return None
        if action == "transfer":
            service_code, window_id = kw.get("service_code"), kw.get("window_id")
            reason = str(kw.get("reason", "")).strip()
            return lambda: self.api.transfer(tid, reason=reason, service_code=service_code,
                                             window_id=window_id)
        if action == "complete":
            return lambda: self._complete(tid)
        if action in TICKET_ENDPOINTS:
            return lambda: self.api.ticket_action(tid, TICKET_ENDPOINTS[action])
        return None

    def _complete(self, tid: int) -> tuple[dict[str, Any], dict[str, Any] | None]:
        done = self.api.ticket_action(tid, "complete")
        try:
            rating = self.api.request_rating(tid)
        except (ApiError, ServerUnreachable) as exc:
            # The ticket is done either way; the QR below still carries the tracking token.
            log.warning("rating request for %s failed: %s", done["number"], exc)
            rating = None
        return done, rating

    def _after(self, action: str, result: Any) -> None:
        if action == "call":
            if result is None:
                self._say("msg_nobody", "warn")
            else:
                self._set_ticket(result)
                self._say("msg_called", "ok", number=result["number"])
        elif action in WINDOW_ENDPOINTS:
            self.windows = [result if w["id"] == result["id"] else w for w in self.windows]
            self._notify("windows", "window")
            self._say(f"msg_window_{result['state']}", "ok", number=result["number"])
        elif action == "complete":
            ticket, rating = result
            self._set_ticket(ticket)
            token = (rating or {}).get("tracking_token") or ticket["tracking_token"]
            # With a rating pad at the window the citizen rates there; `result` is filled in
            # by the evaluation.received event, whichever channel the rating came from.
            self.rating = {"number": ticket["number"], "url": self.rating_url(token),
                           "requested": rating is not None, "ticket_id": ticket["id"],
                           "ratepad": bool((rating or {}).get("ratepad")), "result": None}
            self._notify("rating")
            self._say("msg_completed", "ok", number=ticket["number"])
            if self.acceptable():
                self._say("msg_accept_prompt", "ok", number=ticket["number"],
                          shortcut=self.config.shortcuts["accept"])
                if self.config.accept_after_complete:
                    self._notify("accept_prompt")
        else:
            self._set_ticket(result)
            number = result["number"]
            if action == "recall":
                self._say("msg_recalled", "ok", number=number, n=result["call_count"])
                if recall_exhausted(self.context()):
                    self._say("msg_recall_limit", "warn", number=number,
                              limit=result.get("recall_limit"))
            elif action == "transfer":
                target = result["service_name"] if not result.get("target_window_id") else \
                    self._window_label(result["target_window_id"])
                self._say("msg_transferred", "ok", number=number, target=target)
            else:
                key = {"start": "msg_started", "no_show": "msg_no_show", "hang": "msg_hung",
                       "resume": "msg_resumed"}[action]
                self._say(key, "ok", number=number)
        for part in ("queue", "suspended", "today", "windows"):
            self.refresh(part)

    def _window_label(self, window_id: int) -> str:
        w = next((x for x in self.windows if x["id"] == window_id), None)
        return self.s("window_item", number=w["number"], name=w["name"]) if w else str(window_id)

    # ------------------------------------------------------------------ 办件受理

    def load_acceptance(self, service_code: str | None,
                        on_done: Callable[[list[dict[str, Any]]], None],
                        on_error: Callable[[str], None]) -> None:
        """The service's materials for 受理, those in the 电子证照库 marked `from_licence`."""
        t = self.ticket
        if not t:
            return
        tid = t["id"]
        self.runner.run(lambda: self.api.licence_materials(tid, service_code), on_done,
                        lambda exc: on_error(self._text(exc)))

    def load_pickup_slots(self, service_code: str,
                          on_done: Callable[[list[dict[str, Any]]], None],
                          on_error: Callable[[str], None]) -> None:
        """The 窗口取件 slots still free for this service, flattened in time order."""
        hall = self.config.hall

        def fetch() -> list[dict[str, Any]]:
            days = self.api.pickup_slots(hall, service_code)["days"]
            return [slot for day in days for slot in day["slots"] if slot.get("available")]

        self.runner.run(fetch, on_done, lambda exc: on_error(self._text(exc)))

    def accept(self, body: dict[str, Any], on_done: Callable[[dict[str, Any]], None],
               on_error: Callable[[str], None]) -> bool:
        """受理: POST the application for the card's ticket; False when not allowed now."""
        if "accept" not in self.allowed() or self.ticket is None:
            return False
        ticket = self.ticket
        tid = ticket["id"]

        def done(app: dict[str, Any]) -> None:
            self.accepted[tid] = app
            self._say("msg_accepted", "ok", number=ticket["number"], receipt=app["receipt_no"],
                      due=app.get("promised_due", ""))
            self._notify("ticket", "actions")
            on_done(app)

        self.runner.run(lambda: self.api.accept_application(tid, **body), done,
                        lambda exc: on_error(self._text(exc)))
        return True

    def _text(self, exc: Exception) -> str:
        if isinstance(exc, ServerUnreachable):
            return self.s("msg_unreachable")
        return getattr(exc, "message", None) or str(exc)

    # ------------------------------------------------------------------ 补打小票

    def find_slip(self, number: str, on_done: Callable[[Any], None],
                  on_error: Callable[[str], None]) -> None:
        """Look a ticket of the hall up by its number and build its slip (with the tracking
        QR: staff read the full ticket)."""
        number = number.strip().upper()
        card = self.ticket
        window = self.window
        hall = self.config.hall

        def work() -> Any:
            if card and card["number"] == number:
                tid = card["id"]
            else:
                tid = self.api.ticket_by_number(hall, number)["id"]
            ticket = self.api.ticket(tid)
            return slip_for(ticket, tracking_url=self.rating_url(ticket["tracking_token"]),
                            window_number=window["number"] if window else None)

        def failed(exc: Exception) -> None:
            if isinstance(exc, ApiError) and exc.status == 404:
                on_error(self.s("reprint_not_found", number=number))
            else:
                on_error(self._text(exc))

        self.runner.run(work, on_done, failed)

    def slip_preview(self, slip: Any, on_done: Callable[[bytes], None],
                     on_error: Callable[[str], None]) -> None:
        """The slip as a PNG at the paper width of this counter's printer."""
        self.runner.run(lambda: preview_png(slip, self.config.printer), on_done,
                        lambda exc: on_error(str(exc)))

    def reprint(self, slip: Any, on_done: Callable[[None], None],
                on_error: Callable[[str], None]) -> bool:
        """Print the slip on this counter's printer; False when it has none."""
        printer = self.config.printer
        if printer is None:
            return False

        def done(_: Any) -> None:
            self._say("reprint_printed", "ok", number=slip.number)
            on_done(None)

        def failed(exc: Exception) -> None:
            self._say("reprint_print_failed", "error", error=str(exc))
            on_error(self.s("reprint_print_failed", error=str(exc)))

        self.runner.run(lambda: print_slip(slip, printer), done, failed)
        return True

    # ------------------------------------------------------------------ materials

    def load_materials(self) -> None:
        """Fetch every material the ticket's service needs (未提交 first, then the pre-submitted
        ones) and the citizen's full name, which the server shows the handling clerk only."""
        t = self.ticket
        if not t:
            return
        tid = t["id"]

        def done(checklist: dict[str, Any]) -> None:
            if self.ticket and self.ticket["id"] == tid:
                self.materials, self.materials_error = checklist["items"], None
                self.citizen_name = checklist.get("citizen_name")
                self._notify("materials", "ticket", "actions")

        def failed(exc: Exception) -> None:
            if self.ticket and self.ticket["id"] == tid:
                self.materials_error = getattr(exc, "message", str(exc))
                self._notify("materials")

        self.runner.run(lambda: self.api.ticket_checklist(tid), done, failed)

    def open_material(self, material_id: int, on_done: Callable[[list[Any], dict], None],
                      on_error: Callable[[str], None]) -> None:
        """Download (audited by the server) and render a material into page images."""
        item = next((m for m in self.materials if m["id"] == material_id), None)
        if item is None:
            on_error(self.s("materials_none"))
            return

        def work() -> list[Any]:
            content, ctype = self.api.material_content(material_id)
            return render_pages(content, ctype or item.get("content_type", ""))

        def failed(exc: Exception) -> None:
            on_error(getattr(exc, "message", None) or
                     self.s("unsupported", ctype=item.get("content_type", "?")))

        self.runner.run(work, lambda pages: on_done(pages, item), failed)

    def verify_material(self, material_id: int) -> bool:
        """Mark a material verified (one request at a time per material)."""
        key = f"verify:{material_id}"
        if key in self._inflight:
            return False
        self._inflight.add(key)

        def done(updated: dict[str, Any]) -> None:
            self._inflight.discard(key)
            self.materials = [{**m, **updated} if m["id"] == material_id else m
                              for m in self.materials]
            self._notify("materials")
            self._say("msg_verified", "ok", name=updated.get("name", ""))

        def failed(exc: Exception) -> None:
            self._inflight.discard(key)
            self._error(exc)

        self.runner.run(lambda: self.api.verify_material(material_id), done, failed)
        return True

    def verifying(self, material_id: int) -> bool:
        """Whether a verify request for this material is in flight."""
        return f"verify:{material_id}" in self._inflight

    # ------------------------------------------------------------------ realtime

    def handle_event(self, msg: dict[str, Any]) -> None:
        """An event from the hall stream (UI thread)."""
        kind = str(msg.get("type", ""))
        data = msg.get("data") or {}
        if kind == EventType.TICKET_CALLED and data.get("window_id") != self.window_id:
            at = parse_time(msg.get("at")) or datetime.now(UTC)
            self.log.appendleft(self.s("log_called", time=at.astimezone().strftime("%H:%M"),
                                       number=data.get("number", "?"),
                                       window=data.get("window_number", "?")))
            self._notify("log")
        if kind.startswith("ticket."):
            self.refresh("queue")
            if data.get("ticket_id") and self.ticket and data["ticket_id"] == self.ticket["id"] \
                    and self.busy is None:
                self.refresh("ticket")
            if data.get("window_id") == self.window_id:
                self.refresh("suspended")
        elif kind.startswith("window."):
            self.refresh("windows")
        elif kind == EventType.EVALUATION_RECEIVED and self.rating \
                and data.get("ticket_id") == self.rating["ticket_id"]:
            self.rating = {**self.rating, "result": data.get("rating_label")}
            self._notify("rating")

    def handle_snapshot(self, _snapshot: dict[str, Any]) -> None:
        """The stream could not replay (first connect or too far behind): reload."""
        self.refresh_all()

    def handle_state(self, state: str) -> None:
        """EventStream state change (UI thread)."""
        reconnect = self.connection.update(state, datetime.now(UTC))
        self._notify("connection")
        if reconnect:
            self._say("msg_reconnected", "ok")
            self.refresh_all()

    def tick(self, now: datetime | None = None) -> None:
        """Once a second: connection timeout."""
        if self.connection.tick(now or datetime.now(UTC)):
            self._notify("connection")
