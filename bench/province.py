"""`province`: 200 halls on one PostgreSQL behind several server processes.

Kiosks issue and clerks call across random halls through any process; every hall has
display websockets spread over all processes, so most calls reach their displays through
PostgreSQL LISTEN/NOTIFY from another process.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import time
from typing import Any

import httpx

from bench import load
from bench.run import Run
from bench.stats import Recorder, percentile, rounded
from server.auth.models import Staff
from server.auth.principal import Principal
from server.auth.service import issue_token
from server.catalog.service import create_hall, create_service
from server.core.db import Database
from server.core.security import hash_password
from server.demo import OPENING_HOURS, SERVICES
from server.devices.service import create_device
from server.migrate import upgrade
from server.tickets import service as _tickets  # noqa: F401 - installs what set_state needs
from server.windows.service import create_window, set_state

log = logging.getLogger(__name__)
CONCURRENCY = 12  # keeps the server pools well under PostgreSQL's max_connections


def seed_province(url: str, halls: int) -> list[dict[str, Any]]:
    """Create `halls` halls (3 services, 2 windows open, kiosk, display, 2 clerks)."""
    upgrade(url)
    db = Database(url)
    shared_hash = hash_password("bench-clerk-password")
    specs = [SERVICES[0], SERVICES[2], SERVICES[4]]

    def work(s) -> list[dict[str, Any]]:  # noqa: ANN001
        out = []
        for i in range(halls):
            code = f"p{i:03d}"
            hall = create_hall(s, code=code, name=f"第{i + 1}政务服务大厅",
                               timezone="Asia/Shanghai", address="",
                               opening_hours=OPENING_HOURS, notice="", settings={})
            svcs = [create_service(s, hall_id=hall.id, online_capable=True, sort_order=j, **spec)
                    for j, spec in enumerate(specs)]
            codes = [x.code for x in svcs]
            w1 = create_window(s, hall_id=hall.id, number=1, name="综合窗口",
                               services=[(x.id, 5) for x in svcs])
            w2 = create_window(s, hall_id=hall.id, number=2, name="户籍社保窗口",
                               services=[(svcs[0].id, 7), (svcs[1].id, 7)])
            clerks = []
            for n, window in ((1, w1), (2, w2)):
                st = Staff(username=f"{code}-clerk{n}", password_hash=shared_hash, role="clerk",
                           hall_id=hall.id, full_name=f"{code}窗口{n}")
                s.add(st)
                s.flush()
                p = Principal("staff", st.id, "clerk", hall.id, st.full_name)
                set_state(s, window_id=window.id, state="open", principal=p)
                token = issue_token(s, kind="staff", subject_id=st.id, ttl_hours=12)
                clerks.append({"token": token, "window_id": window.id})
            create_device(s, hall_id=hall.id, kind="kiosk", name="取号机", token=f"{code}-kiosk")
            create_device(s, hall_id=hall.id, kind="display", name="综合屏",
                          token=f"{code}-display")
            out.append({"code": code, "services": codes, "clerks": clerks,
                        "kiosk": f"{code}-kiosk", "display": f"{code}-display"})
        return out

    try:
        return db.write(work)
    finally:
        db.dispose()


def sizes(run: Run) -> dict[str, int]:
    """Halls, displays per hall and request counts."""
    if run.quick:
        return {"halls": 200, "displays_per_hall": 2, "issue": 600, "calls": 300}
    return {"halls": 200, "displays_per_hall": 5, "issue": 3000, "calls": 1500}


async def scenario_province(run: Run) -> None:
    """Issue and call across 200 halls on `workers` processes; displays on all of them."""
    sz = sizes(run)
    from bench.procs import BenchDatabase, ServerProcess

    run.db = BenchDatabase(run.run_dir, run.admin_url)
    t0 = time.perf_counter()
    halls = seed_province(run.db.url, sz["halls"])
    run.result["seed_s"] = round(time.perf_counter() - t0, 1)
    run.servers = [ServerProcess(run.run_dir, run.db.url, i).start() for i in range(run.workers)]
    run.result.update(halls=len(halls), displays_per_hall=sz["displays_per_hall"])
    per = CONCURRENCY // len(run.servers) + 1
    clients = [load.client(s.url, per) for s in run.servers]
    displays = load.Displays()
    try:
        urls = []
        bases = [s.ws_url for s in run.servers]
        for h in halls:  # each hall's displays on every process in turn
            for k in range(sz["displays_per_hall"]):
                urls.append(f"{bases[k % len(bases)]}/ws/halls/{h['code']}?token={h['display']}"
                            "&since=0")
        t1 = time.perf_counter()
        for batch in range(0, len(urls), 100):
            await displays.connect(urls[batch:batch + 100], len(urls[batch:batch + 100]))
        run.result["connect_s"] = round(time.perf_counter() - t1, 1)
        issue = await _issue(clients, halls, sz["issue"], run.seed)
        run.result.update(issue.figures("issue"))
        calls, returned = await _calls(clients, halls, sz["calls"], run.seed)
        run.result.update(calls.figures("call_next"))
        await asyncio.sleep(1.0)
        lat = displays.latencies_ms(returned)
        run.result.update({
            "call_to_display_p50_ms": rounded(percentile(lat, 50)),
            "call_to_display_p99_ms": rounded(percentile(lat, 99)),
            "call_to_display_max_ms": rounded(max(lat) if lat else None),
            "subscribers": len(urls),
            "display_deliveries": len(lat),
            "display_deliveries_expected": len(returned) * sz["displays_per_hall"],
            "cross_process_share": round(1 - 1 / len(run.servers), 2),
        })
    finally:
        await displays.close()
        await asyncio.gather(*(c.aclose() for c in clients))


async def _issue(clients: list[httpx.AsyncClient], halls: list[dict], total: int,
                 seed: int) -> Recorder:
    rng = random.Random(seed)
    plan = [(h := rng.choice(halls), rng.choice(h["services"])) for _ in range(total)]
    rec = Recorder()
    jobs = iter(plan)
    rr = itertools.cycle(clients)

    async def kiosk(http: httpx.AsyncClient) -> None:
        for hall, svc in jobs:
            await load.timed_post(http, rec, f"/api/v1/halls/{hall['code']}/tickets",
                                  json={"service_code": svc}, headers=load.auth(hall["kiosk"]))

    rec.begin()
    await asyncio.gather(*(kiosk(next(rr)) for _ in range(CONCURRENCY)))
    rec.end()
    return rec


async def _calls(clients: list[httpx.AsyncClient], halls: list[dict], total: int,
                 seed: int) -> tuple[Recorder, dict[int, float]]:
    """Clerks in random halls call and mark no-show; a window is used by one task at a time."""
    rng = random.Random(seed + 1)
    windows = [(h, c) for h in halls for c in h["clerks"]]
    rng.shuffle(windows)
    free: asyncio.Queue = asyncio.Queue()
    for w in windows:
        free.put_nowait(w)
    rec = Recorder()
    returned: dict[int, float] = {}
    budget = iter(range(total))
    rr = itertools.cycle(clients)

    async def clerk(http: httpx.AsyncClient) -> None:
        for _ in budget:
            hall, c = await free.get()
            headers = load.auth(c["token"])
            t0 = time.perf_counter()
            r = await http.post(f"/api/v1/windows/{c['window_id']}/call-next", headers=headers)
            t1 = time.perf_counter()
            if r.status_code == 200:
                rec.add((t1 - t0) * 1000)
                tid = r.json()["id"]
                returned[tid] = t1
                await http.post(f"/api/v1/tickets/{tid}/no-show", headers=headers)
            elif r.status_code != 204:
                rec.errors += 1
            free.put_nowait((hall, c))

    rec.begin()
    await asyncio.gather(*(clerk(next(rr)) for _ in range(CONCURRENCY)))
    rec.end()
    return rec, returned
