"""Async load generators: kiosks and clerks over HTTP, displays over websockets."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench.stats import Recorder

log = logging.getLogger(__name__)
PASSWORD = "demo1234"
KIOSK_TOKEN = "demo-kiosk-token"
DISPLAY_TOKEN = "demo-display-token"
# The demo hall's services (server/demo.py), all of which kiosks may issue.
DEMO_SERVICES = [
    "11110000MB0123456X4000117001", "11110000MB0123456X4000117002",
    "11110000MB0234567Y4000217001", "11110000MB0234567Y4000217002",
    "11110000MB0345678Z4000317001", "11110000MB0456789A4000417001",
    "11110000MB0567890B4000517001", "11110000MB0678901C4000617001",
    "11110000MB0789012D4000717001", "11110000MB0789012D4000717002",
]


def client(base_url: str, concurrency: int) -> httpx.AsyncClient:
    """A keep-alive HTTP client sized for `concurrency` requests in flight."""
    return httpx.AsyncClient(
        base_url=base_url, timeout=30,
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
    )


def auth(token: str) -> dict[str, str]:
    """Bearer header."""
    return {"Authorization": f"Bearer {token}"}


async def timed_post(http: httpx.AsyncClient, rec: Recorder, path: str,
                     **kwargs: Any) -> httpx.Response:
    """POST `path`: a 201 adds its latency (ms) to `rec`, any other answer counts as an error."""
    t0 = time.perf_counter()
    r = await http.post(path, **kwargs)
    if r.status_code == 201:
        rec.add((time.perf_counter() - t0) * 1000)
    else:
        rec.errors += 1
    return r


async def issue_load(
    clients: list[httpx.AsyncClient], *, total: int, concurrency: int, hall: str = "demo",
    services: list[str] | None = None, token: str = KIOSK_TOKEN, seed: int = 1,
) -> Recorder:
    """`concurrency` kiosks issue `total` tickets as fast as the server answers."""
    rec = Recorder()
    services = services or DEMO_SERVICES
    rng = random.Random(seed)
    plan = [rng.choice(services) for _ in range(total)]
    jobs = iter(range(total))
    rr = itertools.cycle(clients)
    headers = auth(token)

    async def kiosk(http: httpx.AsyncClient) -> None:
        for i in jobs:
            r = await timed_post(http, rec, f"/api/v1/halls/{hall}/tickets",
                                 json={"service_code": plan[i]}, headers=headers)
            if r.status_code != 201:
                log.warning("issue failed %s %s", r.status_code, r.text[:200])

    rec.begin()
    await asyncio.gather(*(kiosk(next(rr)) for _ in range(concurrency)))
    rec.end()
    return rec


@dataclass
class Clerk:
    """A logged-in clerk holding one open window."""

    headers: dict[str, str]
    window_id: int
    http: httpx.AsyncClient


async def open_windows(clients: list[httpx.AsyncClient], count: int,
                       hall: str = "demo") -> list[Clerk]:
    """Log clerk1..clerkN in and let each open the window with the same number."""
    clerks: list[Clerk] = []
    first = clients[0]
    for i in range(1, count + 1):
        r = await first.post("/api/v1/auth/login",
                             json={"username": f"clerk{i}", "password": PASSWORD})
        r.raise_for_status()
        headers = auth(r.json()["access_token"])
        windows = (await first.get("/api/v1/windows", params={"hall": hall},
                                   headers=headers)).json()
        wid = next(w["id"] for w in windows if w["number"] == i)
        (await first.post(f"/api/v1/windows/{wid}/open", headers=headers)).raise_for_status()
        clerks.append(Clerk(headers, wid, clients[(i - 1) % len(clients)]))
    return clerks


@dataclass
class CallLog:
    """call-next latencies and when each call's HTTP response came back."""

    rec: Recorder = field(default_factory=Recorder)
    returned: dict[int, float] = field(default_factory=dict)


