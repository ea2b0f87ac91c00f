"""The kiosk's Qt-free controller: screens, intents with idempotency keys, retries, idle.

Widgets call the public methods and re-render from `state` whenever a listener fires.
Blocking work goes through `executor.run(fn, on_done, on_error)` (hallclient.qt.Worker in the
app, a synchronous stand-in in unit tests) and delays through `schedule(seconds, fn)`.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from hallclient import ApiError, HallApi, ServerUnreachable
from kiosk import idnumber
from kiosk.config import KioskConfig
from kiosk.devices.base import ID_CARD, QR, DeviceRead
from kiosk.printing import TicketPrinter, error_key, slip_from_ticket, slot_text
from kiosk.strings import t
from tongban_common.wire import EventType

log = logging.getLogger(__name__)

# the service prefix (1-2 letters) and the day's sequence (3 digits, more after 999)
NUMBER_RE = re.compile(r"^[A-Z]{1,2}\d{3,5}$")
QUERY_MAX = 7  # AB12345: the longest number NUMBER_RE accepts
BOOKING_RE = re.compile(r"[A-Z0-9]{4,16}")
REFRESH_EVENTS = ("ticket.", EventType.QUEUE_STATS, "window.")


class Screen(StrEnum):
    """Every screen the kiosk can show."""

    HOME = "home"
    CATEGORIES = "categories"
    SERVICES = "services"
    ID_PROMPT = "id_prompt"
    NO_WINDOW = "no_window"
    BUSY = "busy"
    RETRY = "retry"
    TICKET = "ticket"
    CHECKIN = "checkin"
    APPOINTMENT = "appointment"
    QUERY = "query"
    QUERY_RESULT = "query_result"
    ERROR = "error"
    PIN = "pin"
    MAINTENANCE = "maintenance"


# printer states (printers.PrinterStatus.state) that stop slips: home banner + dashboard alert
PRINTER_BANNERS = {"out_of_paper": "banner_paper", "cover_open": "banner_fault",
                   "offline": "banner_fault"}
# a status query that fails says as much as the printer's own answer
PRINTER_ERROR_STATES = {"printer_paper": "out_of_paper", "printer_cover": "cover_open"}

# screens a citizen is waiting on: the idle timeout must not abandon them
NO_IDLE = {Screen.HOME, Screen.BUSY, Screen.RETRY}
IDLE_WARN_SECONDS = 30  # the last seconds before going home are counted down on screen


class Executor(Protocol):
    """Runs `fn` somewhere else and reports back on the controller's thread."""

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None]) -> None:
        """Call fn(); then on_done(result) or on_error(exc)."""


Scheduler = Callable[[float, Callable[[], None]], None]


@dataclass
class Intent:
    """One thing the citizen asked for; its key stays the same across every retry."""

    kind: str  # ticket | lookup | checkin | track | number
    body: dict[str, Any]
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    attempts: int = 0


@dataclass
class KioskState:
    """Everything the widgets render."""

    screen: Screen = Screen.HOME
    lang: str = "zh"
    large: bool = False
    hall_name: str = ""
    services: list[dict[str, Any]] = field(default_factory=list)
    services_loaded: bool = False
    category: str | None = None
    service: dict[str, Any] | None = None
    id_text: str = ""
    id_check: idnumber.IdCheck = field(
        default_factory=lambda: idnumber.check_id_number(""))
    id_from_card: bool = False
    busy_key: str = "issuing"
    retry_attempt: int = 0
    ticket: dict[str, Any] | None = None
    ticket_link: str = ""
    appointment_line: str | None = None
    print_state: str | None = None  # printing | printed | failed
    print_error_key: str | None = None
    appointments: list[dict[str, Any]] = field(default_factory=list)
    error_key: str = "error_generic"
    error_message: str = ""
    error_back: Screen = Screen.HOME
    query_text: str = ""
    query_message_key: str | None = None
    query_result: dict[str, Any] | None = None
    pin_text: str = ""
    pin_error: bool = False
    connection: str = "connecting"
    last_http: str | None = None  # ok | fail
    printer_status_key: str | None = None
    printer_banner_key: str | None = None  # home-screen banner while the printer cannot print
    help_key: str | None = None  # 呼叫工作人员: help_sending | help_sent | help_failed
    idle_left: int | None = None  # seconds shown before the idle timeout goes home
    maint_message_key: str | None = None

    def categories(self) -> list[tuple[str, int]]:
        """(category, number of services) in catalog order."""
        counts: dict[str, int] = {}
        for svc in self.services:
            cat = svc.get("category") or svc.get("department") or "—"
            counts[cat] = counts.get(cat, 0) + 1
        return list(counts.items())

    def services_in(self, category: str | None) -> list[dict[str, Any]]:
        """Services of one category (all when None)."""
        return [s for s in self.services
                if category is None
                or (s.get("category") or s.get("department") or "—") == category]


