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
        held, tuned, scale = [("peaky", 102), ("oneflow", 104)], [], 0.35
    else:
        held, tuned, scale = HELD_OUT, TUNING, 1.0
    # Day databases on tmpfs when there is one: the replay is many small fsync'd commits.
    work = Path(tempfile.mkdtemp(prefix="tbday-", dir=_fast_dir()))
    try:
        await _score(run, held, tuned, scale, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


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
