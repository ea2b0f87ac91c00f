"""Replay a day plan live over HTTP against a server running on a compressed clock.

The server is started with `TONGBAN_CLOCK=start=<day start>,real=<t0>,speed=<S>`; the
replay sleeps until each planned moment's wall time and makes the same steps as the
in-process replay through the public API (kiosk token, clerk logins). Estimates come from
the issue responses, actual waits from the server's own ticket records.

Appointment arrivals are booked before the day opens the way the portal books them (citizen
OTP read from the admin outbox, slots, POST /appointments), one citizen each, in the slot
that holds the planned slot moment; on arrival they check in at the kiosk endpoint
(POST /halls/demo/checkins with the kiosk token and an Idempotency-Key), so the live day
exercises the appointment priority class. The in-process twin uses the planned slot moment
itself as the slot start; the live day can only book the hall's 30-minute slots.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime

import httpx

from bench.load import DEMO_SERVICES, KIOSK_TOKEN, PASSWORD, auth
from bench.sim.plan import Arrival, DayPlan
from bench.sim.replay import Replay, TicketRecord, WindowSim
from bench.stats import Recorder
from server.auth.principal import Principal
from server.core.clock import ClockSpec
from server.core.ids import check_digit

log = logging.getLogger(__name__)


class LiveReplay(Replay):
    """The same day, driven through HTTP in (compressed) real time."""

    def __init__(self, base_url: str, plan: DayPlan, clock: ClockSpec) -> None:
        super().__init__(None, None, plan)
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.clock = clock
        self.tokens: dict[int, dict[str, str]] = {}  # window number → clerk header
        self.manager_headers: dict[str, str] = {}
        self.lag_ms: list[float] = []
        self.issue_rec = Recorder()
        self.call_rec = Recorder()
        self.other_rec = Recorder()
        self.checkin_rec = Recorder()
        self.book_rec = Recorder()
        self.returned: dict[int, float] = {}
        self.started_wall = 0.0
        self.bookings: dict[int, str] = {}  # arrival index → booking code
        self.booking_s = 0.0  # wall time of the booking step (part of the start margin)
        self.unbooked = 0  # appointment arrivals that found no slot: they come as walk-ins
        self.checked_in_priority = 0  # check-ins that got the appointment priority class

    def _login(self, username: str) -> dict[str, str]:
        r = self.http.post("/api/v1/auth/login", json={"username": username,
                                                       "password": PASSWORD})
        r.raise_for_status()
        return auth(r.json()["access_token"])

    def _setup_windows(self) -> None:
        self.manager_headers = self._login("manager")
        # Before the clerks' (slow, argon2) logins: a late start must not end the slots first.
        self._book_appointments()
        windows = self.http.get("/api/v1/windows", params={"hall": "demo"},
                                headers=self.manager_headers).json()
        for w in windows:
            services = {DEMO_SERVICES.index(x["code"]) for x in w["services"]
                        if x["code"] in DEMO_SERVICES}
            if not services:
                continue  # the 出件 (pickup) window: nobody the simulated day brings
            number = w["number"]
            headers = self._login(f"clerk{number}") if number <= 8 else self.manager_headers
            self.tokens[number] = headers
            self.windows[number] = WindowSim(number, w["id"], Principal("staff", 0, "clerk", 0),
                                             services=services)
        self.started_wall = time.time()

    # ------------------------------------------------------------ appointments, booked ahead

    def _book_appointments(self) -> None:
        """Book every appointment arrival of the plan before the day opens, like the portal."""
        wanted = [a for a in self.plan.arrivals if a.priority == "appointment"]
        if not wanted:
            return
        started = time.perf_counter()
        admin = self._login("admin")
        day = self.moment(0).astimezone(_hall_tz()).date().isoformat()
        slots: dict[str, list[dict]] = {}
        for a in wanted:
            code = DEMO_SERVICES[a.service]
            if code not in slots:
                r = self.http.get(f"/api/v1/halls/demo/services/{code}/slots",
                                  params={"date": day})
                r.raise_for_status()
                slots[code] = r.json()["slots"] if r.json().get("bookable") else []
            slot = _slot_for(slots[code], self.moment(a.slot_minute or a.minute))
            if slot is None:
                self.unbooked += 1
                log.warning("no bookable slot for arrival %s (%s)", a.index, code)
                continue
            t0 = time.perf_counter()
            headers = self._citizen(admin, _phone(a.index))
            r = self.http.post("/api/v1/appointments", headers=headers, json={
                "hall_code": "demo", "service_code": code, "slot_start": slot["start"],
                "name": "预约市民", "id_number": _id_number(a.index), "phone": _phone(a.index)})
            if r.status_code != 201:
                self.book_rec.errors += 1
                self.unbooked += 1
                log.warning("booking for arrival %s -> %s %s", a.index, r.status_code,
                            r.text[:200])
                continue
            self.book_rec.add((time.perf_counter() - t0) * 1000)
            slot["remaining"] -= 1
            self.bookings[a.index] = r.json()["booking_code"]
        self.booking_s = time.perf_counter() - started

    def _citizen(self, admin: dict[str, str], phone: str) -> dict[str, str]:
        """Citizen login through the one-time code the outbox recorded."""
        self.http.post("/api/v1/citizen/otp", json={"phone": phone}).raise_for_status()
        r = self.http.get("/api/v1/admin/outbox", headers=admin,
                          params={"recipient": phone, "kind": "otp", "limit": 1})
        r.raise_for_status()
        r = self.http.post("/api/v1/citizen/login",
                           json={"phone": phone, "code": r.json()[0]["data"]["code"]})
        r.raise_for_status()
        return auth(r.json()["access_token"])

    def _check_in(self, a: Arrival, minute: float, booking_code: str) -> TicketRecord:
        """The citizen scans the booking QR at the kiosk: the same call the kiosk makes."""
        headers = {**auth(KIOSK_TOKEN), "Idempotency-Key": uuid.uuid4().hex}
        r = self._post("/api/v1/halls/demo/checkins", headers, self.checkin_rec,
                       {"booking_code": booking_code})
        r.raise_for_status()
        out = r.json()
        self.checked_in_priority += out.get("priority_class") == "appointment"
        return TicketRecord(a.index, out["id"], a.service, a.priority, minute,
                            out["estimated_wait_minutes"], None)

    def _wait_until(self, minute: float) -> None:
        target = self.clock.wall_at(self.moment(minute))
        delay = target - time.time()
        if delay > 0:
            time.sleep(delay)
        else:
            self.lag_ms.append(-delay * 1000)

    def _post(self, path: str, headers: dict[str, str], rec: Recorder,
              json: dict | None = None) -> httpx.Response:
        t0 = time.perf_counter()
        r = self.http.post(path, json=json, headers=headers)
        if r.status_code < 300:
            rec.add((time.perf_counter() - t0) * 1000)
        else:
            rec.errors += 1
            log.warning("%s -> %s %s", path, r.status_code, r.text[:200])
        return r

    def _issue(self, a: Arrival, minute: float) -> TicketRecord:
        if a.index in self.bookings:
            return self._check_in(a, minute, self.bookings[a.index])
        body = {"service_code": DEMO_SERVICES[a.service]}
        headers = auth(KIOSK_TOKEN)
        if a.priority == "green":
            body["priority"], headers = "green", self.manager_headers
        r = self._post("/api/v1/halls/demo/tickets", headers, self.issue_rec, body)
        r.raise_for_status()
        out = r.json()
        return TicketRecord(a.index, out["id"], a.service, a.priority, minute,
                            out["estimated_wait_minutes"], None)

    def _call(self, w: WindowSim, minute: float) -> int | None:
        r = self._post(f"/api/v1/windows/{w.id}/call-next", self.tokens[w.number], self.call_rec)
        if r.status_code == 204:
            return None
        r.raise_for_status()
        tid = r.json()["id"]
        self.returned[tid] = time.perf_counter()
        return tid

    def _act(self, number: int, tid: int, action: str, minute: float, **kw: str) -> None:
        self._post(f"/api/v1/tickets/{tid}/{action}", self.tokens[number], self.other_rec,
                   kw or None)

    def _set(self, w: WindowSim, state: str, minute: float) -> None:
        verb = {"open": "open", "paused": "pause", "closed": "close"}[state]
        self._post(f"/api/v1/windows/{w.id}/{verb}", self.tokens[w.number], self.other_rec)

    def _collect(self) -> None:
        for tid, rec in self.records.items():
            t = self.http.get(f"/api/v1/tickets/{tid}", headers=self.manager_headers).json()
            if t.get("first_called_at"):
                issued = _parse(t["issued_at"])
                rec.actual = (_parse(t["first_called_at"]) - issued).total_seconds() / 60
        self.http.close()


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _hall_tz():  # noqa: ANN202 - ZoneInfo
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")  # the demo hall's timezone


def _slot_for(slots: list[dict], moment: datetime) -> dict | None:
    """The bookable slot with room that holds `moment`, else the nearest one with room."""
    free = [s for s in slots if s["bookable"] and s["remaining"] > 0]
    for s in free:
        if _parse(s["start"]) <= moment < _parse(s["end"]):
            return s
    return min(free, key=lambda s: abs((_parse(s["start"]) - moment).total_seconds()),
               default=None)


def _phone(index: int) -> str:
    """One made-up mainland mobile number per appointment arrival (one booking a day each)."""
    return f"137{index:08d}"


def _id_number(index: int) -> str:
    """A valid GB 11643 ID number per arrival, born 1985 (no green channel)."""
    first17 = f"1101051985{(index // 28) % 12 + 1:02d}{index % 28 + 1:02d}{index % 1000:03d}"
    return first17 + check_digit(first17)