class KioskController:
    """All kiosk behaviour without Qt."""

    def __init__(self, config: KioskConfig, api: HallApi, printer: TicketPrinter, *,
                 executor: Executor, schedule: Scheduler,
                 clock: Callable[[], float] = time.monotonic,
                 today: Callable[[], date] = date.today) -> None:
        self.config = config
        self.api = api
        self.printer = printer
        self.executor = executor
        self.schedule = schedule
        self.clock = clock
        self.today = today
        self.state = KioskState(lang=config.lang, large=config.large)
        self.listeners: list[Callable[[KioskState], None]] = []
        self.intent: Intent | None = None
        self.hall_tz = "Asia/Shanghai"
        self._last_touch = clock()
        self._taps: list[float] = []
        self._refreshing = False
        self._refresh_again = False
        self._refresh_scheduled = False
        self._stopped = False
        self._printer_reported: str | None = None  # the state the server last acknowledged
        self._report_sending = False
        self._read_hall_cache()

    # ------------------------------------------------------------------ plumbing

    def stop(self) -> None:
        """Shut down: late results and timers are ignored from now on."""
        self._stopped = True
        self.intent = None
        self.listeners.clear()

    def _changed(self) -> None:
        if self._stopped:
            return
        for listener in list(self.listeners):
            listener(self.state)

    def _show(self, screen: Screen) -> None:
        self.state.screen = screen
        if screen in NO_IDLE:
            self.state.idle_left = None
        self._changed()

    def text(self, key: str, **values: object) -> str:
        """A string in the current language."""
        return t(key, self.state.lang, **values)

    def _call(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
              on_error: Callable[[Exception], None]) -> None:
        def done(result: Any) -> None:
            self.state.last_http = "ok"
            if not self._stopped:
                on_done(result)

        def failed(exc: Exception) -> None:
            self.state.last_http = "fail" if isinstance(exc, ServerUnreachable) else "ok"
            if not self._stopped:
                if isinstance(exc, ServerUnreachable):
                    self._probe_later()  # whatever failed, find out when the server is back
                on_error(exc)

        self.executor.run(fn, done, failed)

    # ------------------------------------------------------------------ start, live data

    def start(self) -> None:
        """Load the hall and the catalog (retried in the background until the server answers)."""
        self._load_hall()
        self.refresh_services()
        self.schedule(self.config.printer_poll_seconds, self.poll_printer)

    def _load_hall(self) -> None:
        if self._stopped:
            return

        def done(halls: list[dict[str, Any]]) -> None:
            for hall in halls:
                if hall.get("code") == self.config.hall:
                    self.state.hall_name = hall.get("name", "")
                    self.hall_tz = hall.get("timezone") or self.hall_tz
                    self._write_hall_cache()
            self._changed()

        def failed(exc: Exception) -> None:
            log.info("hall info not loaded: %s", exc)
            self.schedule(self.config.retry_seconds, self._load_hall)

        self._call(self.api.halls, done, failed)

    def _cache_path(self) -> Path | None:
        return Path(self.config.cache_file).expanduser() if self.config.cache_file else None

    def _read_hall_cache(self) -> None:
        """The hall's name and timezone from the last run: 本机暂停服务 names the hall even
        when the kiosk starts without a server (never its raw code)."""
        path = self._cache_path()
        if path is None or not path.exists():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("hall cache %s not read: %s", path, exc)
            return
        if isinstance(data, dict) and data.get("hall") == self.config.hall:
            self.state.hall_name = str(data.get("name") or "")
            self.hall_tz = str(data.get("timezone") or self.hall_tz)

    def _write_hall_cache(self) -> None:
        path = self._cache_path()
        if path is None:
            return
        data = {"hall": self.config.hall, "name": self.state.hall_name, "timezone": self.hall_tz}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        except OSError as exc:  # a read-only disk must not stop the kiosk
            log.warning("hall cache %s not written: %s", path, exc)

    @property
    def out_of_service(self) -> bool:
        """Home while the server cannot be reached: 本机暂停服务 instead of the tiles."""
        return self.state.screen == Screen.HOME and self.state.last_http == "fail"

    def refresh_services(self) -> None:
        """Reload waiting counts and estimates (coalesces bursts of events into one request)."""
        if self._stopped:
            return
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True

        def done(services: list[dict[str, Any]]) -> None:
            self.state.services = services
            self.state.services_loaded = True
            self._refresh_finished()
            self._changed()

        def failed(exc: Exception) -> None:
            log.info("services not loaded: %s", exc)
            self._refresh_finished()
            if not self.state.services_loaded:
                self._probe_later()
            self._changed()

        self._call(lambda: self.api.services(self.config.hall), done, failed)

    def _probe_later(self) -> None:
        """Refresh after `retry_seconds`: one retry chain, however many callers."""
        if not self._refresh_scheduled:
            self._refresh_scheduled = True
            self.schedule(self.config.retry_seconds, self._scheduled_refresh)

    def _scheduled_refresh(self) -> None:
        self._refresh_scheduled = False
        self.refresh_services()

    def _refresh_finished(self) -> None:
        self._refreshing = False
        if self._refresh_again:
            self._refresh_again = False
            self.refresh_services()

    def on_event(self, message: dict[str, Any]) -> None:
        """A realtime event: anything that changes queues refreshes the counts."""
        kind = str(message.get("type", ""))
        if kind.startswith(REFRESH_EVENTS):
            self.refresh_services()

    def on_snapshot(self, _data: dict[str, Any]) -> None:
        """Missed too much: refresh everything."""
        self.refresh_services()

    def on_connection(self, state: str) -> None:
        """Websocket state for the status line and the maintenance screen."""
        self.state.connection = state
        if state in ("connected", "disconnected"):
            # a lost stream may be a lost server: the refresh finds out (and keeps retrying)
            self.refresh_services()
        self._changed()

    # ------------------------------------------------------------------ navigation, idle

    def touch(self) -> None:
        """Any user input: restarts the idle timer (and hides its countdown)."""
        self._last_touch = self.clock()
        self._set_idle_left(None)

    def tick(self) -> None:
        """Called about once a second: count the last seconds down, go home after
        `idle_timeout` without input."""
        if self.state.screen in NO_IDLE:
            self._set_idle_left(None)
            return
        left = self.config.idle_timeout - (self.clock() - self._last_touch)
        if left <= 0:
            log.info("idle on %s: back to home", self.state.screen)
            self.go_home()
            return
        self._set_idle_left(math.ceil(left) if left <= IDLE_WARN_SECONDS else None)

    def _set_idle_left(self, seconds: int | None) -> None:
        if seconds != self.state.idle_left:
            self.state.idle_left = seconds
            self._changed()

    def go_home(self) -> None:
        """Back to the start; an unfinished intent is given up (its key is dropped)."""
        self.intent = None
        s = self.state
        s.category = s.service = s.ticket = s.query_result = None
        s.id_text, s.query_text, s.pin_text = "", "", ""
        s.id_check = idnumber.check_id_number("")
        s.id_from_card = s.pin_error = False
        s.appointments = []
        s.print_state = s.print_error_key = s.query_message_key = s.maint_message_key = None
        s.help_key = s.idle_left = None
        self._show(Screen.HOME)

    def set_lang(self, lang: str) -> None:
        """Switch the language of every screen."""
        self.state.lang = "en" if lang == "en" else "zh"
        self._changed()

    def toggle_lang(self) -> None:
        """zh ↔ en."""
        self.set_lang("zh" if self.state.lang == "en" else "en")

    def toggle_large(self) -> None:
        """Large-text elderly mode on/off."""
        self.state.large = not self.state.large
        self._changed()

    def back(self) -> None:
        """One step back inside a flow."""
        screen = self.state.screen
        if screen == Screen.SERVICES:
            self._show(Screen.CATEGORIES)
        elif screen in (Screen.ID_PROMPT, Screen.NO_WINDOW):
            self._show(Screen.SERVICES)
        elif screen == Screen.QUERY_RESULT:
            self.open_query()
        elif screen == Screen.ERROR:
            self._show(self.state.error_back)
        else:
            self.go_home()

    # ------------------------------------------------------------------ 取号

    def take_number(self) -> None:
        """Home → categories (or straight to services when the hall has one category)."""
        if not self.state.services_loaded:
            self.refresh_services()
        cats = self.state.categories()
        if len(cats) == 1:
            self.state.category = cats[0][0]
            self._show(Screen.SERVICES)
            return
        self._show(Screen.CATEGORIES)

    def choose_category(self, category: str) -> None:
        """Category → its services."""
        self.state.category = category
        self._show(Screen.SERVICES)

    def choose_service(self, code: str) -> None:
        """Service → optional ID card / number; first a question when no window serves it."""
        svc = next((s for s in self.state.services if s["code"] == code), None)
        if svc is None:
            return
        self.state.service = svc
        if svc.get("accepting") is False:
            self._show(Screen.NO_WINDOW)
            return
        self.take_anyway()

    def take_anyway(self) -> None:
        """The chosen service → optional ID card / number (after 仍要取号 too)."""
        self._reset_id()
        self._show(Screen.ID_PROMPT)

    def _reset_id(self) -> None:
        self.state.id_text = ""
        self.state.id_check = idnumber.check_id_number("", today=self.today())
        self.state.id_from_card = False

    def id_key(self, char: str) -> None:
        """On-screen keypad: a digit or X."""
        if len(self.state.id_text) >= idnumber.LENGTH:
            return
        self._set_id(self.state.id_text + char.upper(), from_card=False)

    def id_delete(self) -> None:
        """Keypad: delete the last character."""
        self._set_id(self.state.id_text[:-1], from_card=False)

    def id_clear(self) -> None:
        """Keypad: clear."""
        self._set_id("", from_card=False)

    def _set_id(self, text: str, *, from_card: bool) -> None:
        self.state.id_text = idnumber.normalize(text)
        self.state.id_check = idnumber.check_id_number(self.state.id_text, today=self.today())
        self.state.id_from_card = from_card
        self._changed()

    def id_hint(self) -> str:
        """The message under the ID field, as typed."""
        check = self.state.id_check
        if check.message_key == "id_hint_more":
            n = len(check.value)
            return self.text("id_hint_more", n=n, m=idnumber.LENGTH - n)
        return self.text(check.message_key)

    def skip_id(self) -> None:
        """Take a number without an ID."""
        if self.state.service:
            self._start(Intent("ticket", {"service_code": self.state.service["code"]}))

    def confirm_id(self) -> None:
        """Take a number with the (valid) ID number: the server may grant the green channel."""
        if self.state.service and self.state.id_check.ok:
            self._start(Intent("ticket", {"service_code": self.state.service["code"],
                                          "id_number": self.state.id_check.value}))

    # ------------------------------------------------------------------ check-in

    def open_checkin(self) -> None:
        """Home → check-in (card, QR or keypad)."""
        self._reset_id()
        self.state.appointments = []
        self._show(Screen.CHECKIN)

    def find_appointment(self) -> None:
        """Look up today's appointment by the typed ID number."""
        if self.state.id_check.ok:
            self._start(Intent("lookup", {"id_number": self.state.id_check.value}))

    def lookup_booking(self, qr_text: str) -> None:
        """Look up by a scanned booking QR (the code itself or a URL ending in it)."""
        code = extract_booking_code(qr_text)
        if code:
            self._start(Intent("lookup", {"booking_code": code}))

    def do_checkin(self, booking_code: str) -> None:
        """Check the appointment in → ticket."""
        self._start(Intent("checkin", {"booking_code": booking_code}))

    # ------------------------------------------------------------------ query

    def open_query(self) -> None:
        """Home → my ticket."""
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

    # ------------------------------------------------------------------ devices

    def on_read(self, read: DeviceRead) -> None:
        """A card tap or a scan, routed by the screen being shown."""
        self.touch()
        if self.out_of_service:
            return  # nothing to look up without a server; the screen says so
        screen = self.state.screen
        if read.source == ID_CARD:
            if screen == Screen.ID_PROMPT:
                self._set_id(read.value, from_card=True)
                self.confirm_id()
            elif screen in (Screen.HOME, Screen.CHECKIN, Screen.APPOINTMENT):
                if screen != Screen.CHECKIN:
                    self.open_checkin()
                self._set_id(read.value, from_card=True)
                self.find_appointment()
        elif read.source == QR:
            if screen in (Screen.QUERY, Screen.QUERY_RESULT) or (screen == Screen.HOME
                                          and self.config.is_tracking_link(read.value)):
                self.query_scan(read.value)
            elif screen in (Screen.HOME, Screen.CHECKIN, Screen.APPOINTMENT):
                self.lookup_booking(read.value)

    # ------------------------------------------------------------------ intents and retries

    def _start(self, intent: Intent) -> None:
        self.intent = intent
        self._send(intent)

    def _send(self, intent: Intent) -> None:
        """(Re)send the current intent; results of an abandoned intent are ignored."""
        intent.attempts += 1
        if self.state.screen != Screen.RETRY:
            self.state.busy_key = {"ticket": "issuing", "checkin": "checking_in",
                                   "lookup": "looking_up"}.get(intent.kind, "querying")
            self._show(Screen.BUSY)
        fn = self._request_for(intent)

        def done(result: Any) -> None:
            if self.intent is intent:
                self.intent = None
                self._finished(intent, result)

        def failed(exc: Exception) -> None:
            if self.intent is intent:
                self._failed(intent, exc)

        self._call(fn, done, failed)

    def _request_for(self, intent: Intent) -> Callable[[], Any]:
        hall, body, key = self.config.hall, intent.body, intent.key
        api = self.api
        if intent.kind == "ticket":
            return lambda: api.issue_ticket(hall, body["service_code"],
                                            id_number=body.get("id_number"),
                                            idempotency_key=key, retries=1)
        if intent.kind == "checkin":
            return lambda: api.request("POST", f"/api/v1/halls/{hall}/checkins", json=body,
                                       headers={"Idempotency-Key": key})
        if intent.kind == "lookup":
            return lambda: api.request("POST", f"/api/v1/halls/{hall}/checkins/lookup",
                                       json=body)
        if intent.kind == "track":
            return lambda: api.track(body["token"])
        if intent.kind == "number":
            return lambda: api.ticket_by_number(hall, body["number"])
        raise ValueError(intent.kind)

    def _failed(self, intent: Intent, exc: Exception) -> None:
        # 5xx (a proxy or a restarting server) is as retryable as no answer: same key, same ticket
        if isinstance(exc, ServerUnreachable) or (isinstance(exc, ApiError) and exc.status >= 500):
            # same intent, same key: the server answers a replay with the same ticket
            self.state.retry_attempt = intent.attempts
            self._show(Screen.RETRY)
            self.schedule(self.config.retry_seconds, lambda: self._retry(intent))
            return
        self.intent = None
        if intent.kind in ("track", "number") and isinstance(exc, ApiError) \
                and exc.status in (404, 422):
            self.state.query_message_key = ("query_not_found" if exc.status == 404
                                            else "query_bad_input")
            self._show(Screen.QUERY)
            return
        self.state.error_message = exc.message if isinstance(exc, ApiError) else ""
        self.state.error_back = {"lookup": Screen.CHECKIN, "checkin": Screen.CHECKIN,
                                 "track": Screen.QUERY, "number": Screen.QUERY,
                                 }.get(intent.kind, Screen.HOME)
        if isinstance(exc, ApiError) and exc.code == "appointment_not_found":
            self.state.error_key = "appointment_none"
        elif isinstance(exc, ApiError) and exc.code == "no_open_window":
            # The hall refuses numbers nobody would serve: 返回 = choose another service, whose
            # counts on screen are stale.
            self.state.error_key = "no_window_title"
            self.state.error_back = Screen.SERVICES
            self.refresh_services()
        else:
            self.state.error_key = "error_title"
        if not isinstance(exc, ApiError):
            log.exception("unexpected error for %s", intent.kind, exc_info=exc)
            self.state.error_message = self.text("error_generic")
        self._show(Screen.ERROR)

    def _retry(self, intent: Intent) -> None:
        if self.intent is intent:
            self._send(intent)

    def give_up(self) -> None:
        """The citizen cancels a retrying intent."""
        self.go_home()

    def _finished(self, intent: Intent, result: Any) -> None:
        if intent.kind in ("ticket", "checkin"):
            self._ticket_issued(result)
        elif intent.kind == "lookup":
            self.state.appointments = list(result.get("appointments", []))
            self._show(Screen.APPOINTMENT)
        elif intent.kind in ("track", "number"):
            self.state.query_result = result
            self._show(Screen.QUERY_RESULT)

    # ------------------------------------------------------------------ ticket and printing

    def _ticket_issued(self, ticket: dict[str, Any]) -> None:
        s = self.state
        s.ticket = ticket
        s.ticket_link = self.config.tracking_link(ticket["tracking_token"])
        appt = ticket.get("appointment")
        s.appointment_line = (self.text("appt_checked_in_line", s=slot_text(appt, self.hall_tz))
                              if appt else None)
        s.print_state = None
        self.touch()
        self._show(Screen.TICKET)
        self.refresh_services()
        self.print_ticket()

    def print_ticket(self) -> None:
        """Print the ticket on screen (again, after a failure: the number stays the same)."""
        s = self.state
        ticket = s.ticket
        if ticket is None or s.print_state == "printing":
            return
        s.print_state, s.print_error_key = "printing", None
        self._changed()
        slip = slip_from_ticket(ticket, tracking_url=s.ticket_link, hall_name=s.hall_name,
                                appointment_line=s.appointment_line, tz=self.hall_tz,
                                priority_label=self.priority_label(ticket))

        def done(_: Any) -> None:
            if s.ticket is ticket:
                s.print_state = "printed"
                self._changed()

        def failed(exc: Exception) -> None:
            log.warning("ticket %s not printed: %s", ticket["number"], exc)
            self._printer_seen(PRINTER_ERROR_STATES.get(error_key(exc), "offline"))
            if s.ticket is ticket:
                s.print_state, s.print_error_key = "failed", error_key(exc)
                self._changed()

        self.executor.run(lambda: self.printer.print_slip(slip), done, failed)

    def priority_label(self, ticket: dict[str, Any]) -> str | None:
        """绿色通道 / 预约优先 when the server gave the ticket a priority class."""
        klass = ticket.get("priority_class")
        if klass == "green":
            return self.text("green_channel")
        if klass == "appointment":
            return self.text("appointment_ticket")
        return None

    # ------------------------------------------------------------------ printer watch, help

    def poll_printer(self) -> None:
        """Ask the printer while home shows (never during a print), again in a while."""
        if self._stopped:
            return
        self.schedule(self.config.printer_poll_seconds, self.poll_printer)
        # only on home: a status query never meets a print job or a citizen's wait
        if self.state.screen != Screen.HOME or self.state.print_state == "printing":
            return

        def failed(exc: Exception) -> None:
            log.info("printer status not read: %s", exc)
            self._printer_seen(PRINTER_ERROR_STATES.get(error_key(exc), "offline"))

        self.executor.run(self.printer.status, lambda st: self._printer_seen(st.state), failed)

    def _printer_seen(self, printer_state: str) -> None:
        """Show or hide the home banner and tell the server when the state changed."""
        if self._stopped:
            return
        banner = PRINTER_BANNERS.get(printer_state)
        if banner != self.state.printer_banner_key:
            self.state.printer_banner_key = banner
            self._changed()
        if printer_state == self._printer_reported or self._report_sending:
            return  # unchanged, or a report on its way (the next poll sends a newer state)
        self._report_sending = True

        def done(_: Any) -> None:
            self._report_sending = False
            self._printer_reported = printer_state

        def failed(exc: Exception) -> None:
            self._report_sending = False  # the next poll tries again
            log.info("printer state %s not reported: %s", printer_state, exc)

        self._call(lambda: self.api.request("POST", "/api/v1/devices/me/status",
                                            json={"printer": printer_state}), done, failed)

    def call_staff(self) -> None:
        """呼叫工作人员: a dashboard alert naming this kiosk until a manager acknowledges it."""
        if self.state.help_key == "help_sending":
            return
        self.state.help_key = "help_sending"
        self._changed()

        def done(_: Any) -> None:
            self.state.help_key = "help_sent"
            self._changed()

        def failed(exc: Exception) -> None:
            log.warning("help request not sent: %s", exc)
            self.state.help_key = "help_failed"
            self._changed()

        self._call(lambda: self.api.request("POST", "/api/v1/devices/me/help"), done, failed)

    # ------------------------------------------------------------------ maintenance

    def corner_tap(self) -> None:
        """Hidden entry: `maintenance_taps` taps on the corner within 3 seconds."""
        now = self.clock()
        self._taps = [x for x in self._taps if now - x <= 3.0] + [now]
        if len(self._taps) >= self.config.maintenance_taps:
            self._taps = []
            self.state.pin_text, self.state.pin_error = "", False
            self._show(Screen.PIN)

    def pin_key(self, char: str) -> None:
        """PIN keypad digit."""
        if char.isdigit() and len(self.state.pin_text) < 12:
            self.state.pin_text += char
            self.state.pin_error = False
            self._changed()

    def pin_delete(self) -> None:
        """PIN keypad delete."""
        self.state.pin_text = self.state.pin_text[:-1]
        self._changed()

    def pin_submit(self) -> None:
        """Open maintenance when the PIN matches."""
        if self.state.pin_text == self.config.maintenance_pin:
            self.state.pin_text = ""
            self.state.maint_message_key = None
            self._show(Screen.MAINTENANCE)
            self.check_printer()
        else:
            self.state.pin_text, self.state.pin_error = "", True
            self._changed()

    def check_printer(self) -> None:
        """Query the printer status in the background."""
        self.state.printer_status_key = "checking"
        self._changed()

        def done(status: Any) -> None:
            self.state.printer_status_key = f"pstate_{status.state}"
            self._changed()

        def failed(exc: Exception) -> None:
            self.state.printer_status_key = error_key(exc)
            self._changed()

        self.executor.run(self.printer.status, done, failed)

    def test_print(self) -> None:
        """Print a sample slip marked as a test."""
        from printers import maintenance_slip

        slip = maintenance_slip(self.state.hall_name or self.config.hall, self.config.server)
        self.state.maint_message_key = "checking"
        self._changed()

        def done(_: Any) -> None:
            self.state.maint_message_key = "maint_test_ok"
            self._changed()

        def failed(exc: Exception) -> None:
            self.state.maint_message_key = error_key(exc)
            self._changed()

        self.executor.run(lambda: self.printer.print_slip(slip), done, failed)


def extract_booking_code(text: str) -> str | None:
    """The booking code in a scanned QR: the bare code, `...code=K7PQ2M` or a URL's last part."""
    raw = text.strip()
    match = re.search(r"(?:booking_code|code)=([A-Za-z0-9]+)", raw)
    if match:
        return match.group(1).upper()
    last = raw.rstrip("/").rsplit("/", 1)[-1].upper()
    found = BOOKING_RE.fullmatch(last)
    return found.group(0) if found else None
