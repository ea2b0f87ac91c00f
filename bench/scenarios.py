"""The HTTP and websocket scenarios: issue, call, fanout (hallday/province elsewhere)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
from websockets.asyncio.client import connect

from bench import load
from bench.procs import HelperProcess, cpu_ns_between, rss_mb, thread_cpu_ns
from bench.run import Run
from bench.stats import Recorder, percentile, rounded

log = logging.getLogger(__name__)
CONCURRENCY = 16


def sizes(run: Run) -> dict[str, Any]:
    """Request counts and subscriber counts for full and --quick runs."""
    if run.quick:
        return {"issue": 300, "calls": 300, "call_displays": 10, "fanout": [300],
                "fanout_calls": 8, "warmup": 30, "serve_rounds": 30}
    return {"issue": 3000, "calls": 3000, "call_displays": 20, "fanout": [1000, 5000],
            "fanout_calls": 30, "warmup": 100, "serve_rounds": 100}


def _clients(run: Run, concurrency: int) -> list[httpx.AsyncClient]:
    per = max(1, concurrency // max(1, len(run.servers)))
    return [load.client(s.url, per + 1) for s in run.servers]


async def _close(clients: list[httpx.AsyncClient]) -> None:
    await asyncio.gather(*(c.aclose() for c in clients))


async def baseline_insert(run: Run, total: int, concurrency: int = CONCURRENCY) -> dict:
    """Bare FastAPI insert-one-row-and-commit on the same kind of database."""
    assert run.db is not None
    helper = HelperProcess(run.run_dir, "baseline-http",
                           ["http", "--database-url", run.db.baseline_url()]).start()
    try:
        async with load.client(f"http://127.0.0.1:{helper.port}", concurrency + 1) as http:
            for _ in range(20):
                await http.post("/insert")
            rec = Recorder()
            jobs = iter(range(total))

            async def worker() -> None:
                for _ in jobs:
                    await load.timed_post(http, rec, "/insert")

            cpu0 = thread_cpu_ns(helper.pid)
            rec.begin()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            rec.end()
            cpu_ns = cpu_ns_between(cpu0, thread_cpu_ns(helper.pid))
    finally:
        helper.stop()
    f = rec.figures("baseline_insert")
    out = {k: f[k] for k in ("baseline_insert_per_s", "baseline_insert_p50_ms",
                             "baseline_insert_p99_ms")}
    out["baseline_insert_server_cpu_ms"] = round(cpu_ns / 1e6 / max(len(rec.ms), 1), 3)
    return out


async def baseline_broadcast(run: Run, subscribers: int, trials: int) -> dict:
    """Bare websockets: one message broadcast to `subscribers` connections, `trials` times."""
    helper = HelperProcess(run.run_dir, "baseline-ws", ["ws"]).start(ready_path="")
    url = f"ws://127.0.0.1:{helper.port}/"
    conns = []
    arrivals: dict[int, list[float]] = {}
    done: dict[int, asyncio.Event] = {}

    async def reader(conn) -> None:  # noqa: ANN001
        try:
            async for raw in conn:
                now = time.perf_counter()
                n = int(raw.rsplit(":", 1)[1].rstrip("}"))
                got = arrivals.setdefault(n, [])
                got.append(now)
                if len(got) >= subscribers:
                    done[n].set()
        except Exception:
            return

    tasks = []
    try:
        for i in range(0, subscribers, 100):
            batch = await asyncio.gather(*(connect(url, ping_interval=None, max_queue=None)
                                           for _ in range(min(100, subscribers - i))))
            conns += batch
            tasks += [asyncio.create_task(reader(c)) for c in batch]
        control = await connect(url, ping_interval=None)
        lat: list[float] = []
        cpu0 = thread_cpu_ns(helper.pid)
        for n in range(trials):
            done[n] = asyncio.Event()
            t0 = time.perf_counter()
            await control.send(f"fire:{n}")
            with_timeout = asyncio.wait_for(done[n].wait(), 30)
            try:
                await with_timeout
            except TimeoutError:
                log.warning("baseline broadcast %s incomplete", n)
            lat += [(t - t0) * 1000 for t in arrivals.get(n, [])]
            await asyncio.sleep(0.05)
        cpu_ns = cpu_ns_between(cpu0, thread_cpu_ns(helper.pid))
        await control.close()
    finally:
        for t in tasks:
            t.cancel()
        await asyncio.gather(*(c.close() for c in conns), return_exceptions=True)
        helper.stop()
    return {"baseline_broadcast_p50_ms": rounded(percentile(lat, 50)),
            "baseline_broadcast_p99_ms": rounded(percentile(lat, 99)),
            "baseline_broadcast_subscribers": subscribers,
            # Server CPU per message per connection (the fire message in, one broadcast out).
            "baseline_broadcast_cpu_us_per_message": round(
                cpu_ns / 1e3 / max(len(lat), 1), 2)}


async def scenario_issue(run: Run) -> None:
    """Kiosks issuing tickets as fast as the server answers."""
    sz = sizes(run)
    run.start_servers()
    clients = _clients(run, CONCURRENCY)
    try:
        await load.issue_load(clients, total=sz["warmup"], concurrency=CONCURRENCY, seed=0)
        cpu0 = run.server_cpu()
        rec = await load.issue_load(clients, total=sz["issue"], concurrency=CONCURRENCY,
                                    seed=run.seed)
        run.result["server_cpu_s_in_phase"] = round(run.server_cpu() - cpu0, 2)
        run.result.update(rec.figures("issue"))
        run.result["issue_server_cpu_ms"] = round(
            run.result["server_cpu_s_in_phase"] * 1000 / max(len(rec.ms), 1), 2)
        run.result["concurrency"] = CONCURRENCY
    finally:
        await _close(clients)
    run.result.update(await baseline_insert(run, sz["issue"]))
    _ratios(run.result)


async def scenario_call(run: Run) -> None:
    """Eight clerks calling (and marking no-show) back to back, displays watching."""
    sz = sizes(run)
    run.start_servers()
    clients = _clients(run, CONCURRENCY)
    displays = load.Displays()
    try:
        # Windows 1-8 (clerk1-8) handle every demo service except 出入境 (window 9 only).
        services = [c for i, c in enumerate(load.DEMO_SERVICES) if i != 7]
        serve_total = sz["serve_rounds"] * 8 * 2  # windows handle different services
        await load.issue_load(clients, total=sz["calls"] + 20 + serve_total,
                              concurrency=CONCURRENCY, services=services)
        clerks = await load.open_windows(clients, 8)
        await load.call_load(clerks, total=20)  # warm-up
        seq = await _seq(clients[0])
        await displays.connect(load.ws_urls([s.ws_url for s in run.servers], since=seq),
                               sz["call_displays"])
        cpu0 = run.server_cpu()
        calls = await load.call_load(clerks, total=sz["calls"])
        run.result["server_cpu_s_in_phase"] = round(run.server_cpu() - cpu0, 2)
        run.result["call_cycle_server_cpu_ms"] = round(
            run.result["server_cpu_s_in_phase"] * 1000 / max(len(calls.returned), 1), 2)
        for tid in list(calls.returned)[-5:]:
            await displays.wait_for(tid, sz["call_displays"], 10)
        run.result.update(calls.rec.figures("call_next"))
        _display_figures(run.result, displays, calls.returned, sz["call_displays"])
        run.result["call_cycle"] = "call-next then no-show (2 requests per call)"
        await displays.close()  # the per-action figures are the requests' own cost
        run.result.update(await serve_rounds(run, clerks, sz["serve_rounds"]))
    finally:
        await displays.close()
        await _close(clients)
    run.result.update(await baseline_insert(run, min(sz["calls"], 1000)))
    _ratios(run.result)


SERVE_ACTIONS = ("call_next", "start", "complete")


def _servers_cpu(run: Run) -> list[dict[int, int]]:
    return [thread_cpu_ns(s.pid) for s in run.servers]


def _servers_cpu_ns(before: list[dict[int, int]], after: list[dict[int, int]]) -> int:
    return sum(cpu_ns_between(b, a) for b, a in zip(before, after, strict=True))


async def serve_rounds(run: Run, clerks: list[load.Clerk], rounds: int) -> dict[str, Any]:
    """Server CPU per call-next, start and complete, each measured on its own.

    Each round every clerk calls one ticket (all at once), then every clerk starts it, then
    every clerk completes it; the servers' per-thread CPU time is read between the steps.
    No displays are connected: the figures are the requests' own cost.
    """
    spent = dict.fromkeys(SERVE_ACTIONS, 0)
    done = dict.fromkeys(SERVE_ACTIONS, 0)
    errors = 0

    async def act(c: load.Clerk, path: str) -> int | None:
        nonlocal errors
        r = await c.http.post(path, headers=c.headers)
        if r.status_code == 200:
            return r.json()["id"]
        if r.status_code != 204:  # 204: nobody waiting for this window's services
            errors += 1
            log.warning("%s failed %s %s", path, r.status_code, r.text[:200])
        return None

    for _ in range(rounds):
        cpu0 = _servers_cpu(run)
        ids = await asyncio.gather(*(act(c, f"/api/v1/windows/{c.window_id}/call-next")
                                     for c in clerks))
        cpu1 = _servers_cpu(run)
        spent["call_next"] += _servers_cpu_ns(cpu0, cpu1)
        held = [(c, t) for c, t in zip(clerks, ids, strict=True) if t is not None]
        done["call_next"] += len(held)  # a 204 costs little: counted requests are calls
        for action in ("start", "complete"):
            cpu0 = _servers_cpu(run)
            ok = await asyncio.gather(*(act(c, f"/api/v1/tickets/{t}/{action}")
                                        for c, t in held))
            spent[action] += _servers_cpu_ns(cpu0, _servers_cpu(run))
            done[action] += sum(1 for x in ok if x is not None)
    out: dict[str, Any] = {f"{a}_server_cpu_ms": round(spent[a] / 1e6 / max(done[a], 1), 3)
                           for a in SERVE_ACTIONS}
    out["serve_cycle_server_cpu_ms"] = round(sum(out[f"{a}_server_cpu_ms"]
                                                 for a in SERVE_ACTIONS), 3)
    out["serve_requests"] = done
    out["serve_errors"] = errors
    return out


async def scenario_fanout(run: Run) -> None:
    """Calls reaching 1,000 and 5,000 idle display websockets; memory per connection."""
    sz = sizes(run)
    run.result["fanout"] = []
    for n in sz["fanout"]:
        part = await _fanout_once(run, n, sz["fanout_calls"])
        part.update(await baseline_broadcast(run, n, sz["fanout_calls"]))
        _ratios(part)
        run.result["fanout"].append(part)
    # Headline figures: the 1,000-subscriber run (or the only one in --quick).
    head = next((p for p in run.result["fanout"] if p["subscribers"] == 1000),
                run.result["fanout"][0])
    run.result.update({k: v for k, v in head.items() if k in run.result or k.startswith(
        ("call_to_display", "baseline_broadcast", "rss_"))})


async def _fanout_once(run: Run, subscribers: int, ncalls: int) -> dict:
    run.start_servers()
    clients = _clients(run, 4)
    displays = load.Displays()
    part: dict[str, Any] = {"subscribers": subscribers}
    try:
        await load.issue_load(clients, total=ncalls + 3, concurrency=4,
                              services=load.DEMO_SERVICES[:1])
        clerk = (await load.open_windows(clients, 1))[0]
        await load.call_load([clerk], total=3)  # warm-up
        await asyncio.sleep(0.5)
        rss0 = sum(rss_mb(s.pid) for s in run.servers)
        seq = await _seq(clients[0])
        part["connect_s"] = round(await displays.connect(
            load.ws_urls([s.ws_url for s in run.servers], since=seq), subscribers), 2)
        await asyncio.sleep(1.0)
        rss1 = sum(rss_mb(s.pid) for s in run.servers)
        part["server_rss_mb_idle"] = round(rss1, 1)
        part["rss_mb_per_1000_ws"] = round((rss1 - rss0) / subscribers * 1000, 1)
        cpu0 = run.server_cpu()
        cpu0_ns = [thread_cpu_ns(srv.pid) for srv in run.servers]
        messages0 = displays.messages
        log.info("%d subscribers connected in %.1fs", subscribers, part["connect_s"])
        returned: dict[int, float] = {}
        rec = Recorder()
        rec.begin()
        for _ in range(ncalls):
            t0 = time.perf_counter()
            r = await clerk.http.post(f"/api/v1/windows/{clerk.window_id}/call-next",
                                      headers=clerk.headers)
            t1 = time.perf_counter()
            r.raise_for_status()
            rec.add((t1 - t0) * 1000)
            tid = r.json()["id"]
            returned[tid] = t1
            if not await displays.wait_for(tid, subscribers, 30):
                log.warning("call %s reached only %d of %d displays", tid,
                            len(displays.arrivals[tid]), subscribers)
            await clerk.http.post(f"/api/v1/tickets/{tid}/no-show", headers=clerk.headers)
            await asyncio.sleep(0.1)
        rec.end()
        part["server_cpu_ms_per_call"] = round((run.server_cpu() - cpu0) * 1000 / ncalls, 1)
        cpu_ns = sum(cpu_ns_between(before, thread_cpu_ns(srv.pid))
                     for before, srv in zip(cpu0_ns, run.servers, strict=True))
        # Every websocket message sent in the phase (call and no-show events); the HTTP
        # requests' own CPU is included, as in the per-call figure.
        part["ws_messages"] = displays.messages - messages0
        part["server_cpu_us_per_message"] = round(
            cpu_ns / 1e3 / max(part["ws_messages"], 1), 2)
        part.update({k: v for k, v in rec.figures("call_next").items()
                     if k in ("call_next_p50_ms", "call_next_p99_ms")})
        _display_figures(part, displays, returned, subscribers)
    finally:
        await displays.close()
        await _close(clients)
        run.stop_servers()
    return part


def _display_figures(out: dict[str, Any], displays: load.Displays,
                     returned: dict[int, float], subscribers: int) -> None:
    lat = displays.latencies_ms(returned)
    expected = len(returned) * subscribers
    out.update({
        "call_to_display_p50_ms": rounded(percentile(lat, 50)),
        "call_to_display_p99_ms": rounded(percentile(lat, 99)),
        "call_to_display_max_ms": rounded(max(lat) if lat else None),
        "subscribers": subscribers,
        "display_deliveries": len(lat),
        "display_deliveries_expected": expected,
    })


async def _seq(http: httpx.AsyncClient) -> int:
    r = await http.get("/api/v1/halls/demo/board", headers=load.auth(load.DISPLAY_TOKEN))
    r.raise_for_status()
    return int(r.json()["seq"])


def _ratios(res: dict) -> None:
    base_cpu = res.get("baseline_insert_server_cpu_ms")
    if base_cpu:
        for key in ("issue", "call_next", "start", "complete"):
            if res.get(f"{key}_server_cpu_ms") is not None:
                res[f"{key}_cpu_vs_baseline_insert"] = round(
                    res[f"{key}_server_cpu_ms"] / base_cpu, 2)
    if res.get("issue_per_s") and res.get("baseline_insert_per_s"):
        res["issue_vs_baseline_insert"] = round(
            res["issue_per_s"] / res["baseline_insert_per_s"], 3)
    if res.get("server_cpu_us_per_message") and res.get("baseline_broadcast_cpu_us_per_message"):
        res["cpu_per_message_vs_baseline"] = round(
            res["server_cpu_us_per_message"] / res["baseline_broadcast_cpu_us_per_message"], 2)
    if res.get("call_to_display_p99_ms") is not None and res.get("baseline_broadcast_p99_ms"):
        res["call_to_display_p99_vs_baseline"] = round(
            res["call_to_display_p99_ms"] / res["baseline_broadcast_p99_ms"], 2)
