"""The controller's core: plumbing, live data, navigation and idle, intents and retries.

The flows (take.py, checkin.py, query.py, pickup.py, maintenance.py) build on this class;
`kiosk.controller.KioskController` puts them together.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from hallclient import ApiError, HallApi, ServerUnreachable
from hallclient.jobs import Runner, Scheduler
from hallclient.speech import Phrase, Speaker
from kiosk import idnumber
from kiosk.config import KioskConfig
from kiosk.printing import TicketPrinter
from kiosk.state import IDLE_WARN_SECONDS, NO_IDLE, REFRESH_EVENTS, Intent, KioskState, Screen
from kiosk.strings import t

log = logging.getLogger(__name__)

# what the busy screen says while an intent of each kind is on its way
BUSY_KEYS = {"ticket": "issuing", "checkin": "checking_in", "lookup": "looking_up",
             "pickup": "picking_up"}


class ControllerBase:
    """All kiosk behaviour without Qt: blocking work goes through `runner.run(fn, on_done,
    on_error)`, delays through `scheduler.later(seconds, fn)` (hallclient.jobs)."""

    def __init__(self, config: KioskConfig, api: HallApi, printer: TicketPrinter, *,
                 runner: Runner, scheduler: Scheduler, speaker: Speaker | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 today: Callable[[], date] = date.today) -> None:
        self.config = config
        self.api = api
        self.printer = printer
        self.runner = runner
        self.scheduler = scheduler
        self.speaker = speaker
        self.clock = clock
        self.today = today
        self.state = KioskState(lang=config.lang, large=config.large)
        self.listeners: list[Callable[[KioskState], None]] = []
        self.intent: Intent | None = None
        self.hall_tz = "Asia/Shanghai"
        self._last_touch = clock()
        self._refreshing = False
        self._refresh_again = False
        self._refresh_scheduled = False
        self._stopped = False
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

    def _say(self, phrase: Phrase) -> None:
        """Speak a prompt when a speaker is configured (never blocks)."""
        if self.speaker is not None and not self._stopped:
            self.speaker.say(phrase, self.state.lang)

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

        self.runner.run(fn, done, failed)

    # ------------------------------------------------------------------ start, live data

    def start(self) -> None:
        """Load the hall and the catalog (retried in the background until the server answers)."""
        self._load_hall()
        self.refresh_services()
        self.scheduler.later(self.config.printer_poll_seconds, self.poll_printer)

    def poll_printer(self) -> None:
        """Ask the printer how it is (the maintenance flow does)."""
        raise NotImplementedError

    def _printer_seen(self, printer_state: str) -> None:
        """The printer's state as just seen (the maintenance flow reports it)."""
        raise NotImplementedError

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
            self.scheduler.later(self.config.retry_seconds, self._load_hall)

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
            self.scheduler.later(self.config.retry_seconds, self._scheduled_refresh)

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
        s.appointments, s.cases = [], []
        s.print_state = s.print_error_key = s.query_message_key = s.maint_message_key = None
        s.cases_message_key = s.pickup_message_key = None
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

    def give_up(self) -> None:
        """The citizen cancels a retrying intent."""
        self.go_home()

    # ------------------------------------------------------------------ ID number entry

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

    # ------------------------------------------------------------------ intents and retries

    def _request_for(self, intent: Intent) -> Callable[[], Any]:
        """The blocking call that carries `intent` out (each flow adds its kinds)."""
        raise ValueError(intent.kind)

    def _finished(self, intent: Intent, result: Any) -> None:
        """The server's answer to `intent` (each flow handles its kinds)."""
        raise ValueError(intent.kind)

    def _refused(self, intent: Intent, exc: Exception) -> bool:
        """A flow's own answer to a refusal; False: the error screen shows it."""
        return False

    def _error_back(self, intent: Intent) -> Screen:
        """Where 返回 on the error screen leads for `intent`."""
        return Screen.HOME

    def _start(self, intent: Intent) -> None:
        self.intent = intent
        self._send(intent)

    def _send(self, intent: Intent) -> None:
        """(Re)send the current intent; results of an abandoned intent are ignored."""
        intent.attempts += 1
        if self.state.screen != Screen.RETRY:
            self.state.busy_key = BUSY_KEYS.get(intent.kind, "querying")
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

    def _failed(self, intent: Intent, exc: Exception) -> None:
        # 5xx (a proxy or a restarting server) is as retryable as no answer: same key, same ticket
        if isinstance(exc, ServerUnreachable) or (isinstance(exc, ApiError) and exc.status >= 500):
            # same intent, same key: the server answers a replay with the same ticket
            self.state.retry_attempt = intent.attempts
            self._show(Screen.RETRY)
            self.scheduler.later(self.config.retry_seconds, lambda: self._retry(intent))
            return
        self.intent = None
        if self._refused(intent, exc):
            return
        self.state.error_message = exc.message if isinstance(exc, ApiError) else ""
        self.state.error_back = self._error_back(intent)
        self.state.error_key = "error_title"
        if not isinstance(exc, ApiError):
            log.exception("unexpected error for %s", intent.kind, exc_info=exc)
            self.state.error_message = self.text("error_generic")
        self._show(Screen.ERROR)

    def _show_error(self, key: str, exc: ApiError, back: Screen) -> None:
        """The error screen with a flow's own title and the server's words."""
        self.state.error_key, self.state.error_message = key, exc.message
        self.state.error_back = back
        self._show(Screen.ERROR)

    def _retry(self, intent: Intent) -> None:
        if self.intent is intent:
            self._send(intent)
