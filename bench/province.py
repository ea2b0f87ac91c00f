"""`province`: 200 halls on one PostgreSQL behind several server processes.

Kiosks issue and clerks call across random halls through any process; every hall has
display websockets spread over all processes, so most calls reach their displays through
PostgreSQL LISTEN/NOTIFY from another process. With `--workers-sweep 1,2,4` the same
measurement runs once per worker count (fresh database each time) in one run, so the
scale-out ratios compare figures taken minutes apart on the same box.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import time
from collections import Counter, deque
from pathlib import Path
from typing import Any

import httpx

from bench import load
from bench.procs import BenchDatabase, ServerProcess, cpu_ns_between, thread_cpu_ns
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
# The fixed-rate phase: connections over all processes (more would queue in the server's
# thread pool anyway, and 4 workers x 40 pooled connections would pass max_connections 100).
RATE_CONNECTIONS = 24
# Issue #14's target: on PostgreSQL with 2 workers, 100 issues/s and 100 call cycles/s
# (call-next + no-show) offered together, answered at that rate with p99 <= 100 ms.
TARGET = {"workers": 2, "issue_per_s": 100.0, "call_per_s": 100.0, "p99_ms": 100.0}


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


def sizes(run: Run, halls: int = 200) -> dict[str, int]:
    """Halls, displays per hall, request counts and the fixed-rate phase's seconds.

    Counts scale with the halls (200 by default) so a test can run the whole path small.
    """
    if run.quick:
        return {"halls": halls, "displays_per_hall": 2, "warmup": max(12, halls // 4),
                "issue": 3 * halls, "calls": 3 * halls // 2, "rate_s": max(1, halls // 40)}
    return {"halls": halls, "displays_per_hall": 5, "warmup": halls, "issue": 15 * halls,
            "calls": 15 * halls // 2, "rate_s": max(1, halls // 10)}


class CpuMeter:
    """CPU spent by the server processes (every thread) and by the PostgreSQL backends
    serving the bench database, sampled before and after a phase.

    Server CPU comes from /proc/<pid>/task/*/schedstat (exact ns). The backends are the
    postgres processes whose title names the bench database (only visible when PostgreSQL
    runs on this host); backends that exit within a phase are lost, so the pools are warm
    before any phase is measured. PostgreSQL's shared processes (WAL writer, checkpointer)
    are not counted.
    """

    def __init__(self, servers: list[ServerProcess], database: str | None) -> None:
        self.servers = servers
        self.database = database

    def sample(self) -> tuple[list[dict[int, int]], dict[int, int] | None]:
        """One reading."""
        return [thread_cpu_ns(s.pid) for s in self.servers], pg_backend_cpu_ns(self.database)

    @staticmethod
    def spent(before: tuple[list[dict[int, int]], dict[int, int] | None],
              after: tuple[list[dict[int, int]], dict[int, int] | None]
              ) -> tuple[float, float | None]:
        """(server CPU s, PostgreSQL backend CPU s or None) between two readings."""
        server = sum(cpu_ns_between(b, a) for b, a in zip(before[0], after[0], strict=True))
        pg = None
        if before[1] is not None and after[1] is not None:
            pg = cpu_ns_between(before[1], after[1]) / 1e9
        return server / 1e9, pg


def pg_backend_cpu_ns(database: str | None) -> dict[int, int] | None:
    """Per backend pid serving `database`, CPU ns so far; None when none is visible here."""
    if not database:
        return None
    out: dict[int, int] = {}
    marker = f" {database} ".encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
            if not title.startswith(b"postgres:") or marker not in title:
                continue
            out[int(proc.name)] = int((proc / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):  # ended, or not ours to read
            continue
    return out or None


async def scenario_province(run: Run) -> None:
    """Issue and call across the halls on each worker count of the run (one or a sweep)."""
    counts = run.workers_sweep or [run.workers]
    steps: list[dict[str, Any]] = []
    for n in counts:
        log.info("province: %s worker(s)", n)
        steps.append(await _step(run, n))
    if not run.workers_sweep:
        run.result.update(steps[0])
        return
    base = steps[0]
    for step in steps:  # scale-out relative to the first (smallest) worker count
        for key in ("issue_per_s", "call_next_per_s", "rate_issue_per_s",
                    "rate_call_next_per_s"):
            if base.get(key) and step.get(key) is not None:
                step[f"{key}_vs_{base['workers']}w"] = round(step[key] / base[key], 2)
    run.result["sweep"] = steps
    run.result["workers_sweep"] = counts
    # The top-level figures (the keys every result file has) are the target's worker count.
    headline = next((s for s in steps if s["workers"] == TARGET["workers"]), steps[-1])
    run.result.update({k: v for k, v in headline.items() if k != "server_cpu_s"})
    run.result["headline_workers"] = headline["workers"]


async def _step(run: Run, workers: int) -> dict[str, Any]:
    """One worker count: fresh database, seed, start, measure, stop."""
    sz = sizes(run, run.halls)
    out: dict[str, Any] = {"workers": workers}
    run.db = BenchDatabase(run.run_dir, run.admin_url)
    t0 = time.perf_counter()
    halls = seed_province(run.db.url, sz["halls"])
    out["seed_s"] = round(time.perf_counter() - t0, 1)
    step_dir = run.run_dir / f"{workers}w"
    run.servers = [ServerProcess(step_dir, run.db.url, i).start() for i in range(workers)]
    out.update(halls=len(halls), displays_per_hall=sz["displays_per_hall"])
    meter = CpuMeter(run.servers, run.db.name)
    per = CONCURRENCY // workers + 1
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
        out["connect_s"] = round(time.perf_counter() - t1, 1)
        waiting: Counter[str] = Counter()
        # Warm-up (not measured): every process's pool and caches, the backends' plans.
        await _issue(clients, halls, sz["warmup"], run.seed + 100, waiting)
        cpu0 = meter.sample()
        issue = await _issue(clients, halls, sz["issue"], run.seed, waiting)
        out.update(issue.figures("issue"))
        out.update(_per_request("issue", meter.spent(cpu0, meter.sample()), len(issue.ms)))
        cpu0 = meter.sample()
        calls, returned = await _calls(clients, halls, sz["calls"], run.seed, waiting)
        out.update(calls.figures("call_next"))
        out.update(_per_request("call_cycle", meter.spent(cpu0, meter.sample()),
                                len(returned)))
        await asyncio.sleep(1.0)
        lat = displays.latencies_ms(returned)
        out.update({
            "call_to_display_p50_ms": rounded(percentile(lat, 50)),
            "call_to_display_p99_ms": rounded(percentile(lat, 99)),
            "call_to_display_max_ms": rounded(max(lat) if lat else None),
            "subscribers": len(urls),
            "display_deliveries": len(lat),
            "display_deliveries_expected": len(returned) * sz["displays_per_hall"],
            "cross_process_share": round(1 - 1 / workers, 2),
        })
        for key in ("issue_per_s", "call_next_per_s"):
            if out.get(key) is not None:
                out[f"{key}_per_worker"] = round(out[key] / workers, 1)
        out.update(await _fixed_rate(run, halls, waiting, sz["rate_s"], meter))
    finally:
        await displays.close()
        await asyncio.gather(*(c.aclose() for c in clients))
        before = run.result.get("server_cpu_s") or 0
        run.stop_servers()  # adds this step's server CPU to server_cpu_s, drops the database
        out["server_cpu_s"] = round((run.result.get("server_cpu_s") or 0) - before, 2)
    return out


def _per_request(prefix: str, spent: tuple[float, float | None], count: int
                 ) -> dict[str, float | None]:
    """`<prefix>_server_cpu_ms` and `<prefix>_pg_cpu_ms` per request of a phase."""
    server_s, pg_s = spent
    n = max(count, 1)
    return {f"{prefix}_server_cpu_ms": round(server_s * 1000 / n, 2),
            f"{prefix}_pg_cpu_ms": None if pg_s is None else round(pg_s * 1000 / n, 2)}


async def _issue(clients: list[httpx.AsyncClient], halls: list[dict], total: int,
                 seed: int, waiting: Counter[str]) -> Recorder:
    rng = random.Random(seed)
    plan = [(h := rng.choice(halls), rng.choice(h["services"])) for _ in range(total)]
    rec = Recorder()
    jobs = iter(plan)
    rr = itertools.cycle(clients)

    async def kiosk(http: httpx.AsyncClient) -> None:
        for hall, svc in jobs:
            r = await load.timed_post(http, rec, f"/api/v1/halls/{hall['code']}/tickets",
                                      json={"service_code": svc},
                                      headers=load.auth(hall["kiosk"]))
            if r.status_code == 201:
                waiting[hall["code"]] += 1

    rec.begin()
    await asyncio.gather(*(kiosk(next(rr)) for _ in range(CONCURRENCY)))
    rec.end()
    return rec


async def _calls(clients: list[httpx.AsyncClient], halls: list[dict], total: int,
                 seed: int, waiting: Counter[str]) -> tuple[Recorder, dict[int, float]]:
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
                waiting[hall["code"]] -= 1
                await http.post(f"/api/v1/tickets/{tid}/no-show", headers=headers)
            elif r.status_code != 204:
                rec.errors += 1
            free.put_nowait((hall, c))

    rec.begin()
    await asyncio.gather(*(clerk(next(rr)) for _ in range(CONCURRENCY)))
    rec.end()
    return rec, returned


async def _fixed_rate(run: Run, halls: list[dict], waiting: Counter[str], seconds: int,
                      meter: CpuMeter) -> dict[str, Any]:
    """The target's load: issues and call cycles started on a fixed schedule (open loop).

    Requests start at their planned moment whether or not earlier ones were answered; more
    than RATE_CONNECTIONS in flight wait for a connection in the client, and that wait
    counts in their latency. Calls go to window 1 (it serves every service) of a hall with a
    ticket waiting, one call at a time per window.
    """
    rng = random.Random(run.seed + 2)
    per = RATE_CONNECTIONS // len(run.servers) + 1
    clients = [httpx.AsyncClient(base_url=s.url, timeout=300,
                                 limits=httpx.Limits(max_connections=per,
                                                     max_keepalive_connections=per))
               for s in run.servers]
    tickets = [h for h in halls for _ in range(max(0, waiting[h["code"]]))]
    rng.shuffle(tickets)
    ready: deque[dict] = deque(tickets)  # one entry per waiting ticket, by hall
    locks = {h["code"]: asyncio.Lock() for h in halls}
    issue_rec, call_rec = Recorder(), Recorder()
    no_ticket = 0
    rr = itertools.cycle(clients)

    async def one_issue(http: httpx.AsyncClient) -> None:
        hall = rng.choice(halls)
        try:
            r = await load.timed_post(http, issue_rec, f"/api/v1/halls/{hall['code']}/tickets",
                                      json={"service_code": rng.choice(hall["services"])},
                                      headers=load.auth(hall["kiosk"]))
        except httpx.HTTPError:
            issue_rec.errors += 1
            return
        if r.status_code == 201:
            ready.append(hall)

    async def one_call(http: httpx.AsyncClient) -> None:
        nonlocal no_ticket
        if not ready:
            no_ticket += 1
            return
        hall = ready.popleft()
        c = hall["clerks"][0]
        headers = load.auth(c["token"])
        async with locks[hall["code"]]:
            try:
                t0 = time.perf_counter()
                r = await http.post(f"/api/v1/windows/{c['window_id']}/call-next",
                                    headers=headers)
                if r.status_code != 200:
                    call_rec.errors += 1
                    return
                call_rec.add((time.perf_counter() - t0) * 1000)
                await http.post(f"/api/v1/tickets/{r.json()['id']}/no-show", headers=headers)
            except httpx.HTTPError:
                call_rec.errors += 1

    n_issue = int(TARGET["issue_per_s"] * seconds)
    n_call = int(TARGET["call_per_s"] * seconds)
    plan = sorted([(i / TARGET["issue_per_s"], one_issue) for i in range(n_issue)]
                  + [((i + 0.5) / TARGET["call_per_s"], one_call) for i in range(n_call)],
                  key=lambda x: x[0])
    tasks: list[asyncio.Task[None]] = []
    cpu0 = meter.sample()
    issue_rec.begin()
    call_rec.begin()
    start = time.perf_counter()
    try:
        for at, job in plan:
            delay = start + at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(job(next(rr))))
        await asyncio.gather(*tasks)
    finally:
        issue_rec.end()
        call_rec.end()
        await asyncio.gather(*(c.aclose() for c in clients))
    server_s, pg_s = meter.spent(cpu0, meter.sample())
    out: dict[str, Any] = {"rate_seconds": seconds,
                           "rate_offered_issue_per_s": TARGET["issue_per_s"],
                           "rate_offered_call_per_s": TARGET["call_per_s"],
                           "rate_call_no_ticket": no_ticket,
                           "rate_server_cpu_s": round(server_s, 2),
                           "rate_pg_cpu_s": None if pg_s is None else round(pg_s, 2)}
    out.update({f"rate_{k}": v for k, v in issue_rec.figures("issue").items()})
    out.update({f"rate_{k}": v for k, v in call_rec.figures("call_next").items()})
    sustained = (
        (out["rate_issue_per_s"] or 0) >= 0.95 * TARGET["issue_per_s"]
        and (out["rate_call_next_per_s"] or 0) >= 0.95 * TARGET["call_per_s"]
        and out["rate_issue_errors"] == 0 and out["rate_call_next_errors"] == 0
        and (out["rate_issue_p99_ms"] or 1e9) <= TARGET["p99_ms"]
        and (out["rate_call_next_p99_ms"] or 1e9) <= TARGET["p99_ms"])
    out["rate_target_met"] = sustained
    return out
