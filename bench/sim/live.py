"""Replay a day plan live over HTTP against a server running on a compressed clock.

The server is started with `TONGBAN_CLOCK=start=<day start>,real=<t0>,speed=<S>`; the
replay sleeps until each planned moment's wall time and makes the same steps as the
in-process replay through the public API (kiosk token, clerk logins). Estimates come from
the issue responses, actual waits from the server's own ticket records.
"""

from __future__ import annotations

import logging
import time

import httpx

from bench.load import DEMO_SERVICES, KIOSK_TOKEN, PASSWORD, auth
from bench.sim.plan import Arrival, DayPlan
from bench.sim.replay import Replay, TicketRecord, WindowSim
from bench.stats import Recorder
from server.auth.principal import Principal
from server.core.clock import ClockSpec

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
        self.returned: dict[int, float] = {}
        self.started_wall = 0.0

    def _login(self, username: str) -> dict[str, str]:
        r = self.http.post("/api/v1/auth/login", json={"username": username,
                                                       "password": PASSWORD})
        r.raise_for_status()
        return auth(r.json()["access_token"])

    def _setup_windows(self) -> None:
        self.manager_headers = self._login("manager")
        windows = self.http.get("/api/v1/windows", params={"hall": "demo"},
                                headers=self.manager_headers).json()
        for w in windows:
            number = w["number"]
            headers = self._login(f"clerk{number}") if number <= 8 else self.manager_headers
            self.tokens[number] = headers
            services = {DEMO_SERVICES.index(x["code"]) for x in w["services"]}
            self.windows[number] = WindowSim(number, w["id"], Principal("staff", 0, "clerk", 0),
                                             services=services)
        self.started_wall = time.time()

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


def _parse(text: str):  # noqa: ANN202 - datetime
    from datetime import datetime

    return datetime.fromisoformat(text)


