"""`hallday`: replay simulated days through the server's code and score its wait estimates.

Days are drawn from profiles (bench/sim/profiles.py). The estimator was tuned on the
TUNING days only; the headline figures are over HELD_OUT days (other seeds and profiles).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.procs import BenchDatabase
from bench.run import Run
from bench.sim.evaluate import accuracy
from bench.sim.plan import make_plan
from bench.sim.profiles import HELD_OUT, PROFILES, TUNING
from bench.sim.replay import Replay, TicketRecord
from server.core.config import Settings
from server.core.db import Database
from server.demo import seed_demo
from server.migrate import upgrade

log = logging.getLogger(__name__)


class DayDatabases:
    """Fresh demo-seeded databases: SQLite copies of one template, or PostgreSQL ones."""

    def __init__(self, work: Path, admin_url: str | None) -> None:
        self.work = work
        self.admin_url = admin_url
        self.template: Path | None = None
        self.made: list[BenchDatabase] = []

    def new(self, name: str) -> str:
        """URL of a new seeded database."""
        if self.admin_url:
            bdb = BenchDatabase(self.work, self.admin_url)
            self.made.append(bdb)
            _seed(bdb.url)
            return bdb.url
        if self.template is None:
            self.template = self.work / "template.sqlite3"
            _seed(f"sqlite:///{self.template}")
        target = self.work / f"{name}.sqlite3"
        shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"

    def drop(self) -> None:
        """Drop PostgreSQL databases made here."""
        for bdb in self.made:
            bdb.drop()


def _seed(url: str) -> None:
    upgrade(url)
    db = Database(url)
    db.write(seed_demo)
    db.dispose()


def replay_day(dbs: DayDatabases, profile: str, seed: int, scale: float) -> list[TicketRecord]:
    """Replay one day on a fresh database; returns per-ticket records."""
    url = dbs.new(f"{profile}-{seed}")
    db = Database(url)
    try:
        settings = Settings(data_dir=dbs.work, database_url=url, demo=True)
        return Replay(db, settings, make_plan(PROFILES[profile], seed, scale=scale)).run()
    finally:
        db.dispose()


def evaluate_days(days: list[tuple[str, int]], *, scale: float, admin_url: str | None,
                  work: Path | None = None) -> dict[str, Any]:
    """Replay `days` and report accuracy overall and per day."""
    own = work is None
    work = work or Path(tempfile.mkdtemp(prefix="tbday-", dir=_fast_dir()))
    dbs = DayDatabases(work, admin_url)
    per_day = []
    everything: list[TicketRecord] = []
    try:
        for profile, seed in days:
            t0 = time.perf_counter()
            recs = replay_day(dbs, profile, seed, scale)
            everything += recs
            per_day.append({"profile": profile, "seed": seed, **accuracy(recs),
                            "replay_s": round(time.perf_counter() - t0, 1)})
            log.info("day %s/%s: %s", profile, seed, per_day[-1])
    finally:
        dbs.drop()
        if own:
            shutil.rmtree(work, ignore_errors=True)
    return {"overall": accuracy(everything), "days": per_day}


def _fast_dir() -> str | None:
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() else None


async def scenario_hallday(run: Run) -> None:
    """Score the server's estimates against the naive baseline on held-out days."""
    if run.quick:
        held, tuned, scale = [("peaky", 102), ("oneflow", 104)], [], 0.25
    else:
        held, tuned, scale = HELD_OUT, TUNING, 1.0
    # Day databases on tmpfs when there is one: the replay is many small fsync'd commits.
    work = Path(tempfile.mkdtemp(prefix="tbday-", dir=_fast_dir()))
    try:
        await _score(run, held, tuned, scale, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


LIVE_SPEED = 240.0


async def live_day(run: Run, profile: str, seed: int, scale: float, speed: float,
                   displays: int, work: Path) -> dict[str, Any]:
    """One day through HTTP on a server whose clock runs `speed` times faster; the same
    plan is also replayed in-process so both estimates can be compared on equal footing."""
    import asyncio

    from bench import load
    from bench.sim.live import LiveReplay
    from bench.sim.replay import DAY_START
    from bench.stats import percentile, rounded
    from server.core.clock import ClockSpec

    # Appointment arrivals are booked ahead over the portal API and checked in at the kiosk
    # endpoint on arrival (bench/sim/live.py), so the day has all three priority classes.
    plan = make_plan(PROFILES[profile], seed, scale=scale)
    # The virtual day starts `margin` seconds from now: time to start, log in and connect.
    margin = 10.0 if run.quick else 20.0
    clock = ClockSpec(DAY_START, time.time() + margin, speed)
    # One-time codes live 300 virtual seconds: about a wall second at 240x, too short for the
    # booking step's OTP → outbox → login round trips on a loaded box.
    run.start_servers(env={"TONGBAN_CLOCK": clock.render(), "TONGBAN_TOKEN_TTL_HOURS": "72",
                           "TONGBAN_OTP_TTL_SECONDS": "86400"})
    server = run.servers[0]
    watchers = load.Displays()
    out: dict[str, Any] = {"profile": profile, "seed": seed, "scale": scale, "speed": speed,
                           "arrivals": len(plan.arrivals)}
    try:
        await watchers.connect(load.ws_urls([server.ws_url], since=0), displays)
        live = LiveReplay(server.url, plan, clock)
        t0 = time.perf_counter()
        records = await asyncio.to_thread(live.run)
        out["late_start_s"] = round(max(0.0, live.started_wall - clock.real), 2)
        out["wall_s"] = round(time.perf_counter() - t0, 1)
        await asyncio.sleep(0.5)
        out.update({f"live_{k}": v for k, v in accuracy(records).items()})
        out.update({f"live_{k}": v for k, v in live.issue_rec.figures("issue").items()
                    if k.endswith(("_p50_ms", "_p99_ms", "_count", "_errors"))})
        out.update({f"live_{k}": v for k, v in live.call_rec.figures("call_next").items()
                    if k.endswith(("_p50_ms", "_p99_ms", "_count", "_errors"))})
        out.update({f"live_{k}": v for k, v in live.checkin_rec.figures("checkin").items()
                    if k.endswith(("_p50_ms", "_p99_ms", "_count", "_errors"))})
        out.update(live_appointments_planned=sum(a.priority == "appointment"
                                                 for a in plan.arrivals),
                   live_appointments_booked=len(live.bookings),
                   live_appointments_unbooked=live.unbooked,
                   live_checkins_with_priority=live.checked_in_priority,
                   live_booking_p50_ms=live.book_rec.figures("b")["b_p50_ms"],
                   live_booking_s=round(live.booking_s, 2))
        lat = watchers.latencies_ms(live.returned)
        out.update(live_call_to_display_p50_ms=rounded(percentile(lat, 50)),
                   live_call_to_display_p99_ms=rounded(percentile(lat, 99)),
                   live_displays=displays,
                   live_schedule_lag_p99_ms=rounded(percentile(live.lag_ms, 99)),
                   live_steps_late=len(live.lag_ms), live_steps=live.steps)
    finally:
        await watchers.close()
        run.stop_servers()
    dbs = DayDatabases(work, run.admin_url)
    try:
        url = dbs.new("live-twin")
        db = Database(url)
        settings = Settings(data_dir=work, database_url=url, demo=True)
        twin = Replay(db, settings, plan).run()
        db.dispose()
    finally:
        dbs.drop()
    out.update({f"inprocess_{k}": v for k, v in accuracy(twin).items()
                if k in ("tickets", "eta_mae_min", "eta_naive_mae_min")})
    return out


async def _score(run: Run, held: list, tuned: list, scale: float, work: Path) -> None:
    result = evaluate_days(held, scale=scale, admin_url=run.admin_url, work=work)
    overall = result["overall"]
    run.result.update({k: v for k, v in overall.items() if k.startswith("eta_")})
    run.result["eta_tickets"] = overall.get("tickets")
    run.result["eta_days"] = result["days"]
    run.result["eta_day_scale"] = scale
    run.result["eta_replay"] = ("in-process: server service functions with now= on a real "
                                f"{run.result['database']} database, one transaction per step")
    if tuned:
        run.result["eta_tuning_days"] = evaluate_days(
            tuned, scale=scale, admin_url=run.admin_url, work=work)["overall"]
    # A compressed busy day through the real server over HTTP and websockets.
    live = await live_day(run, "busy", 201, 0.15 if run.quick else 1.0,
                          300.0 if run.quick else LIVE_SPEED, 10 if run.quick else 50, work)
    run.result["live_day"] = live
    for key in ("issue_p50_ms", "issue_p99_ms", "call_next_p50_ms", "call_next_p99_ms",
                "call_to_display_p50_ms", "call_to_display_p99_ms"):
        run.result[key] = live.get(f"live_{key}")
    run.result["subscribers"] = live.get("live_displays")