async def call_load(clerks: list[Clerk], *, total: int, finish: str = "no-show") -> CallLog:
    """Clerks call (then finish) tickets back to back until `total` calls or an empty queue."""
    out = CallLog()
    budget = iter(range(total))

    async def work(c: Clerk) -> None:
        for _ in budget:
            t0 = time.perf_counter()
            r = await c.http.post(f"/api/v1/windows/{c.window_id}/call-next", headers=c.headers)
            t1 = time.perf_counter()
            if r.status_code == 204:
                return
            if r.status_code != 200:
                out.rec.errors += 1
                log.warning("call-next failed %s %s", r.status_code, r.text[:200])
                return
            out.rec.add((t1 - t0) * 1000)
            tid = r.json()["id"]
            out.returned[tid] = t1
            await _finish(c, tid, finish)

    out.rec.begin()
    await asyncio.gather(*(work(c) for c in clerks))
    out.rec.end()
    return out


async def _finish(c: Clerk, ticket_id: int, how: str) -> None:
    if how == "no-show":
        await c.http.post(f"/api/v1/tickets/{ticket_id}/no-show", headers=c.headers)
    else:
        await c.http.post(f"/api/v1/tickets/{ticket_id}/start", headers=c.headers)
        await c.http.post(f"/api/v1/tickets/{ticket_id}/complete", headers=c.headers)


class Displays:
    """N idle websocket subscribers recording when each `ticket.called` arrives."""

    def __init__(self) -> None:
        self.conns: list[ClientConnection] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.arrivals: dict[int, list[float]] = defaultdict(list)
        self.messages = 0
        self._waiters: dict[int, tuple[int, asyncio.Future[None]]] = {}

    async def connect(self, urls: list[str], count: int, *, batch: int = 100) -> float:
        """Open `count` connections round-robin over `urls`; returns seconds taken."""
        t0 = time.perf_counter()
        rr = itertools.cycle(urls)
        todo = [next(rr) for _ in range(count)]
        for i in range(0, count, batch):
            conns = await asyncio.gather(*(
                connect(u, ping_interval=None, open_timeout=60, max_queue=None)
                for u in todo[i:i + batch]))
            for conn in conns:
                self.conns.append(conn)
                self.tasks.append(asyncio.create_task(self._read(conn)))
        return time.perf_counter() - t0

    async def _read(self, conn: ClientConnection) -> None:
        try:
            async for raw in conn:
                now = time.perf_counter()
                self.messages += 1
                if '"ticket.called"' not in raw:
                    continue
                tid = json.loads(raw)["data"]["ticket_id"]
                got = self.arrivals[tid]
                got.append(now)
                waiter = self._waiters.get(tid)
                if waiter and len(got) >= waiter[0] and not waiter[1].done():
                    waiter[1].set_result(None)
        except Exception:  # closed by either side at the end of the run
            return

    async def wait_for(self, ticket_id: int, count: int, timeout: float) -> bool:
        """Wait until `count` displays have seen the call of `ticket_id`."""
        if len(self.arrivals[ticket_id]) >= count:
            return True
        fut = asyncio.get_running_loop().create_future()
        self._waiters[ticket_id] = (count, fut)
        try:
            await asyncio.wait_for(fut, timeout)
            return True
        except TimeoutError:
            return False
        finally:
            self._waiters.pop(ticket_id, None)

    def latencies_ms(self, returned: dict[int, float]) -> list[float]:
        """Per (call, display): arrival minus the moment the HTTP call returned."""
        out: list[float] = []
        for tid, t_ret in returned.items():
            out.extend((t - t_ret) * 1000 for t in self.arrivals.get(tid, ()))
        return out

    async def close(self) -> None:
        """Close every connection."""
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*(c.close() for c in self.conns), return_exceptions=True)
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.conns.clear()
        self.tasks.clear()


def ws_urls(ws_bases: list[str], *, hall: str = "demo", token: str = DISPLAY_TOKEN,
            since: int | None = None) -> list[str]:
    """Display subscription URLs, one per server process."""
    q = f"?token={token}" + (f"&since={since}" if since is not None else "")
    return [f"{b}/ws/halls/{hall}{q}" for b in ws_bases]
